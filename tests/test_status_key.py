"""Statuses that cannot contradict the record, and the council's own status key (issue 11,
points 2 and 4): each rule where it lives, then through the forms in the test client."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from recommendations.documents.content import build_content
from recommendations.documents.key import prepare
from recommendations.documents.render import document_html
from recommendations.documents.spec import DocumentSpec, select_recommendations
from recommendations.models import (
    ActionPlanItem,
    Recommendation,
    StatusKeyEntry,
    Update,
    status_key,
)
from recommendations.services import (
    recommendation_archive,
    recommendation_close,
    recommendation_reopen,
    recommendation_respond,
    review_status_follows,
    status_key_entry_save,
    update_post,
)
from recommendations.statuses import DEFAULT_KEY, KeyEntry, StatusKey, derived_status
from reviews.models import Meeting, ReviewStatus
from reviews.services import review_record_receipt, review_save

from .test_permissions import page_form

D = datetime.date


@pytest.fixture
def rec(review):
    return Recommendation.objects.create(review=review, number=1, text="That the council ...")


@pytest.fixture
def officer_client(client, officer_user):
    client.force_login(officer_user)
    return client


def a_key(*extra: KeyEntry, retire: tuple[str, ...] = ()) -> StatusKey:
    """The default key with ``extra`` statuses, and those of ``retire`` no longer offered."""
    entries = [e._replace(offered=e.code not in retire) for e in DEFAULT_KEY]
    return StatusKey([*entries, *extra])


COMPLETE = KeyEntry("complete", "Complete", "achieved", "turquoise", "Complete: done", 0)


def derive(key: StatusKey, actions=(), *, held="", closed=False, decision="", reported=""):
    return derived_status(
        closed=closed,
        decision=decision,
        set_by_officer=held,
        action_statuses=lambda: list(actions),
        reported_status=lambda: reported,
        key=key,
    )


# --- the rule, on the fixed categories (recommendations/statuses.py) ------------------------


def test_a_status_the_rules_give_is_the_first_offered_of_its_category():
    key = a_key(COMPLETE)
    assert derive(key, ["achieved", "complete"]) == "complete"  # both count as achieved
    assert derive(key, ["complete", "off_track"]) == "off_track"
    assert derive(key, ["complete", "not_started"]) == "on_track"
    assert derive(a_key(COMPLETE._replace(offered=False)), ["complete"]) == "achieved"
    assert derive(a_key(retire=("achieved",)), ["achieved"]) == "achieved"  # none offered


def test_closed_and_not_accepted_come_only_from_the_record():
    key = a_key()
    assert derive(key, ["on_track"], held="closed") == "on_track"  # a held "closed" is ignored
    assert derive(key, ["on_track"], held="not_accepted") == "on_track"
    assert derive(key, ["on_track"], held="paused", closed=True) == "closed"
    assert derive(key, [], held="paused", decision="rejected") == "not_accepted"
    assert derive(key, ["achieved"], held="off_track") == "off_track"  # held progress wins


def test_with_no_actions_the_update_on_the_whole_recommendation_gives_the_status():
    key = a_key()
    assert derive(key, [], reported="on_track") == "on_track"
    assert derive(key, []) == "not_started"
    assert derive(key, ["off_track"], reported="achieved") == "off_track"  # actions win


def test_a_status_not_in_the_key_is_shown_in_words_in_grey():
    entry = a_key().entry("mothballed")
    assert (entry.label, entry.colour, entry.category) == ("Mothballed", "grey", "")


# --- the records and services -----------------------------------------------------------


@pytest.mark.parametrize("held", ["closed", "not_accepted", "no_such_status"])
def test_an_officer_cannot_hold_an_end_or_an_unknown_status(rec, held):
    rec.status_set_by_officer = held
    with pytest.raises(ValidationError) as refused:
        rec.full_clean()
    assert "progress status" in str(refused.value.message_dict["status_set_by_officer"])


def test_a_held_paused_status_needs_its_reason(rec):
    rec.status_set_by_officer = "paused"
    with pytest.raises(ValidationError) as refused:
        rec.full_clean()
    assert "Give the reason the status is “Paused”" in str(refused.value)
    rec.status_reason = "Waiting for the budget"
    rec.full_clean()
    rec.save()
    assert rec.status == "paused"


def test_an_update_on_a_recommendation_without_actions_moves_its_status(rec, officer_user):
    update_post(recommendation=rec, text="Started", reported_status="on_track", user=officer_user)
    rec.refresh_from_db()
    assert rec.status == "on_track"
    assert rec.history.first().history_change_reason.startswith("Status reported in the update")
    update_post(  # an older report does not undo a newer one
        recommendation=rec,
        text="Earlier",
        date=D(2020, 1, 1),
        reported_status="off_track",
        user=officer_user,
    )
    rec.refresh_from_db()
    assert rec.status == "on_track"


def test_with_actions_an_update_on_the_whole_recommendation_leaves_the_status(rec, officer_user):
    ActionPlanItem.objects.create(recommendation=rec, action="A", status="on_track")
    update_post(recommendation=rec, text="All done", reported_status="achieved", user=officer_user)
    rec.refresh_from_db()
    assert rec.status == "on_track"


def test_a_paused_update_needs_its_reason_and_its_action_keeps_it(rec, officer_user):
    action = ActionPlanItem.objects.create(recommendation=rec, action="A")
    with pytest.raises(ValidationError):
        update_post(
            recommendation=rec, action=action, text="x", reported_status="paused", user=officer_user
        )
    assert Update.objects.count() == 0
    update_post(
        recommendation=rec,
        action=action,
        text="On hold",
        reported_status="paused",
        status_reason="The contract is re-let",
        user=officer_user,
    )
    action.refresh_from_db()
    assert (action.status, action.status_reason) == ("paused", "The contract is re-let")


@pytest.fixture
def responded(review, officer_user, cabinet_meeting, committee):
    """Two recommendations, the executive's response to one; the review awaits the rest."""
    review.status = ReviewStatus.AWAITING_RESPONSE
    review.save()
    first = Recommendation.objects.create(review=review, number=1, text="One")
    second = Recommendation.objects.create(review=review, number=2, text="Two")
    recommendation_respond(
        recommendation=first, decision="accepted", meeting=cabinet_meeting, user=officer_user
    )
    return first, second


def test_a_review_moves_on_when_every_recommendation_has_a_response_then_is_closed(
    review, responded, officer_user, cabinet_meeting, committee
):
    first, second = responded
    review.refresh_from_db()
    assert review.status == ReviewStatus.AWAITING_RESPONSE
    recommendation_respond(
        recommendation=second, decision="accepted", meeting=cabinet_meeting, user=officer_user
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.MONITORING
    reason = review.history.first().history_change_reason
    assert reason == "Status follows the recommendations: every recommendation has its response"

    meeting = Meeting.objects.create(committee=committee, date=D(2017, 3, 2))
    recommendation_close(recommendation=first, meeting=meeting, minute_reference="12", user=None)
    review.refresh_from_db()
    assert review.status == ReviewStatus.MONITORING
    recommendation_archive(recommendation=second, reason="Entered twice", user=officer_user)
    review_status_follows(review_id=review.pk, user=officer_user)  # archived ones do not count
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED

    # A closure recorded in error is undone: the review is monitored again.
    recommendation_reopen(recommendation=first, reason="Closed in error", user=officer_user)
    review.refresh_from_db()
    assert review.status == ReviewStatus.MONITORING
    reason = review.history.first().history_change_reason
    assert reason == "Status follows the recommendations: one has been reopened"


def test_a_held_review_status_does_not_move(review, responded, officer_user, cabinet_meeting):
    review.refresh_from_db()
    review.status_held = True
    review_save(review=review, user=officer_user, reason="The committee wants it kept")
    recommendation_respond(
        recommendation=responded[1], decision="noted", response_text="Elsewhere",
        meeting=cabinet_meeting, user=officer_user,
    )  # fmt: skip
    review.refresh_from_db()
    assert review.status == ReviewStatus.AWAITING_RESPONSE


def test_a_held_review_status_stays_when_the_report_is_received(review, cabinet_meeting):
    review.status_held = True
    review.save()
    review_record_receipt(review=review, meeting=cabinet_meeting, user=None)
    review.refresh_from_db()
    assert (review.status, review.report_received_on) == ("scoping", cabinet_meeting.date)


def test_the_review_page_says_its_status_is_held(officer_client, review):
    review.status_held = True
    review.save()
    page = officer_client.get(review.get_absolute_url()).content.decode()
    assert "Held by an officer: responses and closures do not move it" in page


# --- the council's key ------------------------------------------------------------------


def entry(code: str) -> StatusKeyEntry:
    return StatusKeyEntry.objects.get(code=code)


@pytest.mark.django_db
def test_the_default_key_is_todays():
    key = status_key()
    assert key.entries == list(DEFAULT_KEY)
    assert [e.code for e in key.by_category] == [
        "not_started", "on_track", "off_track", "achieved", "paused", "not_accepted", "closed",
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_status_keeps_its_code_and_while_used_its_category(rec, officer_user):
    paused = entry("paused")
    paused.code = "on_hold"
    with pytest.raises(ValidationError, match="code cannot change"):
        status_key_entry_save(entry=paused, user=officer_user)
    not_started = entry("not_started")  # the recommendation has it
    not_started.category = "on_track"
    with pytest.raises(ValidationError, match="its category cannot change"):
        status_key_entry_save(entry=not_started, user=officer_user)
    closed = entry("closed")
    closed.offered = False
    with pytest.raises(ValidationError, match="needs a status that is offered"):
        status_key_entry_save(entry=closed, user=officer_user)
    assert {e.version for e in StatusKeyEntry.objects.all()} == {1}  # nothing saved


def test_a_council_key_is_shown_on_the_pages_and_in_the_documents(demo, client, officer_user):
    ongoing = entry("on_track")
    ongoing.label, ongoing.colour, ongoing.meaning = "Ongoing", "turquoise", "Ongoing: in hand"
    rec = Recommendation.objects.get(reference="2016/17 R2")
    spec = DocumentSpec(kind="action_plan", review_id=rec.review_id)
    before = prepare(spec, select_recommendations(spec).queryset).key
    status_key_entry_save(entry=ongoing, user=officer_user, reason="Our own words")
    status_key_entry_save(
        entry=StatusKeyEntry(
            code="complete", label="Complete", category="achieved", colour="green",
            meaning="Complete: no more monitoring", order=0,
        ),
        user=officer_user,
    )  # fmt: skip
    assert prepare(spec, select_recommendations(spec).queryset).key != before

    client.force_login(officer_user)
    rec.status_set_by_officer = "on_track"
    rec.save()
    page = client.get(rec.get_absolute_url()).content.decode()
    assert 'govuk-tag--turquoise" data-status="on_track">Ongoing</strong>' in page
    assert ">Ongoing: in hand</strong>" in page and ">Complete: no more monitoring</strong>" in page
    document = document_html(build_content(spec, select_recommendations(spec)))
    assert 'class="status status--turquoise">Ongoing<' in document
    assert ">Complete</span> (green)</td><td>Complete: no more monitoring<" in document
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert re.search(r">Complete</text>\s*<rect [^>]*app-chart__bar--green", dashboard)
    form = client.get(reverse("update_create", args=[rec.pk])).content.decode()
    assert '<option value="complete">Complete</option>' in form
    assert '<option value="closed">' not in form


# --- through the forms ------------------------------------------------------------------


def hold(client, rec, status: str, **more):
    """Send the recommendation's edit form holding ``status``: the page it answers with."""
    data = {"number": 1, "text": rec.text, "version": rec.version, "status_set_by_officer": status}
    return client.post(reverse("recommendation_edit", args=[rec.pk]), {**data, **more})


def test_the_recommendation_form_offers_progress_statuses_and_refuses_closed(officer_client, rec):
    form = officer_client.get(reverse("recommendation_edit", args=[rec.pk])).content.decode()
    held = form.split('name="status_set_by_officer"')[1].split("</select>")[0]
    offered = re.findall(r'<option value="([a-z_]*)"', held)
    assert offered == ["", "not_started", "on_track", "off_track", "achieved", "paused"]
    response = hold(officer_client, rec, "closed")
    assert response.status_code == 200
    assert "Choose a status from the list." in response.content.decode()
    rec.refresh_from_db()
    assert (rec.version, rec.status_set_by_officer) == (1, "")


def test_a_held_paused_status_through_the_form_needs_and_shows_its_reason(officer_client, rec):
    response = hold(officer_client, rec, "paused")
    assert response.status_code == 200
    assert "Give the reason the status is “Paused”" in response.content.decode()
    rec.refresh_from_db()
    assert rec.version == 1
    response = hold(officer_client, rec, "paused", status_reason="Awaiting the new contract")
    assert response.status_code == 302
    page = officer_client.get(rec.get_absolute_url()).content.decode()
    assert 'data-status="paused">Paused</strong>' in page
    assert "Reason: Awaiting the new contract" in page and "Held by an officer" in page


def test_the_history_gives_statuses_in_the_words_of_the_key(officer_client, rec):
    hold(officer_client, rec, "off_track")
    page = officer_client.get(reverse("recommendation_history", args=[rec.pk])).content
    assert "Unacceptable progress" in page.decode() and "off_track" not in page.decode()


def test_a_paused_update_through_the_form_needs_its_reason_shown_in_the_document(
    officer_client, rec
):
    action = ActionPlanItem.objects.create(recommendation=rec, action="Re-let the contract")
    url = reverse("update_create", args=[rec.pk])
    today = datetime.date.today()
    data = {
        "action": action.pk,
        "date_0": today.day,
        "date_1": today.month,
        "date_2": today.year,
        "text": "Stopped for now",
        "reported_status": "paused",
    }
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert "Give the reason for “Paused”" in response.content.decode()
    assert Update.objects.count() == 0
    response = officer_client.post(url, {**data, "status_reason": "Budget frozen"})
    assert response.status_code == 302
    page = officer_client.get(rec.get_absolute_url()).content.decode()
    assert "Budget frozen" in page
    spec = DocumentSpec(kind="action_plan", review_id=rec.review_id)
    document = document_html(build_content(spec, select_recommendations(spec)))
    assert "Paused: Budget frozen" in document


def test_the_review_form_holds_the_status(officer_client, review, officer_user, cabinet_meeting):
    url = reverse("review_edit", args=[review.pk])
    data = page_form(officer_client.get(url).content).data()
    data.update(status="awaiting_response", status_held="on", change_reason="Kept by the chair")
    assert officer_client.post(url, data).status_code == 302
    review.refresh_from_db()
    assert (review.status, review.status_held) == ("awaiting_response", True)
    rec = Recommendation.objects.create(review=review, number=1, text="One")
    recommendation_respond(
        recommendation=rec, decision="accepted", meeting=cabinet_meeting, user=officer_user
    )
    review.refresh_from_db()
    assert review.status == "awaiting_response"  # held
    data = page_form(officer_client.get(url).content).data()
    data.pop("status_held", None)  # the box unticked
    assert officer_client.post(url, data).status_code == 302
    recommendation_respond(
        recommendation=rec, decision="noted", response_text="Elsewhere", date=cabinet_meeting.date,
        user=officer_user,
    )  # fmt: skip
    review.refresh_from_db()
    assert review.status == "monitoring"


# --- the administrator's page -------------------------------------------------------------


def test_an_administrator_adds_a_status_to_the_key_with_history(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:recommendations_statuskeyentry_changelist")).status_code == 200
    response = client.post(
        reverse("admin:recommendations_statuskeyentry_add"),
        {
            "code": "ongoing",
            "label": "Ongoing",
            "category": "on_track",
            "colour": "light-blue",
            "meaning": "Ongoing: keep monitoring",
            "order": 3,
            "offered": "on",
            "change_reason": "The council reports ongoing actions",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = entry("ongoing")
    assert added.history.get().history_user == admin_user
    assert added.history.get().history_change_reason == "The council reports ongoing actions"
    assert status_key().label("ongoing") == "Ongoing"
    bad = client.post(
        reverse("admin:recommendations_statuskeyentry_add"),
        {"code": "Not A Code", "label": "x", "category": "on_track", "colour": "pink",
         "meaning": "x", "order": 1, "change_reason": "x"},
    )  # fmt: skip
    assert bad.status_code == 200 and not StatusKeyEntry.objects.filter(label="x").exists()
    delete = reverse("admin:recommendations_statuskeyentry_delete", args=[added.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert StatusKeyEntry.objects.filter(code="ongoing").exists()


def test_derived_statuses_follow_the_first_status_of_their_category(rec, admin_user):
    ActionPlanItem.objects.create(recommendation=rec, action="A", status="achieved")
    held = Recommendation.objects.create(
        review=rec.review, number=2, text="T", status_set_by_officer="achieved"
    )
    rec.refresh_from_db()
    assert rec.status == "achieved"
    complete = StatusKeyEntry(
        code="complete", label="Complete", category="achieved", colour="green",
        meaning="Complete", order=0,
    )  # fmt: skip
    status_key_entry_save(entry=complete, user=admin_user, reason="Our council says Complete")
    rec.refresh_from_db()
    held.refresh_from_db()
    assert (rec.status, held.status) == ("complete", "achieved")  # a held status stays
    latest = rec.history.first()
    assert latest.history_change_reason == "The council's status key changed: Complete"
    assert latest.history_user == admin_user
