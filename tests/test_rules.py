"""The domain rules, each tested where it lives, with its edges."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from recommendations.models import ActionPlanItem, Recommendation
from recommendations.services import (
    action_revise_target_date,
    recommendation_close,
    recommendation_respond,
    review_update,
    update_post,
)
from recommendations.statuses import Decision, ProgressStatus, RecommendationStatus
from reviews.dates import (
    ResponsePeriod,
    municipal_year,
    municipal_year_bounds,
    number_in_words,
    response_deadline,
    response_period_in_words,
)
from reviews.models import Meeting
from reviews.services import review_extend_deadline, review_record_receipt

D = datetime.date


# --- response deadline -------------------------------------------------------------------


# Section 9FE LGA 2000: two months "beginning with" the day of receipt, so the day of receipt
# is day one and the period ends the day before the corresponding date; where the later month
# has no corresponding date, on its last day.
@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (D(2016, 11, 14), D(2017, 1, 13)),  # Merton: Cabinet 14 November 2016
        (D(2016, 9, 30), D(2016, 11, 29)),  # 30 November exists: the day before it
        (D(2016, 11, 1), D(2016, 12, 31)),
        (D(2017, 1, 1), D(2017, 2, 28)),  # the day before 1 March
        (D(2016, 12, 28), D(2017, 2, 27)),  # 28 February exists: the day before it
        (D(2016, 12, 29), D(2017, 2, 28)),  # no 29 February 2017: February's last day
        (D(2016, 12, 30), D(2017, 2, 28)),
        (D(2016, 12, 31), D(2017, 2, 28)),
        (D(2019, 12, 28), D(2020, 2, 27)),  # leap year: 28 February exists
        (D(2019, 12, 29), D(2020, 2, 28)),  # ... and so does 29 February: the day before it
        (D(2019, 12, 30), D(2020, 2, 29)),  # no 30 February: February's last day, the 29th
        (D(2019, 12, 31), D(2020, 2, 29)),
        (D(2020, 1, 1), D(2020, 2, 29)),  # the day before 1 March 2020
        (D(2017, 1, 31), D(2017, 3, 30)),  # 31 March exists: the day before it
        (D(2017, 11, 30), D(2018, 1, 29)),
        (D(2016, 8, 31), D(2016, 10, 30)),  # 31 October exists
        (D(2016, 7, 31), D(2016, 9, 30)),  # no 31 September: its last day
    ],
)
def test_response_deadline_is_two_months_beginning_with_receipt(received, deadline):
    assert response_deadline(received) == deadline


@pytest.mark.parametrize(
    ("period", "first_day", "last_day"),
    [
        # Eight weeks beginning with Monday 14 November 2016 end on Sunday 8 January 2017.
        (ResponsePeriod(weeks=8), D(2016, 11, 14), D(2017, 1, 8)),
        (ResponsePeriod(weeks=1), D(2016, 11, 14), D(2016, 11, 20)),
        (ResponsePeriod(days=1), D(2016, 11, 14), D(2016, 11, 14)),  # day one is the last
        (ResponsePeriod(days=28), D(2016, 11, 14), D(2016, 12, 11)),
        (ResponsePeriod(days=56), D(2016, 11, 14), D(2017, 1, 8)),  # the same as eight weeks
        (ResponsePeriod(weeks=1, days=3), D(2019, 2, 24), D(2019, 3, 5)),
        (ResponsePeriod(weeks=1, days=3), D(2020, 2, 24), D(2020, 3, 4)),  # 29 February counts
        (ResponsePeriod(months=1), D(2017, 1, 31), D(2017, 2, 28)),
        (ResponsePeriod(months=1), D(2017, 1, 28), D(2017, 2, 27)),
        (ResponsePeriod(months=12), D(2019, 2, 28), D(2020, 2, 27)),
        (ResponsePeriod(months=12), D(2020, 2, 29), D(2021, 2, 28)),  # no 29 February 2021
        # Months, then weeks and days from the day after the months end.
        (ResponsePeriod(months=2, days=14), D(2016, 11, 14), D(2017, 1, 27)),
        (ResponsePeriod(months=2, days=14), D(2016, 12, 31), D(2017, 3, 14)),
        (ResponsePeriod(months=2, weeks=2), D(2016, 11, 14), D(2017, 1, 27)),
    ],
)
def test_a_period_beginning_with_a_day_counts_that_day_as_day_one(period, first_day, last_day):
    assert period.last_day(first_day) == last_day


def test_eight_weeks_beginning_with_a_monday_end_on_a_sunday():
    last = ResponsePeriod(weeks=8).last_day(D(2016, 11, 14))
    assert (D(2016, 11, 14).strftime("%A"), last.strftime("%A")) == ("Monday", "Sunday")


@override_settings(RESPONSE_PERIOD_MONTHS=0, RESPONSE_PERIOD_WEEKS=8)
def test_a_council_with_eight_weeks_sets_it_in_settings():
    assert response_deadline(D(2016, 11, 14)) == D(2017, 1, 8)
    assert (
        response_period_in_words(D(2016, 11, 14)) == "eight weeks beginning with 14 November 2016"
    )


@override_settings(RESPONSE_PERIOD_MONTHS=0, RESPONSE_PERIOD_DAYS=28)
def test_a_council_with_days_sets_them_in_settings():
    assert response_deadline(D(2016, 11, 14)) == D(2016, 12, 11)
    assert response_period_in_words(D(2016, 11, 14)) == (
        "twenty-eight days beginning with 14 November 2016"
    )


@override_settings(RESPONSE_PERIOD_MONTHS=2, RESPONSE_PERIOD_WEEKS=2)
def test_a_council_with_months_and_weeks_has_both_counted_and_said():
    assert response_deadline(D(2016, 11, 14)) == D(2017, 1, 27)
    assert response_period_in_words(D(2016, 11, 14)) == (
        "two months and two weeks beginning with 14 November 2016"
    )


def test_the_response_period_is_said_in_words():
    assert response_period_in_words(D(2016, 11, 14)) == "two months beginning with 14 November 2016"
    assert ResponsePeriod(months=1).in_words() == "one month"
    assert ResponsePeriod(weeks=8).in_words() == "eight weeks"
    assert ResponsePeriod(days=1).in_words() == "one day"
    assert ResponsePeriod(months=2, days=14).in_words() == "two months and fourteen days"
    assert ResponsePeriod(1, 1, 1).in_words() == "one month, one week and one day"
    assert [number_in_words(n) for n in (0, 9, 19, 20, 21, 40, 56, 99, 100, 365)] == [
        "zero",
        "nine",
        "nineteen",
        "twenty",
        "twenty-one",
        "forty",
        "fifty-six",
        "ninety-nine",
        "100",
        "365",
    ]


def test_review_deadline_follows_receipt_and_extension_takes_precedence(
    review, cabinet_meeting, officer_user
):
    assert review.response_deadline is None
    assert review.response_period_rule == ""
    review_record_receipt(review=review, meeting=cabinet_meeting, user=officer_user)
    review.refresh_from_db()
    assert review.report_received_on == D(2016, 11, 14)
    assert review.response_deadline == D(2017, 1, 13)
    assert review.response_period_rule == "two months beginning with 14 November 2016"
    assert review.status == "awaiting_response"
    review_extend_deadline(
        review=review,
        deadline=D(2017, 3, 31),
        extension_reason="Committee agreed more time",
        user=officer_user,
    )
    review.refresh_from_db()
    assert review.statutory_deadline == D(2017, 1, 13)
    assert review.response_deadline == D(2017, 3, 31)


def test_extension_needs_a_reason(review, officer_user):
    with pytest.raises(ValidationError) as exc:
        review_extend_deadline(
            review=review, deadline=D(2017, 3, 31), extension_reason="  ", user=officer_user
        )
    assert "extension_reason" in exc.value.message_dict
    review.refresh_from_db()
    assert review.extended_deadline is None
    review.extended_deadline = D(2017, 3, 31)
    with pytest.raises(ValidationError) as exc:
        review.full_clean()
    assert "reason" in str(exc.value.message_dict["extension_reason"])


def test_response_overdue_only_when_deadline_passed_without_response(review):
    review.report_received_on = D(2016, 11, 14)
    assert not review.is_response_overdue(today=D(2017, 1, 13))  # the deadline day itself
    assert review.is_response_overdue(today=D(2017, 1, 14))  # the corresponding date is late
    assert review.days_to_response_deadline(today=D(2017, 1, 4)) == 9
    assert review.days_to_response_deadline(today=D(2017, 1, 13)) == 0
    assert review.days_to_response_deadline(today=D(2017, 1, 16)) == -3
    review.response_given_on = D(2017, 1, 20)
    assert not review.is_response_overdue(today=D(2017, 2, 1))
    assert review.days_to_response_deadline(today=D(2017, 2, 1)) is None


def test_no_deadline_no_overdue(review):
    assert review.response_deadline is None
    assert not review.is_response_overdue(today=D(2030, 1, 1))


# --- municipal year and references ------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (D(2016, 4, 30), "2015/16"),
        (D(2016, 5, 1), "2016/17"),
        (D(2016, 7, 7), "2016/17"),
        (D(2017, 1, 1), "2016/17"),
        (D(1999, 6, 1), "1999/00"),
    ],
)
def test_municipal_year_runs_may_to_april(day, year):
    assert municipal_year(day) == year


def test_municipal_year_bounds_and_refusal():
    assert municipal_year_bounds("2016/17") == (D(2016, 5, 1), D(2017, 4, 30))
    for bad in ["2016/18", "16/17", "2016-17", "abcd/ef", ""]:
        with pytest.raises(ValueError):
            municipal_year_bounds(bad)


def test_reference_generated_from_the_municipal_year_of_the_report(review):
    rec = Recommendation.objects.create(review=review, number=3, text="That ...")
    assert rec.reference == "2016/17 R3"


def test_reference_waits_for_the_report(committee):
    from reviews.models import Review

    review = Review.objects.create(
        title="Early", review_type="task_group", commissioning_committee=committee
    )
    rec = Recommendation.objects.create(review=review, number=1, text="That ...")
    assert rec.reference is None
    review.report_agreed_on = D(2021, 4, 20)
    review_update(review=review, user=None)
    rec.refresh_from_db()
    assert rec.reference == "2020/21 R1"


def test_references_follow_a_change_to_the_report_date_with_history(review):
    first = Recommendation.objects.create(review=review, number=1, text="That ...")
    typed = Recommendation(review=review, number=2, text="That ...")
    typed.set_reference("OSC/2016/2")
    typed.save()
    review.report_agreed_on = D(2017, 5, 10)  # corrected: agreed in the next municipal year
    review_update(review=review, user=None)
    first.refresh_from_db()
    typed.refresh_from_db()
    assert first.reference == "2017/18 R1"
    assert typed.reference == "OSC/2016/2"  # a reference an officer typed stays
    latest = first.history.first()
    assert latest.reference == "2017/18 R1"
    assert latest.history_change_reason == (
        "Reference follows the review's report date: 2016/17 R1 to 2017/18 R1"
    )
    review.reference_prefix = "SOS"
    review_update(review=review, user=None)
    first.refresh_from_db()
    assert first.reference == "2017/18 SOS R1"


def test_a_report_date_giving_references_in_use_is_refused(review, committee):
    from reviews.models import Review

    Recommendation.objects.create(review=review, number=1, text="That ...")
    other = Review.objects.create(
        title="Other",
        review_type="task_group",
        commissioning_committee=committee,
        report_agreed_on=D(2017, 9, 1),
    )
    mine = Recommendation.objects.create(review=other, number=1, text="That ...")
    other.report_agreed_on = D(2016, 9, 1)  # 2016/17, where "2016/17 R1" is taken
    with pytest.raises(ValidationError) as exc:
        review_update(review=other, user=None)
    assert exc.value.messages == [
        "The recommendations' references would change to ones already in use: 2016/17 R1 is "
        "already the reference of recommendation 1 of “Shared services”. Give this review a "
        "reference prefix, such as “OTH”, so that its references are told apart "
        "(“2016/17 OTH R1”)."
    ]
    mine.refresh_from_db()
    assert mine.reference == "2017/18 R1"
    assert Review.objects.get(pk=other.pk).report_agreed_on == D(2017, 9, 1)


def test_typed_reference_is_kept(review):
    rec = Recommendation(review=review, number=1, text="That ...")
    rec.set_reference("OSC/2016/1")
    rec.save()
    rec.save()
    assert rec.reference == "OSC/2016/1"
    rec.set_reference("")
    rec.save()
    assert rec.reference == "2016/17 R1"


def test_reference_prefix_separates_reviews_of_one_year(review, committee):
    from reviews.models import Review

    Recommendation.objects.create(review=review, number=1, text="That ...")
    other = Review.objects.create(
        title="Other",
        review_type="task_group",
        commissioning_committee=committee,
        report_agreed_on=D(2016, 9, 1),
    )
    clash = Recommendation(review=other, number=1, text="That ...")
    clash.reference = clash.generated_reference()
    with pytest.raises(ValidationError) as exc:
        clash.full_clean()
    assert exc.value.message_dict["reference"] == [
        "2016/17 R1 is already the reference of recommendation 1 of “Shared services”. Give "
        "this review a reference prefix, such as “OTH”, so that its references are told apart "
        "(“2016/17 OTH R1”), or type another reference."
    ]
    other.reference_prefix = "SOS"
    other.save()
    rec = Recommendation.objects.create(review=other, number=1, text="That ...")
    assert rec.reference == "2016/17 SOS R1"


# --- the executive response ---------------------------------------------------------------


@pytest.fixture
def rec(review):
    return Recommendation.objects.create(review=review, number=1, text="That the council ...")


@pytest.mark.parametrize(
    "decision",
    [
        Decision.ACCEPTED_IN_PRINCIPLE,
        Decision.PARTIALLY_ACCEPTED,
        Decision.REJECTED,
        Decision.NOTED,
    ],
)
def test_a_response_other_than_acceptance_needs_a_reason(
    rec, officer_user, cabinet_meeting, decision
):
    with pytest.raises(ValidationError) as exc:
        recommendation_respond(
            recommendation=rec,
            decision=decision,
            response_text=" ",
            meeting=cabinet_meeting,
            user=officer_user,
        )
    assert "response_text" in exc.value.message_dict
    rec.refresh_from_db()
    assert rec.decision == ""
    recommendation_respond(
        recommendation=rec,
        decision=decision,
        response_text="Because ...",
        meeting=cabinet_meeting,
        user=officer_user,
    )
    rec.refresh_from_db()
    assert rec.decision == decision
    assert rec.response_date == D(2016, 11, 14)


def test_full_acceptance_needs_no_reason(rec, officer_user, cabinet_meeting):
    recommendation_respond(
        recommendation=rec, decision=Decision.ACCEPTED, meeting=cabinet_meeting, user=officer_user
    )
    rec.refresh_from_db()
    assert rec.decision == Decision.ACCEPTED


def test_unknown_decision_is_refused(rec, officer_user, cabinet_meeting):
    with pytest.raises(ValidationError):
        recommendation_respond(
            recommendation=rec, decision="maybe", meeting=cabinet_meeting, user=officer_user
        )


def test_accepted_recommendation_without_action_is_flagged(rec, officer_user, cabinet_meeting):
    assert not rec.accepted_without_action()
    recommendation_respond(
        recommendation=rec, decision=Decision.ACCEPTED, meeting=cabinet_meeting, user=officer_user
    )
    assert rec.accepted_without_action()
    assert list(Recommendation.objects.accepted_without_action()) == [rec]
    ActionPlanItem.objects.create(recommendation=rec, action="Do it")
    assert not rec.accepted_without_action()
    assert not Recommendation.objects.accepted_without_action().exists()


def test_rejected_recommendation_is_not_flagged_for_missing_action(
    rec, officer_user, cabinet_meeting
):
    recommendation_respond(
        recommendation=rec,
        decision=Decision.REJECTED,
        response_text="Unaffordable",
        meeting=cabinet_meeting,
        user=officer_user,
    )
    assert not rec.accepted_without_action()
    assert rec.status == RecommendationStatus.NOT_ACCEPTED


# --- target dates and slippage ------------------------------------------------------------


def test_revising_a_target_needs_a_reason_and_keeps_the_first(rec, officer_user):
    action = ActionPlanItem.objects.create(
        recommendation=rec, action="Draft", target_date=D(2017, 6, 30)
    )
    assert action.first_target_date == D(2017, 6, 30)
    with pytest.raises(ValidationError) as exc:
        action_revise_target_date(
            action=action, new_date=D(2017, 9, 30), reason="", user=officer_user
        )
    assert "reason" in exc.value.message_dict
    action.refresh_from_db()
    assert action.target_date == D(2017, 6, 30)
    assert action.target_revisions.count() == 0

    action_revise_target_date(
        action=action, new_date=D(2017, 9, 30), reason="Waiting for CIPFA", user=officer_user
    )
    action_revise_target_date(
        action=action, new_date=D(2018, 1, 31), reason="Pushed back by CMT", user=officer_user
    )
    action.refresh_from_db()
    assert action.first_target_date == D(2017, 6, 30)
    assert action.target_date == D(2018, 1, 31)
    assert action.target_revision_count == 2
    assert [r.reason for r in action.target_revisions.all()] == [
        "Waiting for CIPFA",
        "Pushed back by CMT",
    ]
    assert action.slippage_days == 215
    assert action.slippage_text == "Target revised twice, 7 months later than first agreed"
    last = action.history.first()
    assert last.history_change_reason == "Pushed back by CMT"
    assert last.history_user == officer_user


def test_slippage_wording_edges(rec, officer_user):
    action = ActionPlanItem.objects.create(
        recommendation=rec, action="A", target_date=D(2017, 6, 30)
    )
    assert action.slippage_text == ""
    action_revise_target_date(action=action, new_date=D(2017, 7, 10), reason="r", user=officer_user)
    assert action.slippage_text == "Target revised once, 10 days later than first agreed"
    action_revise_target_date(action=action, new_date=D(2017, 5, 31), reason="r", user=officer_user)
    assert action.slippage_text == "Target revised twice, 1 month earlier than first agreed"
    action_revise_target_date(action=action, new_date=D(2017, 6, 30), reason="r", user=officer_user)
    assert action.slippage_text == "Target revised 3 times"


def test_setting_the_first_target_needs_no_reason(rec, officer_user):
    action = ActionPlanItem.objects.create(recommendation=rec, action="A", timeline="TBC")
    action_revise_target_date(action=action, new_date=D(2017, 8, 31), reason="", user=officer_user)
    action.refresh_from_db()
    assert action.first_target_date == D(2017, 8, 31)
    assert action.target_revision_count == 0


def test_a_revision_can_bring_the_timeline_with_it_in_the_same_save(rec, officer_user):
    action = ActionPlanItem.objects.create(
        recommendation=rec, action="A", timeline="June 2017", target_date=D(2017, 6, 30)
    )
    action_revise_target_date(
        action=action,
        new_date=D(2027, 3, 31),
        reason="The partner asked for more time",
        timeline=" By 31 March 2027 ",
        user=officer_user,
    )
    action.refresh_from_db()
    assert (action.target_date, action.timeline) == (D(2027, 3, 31), "By 31 March 2027")
    newest, before = action.history.all()[:2]
    assert newest.history_change_reason == "The partner asked for more time"
    assert (before.timeline, newest.timeline) == ("June 2017", "By 31 March 2027")
    # No timeline given: the council's wording stays as it was.
    action_revise_target_date(
        action=action, new_date=D(2027, 6, 30), reason="Later still", user=officer_user
    )
    action.refresh_from_db()
    assert action.timeline == "By 31 March 2027"


def test_a_refused_revision_leaves_the_timeline_alone(rec, officer_user):
    action = ActionPlanItem.objects.create(
        recommendation=rec, action="A", timeline="June 2017", target_date=D(2017, 6, 30)
    )
    with pytest.raises(ValidationError):
        action_revise_target_date(
            action=action,
            new_date=D(2027, 3, 31),
            reason="",
            timeline="By 31 March 2027",
            user=officer_user,
        )
    assert ActionPlanItem.objects.get(pk=action.pk).timeline == "June 2017"
    assert action.history.count() == 1


def test_same_target_is_not_a_revision(rec, officer_user):
    action = ActionPlanItem.objects.create(
        recommendation=rec, action="A", target_date=D(2017, 6, 30)
    )
    with pytest.raises(ValidationError):
        action_revise_target_date(
            action=action, new_date=D(2017, 6, 30), reason="r", user=officer_user
        )


# --- overdue actions ----------------------------------------------------------------------


def test_action_overdue_when_target_passed_and_not_complete(rec):
    action = ActionPlanItem.objects.create(
        recommendation=rec, action="A", target_date=D(2017, 6, 30)
    )
    assert not action.is_overdue(today=D(2017, 6, 30))
    assert action.is_overdue(today=D(2017, 7, 1))
    assert list(ActionPlanItem.objects.overdue(today=D(2017, 7, 1))) == [action]
    action.status = ProgressStatus.ACHIEVED
    action.save()
    assert not action.is_overdue(today=D(2017, 7, 1))
    assert not ActionPlanItem.objects.overdue(today=D(2017, 7, 1)).exists()


def test_action_without_target_is_never_overdue(rec):
    action = ActionPlanItem.objects.create(recommendation=rec, action="A", timeline="Ongoing")
    assert not action.is_overdue(today=D(2099, 1, 1))
    assert not ActionPlanItem.objects.overdue(today=D(2099, 1, 1)).exists()


# --- derived implementation status --------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "not_started"),
        (["not_started"], "not_started"),
        (["achieved"], "achieved"),
        (["achieved", "achieved"], "achieved"),
        (["achieved", "not_started"], "on_track"),
        (["on_track", "off_track"], "off_track"),
        (["achieved", "off_track"], "off_track"),
        (["on_track", "paused"], "on_track"),
        (["paused", "not_started"], "paused"),
        (["paused"], "paused"),
    ],
)
def test_status_derived_from_actions(rec, statuses, expected):
    for number, status in enumerate(statuses, start=1):
        ActionPlanItem.objects.create(recommendation=rec, number=number, action="A", status=status)
    rec.refresh_from_db()
    assert rec.status == expected
    assert rec.derive_status(statuses) == expected


def test_status_set_by_an_officer_wins_over_the_actions(rec):
    ActionPlanItem.objects.create(recommendation=rec, action="A", status="achieved")
    rec.refresh_from_db()
    rec.status_set_by_officer = RecommendationStatus.OFF_TRACK
    rec.save()
    assert rec.status == "off_track"
    rec.status_set_by_officer = ""
    rec.save()
    assert rec.status == "achieved"


def test_rejection_and_closure_win_over_everything(rec, officer_user, committee):
    ActionPlanItem.objects.create(recommendation=rec, action="A", status="on_track")
    rec.refresh_from_db()
    rec.status_set_by_officer = "achieved"
    meeting = Meeting.objects.create(committee=committee, date=D(2018, 3, 8))
    recommendation_close(
        recommendation=rec, meeting=meeting, minute_reference="Minute 12", user=officer_user
    )
    assert rec.status == "closed"


def test_action_change_saves_recommendation_status_with_history(rec, officer_user):
    action = ActionPlanItem.objects.create(recommendation=rec, action="A")
    before = rec.history.count()
    update_post(
        recommendation=rec,
        action=action,
        text="Done",
        reported_status="achieved",
        user=officer_user,
    )
    rec.refresh_from_db()
    action.refresh_from_db()
    assert action.status == "achieved"
    assert rec.status == "achieved"
    assert rec.history.count() == before + 1
    assert rec.history.first().history_user == officer_user


# --- closure ------------------------------------------------------------------------------


def test_closing_records_meeting_date_and_minute(rec, officer_user, committee):
    meeting = Meeting.objects.create(committee=committee, date=D(2018, 3, 8))
    with pytest.raises(ValidationError):
        recommendation_close(
            recommendation=rec, meeting=meeting, minute_reference=" ", user=officer_user
        )
    rec.refresh_from_db()
    assert not rec.is_closed
    recommendation_close(
        recommendation=rec, meeting=meeting, minute_reference="Minute 7", user=officer_user
    )
    rec.refresh_from_db()
    assert rec.closed_at_meeting == meeting
    assert rec.closed_on == D(2018, 3, 8)
    assert rec.closure_minute_reference == "Minute 7"
    assert rec.status == RecommendationStatus.CLOSED
    assert not Recommendation.objects.open().exists()


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("Minute 7", "Minute 7"), ("MINUTE 7/18", "MINUTE 7/18"), (" 7/18 ", "minute 7/18")],
)
def test_closure_history_reason_says_minute_once(rec, officer_user, committee, typed, reason):
    meeting = Meeting.objects.create(committee=committee, date=D(2018, 3, 8))
    recommendation_close(
        recommendation=rec, meeting=meeting, minute_reference=typed, user=officer_user
    )
    reason_given = rec.history.latest().history_change_reason
    assert reason_given == f"Closed at {meeting}, {reason}"


def test_closed_recommendation_actions_are_not_overdue(rec, officer_user, committee):
    ActionPlanItem.objects.create(recommendation=rec, action="A", target_date=D(2017, 6, 30))
    meeting = Meeting.objects.create(committee=committee, date=D(2018, 3, 8))
    recommendation_close(
        recommendation=rec, meeting=meeting, minute_reference="7", user=officer_user
    )
    assert not ActionPlanItem.objects.overdue(today=D(2018, 4, 1)).exists()


# --- updates ------------------------------------------------------------------------------


def test_update_on_another_recommendations_action_is_refused(review, rec, officer_user):
    other = Recommendation.objects.create(review=review, number=2, text="That ...")
    action = ActionPlanItem.objects.create(recommendation=other, action="A")
    with pytest.raises(ValidationError) as exc:
        update_post(recommendation=rec, action=action, text="x", user=officer_user)
    assert "action" in exc.value.message_dict


def test_update_needs_text(rec, officer_user):
    with pytest.raises(ValidationError):
        update_post(recommendation=rec, text="   ", user=officer_user)
    assert not rec.updates.exists()


# --- versions -----------------------------------------------------------------------------


def test_version_goes_up_on_every_save(rec):
    assert rec.version == 1
    rec.save()
    rec.save(update_fields=["text"])
    rec.refresh_from_db()
    assert rec.version == 3
    assert rec.is_stale(2)
    assert not rec.is_stale(3)
