"""The update round (issue 12): working days, opening a round, requests by email with reply
links, the owner's returns, and the officer's review."""

import datetime
import hashlib
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from recommendations.models import ActionPlanItem, Recommendation, Update
from recommendations.rounds import services
from recommendations.rounds.models import (
    EmailKind,
    EmailSent,
    RequestItem,
    RequestState,
    Return,
    ReturnState,
    UpdateRequest,
)
from reviews.dates import parse_working_day_offsets, working_days_before, working_days_between
from reviews.models import Committee, CommitteeKind, Meeting, Officer, Review
from scrutiny import roles
from scrutiny.formats import british_date

from .conftest import make_user

# --- working days ----------------------------------------------------------------------------


def test_ten_working_days_before_a_meeting_skip_the_weekends():
    # Thursday 16 July 2026, no bank holiday near: two weeks earlier.
    assert working_days_before(datetime.date(2026, 7, 16), 10) == datetime.date(2026, 7, 2)
    assert working_days_before(datetime.date(2026, 7, 16), 0) == datetime.date(2026, 7, 16)


def test_a_deadline_across_easter_skips_good_friday_and_easter_monday():
    # Easter 2026: Good Friday 3 April, Easter Monday 6 April. Thursday 16 April, less ten
    # working days: 15,14,13,10,9,8,7 April (not 6 or 3), 2, 1 April, 31 March.
    assert working_days_before(datetime.date(2026, 4, 16), 10) == datetime.date(2026, 3, 31)
    assert working_days_between(datetime.date(2026, 3, 31), datetime.date(2026, 4, 16)) == 10


def test_a_deadline_across_christmas_skips_both_bank_holidays_and_new_year():
    # Friday 8 January 2027, less five working days: 7, 6, 5, 4 January (Monday 4 is a
    # working day), then 31 December (1 January, Christmas 25 and Boxing Day substitute 28
    # December are bank holidays; 29 and 30 December are working days)... counted:
    # 7, 6, 5, 4 Jan, 31 Dec.
    assert working_days_before(datetime.date(2027, 1, 8), 5) == datetime.date(2026, 12, 31)
    # Across the whole break: 24 December 2026 (Thursday) to 4 January 2027 (Monday).
    # 25 (Fri) and 28 (Mon, Boxing Day substitute) December and 1 January are holidays.
    assert working_days_between(datetime.date(2026, 12, 24), datetime.date(2027, 1, 4)) == 4


def test_reminder_offsets_are_validated():
    assert parse_working_day_offsets("1, 5") == [5, 1]
    assert parse_working_day_offsets("") == []
    with pytest.raises(ValueError, match="not a number"):
        parse_working_day_offsets("5,soon")
    committee = Committee(name="Panel", kind=CommitteeKind.SCRUTINY, reminder_working_days="5,x")
    with pytest.raises(ValidationError) as refused:
        committee.clean_fields()
    assert "reminder_working_days" in refused.value.message_dict


# --- the world of a round --------------------------------------------------------------------


@pytest.fixture
def world(committee, review, cabinet, lead_officer_user):
    """A monitoring meeting a month ahead; Ann (who signs in) leads R1 and owns one of its
    actions, Bob (a partner contact with no account) owns another; one action is achieved, one
    has no owner on a recommendation with no lead officer; a rejected and a closed
    recommendation are not asked about."""
    today = timezone.localdate()
    meeting = Meeting.objects.create(committee=committee, date=today + datetime.timedelta(days=40))
    other_committee = Committee.objects.create(name="Other Panel", kind=CommitteeKind.SCRUTINY)
    ann = Officer.objects.create(
        name="Ann Owner", email="ann@council.example", user=lead_officer_user
    )
    bob = Officer.objects.create(name="Bob Partner", email="bob@nhs.example")

    def rec(number, **extra):
        return Recommendation.objects.create(
            review=review,
            number=number,
            text=f"That the council does thing {number}.",
            responsible_body=cabinet,
            **{"decision": "accepted", **extra},
        )

    r1 = rec(1, lead_officer=ann)
    a1 = ActionPlanItem.objects.create(recommendation=r1, number=1, action="Ann's", owner=ann)
    a2 = ActionPlanItem.objects.create(
        recommendation=r1,
        number=2,
        action="Bob's",
        owner=bob,
        target_date=today + datetime.timedelta(days=60),
    )
    ActionPlanItem.objects.create(recommendation=r1, number=3, action="Done", status="achieved")
    a4 = ActionPlanItem.objects.create(recommendation=r1, number=4, action="Lead's by default")
    r2 = rec(2, lead_officer=bob)  # no actions: asked about as a whole
    r3 = rec(3)  # no lead officer, no actions: unowned
    rec(4, decision="rejected", response_text="No", lead_officer=ann)
    other = Review.objects.create(
        title="Elsewhere", review_type="task_group", commissioning_committee=other_committee
    )
    Recommendation.objects.create(
        review=other,
        number=1,
        text="Not ours",
        responsible_body=cabinet,
        decision="accepted",
        lead_officer=ann,
    )
    return {
        "meeting": meeting,
        "ann": ann,
        "bob": bob,
        "r1": r1,
        "a1": a1,
        "a2": a2,
        "a4": a4,
        "r2": r2,
        "r3": r3,
    }


def test_the_round_asks_each_owner_once_for_all_their_open_items(world, officer_user):
    candidates = services.round_candidates(world["meeting"])
    by_owner = {
        o.name: [(c.recommendation.number, c.action and c.action.number) for c in rows]
        for o, rows in candidates.by_owner.items()
    }
    assert by_owner == {"Ann Owner": [(1, 1), (1, 4)], "Bob Partner": [(1, 2), (2, None)]}
    assert [(c.recommendation.number, c.action) for c in candidates.unowned] == [(3, None)]
    update_round = services.round_open(meeting=world["meeting"], user=officer_user)
    assert update_round.deadline == working_days_before(world["meeting"].date, 10)
    assert update_round.requests.count() == 2
    assert RequestItem.objects.filter(request__round=update_round).count() == 4
    assert update_round.history.first().history_user == officer_user
    with pytest.raises(ValidationError):
        services.round_open(meeting=world["meeting"], user=officer_user)


def test_a_round_is_for_a_scrutiny_committees_meeting_to_come(world, officer_user, cabinet):
    held = Meeting.objects.create(
        committee=world["meeting"].committee, date=timezone.localdate() - datetime.timedelta(1)
    )
    with pytest.raises(ValidationError, match="has been held"):
        services.round_open(meeting=held, user=officer_user)
    executive = Meeting.objects.create(committee=cabinet, date=world["meeting"].date)
    with pytest.raises(ValidationError, match="scrutiny committees"):
        services.round_open(meeting=executive, user=officer_user)


def test_the_reply_page_is_not_kept_by_caches(client, sent):
    response = client.get(sent["links"]["bob@nhs.example"])
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_a_deadline_after_the_meeting_is_refused(world, officer_user):
    with pytest.raises(ValidationError):
        services.round_open(
            meeting=world["meeting"],
            user=officer_user,
            deadline=world["meeting"].date + datetime.timedelta(days=1),
        )


def test_an_unowned_item_is_added_with_an_owner_and_removed(world, officer_user):
    update_round = services.round_open(meeting=world["meeting"], user=officer_user)
    item = services.round_add_item(
        update_round=update_round, recommendation=world["r3"], owner=world["ann"], user=officer_user
    )
    assert item.request.owner == world["ann"] and item.request.items.count() == 3
    with pytest.raises(ValidationError):
        services.round_add_item(
            update_round=update_round,
            recommendation=world["r3"],
            owner=world["bob"],
            user=officer_user,
        )
    services.round_remove_item(item=item, user=officer_user)
    assert not RequestItem.objects.filter(pk=item.pk).exists()
    assert RequestItem.history.filter(id=item.pk, history_type="-").exists()


def _link(mail) -> str:
    body = mail.body
    start = body.index("/reply/")
    return body[start : body.index("\n", start)]


@pytest.fixture
def sent(world, officer_user, mailoutbox):
    update_round = services.round_open(
        meeting=world["meeting"], user=officer_user, covering_text="Please be brief."
    )
    queued, skipped = services.round_send_all(update_round=update_round, user=officer_user)
    assert (queued, skipped) == (2, [])
    links = {m.to[0]: _link(m) for m in mailoutbox}
    return {**world, "round": update_round, "links": links, "mail": mailoutbox}


def test_each_owner_is_emailed_one_link_in_plain_text_and_html_and_the_email_is_logged(sent):
    mail = sent["mail"]
    assert sorted(m.to[0] for m in mail) == ["ann@council.example", "bob@nhs.example"]
    bob = next(m for m in mail if m.to == ["bob@nhs.example"])
    assert bob.subject.startswith("Update needed for Overview and Scrutiny Commission")
    assert "Please be brief." in bob.body and "action 2" in bob.body and "Ann's" not in bob.body
    html = bob.alternatives[0][0]
    assert 'lang="en-GB"' in html and "Give your update</a>" in html
    log = EmailSent.objects.filter(round=sent["round"])
    assert log.count() == 2 and set(log.values_list("kind", flat=True)) == {EmailKind.REQUEST}
    assert UpdateRequest.objects.filter(state=RequestState.SENT).count() == 2


def test_tokens_are_stored_only_as_their_hash(sent):
    token = sent["links"]["bob@nhs.example"].split("/")[2]
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert EmailSent.objects.filter(token_hash=digest).exists()
    for row in EmailSent.objects.values():
        assert token not in str(row)
    for row in EmailSent.history.values():
        assert token not in str(row)


def test_an_owner_without_an_account_drafts_then_submits_through_the_link(client, sent):
    link = sent["links"]["bob@nhs.example"]
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bob&#x27;s" in html or "Bob's" in html
    assert "Ann&#x27;s" not in html and "Ann's" not in html  # only his own items
    request = UpdateRequest.objects.get(owner=sent["bob"])
    assert request.first_opened_at is not None
    items = {i.action_id: i for i in request.items.all()}
    a2_item, r2_item = items[sent["a2"].pk], items[None]
    new_date = sent["a2"].target_date + datetime.timedelta(days=30)
    data = {
        f"item-{a2_item.pk}-text": "Half done.",
        f"item-{a2_item.pk}-reported_status": "on_track",
        f"item-{a2_item.pk}-proposed_target_date_0": str(new_date.day),
        f"item-{a2_item.pk}-proposed_target_date_1": str(new_date.month),
        f"item-{a2_item.pk}-proposed_target_date_2": str(new_date.year),
        f"item-{a2_item.pk}-proposed_date_reason": "The trust's board meets later.",
        "do": "draft",
    }
    assert client.post(link, data).status_code == 302
    draft = Return.objects.get(item=a2_item)
    assert draft.state == ReturnState.DRAFT and draft.written_by == sent["bob"]
    history = draft.history.first()
    assert history.history_user.username == "system"
    assert "Bob Partner" in history.history_change_reason
    assert not Update.objects.filter(recommendation=sent["r1"], text="Half done.").exists()
    data.update(
        {
            f"item-{a2_item.pk}-text": "Half done, on track.",
            f"item-{a2_item.pk}-version": str(draft.version),
            f"item-{r2_item.pk}-text": "Started.",
            "do": "submit",
        }
    )
    assert client.post(link, data).status_code == 302
    draft.refresh_from_db()
    assert draft.state == ReturnState.SUBMITTED and draft.text == "Half done, on track."
    assert Return.objects.get(item=r2_item).state == ReturnState.SUBMITTED
    # Nothing the owner typed is lost: the draft's words are in the history.
    assert draft.history.filter(text="Half done.").exists()
    # Submitted: the link shows it, but no longer changes it.
    before = draft.version
    data[f"item-{a2_item.pk}-text"] = "Changed after submitting"
    client.post(link, data)
    draft.refresh_from_db()
    assert draft.version == before and draft.text == "Half done, on track."


def test_a_return_is_accepted_as_the_owners_update_with_its_date_revision(sent, officer_user):
    bob_request = UpdateRequest.objects.get(owner=sent["bob"])
    item = bob_request.items.get(action=sent["a2"])
    new_date = sent["a2"].target_date + datetime.timedelta(days=30)
    reply = services.return_save(
        item=item,
        data=services.ReturnInput(
            text="Half done.",
            reported_status="off_track",
            proposed_target_date=new_date,
            proposed_date_reason="Board meets later.",
        ),
        written_by=sent["bob"],
        submit=True,
    )
    action = ActionPlanItem.objects.get(pk=sent["a2"].pk)
    assert action.target_date != new_date  # only when accepted
    reply = services.return_accept(reply=reply, user=officer_user, version=reply.version)
    update = reply.update
    assert update.author == sent["bob"] and update.entered_by == officer_user
    assert update.reported_to == sent["meeting"] and update.reported_status == "off_track"
    assert services.CAME_BY in update.history.first().history_change_reason
    action.refresh_from_db()
    assert action.target_date == new_date and action.target_revision_count == 1
    assert action.status == "off_track"
    with pytest.raises(ValidationError):
        services.return_accept(reply=reply, user=officer_user)


def test_an_officer_edits_with_a_reason_and_the_owners_words_stay_in_the_history(
    sent, officer_user
):
    item = UpdateRequest.objects.get(owner=sent["bob"]).items.get(action=None)
    reply = services.return_save(
        item=item,
        data=services.ReturnInput(text="Done stuff"),
        written_by=sent["bob"],
        submit=True,
    )
    edited = services.ReturnInput(text="Work has started on the register.")
    with pytest.raises(ValidationError):
        services.return_accept(reply=reply, user=officer_user, edited=edited, edit_reason="")
    reply = services.return_accept(
        reply=reply, user=officer_user, edited=edited, edit_reason="Plain English."
    )
    assert reply.update.text == "Work has started on the register."
    assert reply.history.filter(text="Done stuff").exists()


def test_a_return_sent_back_emails_the_owner_who_writes_it_again(sent, officer_user, client):
    item = UpdateRequest.objects.get(owner=sent["bob"]).items.get(action=None)
    reply = services.return_save(
        item=item, data=services.ReturnInput(text="Done"), written_by=sent["bob"], submit=True
    )
    sent["mail"].clear()
    with pytest.raises(ValidationError):
        services.return_send_back(reply=reply, comment=" ", user=officer_user)
    services.return_send_back(reply=reply, comment="Say what was done.", user=officer_user)
    reply.refresh_from_db()
    assert reply.state == ReturnState.RETURNED
    (message,) = sent["mail"]
    assert message.to == ["bob@nhs.example"] and "Say what was done." in message.body
    assert EmailSent.objects.filter(kind=EmailKind.RETURNED).count() == 1
    link = _link(message)
    assert "Say what was done." in client.get(link).content.decode()
    services.return_save(
        item=item,
        data=services.ReturnInput(text="The register is drafted."),
        written_by=sent["bob"],
        submit=True,
        version=reply.version,
    )
    reply.refresh_from_db()
    assert reply.state == ReturnState.SUBMITTED and reply.text == "The register is drafted."


# --- security --------------------------------------------------------------------------------


def _state():
    return (
        list(Return.objects.values_list("pk", "version")),
        list(UpdateRequest.objects.values_list("pk", "version")),
    )


def test_a_link_cannot_read_or_write_another_owners_items(client, sent):
    bob_link = sent["links"]["bob@nhs.example"]
    ann_item = UpdateRequest.objects.get(owner=sent["ann"]).items.first()
    client.get(bob_link)
    before = _state()
    response = client.post(
        bob_link, {f"item-{ann_item.pk}-text": "Written by Bob into Ann's item", "do": "submit"}
    )
    assert response.status_code == 200  # nothing of Bob's written: "write an update"
    assert not Return.objects.filter(item=ann_item).exists()
    assert _state() == before


@pytest.mark.parametrize("how", ["tampered", "revoked", "closed", "forwarded"])
def test_refused_links_get_a_clear_page_and_change_nothing(client, sent, officer_user, how):
    link = sent["links"]["bob@nhs.example"]
    bob_request = UpdateRequest.objects.get(owner=sent["bob"])
    item = bob_request.items.first()
    if how == "tampered":
        link = link[:-2] + ("A" if link[-2] != "A" else "B") + "/"
    elif how == "revoked":
        services.request_revoke(request=bob_request, user=officer_user)
    elif how == "closed":
        services.round_close(update_round=sent["round"], user=officer_user)
    else:
        services.request_forward(
            request=bob_request, name="Cath Colleague", email="cath@nhs.example", by=sent["bob"]
        )
    before = _state()
    page = client.get(link)
    assert page.status_code == (404 if how == "tampered" else 410)
    assert "Nothing has been changed." in page.content.decode()
    post = client.post(link, {f"item-{item.pk}-text": "Sneaky", "do": "submit"})
    assert post.status_code == page.status_code
    assert _state() == before and not Return.objects.exists()


def test_a_revoked_request_gets_a_working_link_in_the_next_email(client, sent, officer_user):
    bob_request = UpdateRequest.objects.get(owner=sent["bob"])
    services.request_revoke(request=bob_request, user=officer_user)
    sent["mail"].clear()
    services.request_send(request=bob_request, user=officer_user, kind=EmailKind.REMINDER)
    (reminder,) = sent["mail"]
    assert reminder.subject.startswith("Reminder:")
    assert client.get(_link(reminder)).status_code == 200
    assert client.get(sent["links"]["bob@nhs.example"]).status_code == 410


def test_the_reply_page_is_rate_limited(client, sent, settings):
    from scrutiny.caches import shared_cache

    cache = shared_cache()
    cache.clear()
    settings.REPLY_RATE_LIMIT_PER_LINK = 3
    link = sent["links"]["bob@nhs.example"]
    assert [client.get(link).status_code for _ in range(4)] == [200, 200, 200, 429]
    settings.REPLY_RATE_LIMIT_PER_LINK = 1000
    settings.REPLY_RATE_LIMIT_PER_ADDRESS = 2
    cache.clear()
    codes = [client.get(link[:-1] + "x/").status_code for _ in range(3)]
    assert codes == [404, 404, 429]  # guessing links from one address is limited too
    cache.clear()


def test_the_reply_limits_are_counted_in_the_cache_every_process_shares(
    client, sent, settings, tmp_path
):
    """Not in the default cache, which is each gunicorn worker's own memory: there each worker
    would have allowed the limit again."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "documents": {  # CACHE_URL's cache, here the file cache of a single machine
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared"),
        },
    }
    settings.REPLY_RATE_LIMIT_PER_LINK = 2
    link = sent["links"]["bob@nhs.example"]
    assert [client.get(link).status_code for _ in range(3)] == [200, 200, 429]
    caches["default"].clear()  # what another worker process starts with
    assert client.get(link).status_code == 429
    caches["documents"].clear()
    assert client.get(link).status_code == 200


def test_forwarding_hands_the_items_to_a_colleague_and_records_it(client, sent, mailoutbox):
    link = sent["links"]["bob@nhs.example"]
    mailoutbox.clear()
    response = client.post(
        link,
        {"do": "forward", "forward-name": "Cath Colleague", "forward-email": "cath@nhs.example"},
    )
    assert response.status_code == 200 and "Request forwarded" in response.content.decode()
    old = UpdateRequest.objects.get(owner=sent["bob"])
    new = UpdateRequest.objects.get(forwarded_from=old)
    assert old.state == RequestState.FORWARDED and new.owner.email == "cath@nhs.example"
    assert new.items.count() == 2 and old.items.count() == 0
    assert "Forwarded by Bob Partner" in old.history.first().history_change_reason
    (message,) = mailoutbox
    assert message.to == ["cath@nhs.example"]
    assert client.get(_link(message)).status_code == 200


def test_a_signed_in_owner_replies_from_my_actions_and_no_one_else_can(
    client, sent, lead_officer_user, officer_user
):
    ann_request = UpdateRequest.objects.get(owner=sent["ann"])
    url = reverse("round_reply_mine", args=[ann_request.pk])
    client.force_login(lead_officer_user)
    my_actions = client.get(reverse("my_actions")).content.decode()
    assert url in my_actions and "Update requested for" in my_actions
    item = ann_request.items.first()
    response = client.post(url, {f"item-{item.pk}-text": "Signed-in update", "do": "submit"})
    assert response.status_code == 302
    reply = Return.objects.get(item=item)
    assert reply.history.first().history_user == lead_officer_user
    bob_url = reverse("round_reply_mine", args=[UpdateRequest.objects.get(owner=sent["bob"]).pk])
    assert client.get(bob_url).status_code == 404
    other = make_user("other-lo", roles.LEAD_OFFICER)
    client.force_login(other)
    assert client.get(url).status_code == 404


# --- the officer's pages ---------------------------------------------------------------------


def test_the_officer_opens_a_round_from_the_meeting_page(client, world, officer_user):
    client.force_login(officer_user)
    meeting_page = client.get(world["meeting"].get_absolute_url()).content.decode()
    open_url = reverse("round_open", args=[world["meeting"].pk])
    assert open_url in meeting_page and "Open an update round" in meeting_page
    page = client.get(open_url).content.decode()
    assert "Ann Owner" in page and "No owner (1)" in page
    deadline = working_days_before(world["meeting"].date, 10)
    response = client.post(
        open_url,
        {
            "deadline_0": str(deadline.day),
            "deadline_1": str(deadline.month),
            "deadline_2": str(deadline.year),
            "covering_text": "Thank you.",
        },
    )
    update_round = world["meeting"].update_round
    assert response.status_code == 302 and response["Location"] == update_round.get_absolute_url()
    meeting_page = client.get(world["meeting"].get_absolute_url()).content.decode()
    assert update_round.get_absolute_url() in meeting_page


def test_the_round_page_shows_each_owners_items_filters_and_reminds(client, sent, officer_user):
    client.force_login(officer_user)
    url = sent["round"].get_absolute_url()
    html = client.get(url).content.decode()
    assert "Ann Owner" in html and "Bob Partner" in html and "Requested (4)" in html
    assert html.count('data-state="requested"') == 4
    item = UpdateRequest.objects.get(owner=sent["bob"]).items.first()
    services.return_save(
        item=item, data=services.ReturnInput(text="x"), written_by=sent["bob"], submit=True
    )
    filtered = client.get(url + "?state=submitted").content.decode()
    assert (
        filtered.count('data-state="submitted"') == 1 and 'data-state="requested"' not in filtered
    )
    sent["mail"].clear()
    bob_request = UpdateRequest.objects.get(owner=sent["bob"])
    response = client.post(reverse("round_request_remind", args=[bob_request.pk]))
    assert response.status_code == 302
    (reminder,) = sent["mail"]
    assert reminder.to == ["bob@nhs.example"]
    html = client.get(url).content.decode()
    assert "Reminder" in html.split('id="emails"')[1]


def test_the_round_page_shows_its_owners_a_page_at_a_time_keeping_the_filter(
    client, sent, officer_user
):
    client.force_login(officer_user)
    url = sent["round"].get_absolute_url()
    bob_request = UpdateRequest.objects.get(owner=sent["bob"])
    with mock.patch("recommendations.rounds.reads.OWNERS_PER_PAGE", 1):
        first = client.get(url + "?state=requested").content.decode()
        assert "Ann Owner" in first and "Bob Partner</h3>" not in first
        assert "Requested (4)" in first  # the counts are the whole round's
        assert "?state=requested&amp;page=2" in first and "Owners 1 to 1 of 2." in first
        second = client.get(url + "?state=requested&page=2").content.decode()
        assert "Bob Partner</h3>" in second and "Ann Owner</h3>" not in second
        # After acting for an owner, the officer is back on that owner's page.
        response = client.post(reverse("round_request_remind", args=[bob_request.pk]))
        assert response["Location"] == f"{url}?page=2#request-{bob_request.pk}"
        assert "Reminded " in client.get(url + "?page=2").content.decode()  # when, by owner
        assert client.get(url + "?page=99").status_code == 200  # the last page


def test_the_officer_accepts_a_return_through_the_review_page(client, sent, officer_user):
    item = UpdateRequest.objects.get(owner=sent["bob"]).items.get(action=None)
    reply = services.return_save(
        item=item, data=services.ReturnInput(text="Done."), written_by=sent["bob"], submit=True
    )
    client.force_login(officer_user)
    url = reverse("round_return_review", args=[reply.pk])
    assert "Done." in client.get(url).content.decode()
    refused = client.post(url, {"decision": "send_back", "version": reply.version})
    assert (
        refused.status_code == 200
        and "Say what the owner should change." in refused.content.decode()
    )
    response = client.post(url, {"decision": "accept", "version": reply.version})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.state == ReturnState.ACCEPTED and reply.update.text == "Done."
    stale = client.post(url, {"decision": "accept", "version": reply.version - 1})
    assert stale.status_code == 200 and Update.objects.filter(text="Done.").count() == 1


def test_only_scrutiny_officers_reach_the_round_pages(
    client, sent, lead_officer_user, councillor_user
):
    for user in (lead_officer_user, councillor_user):
        client.force_login(user)
        assert client.get(sent["round"].get_absolute_url()).status_code == 403
        assert client.get(reverse("round_open", args=[sent["meeting"].pk])).status_code == 403
        request = UpdateRequest.objects.get(owner=sent["bob"])
        assert client.post(reverse("round_request_remind", args=[request.pk])).status_code == 403


def test_the_dashboard_counts_rounds_open_and_returns_waiting(client, sent, officer_user):
    item = UpdateRequest.objects.get(owner=sent["bob"]).items.first()
    services.return_save(
        item=item, data=services.ReturnInput(text="x"), written_by=sent["bob"], submit=True
    )
    client.force_login(officer_user)
    html = client.get("/").content.decode()
    assert "1 round open; 1 return waiting for your review." in html
    assert sent["round"].get_absolute_url() in html
    meeting = client.get(sent["meeting"].get_absolute_url()).content.decode()
    assert "1 of 4 items returned, 1 waiting for review" in meeting


# --- query counts ----------------------------------------------------------------------------


def _grow(world, officer_user, n: int) -> None:
    """``n`` more owners, each with an accepted recommendation and two actions in the round,
    a return submitted and an email sent."""
    from recommendations.rounds.models import UpdateRound

    update_round = UpdateRound.objects.get(meeting=world["meeting"])
    base = Recommendation.objects.filter(review=world["r1"].review).count()
    for i in range(n):
        owner = Officer.objects.create(name=f"Owner {base + i}", email=f"o{base + i}@x.example")
        rec = Recommendation.objects.create(
            review=world["r1"].review,
            number=100 + base + i,
            text="More",
            decision="accepted",
            responsible_body=world["r1"].responsible_body,
            lead_officer=owner,
        )
        for number in (1, 2):
            action = ActionPlanItem.objects.create(recommendation=rec, number=number, owner=owner)
            item = services.round_add_item(
                update_round=update_round,
                recommendation=rec,
                action=action,
                owner=owner,
                user=officer_user,
            )
        services.return_save(
            item=item, data=services.ReturnInput(text="Done"), written_by=owner, submit=True
        )
        services.request_send(request=item.request, user=officer_user)


def test_the_round_pages_read_the_same_queries_at_two_sizes(
    client, sent, officer_user, lead_officer_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from recommendations.rounds.models import UpdateRound

    update_round = UpdateRound.objects.get(meeting=sent["meeting"])
    ann_request = UpdateRequest.objects.get(owner=sent["ann"])

    def counts():
        found = {}
        for name, user, url in [
            ("round", officer_user, update_round.get_absolute_url()),
            ("round filtered", officer_user, update_round.get_absolute_url() + "?state=submitted"),
            ("open page", officer_user, reverse("round_open", args=[sent["meeting"].pk])),
            ("meeting", officer_user, sent["meeting"].get_absolute_url()),
            ("dashboard", officer_user, "/"),
            ("reply", lead_officer_user, reverse("round_reply_mine", args=[ann_request.pk])),
            ("my actions", lead_officer_user, reverse("my_actions")),
        ]:
            client.force_login(user)
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code in (200, 302), url
            found[name] = len(ctx.captured_queries)
        return found

    # The round's page after the round is open; the open page redirects to it.
    _grow(sent, officer_user, 2)
    small = counts()
    _grow(sent, officer_user, 20)
    large = counts()
    assert small == large, f"query counts that grew: {small} then {large}"
    assert max(small.values()) <= 15, small


def test_the_reply_page_by_link_reads_the_same_queries_for_more_items(client, sent, officer_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    link = sent["links"]["bob@nhs.example"]
    bob_request = UpdateRequest.objects.get(owner=sent["bob"])
    client.get(link)  # the first opening is recorded; then none for ten minutes

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(link).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for number in range(5, 25):
        action = ActionPlanItem.objects.create(
            recommendation=sent["r1"], number=number, owner=sent["bob"]
        )
        item = RequestItem(request=bob_request, recommendation=sent["r1"], action=action)
        item.save()
        services.return_save(
            item=item, data=services.ReturnInput(text="Draft"), written_by=sent["bob"], submit=False
        )
    assert count() == small


def test_the_committees_round_settings_are_edited_and_checked(client, committee, officer_user):
    client.force_login(officer_user)
    url = reverse("committee_edit", args=[committee.pk])
    data = {
        "name": committee.name,
        "kind": committee.kind,
        "returns_deadline_working_days": "8",
        "reminder_working_days": "5, soon",
        "round_opens_working_days": "",
        "version": committee.version,
    }
    refused = client.post(url, data)
    assert (
        refused.status_code == 200 and "is not a number of working days" in refused.content.decode()
    )
    data["reminder_working_days"] = "3,1"
    assert client.post(url, data).status_code == 302
    committee.refresh_from_db()
    assert committee.returns_deadline_working_days == 8 and committee.reminder_offsets() == [3, 1]


# --- the meeting's tracker -------------------------------------------------------------------


def _tracker(meeting, as_at=None):
    from recommendations.documents.content import build_content
    from recommendations.documents.key import prepare
    from recommendations.documents.spec import DocumentSpec, select_recommendations

    spec = DocumentSpec(kind="meeting_tracker", meeting_id=meeting.pk, as_at=as_at)
    selection = select_recommendations(spec)
    return build_content(spec, selection), prepare(spec, selection).key


def _missing(content) -> dict:
    """{owner: [(item, note)]} of the tracker's list of updates requested and not returned."""
    return {
        row["owner"]: [(item["name"], item["note"]) for item in row["items"]]
        for row in content["update_round"]["owners"]
    }


def _updates(content) -> list[str]:
    return [
        str(update.text)
        for block in content["blocks"]
        for row in block.rows
        for update in row.updates
    ]


def test_the_meeting_tracker_lists_what_was_requested_and_not_returned(sent, officer_user):
    content, key = _tracker(sent["meeting"])
    missing = _missing(content)
    assert sorted(missing) == ["Ann Owner", "Bob Partner"]
    assert [note for _, note in missing["Bob Partner"]] == ["Not returned", "Not returned"]
    today = british_date(timezone.localdate())
    bob = next(r for r in content["update_round"]["owners"] if r["owner"] == "Bob Partner")
    assert bob["requested_on"] == today and bob["reminded_on"] == ""
    assert "The 4 not returned are listed after the table" in " ".join(content["background"])

    # Bob returns the recommendation as a whole: it leaves the list (awaiting review).
    bob_request = UpdateRequest.objects.get(owner=sent["bob"])
    item = bob_request.items.get(action=None)
    reply = services.return_save(
        item=item,
        data=services.ReturnInput(text="The register is drafted."),
        written_by=sent["bob"],
        submit=True,
    )
    content, submitted_key = _tracker(sent["meeting"])
    assert submitted_key != key
    assert len(_missing(content)["Bob Partner"]) == 1
    assert content["update_round"]["waiting"] == 1
    assert "The register is drafted." not in " ".join(_updates(content))

    # Accepted, it is an update reported to the meeting, printed in the table.
    services.return_accept(reply=reply, user=officer_user)
    content, accepted_key = _tracker(sent["meeting"])
    assert accepted_key != submitted_key
    assert "The register is drafted." in " ".join(_updates(content))
    assert content["update_round"]["returned"] == 1 and content["update_round"]["waiting"] == 0

    # A reminder to Ann, and Bob's other return sent back: both are on the list as they are.
    ann_request = UpdateRequest.objects.get(owner=sent["ann"])
    services.request_send(request=ann_request, user=officer_user, kind=EmailKind.REMINDER)
    action_item = bob_request.items.get(action=sent["a2"])
    reply = services.return_save(
        item=action_item, data=services.ReturnInput(text="?"), written_by=sent["bob"], submit=True
    )
    services.return_send_back(reply=reply, comment="Say more.", user=officer_user)
    content, reminded_key = _tracker(sent["meeting"])
    assert reminded_key != accepted_key
    ann = next(r for r in content["update_round"]["owners"] if r["owner"] == "Ann Owner")
    assert ann["reminded_on"] == today
    ((_, note),) = _missing(content)["Bob Partner"]
    assert note == f"Sent back to the owner on {today}; not returned again"

    # As at a day before the round, nothing had been asked.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    content, _ = _tracker(sent["meeting"], as_at=yesterday)
    assert content["update_round"]["owners"] == [] and content["update_round"]["requested"] == 0


def test_the_meeting_tracker_as_at_a_date_reads_the_returns_history(sent, officer_user):
    """As at a date, a return is where its history had it that day."""
    bob_request = UpdateRequest.objects.get(owner=sent["bob"])
    item = bob_request.items.get(action=None)
    reply = services.return_save(
        item=item, data=services.ReturnInput(text="Done"), written_by=sent["bob"], submit=True
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # Sent back "tomorrow": as at today the return was in, as at tomorrow it is not.
    later = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        services.return_send_back(reply=reply, comment="More.", user=officer_user)
    today_content, _ = _tracker(sent["meeting"], as_at=timezone.localdate())
    assert len(_missing(today_content)["Bob Partner"]) == 1
    tomorrow_content, _ = _tracker(sent["meeting"], as_at=tomorrow)
    assert len(_missing(tomorrow_content)["Bob Partner"]) == 2


def test_the_meeting_tracker_pdf_and_the_meeting_page_list_the_missing_returns(
    client, sent, officer_user, councillor_user
):
    import io

    from pypdf import PdfReader

    client.force_login(councillor_user)
    page = client.get(sent["meeting"].get_absolute_url()).content.decode()
    assert "Requested and not returned (4)" in page and "Bob Partner" in page
    response = client.get(reverse("documents_meeting_tracker", args=[sent["meeting"].pk]))
    assert response.status_code == 200
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "UPDATES REQUESTED AND NOT RETURNED" in text.upper()  # headings are in capitals
    assert "Ann Owner" in text and "Not returned" in text


def test_a_reply_limit_ends_with_its_window_on_a_cache_that_keeps_values_for_ever(
    client, sent, settings, tmp_path, monkeypatch
):
    """The shared cache keeps values with no timeout by default; on the database and file
    caches ``incr`` wrote a counter again with that default, so once a link (or an address:
    every client's, behind a proxy not trusted) had been counted twice its counter never
    expired, and the limit refused it for good."""
    import time

    settings.CACHES = {
        **settings.CACHES,
        "documents": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared"),
            "TIMEOUT": None,
        },
    }
    settings.REPLY_RATE_LIMIT_PER_LINK = 2
    settings.REPLY_RATE_LIMIT_WINDOW_SECONDS = 600
    clock = [1_900_000_000.0]  # a fixed clock for the cache and the counters
    monkeypatch.setattr(time, "time", lambda: clock[0])
    link = sent["links"]["bob@nhs.example"]
    assert [client.get(link).status_code for _ in range(3)] == [200, 200, 429]
    clock[0] += 599  # still within the window
    assert client.get(link).status_code == 429
    clock[0] += 2  # the window is over
    assert client.get(link).status_code == 200
