"""Meetings that fit (issue "A record councils can trust", point 1): each rule of
``reviews.meeting_rules`` where it lives, at every edge, through the services that write (and
so through ``clean()``, which holds commands, imports and the demonstration loader to them too).

- An update is reported to a meeting of a committee that monitors the review, on or after the
  update's date.
- A closure is agreed at a meeting of a committee that monitors the review, on or before today
  and after the executive's response.
- Receipt is at a meeting of an executive body, on or after the day the report was agreed.
- The response is at a meeting of an executive body or of the responsible body, on or after
  receipt.

For each rule the meetings a form offers (``*_meetings``) are exactly those its check accepts.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from recommendations import services
from recommendations.demo.loader import load_demo
from recommendations.models import Recommendation, Update
from reviews import meeting_rules
from reviews.models import Committee, CommitteeKind, Meeting, Review, ReviewType
from reviews.services import review_record_receipt, review_save
from scrutiny.formats import british_date
from scrutiny.services import record_save

D = datetime.date
AGREED = D(2016, 7, 7)  # the committee agreed the report
RECEIVED = D(2016, 11, 14)  # the executive received it, and responded the same day
DAY = datetime.timedelta(days=1)


@pytest.fixture
def bodies(db):
    def make(name, kind):
        return Committee.objects.create(name=name, kind=kind)

    return {
        "osc": make("Overview and Scrutiny Commission", CommitteeKind.SCRUTINY),
        "panel": make("Sustainable Communities Panel", CommitteeKind.SCRUTINY),
        "elsewhere": make("Another Council's Review Group", CommitteeKind.SCRUTINY),
        "cabinet": make("Cabinet", CommitteeKind.EXECUTIVE),
        "member": make("Cabinet Member for Finance", CommitteeKind.EXECUTIVE_MEMBER),
        "cmt": make("Corporate Management Team", CommitteeKind.OFFICER),
        "council": make("Full Council", CommitteeKind.FULL_COUNCIL),
    }


def meeting(committee, day) -> Meeting:
    return Meeting.objects.get_or_create(committee=committee, date=day)[0]


@pytest.fixture
def review(bodies):
    return Review.objects.create(
        title="Shared services",
        review_type=ReviewType.TASK_GROUP,
        commissioning_committee=bodies["osc"],
        report_agreed_meeting=meeting(bodies["osc"], AGREED),
    )


@pytest.fixture
def received(review, bodies, officer_user):
    """The review, received by Cabinet on 14 November 2016."""
    return review_record_receipt(
        review=review, meeting=meeting(bodies["cabinet"], RECEIVED), user=officer_user
    )


@pytest.fixture
def rec(review, bodies):
    return Recommendation.objects.create(
        review=review, number=1, text="That the council ...", responsible_body=bodies["cmt"]
    )


@pytest.fixture
def responded(received, rec, bodies, officer_user):
    """Recommendation 1, accepted by Cabinet on the day it received the report."""
    return services.recommendation_respond(
        recommendation=rec,
        decision="accepted",
        meeting=meeting(bodies["cabinet"], RECEIVED),
        user=officer_user,
    )


def refused(error: pytest.ExceptionInfo, field: str) -> str:
    """The one message ``error`` gives for ``field``."""
    assert list(error.value.message_dict) == [field], error.value.message_dict
    (message,) = error.value.message_dict[field]
    return message


def fits(queryset, meetings) -> set:
    return set(queryset.filter(pk__in=[m.pk for m in meetings]))


# --- updates ---------------------------------------------------------------------------------


def post(rec, user, day, reported_to):
    return services.update_post(
        recommendation=rec, text="Progress", date=day, reported_to=reported_to, user=user
    )


def test_an_update_is_reported_to_a_meeting_of_the_commissioning_committee_on_or_after_it(
    rec, bodies, officer_user
):
    day = D(2017, 7, 6)
    same_day = post(rec, officer_user, day, meeting(bodies["osc"], day))
    assert same_day.reported_to.date == day
    assert post(rec, officer_user, day, meeting(bodies["osc"], day + DAY)).pk

    with pytest.raises(ValidationError) as error:
        post(rec, officer_user, day, meeting(bodies["osc"], day - DAY))
    assert refused(error, "reported_to") == (
        "The meeting of 5 July 2017 was before the update (6 July 2017): an update is reported "
        "to a meeting held on or after its date. Choose a meeting on or after 6 July 2017, or "
        "“Not yet reported”."
    )
    assert rec.updates.count() == 2


@pytest.mark.parametrize("other", ["elsewhere", "cabinet", "panel"])
def test_an_update_reported_to_a_committee_that_does_not_monitor_the_review_is_refused(
    rec, bodies, officer_user, other
):
    day = D(2017, 7, 6)
    with pytest.raises(ValidationError) as error:
        post(rec, officer_user, day, meeting(bodies[other], day))
    assert refused(error, "reported_to") == (
        f"{bodies[other].name} does not monitor this review: an update is reported to a meeting "
        "of a committee that monitors it (Overview and Scrutiny Commission). Choose one of "
        "their meetings, or “Not yet reported”."
    )
    assert not rec.updates.exists()


def test_a_committee_named_as_also_monitoring_the_review_takes_updates(
    review, rec, bodies, officer_user
):
    day = D(2017, 7, 6)
    review_save(review=review, user=officer_user, monitoring=[bodies["panel"]])
    assert post(rec, officer_user, day, meeting(bodies["panel"], day)).pk
    with pytest.raises(ValidationError) as error:
        post(rec, officer_user, day, meeting(bodies["elsewhere"], day))
    assert "(Overview and Scrutiny Commission or Sustainable Communities Panel)" in refused(
        error, "reported_to"
    )


def test_an_update_with_no_meeting_is_not_held_to_a_meeting(rec, officer_user):
    assert post(rec, officer_user, D(2017, 7, 6), None).reported_to is None


def test_the_meetings_offered_for_an_update_are_those_of_the_committees_monitoring_it(
    review, bodies, officer_user
):
    every = [meeting(b, d) for b in bodies.values() for d in (AGREED, RECEIVED)]
    assert fits(meeting_rules.update_meetings(review), every) == {
        m for m in every if m.committee == bodies["osc"]
    }
    review_save(review=review, user=officer_user, monitoring=[bodies["cmt"]])
    assert fits(meeting_rules.update_meetings(review), every) == {
        m for m in every if m.committee in (bodies["osc"], bodies["cmt"])
    }


# --- closures --------------------------------------------------------------------------------


def close(rec, user, at):
    return services.recommendation_close(
        recommendation=rec, meeting=at, minute_reference="Minute 7", user=user
    )


def test_a_closure_is_agreed_by_a_monitoring_committee_after_the_response(
    responded, bodies, officer_user
):
    for day in (RECEIVED - DAY, RECEIVED):
        with pytest.raises(ValidationError) as error:
            close(responded, officer_user, meeting(bodies["osc"], day))
        assert refused(error, "closed_at_meeting").startswith(
            f"The meeting of {day.day} November 2016 was not after the executive's response "
            "(14 November 2016): a recommendation is closed at a meeting held after the "
            "executive's response. Choose a meeting after 14 November 2016."
        )
    responded.refresh_from_db()
    assert not responded.is_closed
    close(responded, officer_user, meeting(bodies["osc"], RECEIVED + DAY))
    responded.refresh_from_db()
    assert responded.closed_on == RECEIVED + DAY


def test_a_closure_at_a_meeting_that_has_not_happened_is_refused(responded, bodies, officer_user):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        close(responded, officer_user, meeting(bodies["osc"], today + DAY))
    assert refused(error, "closed_at_meeting") == (
        f"The meeting of {british_date(today + DAY)} has not happened yet: a closure is agreed "
        "at a meeting held on or before today. Choose a meeting that has taken place, or record "
        "the closure after the meeting."
    )
    close(responded, officer_user, meeting(bodies["osc"], today))  # today is allowed
    assert Recommendation.objects.get(pk=responded.pk).closed_on == today


@pytest.mark.parametrize("other", ["elsewhere", "cabinet", "cmt"])
def test_a_closure_by_a_committee_that_does_not_monitor_the_review_is_refused(
    responded, bodies, officer_user, other
):
    with pytest.raises(ValidationError) as error:
        close(responded, officer_user, meeting(bodies[other], D(2017, 7, 6)))
    assert refused(error, "closed_at_meeting") == (
        f"{bodies[other].name} does not monitor this review: a recommendation is closed at a "
        "meeting of a committee that monitors the review (Overview and Scrutiny Commission). "
        "Choose one of their meetings."
    )
    assert not Recommendation.objects.get(pk=responded.pk).is_closed


def test_a_closure_with_no_response_comes_after_the_report_was_agreed(rec, bodies, officer_user):
    with pytest.raises(ValidationError) as error:
        close(rec, officer_user, meeting(bodies["osc"], AGREED))
    assert "was not after the committee agreed the report (7 July 2016)" in refused(
        error, "closed_at_meeting"
    )
    close(rec, officer_user, meeting(bodies["osc"], AGREED + DAY))


def test_the_meetings_offered_for_a_closure_are_those_its_check_accepts(
    responded, bodies, officer_user
):
    review = responded.review
    today = timezone.localdate()
    days = [AGREED, RECEIVED - DAY, RECEIVED, RECEIVED + DAY, today, today + DAY]
    every = [meeting(b, d) for b in bodies.values() for d in days]
    offered = fits(
        meeting_rules.closure_meetings(review, responded_on=responded.responded_on), every
    )
    accepted = set()
    for m in every:
        try:
            meeting_rules.check_closure_meeting(
                m, review=review, responded_on=responded.responded_on
            )
        except ValidationError:
            continue
        accepted.add(m)
    assert offered == accepted
    assert {(m.committee.name, m.date) for m in offered} == {
        ("Overview and Scrutiny Commission", RECEIVED + DAY),
        ("Overview and Scrutiny Commission", today),
    }


# --- receipt by the executive ----------------------------------------------------------------


def receive(review, user, at):
    return review_record_receipt(review=review, meeting=at, user=user)


@pytest.mark.parametrize("kind", ["cabinet", "member"])
def test_receipt_is_at_an_executive_meeting_on_or_after_the_report_was_agreed(
    review, bodies, officer_user, kind
):
    with pytest.raises(ValidationError) as error:
        receive(review, officer_user, meeting(bodies[kind], AGREED - DAY))
    assert refused(error, "report_received_on") == (
        "The executive cannot receive the report before the committee agreed it. It was "
        "agreed on 7 July 2016: record receipt at a meeting of the executive held on or after "
        "that day (the meeting of 6 July 2016 was before it), or correct the date the report "
        "was agreed."
    )
    review.refresh_from_db()
    assert review.report_received_meeting is None
    receive(review, officer_user, meeting(bodies[kind], AGREED))  # the same day is allowed
    review.refresh_from_db()
    assert review.report_received_on == AGREED


@pytest.mark.parametrize("other", ["osc", "cmt", "council", "elsewhere"])
def test_receipt_at_a_body_that_is_not_the_executive_is_refused(
    review, bodies, officer_user, other
):
    with pytest.raises(ValidationError) as error:
        receive(review, officer_user, meeting(bodies[other], RECEIVED))
    assert refused(error, "report_received_meeting") == (
        f"{bodies[other].name} is not an executive body: the executive receives the report at "
        "a meeting of an executive body (the Cabinet or a Cabinet Member). Choose a meeting of "
        "the executive."
    )
    review.refresh_from_db()
    assert review.report_received_meeting is None


def test_the_meetings_offered_for_receipt_are_those_its_check_accepts(review, bodies):
    every = [meeting(b, d) for b in bodies.values() for d in (AGREED - DAY, AGREED, RECEIVED)]
    accepted = set()
    for m in every:
        try:
            meeting_rules.check_receipt_meeting(m, review=review)
        except ValidationError:
            continue
        accepted.add(m)
    assert fits(meeting_rules.receipt_meetings(review), every) == accepted
    assert {(m.committee.name, m.date) for m in accepted} == {
        (name, day)
        for name in ("Cabinet", "Cabinet Member for Finance")
        for day in (AGREED, RECEIVED)
    }


# --- the executive's response ----------------------------------------------------------------


def respond(rec, user, at=None, day=None):
    return services.recommendation_respond(
        recommendation=rec, decision="accepted", meeting=at, date=day, user=user
    )


def test_the_response_is_at_an_executive_meeting_on_or_after_receipt(
    received, rec, bodies, officer_user
):
    with pytest.raises(ValidationError) as error:
        respond(rec, officer_user, meeting(bodies["cabinet"], RECEIVED - DAY))
    assert refused(error, "response_meeting") == (
        "The response cannot come before the executive received the report. It was received "
        "on 14 November 2016: choose a meeting held on or after that day, or give a later date."
    )
    assert Recommendation.objects.get(pk=rec.pk).decision == ""
    respond(rec, officer_user, meeting(bodies["member"], RECEIVED))  # the same day
    assert Recommendation.objects.get(pk=rec.pk).response_date == RECEIVED


def test_a_response_outside_a_meeting_is_dated_on_or_after_receipt(received, rec, officer_user):
    with pytest.raises(ValidationError) as error:
        respond(rec, officer_user, day=RECEIVED - DAY)
    assert refused(error, "response_date").startswith(
        "The response cannot come before the executive received the report."
    )
    respond(rec, officer_user, day=RECEIVED)


def test_the_response_may_be_at_a_meeting_of_the_responsible_body(
    received, rec, bodies, officer_user
):
    """Recommendation 1 is addressed to the Corporate Management Team."""
    respond(rec, officer_user, meeting(bodies["cmt"], RECEIVED + DAY))
    assert Recommendation.objects.get(pk=rec.pk).response_meeting.committee == bodies["cmt"]


@pytest.mark.parametrize("other", ["osc", "council", "elsewhere"])
def test_a_response_at_a_body_neither_executive_nor_responsible_is_refused(
    received, rec, bodies, officer_user, other
):
    with pytest.raises(ValidationError) as error:
        respond(rec, officer_user, meeting(bodies[other], RECEIVED + DAY))
    assert refused(error, "response_meeting") == (
        f"{bodies[other].name} is neither an executive body nor the body the recommendation is "
        "addressed to: the executive responds at a meeting of an executive body (the Cabinet "
        "or a Cabinet Member) or of the body responsible for it (Corporate Management Team). "
        "Choose one of their meetings, or give the date of a response made outside a meeting."
    )
    assert Recommendation.objects.get(pk=rec.pk).decision == ""


def test_before_receipt_is_recorded_the_response_comes_on_or_after_the_report_was_agreed(
    rec, bodies, officer_user
):
    with pytest.raises(ValidationError) as error:
        respond(rec, officer_user, meeting(bodies["cabinet"], AGREED - DAY))
    assert refused(error, "response_meeting").startswith(
        "The executive cannot respond before the committee agreed the report. It was agreed on "
        "7 July 2016"
    )
    respond(rec, officer_user, meeting(bodies["cabinet"], AGREED))


def test_the_responses_page_service_holds_every_response_to_its_own_body(
    received, rec, bodies, officer_user
):
    """One meeting for the page: the Corporate Management Team's fits recommendation 1
    (addressed to it) but not recommendation 2 (addressed to Cabinet): nothing is saved."""
    rec2 = Recommendation.objects.create(
        review=rec.review, number=2, text="That Cabinet ...", responsible_body=bodies["cabinet"]
    )
    responses = [
        services.Response(recommendation_id=r.pk, version=r.version, decision="accepted")
        for r in (rec, rec2)
    ]
    cmt = meeting(bodies["cmt"], RECEIVED + DAY)
    with pytest.raises(ValidationError) as error:
        services.review_record_responses(
            review=rec.review, responses=responses, meeting=cmt, date=None, user=officer_user
        )
    assert error.value.messages == [
        "Recommendation 2: Corporate Management Team is neither an executive body nor the body "
        "the recommendation is addressed to: the executive responds at a meeting of an "
        "executive body (the Cabinet or a Cabinet Member) or of the body responsible for it "
        "(Cabinet). Choose one of their meetings, or give the date of a response made outside "
        "a meeting."
    ]
    assert not Recommendation.objects.exclude(decision="").exists()
    # A meeting that fits none of them is refused before any response, on the page's field.
    osc = meeting(bodies["osc"], RECEIVED + DAY)
    with pytest.raises(ValidationError) as error:
        services.review_record_responses(
            review=rec.review, responses=responses, meeting=osc, date=None, user=officer_user
        )
    assert "(Cabinet or Corporate Management Team)" in refused(error, "meeting")
    assert not Recommendation.objects.exclude(decision="").exists()


def test_the_meetings_offered_for_the_response_are_those_its_check_accepts(received, rec, bodies):
    review = rec.review
    every = [meeting(b, d) for b in bodies.values() for d in (RECEIVED - DAY, RECEIVED)]
    accepted = set()
    for m in every:
        try:
            meeting_rules.check_response(
                m, None, review=review, responsible_bodies=[rec.responsible_body_id]
            )
        except ValidationError:
            continue
        accepted.add(m)
    offered = meeting_rules.response_meetings(review, responsible_bodies=[rec.responsible_body_id])
    assert fits(offered, every) == accepted
    assert {m.committee.name for m in accepted} == {
        "Cabinet",
        "Cabinet Member for Finance",
        "Corporate Management Team",
    }
    assert {m.date for m in accepted} == {RECEIVED}


# --- every write is held to them ---------------------------------------------------------------


def test_a_write_through_record_save_is_held_to_the_rules_too(rec, bodies, officer_user):
    """Commands and imports (the demonstration loader among them) write through
    ``record_save``, which validates with ``full_clean``: the rules are in ``clean()``."""
    update = Update(
        recommendation=rec,
        text="Imported",
        date=D(2017, 7, 6),
        reported_to=meeting(bodies["cabinet"], D(2017, 7, 6)),
    )
    with pytest.raises(ValidationError) as error:
        record_save(record=update, user=officer_user)
    assert "Cabinet does not monitor this review" in refused(error, "reported_to")
    assert not Update.objects.exists()


def test_every_meeting_in_the_demonstration_data_fits_the_rules(db):
    """The papers transcribed fit: the Merton updates of 6 July 2017 went to the Commission
    that commissioned the review, on their own date; Cabinet received the report and responded
    on 14 November 2016, after the Commission agreed it on 7 July 2016."""
    load_demo()
    for model in (Review, Recommendation, Update):
        for record in model.objects.all():
            record.full_clean()
    assert Update.objects.filter(reported_to__isnull=False).count() == 8
    assert Recommendation.objects.filter(response_meeting__isnull=False).count() == 8
    assert Review.objects.filter(report_received_meeting__isnull=False).count() == 1
