"""Corrections with reasons, never silent (issue 11, point 3): reopening a closed
recommendation, editing and withdrawing an update, withdrawing a published document and
publishing its replacement, and a lead officer's change to the wording of an agreed action.

Each correction needs a reason, is audited (a history row with the reason) and shows on the
record; each refusal changes nothing and says what to do. The rules are tested in the services
that hold them, and through the forms with the test client.
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from recommendations import services
from recommendations.documents import service as documents_service
from recommendations.documents.key import prepare
from recommendations.documents.models import PublishedDocument
from recommendations.documents.spec import DocumentSpec, select_recommendations
from recommendations.models import ActionPlanItem, Recommendation, RecommendationStatus, Update
from recommendations.plan import load_plan
from reviews.models import Meeting, Officer
from scrutiny.audit import acting_as
from scrutiny.editing import StaleEdit
from scrutiny.formats import british_date

from .test_permissions import changed, fake_published, page_form, snapshot


def r1() -> Recommendation:
    return Recommendation.objects.get(reference="2016/17 R1")


def july_2017() -> Meeting:
    return Meeting.objects.get(date="2017-07-06")


def the_update() -> Update:
    """The update of action 1 of 2016/17 R1, reported to the Commission in July 2017."""
    return r1().updates.get()


def lead_officer() -> User:
    """Sophie Ellis, who owns action 1 of 2016/17 R1."""
    return User.objects.get(username="leadofficer")


def closed_r1(user) -> Recommendation:
    return services.recommendation_close(
        recommendation=r1(), meeting=july_2017(), minute_reference="Minute 7/17", user=user
    )


@pytest.fixture
def documents_cache(settings, tmp_path):
    """A cache of made PDFs of the test's own."""
    settings.CACHES = {
        **settings.CACHES,
        "documents": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"documents-{tmp_path.name}",
        },
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- reopening a closed recommendation -------------------------------------------------------


def test_reopening_clears_the_closure_keeps_the_reason_and_derives_the_status(demo, officer_user):
    closed = closed_r1(officer_user)
    assert closed.status == RecommendationStatus.CLOSED
    reopened = services.recommendation_reopen(
        recommendation=closed,
        reason="The closure was recorded against the wrong recommendation.",
        user=officer_user,
        version=closed.version,
    )
    reopened.refresh_from_db()
    assert reopened.closed_at_meeting is None and reopened.closed_on is None
    assert reopened.closure_minute_reference == ""
    assert reopened.status != RecommendationStatus.CLOSED
    assert reopened.status == reopened.derive_status()
    assert reopened.reopened_by == officer_user and reopened.reopened_at is not None
    row = reopened.history.first()
    assert row.history_user == officer_user
    assert "wrong recommendation" in row.history_change_reason
    assert "Minute 7/17" in row.history_change_reason  # the closure it undid, in words
    # The closure is still in the history.
    assert reopened.history.filter(closed_at_meeting=july_2017()).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_needs_a_reason_and_changes_nothing_without_one(demo, officer_user, reason):
    closed = closed_r1(officer_user)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.recommendation_reopen(recommendation=closed, reason=reason, user=officer_user)
    assert "Give the reason" in str(refused.value)
    assert not changed(before, snapshot())


def test_an_open_recommendation_is_not_reopened(demo, officer_user):
    with pytest.raises(ValidationError, match="not closed"):
        services.recommendation_reopen(recommendation=r1(), reason="Why not", user=officer_user)


def test_a_stale_reopening_is_refused(demo, officer_user):
    closed = closed_r1(officer_user)
    seen = closed.version
    with acting_as(officer_user):
        closed.service_area = "Changed meanwhile"
        closed.save()
    with pytest.raises(StaleEdit):
        services.recommendation_reopen(
            recommendation=closed, reason="Late", user=officer_user, version=seen
        )
    assert Recommendation.objects.get(pk=closed.pk).is_closed


def test_reopening_through_the_page_shows_on_the_record_and_in_the_history(
    client, demo, officer_user
):
    closed = closed_r1(officer_user)
    client.force_login(officer_user)
    detail = client.get(closed.get_absolute_url()).content.decode()
    url = reverse("recommendation_reopen", args=[closed.pk])
    assert url in detail
    page = client.get(url)
    assert "Minute 7/17" in page.content.decode()
    form = page_form(page.content)

    before = snapshot()
    refused = client.post(url, form.data())  # no reason
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    assert "Why is this recommendation being reopened?" in refused.content.decode()
    assert not changed(before, snapshot())

    data = form.data()
    data["reason"] = "Closed by mistake: the committee deferred it."
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(closed.get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert f"Reopened on {today.day} {today:%B %Y} by Scrutiny Officer: Closed by mistake" in page
    assert "Open: the committee has not agreed to close it." in page
    history = client.get(reverse("recommendation_history", args=[closed.pk])).content.decode()
    assert "Closed by mistake: the committee deferred it." in history

    # A page opened before the reopening, sent again: refused, with both versions shown.
    stale = client.post(url, {**data, "version": str(closed.version)})
    assert stale.status_code in (302, 409)  # not closed any more: back to the record
    assert not Recommendation.objects.get(pk=closed.pk).is_closed


def test_a_stale_reopening_page_gets_the_conflict_page(client, demo, officer_user):
    closed = closed_r1(officer_user)
    client.force_login(officer_user)
    url = reverse("recommendation_reopen", args=[closed.pk])
    data = page_form(client.get(url).content).data()
    with acting_as(officer_user):
        closed.service_area = "Changed meanwhile"
        closed.save()
    data["reason"] = "Closed by mistake."
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Your changes have not been saved" in response.content.decode()
    assert Recommendation.objects.get(pk=closed.pk).is_closed


def test_only_scrutiny_officers_reopen(client, demo, officer_user, councillor_user):
    closed = closed_r1(officer_user)
    url = reverse("recommendation_reopen", args=[closed.pk])
    for user in (councillor_user, lead_officer()):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x", "version": closed.version}).status_code == 403
        assert url not in client.get(closed.get_absolute_url()).content.decode()
    assert Recommendation.objects.get(pk=closed.pk).is_closed


# --- editing an update -----------------------------------------------------------------------


def test_editing_an_update_needs_a_reason_and_shows_on_the_record(client, demo, officer_user):
    update = the_update()
    client.force_login(officer_user)
    url = reverse("update_edit", args=[update.pk])
    assert url in client.get(r1().get_absolute_url()).content.decode()
    form = page_form(client.get(url).content)
    data = form.data()
    assert data["text"] == update.text  # the form shows the update as it stands
    data["text"] = "Corrected: the shared service went live in June, not May."

    before = snapshot()
    refused = client.post(url, data)
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert not changed(before, snapshot())

    data["reason"] = "The month was wrong."
    response = client.post(url, data)
    assert response.status_code == 302
    edited = Update.objects.get(pk=update.pk)
    assert edited.text.startswith("Corrected") and edited.edit_reason == "The month was wrong."
    page = client.get(r1().get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert f"Edited on {today.day} {today:%B %Y}: The month was wrong." in page
    row = edited.history.first()
    assert row.history_change_reason == "Edited: The month was wrong."
    assert edited.history.filter(text=update.text).exists()  # what it said before


def test_an_edit_that_changes_nothing_is_refused(demo, officer_user):
    update = the_update()
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.update_edit(
            update=update,
            text=update.text,
            date=update.date,
            reported_status=update.reported_status,
            reported_to=update.reported_to,
            reason="No reason",
            user=officer_user,
        )


def test_a_corrected_status_on_the_latest_update_becomes_the_actions(demo, officer_user):
    update = the_update()
    services.update_edit(
        update=update,
        text=update.text,
        date=update.date,
        reported_status="achieved",
        reported_to=update.reported_to,
        reason="It was achieved, not on track.",
        user=officer_user,
    )
    assert ActionPlanItem.objects.get(pk=update.action_id).status == "achieved"


def own_unreported_update(user) -> Update:
    action = r1().actions.get(number=1)
    return services.update_post(
        recommendation=r1(),
        action=action,
        text="Draft progress from the owner.",
        date=timezone.localdate(),
        author=Officer.objects.get(user=lead_officer()),
        user=user,
    )


def test_a_lead_officer_corrects_their_own_update_until_it_is_reported(client, demo):
    """The decision: a lead officer may correct an update they wrote (with the reason) until
    it has been reported to a meeting; after that, and for anyone else's, only the scrutiny
    officer may. Withdrawing is for scrutiny officers only."""
    lead = lead_officer()
    reported = the_update()  # Sophie Ellis's, but reported to the July 2017 meeting
    own = own_unreported_update(lead)
    client.force_login(lead)
    page = client.get(r1().get_absolute_url()).content.decode()
    assert reverse("update_edit", args=[own.pk]) in page
    assert reverse("update_withdraw", args=[own.pk]) not in page
    assert reverse("update_edit", args=[reported.pk]) not in page

    url = reverse("update_edit", args=[own.pk])
    data = page_form(client.get(url).content).data()
    data.update(text="Draft progress, with the figures.", reason="Added the figures.")
    assert client.post(url, data).status_code == 302
    assert Update.objects.get(pk=own.pk).text == "Draft progress, with the figures."

    before = snapshot()
    for forbidden in (
        reverse("update_edit", args=[reported.pk]),
        reverse("update_withdraw", args=[own.pk]),
    ):
        assert client.get(forbidden).status_code == 403
        assert client.post(forbidden, {"reason": "x", "text": "x"}).status_code == 403
    assert not changed(before, snapshot())


def test_councillors_cannot_correct_updates(client, demo, councillor_user):
    update = the_update()
    client.force_login(councillor_user)
    for name in ("update_edit", "update_withdraw"):
        assert client.get(reverse(name, args=[update.pk])).status_code == 403


# --- withdrawing an update -------------------------------------------------------------------


def withdraw_the_update(user) -> Update:
    update = the_update()
    return services.update_withdraw(
        update=update, reason="Posted on the wrong recommendation.", user=user
    )


def test_a_withdrawn_update_leaves_the_current_pages_and_documents(
    client, demo, officer_user, councillor_user
):
    update = the_update()
    text = update.text
    word = text.split()[3]
    search = f"{reverse('recommendation_list')}?q={word}"
    client.force_login(councillor_user)
    assert text[:40] in client.get(r1().get_absolute_url()).content.decode()
    assert text[:40] in client.get(july_2017().get_absolute_url()).content.decode()
    rec_key = prepare(
        DocumentSpec(kind="action_plan", review_id=r1().review_id),
        select_recommendations(DocumentSpec(kind="action_plan", review_id=r1().review_id)).queryset,
    ).key

    withdrawn = withdraw_the_update(officer_user)
    assert withdrawn.withdrawn_by == officer_user and withdrawn.withdrawn_at is not None

    page = client.get(r1().get_absolute_url()).content.decode()
    assert text[:40] not in page
    today = timezone.localdate()
    assert (
        f"The update of {withdrawn.date.day} {withdrawn.date:%B %Y} was withdrawn on "
        f"{today.day} {today:%B %Y}: Posted on the wrong recommendation." in page
    )
    assert text[:40] not in client.get(july_2017().get_absolute_url()).content.decode()
    # The register: no latest update, and the search does not find it by its text.
    row = Recommendation.objects.for_register().get(pk=r1().pk)
    assert row.latest_update_date is None
    assert r1().get_absolute_url() not in client.get(search).content.decode()
    # The documents: the plan leaves it out, and a new copy is made.
    plan = load_plan(Recommendation.objects.filter(pk=r1().pk))
    assert plan.recommendations[0].update_list == []
    assert plan.recommendations[0].action_list[0].update_list == []
    spec = DocumentSpec(kind="action_plan", review_id=r1().review_id)
    assert prepare(spec, select_recommendations(spec).queryset).key != rec_key
    # Not a delete: the history keeps it, with the reason.
    assert Update.objects.filter(pk=update.pk).exists()
    history = client.get(reverse("recommendation_history", args=[r1().pk])).content.decode()
    assert "Withdrawn: Posted on the wrong recommendation." in history
    # In words: the fields by their names, the user by name, not codes.
    assert "Reason for withdrawal" in history and "Withdrawn by" in history
    assert "Scrutiny Officer" in history


def test_as_at_before_the_withdrawal_still_shows_the_update(demo, officer_user):
    update = the_update()
    withdrawn = withdraw_the_update(officer_user)
    recs = Recommendation.objects.filter(pk=r1().pk)
    # Put the update's history on known days: entered in 2019, withdrawn on 10 January 2020.
    for row in withdrawn.history.all():
        day = datetime.date(2020, 1, 10) if row.withdrawn_at else datetime.date(2019, 6, 1)
        when = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        # History rows are never saved again (the audit trail): the test moves them in SQL.
        type(row).objects.filter(pk=row.pk).update(history_date=when)
    before = load_plan(recs, as_at=datetime.date(2019, 12, 31)).recommendations[0]
    assert [u.pk for u in before.update_list] == [update.pk]
    after = load_plan(recs, as_at=datetime.date(2020, 1, 11)).recommendations[0]
    assert after.update_list == [] and [u.pk for u in after.withdrawn_update_list] == [update.pk]


def test_withdrawing_needs_a_reason_and_happens_once(demo, officer_user):
    update = the_update()
    before = snapshot()
    with pytest.raises(ValidationError, match="Give the reason"):
        services.update_withdraw(update=update, reason=" ", user=officer_user)
    assert not changed(before, snapshot())
    withdraw_the_update(officer_user)
    with pytest.raises(ValidationError, match="already been withdrawn"):
        services.update_withdraw(update=update, reason="Again", user=officer_user)
    with pytest.raises(ValidationError, match="withdrawn, so it cannot be edited"):
        services.update_edit(
            update=update,
            text="x",
            date=update.date,
            reported_status="",
            reported_to=None,
            reason="x",
            user=officer_user,
        )


def test_withdrawing_through_the_page(client, demo, officer_user):
    update = the_update()
    client.force_login(officer_user)
    url = reverse("update_withdraw", args=[update.pk])
    form = page_form(client.get(url).content)
    before = snapshot()
    refused = client.post(url, form.data())
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert not changed(before, snapshot())
    data = {**form.data(), "reason": "Duplicate of another update."}
    response = client.post(url, data)
    assert response.status_code == 302
    assert any("The history keeps it" in m for m in messages_of(response))
    assert Update.objects.get(pk=update.pk).withdrawal_reason == "Duplicate of another update."
    # The withdrawn update has left the pages that correct updates.
    assert client.get(url).status_code == 404
    assert client.get(reverse("update_edit", args=[update.pk])).status_code == 404


# --- a published document, withdrawn and replaced -------------------------------------------


def published_to_july_2017(user, **values) -> PublishedDocument:
    return fake_published(user, july_2017(), **values)


def test_withdrawing_a_document_keeps_it_with_its_hash_and_says_why(
    client, demo, officer_user, councillor_user
):
    document = published_to_july_2017(officer_user)
    client.force_login(officer_user)
    meeting_page = client.get(july_2017().get_absolute_url()).content.decode()
    url = reverse("documents_published_withdraw", args=[document.pk])
    assert url in meeting_page
    form = page_form(client.get(url).content)
    before = snapshot()
    refused = client.post(url, form.data())
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert PublishedDocument.objects.get(pk=document.pk).withdrawn_at is None
    assert not changed(before, snapshot())

    response = client.post(url, {**form.data(), "reason": "It showed a withdrawn update."})
    assert response.status_code == 302
    withdrawn = PublishedDocument.objects.get(pk=document.pk)
    assert withdrawn.withdrawn_by == officer_user
    row = withdrawn.history.first()
    assert row.history_change_reason == "Withdrawn: It showed a withdrawn update."
    page = client.get(july_2017().get_absolute_url()).content.decode()
    assert "Publish its replacement" in page and url not in page

    client.force_login(councillor_user)
    page = client.get(july_2017().get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert f"Withdrawn on {today.day} {today:%B %Y}: It showed a withdrawn update." in page
    assert document.sha256 in page
    assert url not in page and "Publish its replacement" not in page  # councillors read
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200 and download.content == bytes(document.file.content)
    assert client.get(url).status_code == 403


def test_a_replacement_names_the_withdrawn_document(demo, officer_user, documents_cache):
    document = published_to_july_2017(officer_user)
    spec = DocumentSpec(kind="meeting_tracker", meeting_id=july_2017().pk)
    with pytest.raises(Exception, match="Withdraw the published document first"):
        documents_service.publish(spec, user=officer_user, replaces_id=document.pk)
    documents_service.withdraw(document=document, reason="Wrong appendix.", user=officer_user)
    other = Meeting.objects.exclude(pk=july_2017().pk).filter(committee=july_2017().committee)
    if other.exists():
        wrong = DocumentSpec(kind="meeting_tracker", meeting_id=other.first().pk)
        with pytest.raises(Exception, match="goes to the meeting the withdrawn document went to"):
            documents_service.publish(wrong, user=officer_user, replaces_id=document.pk)
    replacement = documents_service.publish(spec, user=officer_user, replaces_id=document.pk)
    assert replacement.replaces == PublishedDocument.objects.get(pk=document.pk)
    assert "replacing the version published on" in replacement.history.first().history_change_reason
    with pytest.raises(Exception, match="replaced already"):
        documents_service.publish(spec, user=officer_user, replaces_id=document.pk)


def test_the_replacement_is_published_from_the_export_page(
    client, demo, officer_user, documents_cache
):
    document = published_to_july_2017(officer_user, appendix_label="Appendix 2")
    document.parameters = "appendix=Appendix+2&wards=Abbey"
    document.save()
    documents_service.withdraw(document=document, reason="Wrong figures.", user=officer_user)
    client.force_login(officer_user)
    meeting_page = client.get(july_2017().get_absolute_url()).content.decode()
    assert "Publish its replacement" in meeting_page
    export = reverse("documents_meeting_export", args=[july_2017().pk])
    page = client.get(f"{export}?replaces={document.pk}")
    html = page.content.decode()
    assert "You are publishing the replacement of" in html and "Wrong figures." in html
    assert f'name="replaces" value="{document.pk}"' in html
    publish = reverse("documents_meeting_export_publish", args=[july_2017().pk])
    response = client.post(
        publish,
        {"replaces": str(document.pk), "appendix": "Appendix 2", "wards": "Abbey"},
    )
    assert response.status_code == 302
    replacement = PublishedDocument.objects.get(replaces=document)
    assert replacement.appendix_label == "Appendix 2"
    page = client.get(july_2017().get_absolute_url()).content.decode()
    assert "Replaces the version published on" in page
    assert "Replaced by the version published on" in page
    assert "Publish its replacement" not in page
    # Sent again (a second tab): refused in words, nothing published.
    again = client.post(publish, {"replaces": str(document.pk), "appendix": "Appendix 2"})
    assert again.status_code == 400
    assert "replaced meanwhile" in again.content.decode()
    assert PublishedDocument.objects.count() == 2


# --- a lead officer changes the wording of an agreed action ----------------------------------


def test_a_lead_officer_changing_the_wording_of_an_agreed_action_gives_a_reason(client, demo):
    action = r1().actions.get(number=1)
    assert r1().decision  # the plan was agreed with the executive's response
    client.force_login(lead_officer())
    url = reverse("action_edit", args=[action.pk])
    page = client.get(url)
    assert "Needed if you change the wording of the action" in page.content.decode()
    data = page_form(page.content).data()
    data["action"] = "A different action from the one agreed."
    before = snapshot()
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Give the reason for changing the wording" in refused.content.decode()
    assert not changed(before, snapshot())

    data["change_reason"] = "The service was renamed."
    assert client.post(url, data).status_code == 302
    saved = ActionPlanItem.objects.get(pk=action.pk)
    assert saved.action == "A different action from the one agreed."
    assert saved.history.first().history_change_reason == "The service was renamed."


def test_other_changes_by_a_lead_officer_and_officers_wording_need_no_reason(
    client, demo, officer_user
):
    action = r1().actions.get(number=1)
    client.force_login(lead_officer())
    url = reverse("action_edit", args=[action.pk])
    data = page_form(client.get(url).content).data()
    data["timeline"] = "Early 2018"
    assert client.post(url, data).status_code == 302
    client.force_login(officer_user)
    data = page_form(client.get(url).content).data()
    data["action"] = "Reworded by the scrutiny officer."
    assert client.post(url, data).status_code == 302
    assert ActionPlanItem.objects.get(pk=action.pk).action == "Reworded by the scrutiny officer."


def test_the_wording_rule_lives_in_the_service(demo):
    action = r1().actions.get(number=1)
    action.action = "Reworded without a reason."
    before = snapshot()
    with pytest.raises(ValidationError, match="Give the reason for changing the wording"):
        services.action_save(action=action, user=lead_officer(), version=action.version)
    assert not changed(before, snapshot())


def test_a_stale_correction_of_an_update_shows_both_versions(client, demo, officer_user):
    update = the_update()
    client.force_login(officer_user)
    url = reverse("update_edit", args=[update.pk])
    data = page_form(client.get(url).content).data()
    other = User.objects.create_user("so2", first_name="Other", last_name="Officer")
    services.update_edit(
        update=update,
        text="Corrected by someone else first.",
        date=update.date,
        reported_status=update.reported_status,
        reported_to=update.reported_to,
        reason="Their correction.",
        user=other,
    )
    before = snapshot()
    data.update(text="My correction.", reason="My reason.")
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "My correction." in page and "Corrected by someone else first." in page
    assert not changed(before, snapshot())


# --- query counts with corrections in the data ------------------------------------------------


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_corrected_pages_read_the_same_queries_at_two_sizes(client, demo, officer_user):
    """The recommendation page (updates edited and withdrawn, a reopening) and the meeting
    page (documents withdrawn and replaced) read as many queries with one correction as with
    ten."""
    rec = r1()
    action = rec.actions.get(number=1)
    closed = closed_r1(officer_user)
    services.recommendation_reopen(recommendation=closed, reason="Deferred.", user=officer_user)
    client.force_login(officer_user)

    def add_corrections(n: int) -> None:
        for i in range(n):
            posted = services.update_post(
                recommendation=rec,
                action=action,
                text=f"Progress {i}",
                date=datetime.date(2017, 6, 1 + i),
                reported_to=july_2017(),
                user=officer_user,
            )
            services.update_edit(
                update=posted,
                text=f"Progress {i}, corrected",
                date=posted.date,
                reported_status="",
                reported_to=posted.reported_to,
                reason="A figure was wrong.",
                user=officer_user,
            )
            if i % 2:
                services.update_withdraw(update=posted, reason="Duplicate.", user=officer_user)
            document = published_to_july_2017(officer_user)
            documents_service.withdraw(document=document, reason="Wrong.", user=officer_user)
            replacement = published_to_july_2017(officer_user)
            replacement.replaces = document
            with acting_as(officer_user):
                replacement.save()

    pages = [rec.get_absolute_url(), july_2017().get_absolute_url()]
    add_corrections(2)
    for url in pages:
        count_queries(client, url)  # warm the per-process caches
    small = [count_queries(client, url) for url in pages]
    add_corrections(10)
    large = [count_queries(client, url) for url in pages]
    assert small == large


def test_the_action_plan_pdf_leaves_a_withdrawn_update_out(
    client, demo, officer_user, documents_cache
):
    from .test_documents_views import squash, text_of

    update = the_update()
    client.force_login(officer_user)
    plan = reverse("documents_review_plan", args=[r1().review_id])
    assert squash(update.text[:50]) in squash(text_of(client.get(plan).content))
    withdraw_the_update(officer_user)
    assert squash(update.text[:50]) not in squash(text_of(client.get(plan).content))


@pytest.mark.parametrize("replaces", ["abc", "999999", "99999999999999999999999"])
def test_a_replacement_of_no_withdrawn_document_is_refused_in_words(
    client, demo, officer_user, replaces
):
    client.force_login(officer_user)
    publish = reverse("documents_meeting_export_publish", args=[july_2017().pk])
    before = snapshot()
    response = client.post(publish, {"replaces": replaces, "appendix": "Appendix 2"})
    assert response.status_code == 400
    assert "The document to replace is not a withdrawn document" in response.content.decode()
    assert not changed(before, snapshot())
    assert (
        client.get(
            reverse("documents_meeting_export", args=[july_2017().pk]), {"replaces": replaces}
        ).status_code
        == 200
    )


def test_a_replacement_made_by_the_background_task_names_the_withdrawn_document(
    demo, officer_user, documents_cache, settings
):
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 0  # every document is made by the task
    document = published_to_july_2017(officer_user)
    documents_service.withdraw(document=document, reason="Wrong figures.", user=officer_user)
    spec = DocumentSpec(kind="meeting_tracker", meeting_id=july_2017().pk)
    outcome = documents_service.publish(spec, user=officer_user, replaces_id=document.pk)
    replacement = PublishedDocument.objects.get(replaces=document)
    assert outcome == replacement or outcome.published_document_id == replacement.pk


# --- corrections and the status key meet ------------------------------------------------------


def test_an_officer_corrects_who_wrote_an_update_and_a_lead_officer_cannot(
    client, demo, officer_user
):
    """Entered under the wrong name (point 7): the scrutiny officer corrects the author, with
    the reason; a lead officer's correction form has no author, and a tampered one is ignored."""
    update = the_update()
    ged = Officer.objects.get(name="Ged Curran")
    other = Officer.objects.exclude(pk=ged.pk).exclude(user=None).first()
    client.force_login(officer_user)
    url = reverse("update_edit", args=[update.pk])
    data = page_form(client.get(url).content).data()
    assert data["author"] == str(update.author_id)
    data.update(author=str(other.pk), reason="Entered under the wrong name.")
    assert client.post(url, data).status_code == 302
    assert Update.objects.get(pk=update.pk).author == other

    lead = lead_officer()
    own = own_unreported_update(lead)
    client.force_login(lead)
    url = reverse("update_edit", args=[own.pk])
    data = page_form(client.get(url).content).data()
    assert "author" not in data
    data.update(author=str(ged.pk), text="With the figures.", reason="Added the figures.")
    assert client.post(url, data).status_code == 302
    kept = Update.objects.get(pk=own.pk)
    assert kept.text == "With the figures." and kept.author == Officer.objects.get(user=lead)


def test_withdrawing_or_correcting_the_update_a_status_came_from_derives_it_again(
    demo, officer_user
):
    """With no actions, a recommendation's status follows its latest update on the whole
    recommendation: withdrawing that update, or correcting its status, moves the status."""
    rec = Recommendation.objects.filter(actions=None, closed_on=None).first()
    assert rec is not None and rec.status_set_by_officer == ""
    first = services.update_post(
        recommendation=rec,
        text="Started.",
        date=timezone.localdate() - datetime.timedelta(days=2),
        reported_status="on_track",
        user=officer_user,
    )
    second = services.update_post(
        recommendation=rec, text="Stalled.", reported_status="off_track", user=officer_user
    )
    assert Recommendation.objects.get(pk=rec.pk).status == "off_track"

    services.update_withdraw(update=second, reason="Posted in error.", user=officer_user)
    assert Recommendation.objects.get(pk=rec.pk).status == "on_track"
    reasons = [h.history_change_reason for h in rec.history.all()[:1]]
    assert reasons[0].startswith(f"Update of {british_date(second.date)} withdrawn")

    services.update_edit(
        update=Update.objects.get(pk=first.pk),
        text="Finished.",
        date=first.date,
        reported_status="achieved",
        reported_to=None,
        reason="It was finished, not started.",
        user=officer_user,
    )
    assert Recommendation.objects.get(pk=rec.pk).status == "achieved"
