"""The write services: the one version check, the all-or-none writes that views used to do
themselves, the references that follow a review only when its service says so, and refusals
that keep what the user typed (a stale edit: 409; a record removed meanwhile: 410)."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from recommendations import services
from recommendations.models import ActionPlanItem, Recommendation
from reviews.models import Committee, Councillor, Review
from reviews.services import councillor_set_committees
from scrutiny.editing import RecordGone, StaleEdit, lock_for_edit
from scrutiny.services import record_save

ROOT = Path(__file__).resolve().parent.parent
D = datetime.date


@pytest.fixture
def rec(review):
    return Recommendation.objects.create(review=review, number=1, text="That the council ...")


def test_lock_for_edit_refuses_a_stale_version_and_a_removed_record(rec):
    assert lock_for_edit(Recommendation, rec.pk, rec.version) == rec
    assert lock_for_edit(Recommendation, rec.pk, None) == rec  # no version seen: no check
    with pytest.raises(StaleEdit) as stale:
        lock_for_edit(Recommendation, rec.pk, rec.version - 1)
    assert stale.value.current.version == rec.version
    with pytest.raises(RecordGone):
        lock_for_edit(Recommendation, 10**9, 1)


def test_record_save_checks_the_version_validates_and_keeps_the_reason(rec, officer_user):
    seen = rec.version
    other = Recommendation.objects.get(pk=rec.pk)
    other.text = "Someone else's wording"
    record_save(record=other, user=officer_user, reason="Their edit", version=seen)

    rec.text = "My wording"
    with pytest.raises(StaleEdit):
        record_save(record=rec, user=officer_user, reason="Mine", version=seen)
    rec.refresh_from_db()
    assert rec.text == "Someone else's wording"
    latest = rec.history.first()
    assert (latest.history_user, latest.history_change_reason) == (officer_user, "Their edit")

    rec.text = ""
    with pytest.raises(ValidationError):
        record_save(record=rec, user=officer_user, version=rec.version)
    assert Recommendation.objects.get(pk=rec.pk).text == "Someone else's wording"


def test_removing_an_action_needs_a_reason_and_refreshes_the_status(rec, officer_user):
    action = ActionPlanItem.objects.create(recommendation=rec, action="Do it", status="on_track")
    pk = action.pk
    rec.refresh_from_db()
    assert rec.status == "on_track"
    with pytest.raises(ValidationError):
        services.action_remove(action=action, reason=" ", user=officer_user)
    assert ActionPlanItem.objects.filter(pk=action.pk).exists()
    returned = services.action_remove(
        action=action, reason="Duplicate", user=officer_user, version=action.version
    )
    assert returned == rec and not ActionPlanItem.objects.filter(pk=pk).exists()
    rec.refresh_from_db()
    assert rec.status == "not_started"
    gone = ActionPlanItem.history.filter(id=pk, history_type="-").get()
    assert (gone.history_user, gone.history_change_reason) == (officer_user, "Duplicate")


def test_pasted_recommendations_are_added_all_or_none(review, officer_user, cabinet):
    Recommendation.objects.create(review=review, number=2, text="Already here")
    items = [
        services.PastedRecommendation(number=1, text="That A.", responsible_body=cabinet),
        services.PastedRecommendation(number=2, text="That B."),  # number 2 is taken
    ]
    with pytest.raises(ValidationError) as refused:
        services.recommendations_add_from_paste(review=review, items=items, user=officer_user)
    assert "Recommendation 2" in str(refused.value)
    assert list(review.recommendations.values_list("number", flat=True)) == [2]

    added = services.recommendations_add_from_paste(
        review=review, items=items[:1], user=officer_user
    )
    assert [r.reference for r in added] == ["2016/17 R1"]
    assert added[0].history.get().history_change_reason == "Pasted from the report"


def test_responses_are_refused_all_or_none_when_one_changed_meanwhile(
    review, officer_user, cabinet_meeting
):
    one = Recommendation.objects.create(review=review, number=1, text="That A.")
    two = Recommendation.objects.create(review=review, number=2, text="That B.")
    responses = [
        services.Response(recommendation_id=one.pk, version=one.version, decision="accepted"),
        services.Response(
            recommendation_id=two.pk, version=two.version, decision="rejected", text="Costly"
        ),
    ]
    two.text = "That B, reworded."
    two.save()  # someone saved it after the page was shown
    with pytest.raises(services.StaleResponses) as stale:
        services.review_record_responses(
            review=review,
            responses=responses,
            meeting=cabinet_meeting,
            date=None,
            user=officer_user,
        )
    assert [r.pk for r in stale.value.current] == [two.pk]
    assert not Recommendation.objects.exclude(decision="").exists()

    responses[1].version = Recommendation.objects.get(pk=two.pk).version
    changed = services.review_record_responses(
        review=review,
        responses=responses,
        meeting=cabinet_meeting,
        date=cabinet_meeting.date,
        user=officer_user,
    )
    assert changed == 2
    review.refresh_from_db()
    assert review.response_given_on == cabinet_meeting.date


def test_references_follow_a_review_only_through_its_service(review, officer_user):
    """No hidden writes: saving a review changes no recommendation; review_update does, in
    the same transaction, with history."""
    rec = Recommendation.objects.create(review=review, number=1, text="That A.")
    review.report_agreed_on = D(2017, 6, 1)
    review.save()
    rec.refresh_from_db()
    assert rec.reference == "2016/17 R1"
    services.review_update(review=review, user=officer_user, version=review.version)
    rec.refresh_from_db()
    assert rec.reference == "2017/18 R1"
    assert rec.history.first().history_user == officer_user


def test_the_review_service_keeps_its_membership(review, officer_user):
    from reviews.models import Councillor
    from reviews.services import review_save

    chair, member = Councillor.objects.create(name="Cllr A"), Councillor.objects.create(name="B")
    review_save(review=review, user=officer_user, members=[member], chair=chair)
    assert {(m.councillor.name, m.role) for m in review.members.all()} == {
        ("Cllr A", "chair"),
        ("B", "member"),
    }
    review_save(review=review, user=officer_user, members=[], chair=chair, reason="B left")
    assert [m.councillor.name for m in review.members.all()] == ["Cllr A"]


# --- the pages a refused edit gets ------------------------------------------------------------


@pytest.fixture
def officer_client(client, officer_user):
    client.force_login(officer_user)
    return client


def test_removing_an_action_that_is_already_gone_says_so(officer_client, rec):
    action = ActionPlanItem.objects.create(recommendation=rec, action="Do it")
    url = reverse("action_remove", args=[action.pk])
    data = {"version": action.version, "reason": "Duplicate"}
    first = officer_client.post(url, data)
    assert first.status_code == 302
    # The second officer's page was opened before the first removed it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("recommendations.views.actions.get_object_or_404", lambda *a, **k: action)
        second = officer_client.post(url, {**data, "reason": "Also a duplicate"})
    assert second.status_code == 410
    page = second.content.decode()
    assert "has been removed" in page and "Also a duplicate" in page


def test_an_edit_sent_after_the_record_went_shows_what_was_typed(officer_client, rec):
    action = ActionPlanItem.objects.create(recommendation=rec, action="Do it")
    url = reverse("action_edit", args=[action.pk])
    ActionPlanItem.objects.filter(pk=action.pk).first().delete(reason="Gone")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("recommendations.views.actions._action_for_user", lambda request, pk: action)
        response = officer_client.post(
            url,
            {
                "version": action.version,
                "number": action.number,
                "action": "My careful new wording of the action",
                "timeline": "June 2017",
                "status": "on_track",
            },
        )
    assert response.status_code == 410, response.content.decode()[:2000]
    assert "My careful new wording of the action" in response.content.decode()


# --- no writes outside the services -----------------------------------------------------------

WRITE = re.compile(
    r"\.(save|delete|create|get_or_create|update_or_create|bulk_create|bulk_update)\("
    r"|objects\..*\.update\(|\)\.update\(|\.raw\(|cursor\(\)"
)
VIEW_MODULES = [
    "reviews/views.py",
    "recommendations/views/common.py",
    "recommendations/views/dashboard.py",
    "recommendations/views/reviews.py",
    "recommendations/views/recommendations.py",
    "recommendations/views/actions.py",
    "recommendations/views/meetings.py",
    "recommendations/views/mine.py",
    "recommendations/reads.py",
    "recommendations/documents/views.py",
    "recommendations/documents/targets.py",
    "recommendations/templatetags/statuses.py",
    "recommendations/documents/templatetags/documents.py",
    "scrutiny/editing.py",
]


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_views_write_only_through_services(module):
    lines = (ROOT / module).read_text().splitlines()
    writes = [
        f"{module}:{n}: {line.strip()}" for n, line in enumerate(lines, 1) if WRITE.search(line)
    ]
    # form.save(commit=False) builds the record in memory for the service to save.
    writes = [w for w in writes if "save(commit=False)" not in w]
    assert not writes, "\n".join(writes)


def test_no_signal_receivers_write():
    sources = [p for p in ROOT.glob("*/**/*.py") if ".venv" not in p.parts]
    assert not [p for p in sources if "@receiver(" in p.read_text() and "tests" not in p.parts]


def test_a_review_is_not_re_saved_by_a_signal(review):
    from django.db.models.signals import post_save

    assert not [r for r in post_save._live_receivers(Review)[0] if "recommendations" in str(r)]


# --- a councillor's committees ------------------------------------------------------------------


def test_a_councillors_committees_are_set_in_one_history_row_with_the_reason(demo, officer_user):
    hamish = Councillor.objects.get(name="Hamish Badenoch")
    osc = Committee.objects.get(short_name="OSC")
    harrow = Committee.objects.get(short_name="O&S")
    rows = hamish.history.count()
    councillor_set_committees(
        councillor=hamish,
        committees=[osc, harrow],
        user=officer_user,
        reason="Appointed at the annual meeting",
        version=hamish.version,
    )
    assert set(hamish.committees.all()) == {osc, harrow}
    assert hamish.history.count() == rows + 1
    row = hamish.history.first()
    assert row.history_change_reason == "Appointed at the annual meeting"
    assert row.history_user == officer_user
    assert {c.committee_id for c in row.committees.all()} == {osc.pk, harrow.pk}
    with pytest.raises(StaleEdit):
        councillor_set_committees(
            councillor=Councillor.objects.get(pk=hamish.pk),
            committees=[],
            user=officer_user,
            version=hamish.version - 1,
        )
    assert set(Councillor.objects.get(pk=hamish.pk).committees.all()) == {osc, harrow}
