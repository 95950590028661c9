"""Constraint violations give the constraint's own message, in validation and in the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from recommendations.models import ActionPlanItem, Recommendation, TargetDateRevision
from reviews.models import Meeting


def messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def test_number_unique_within_review(review):
    Recommendation.objects.create(review=review, number=1, text="A")
    duplicate = Recommendation(review=review, number=1, text="B")
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "This review already has a recommendation with that number." in messages(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(
            review=review, number=1, text="B", reference_is_generated=False
        )


def test_reference_unique_across_the_council(review, committee):
    from reviews.models import Review

    Recommendation.objects.create(review=review, number=1, text="A")
    other = Review.objects.create(
        title="Other", review_type="task_group", commissioning_committee=committee
    )
    duplicate = Recommendation(
        review=other, number=1, text="B", reference="2016/17 R1", reference_is_generated=False
    )
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert messages(exc.value) == (
        "2016/17 R1 is already the reference of recommendation 1 of “Shared services”. Type "
        "another reference, or leave it blank to give it the generated one."
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_response_reason_constraint_in_the_database(review):
    rec = Recommendation(
        review=review,
        number=1,
        text="A",
        decision="rejected",
        response_date=datetime.date(2017, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        rec.validate_constraints()
    assert "A response other than full acceptance needs its reason." in messages(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        rec.save()


def test_extension_reason_constraint(review):
    review.extended_deadline = datetime.date(2021, 9, 30)
    with pytest.raises(ValidationError) as exc:
        review.validate_constraints()
    assert "An extended deadline needs the reason" in messages(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        review.save()


def test_closure_needs_minute(review, cabinet_meeting):
    rec = Recommendation(
        review=review,
        number=1,
        text="A",
        closed_at_meeting=cabinet_meeting,
        closed_on=cabinet_meeting.date,
    )
    with pytest.raises(ValidationError) as exc:
        rec.validate_constraints()
    assert "minute reference" in messages(exc.value)


def test_one_meeting_per_committee_and_day(cabinet_meeting):
    with pytest.raises(ValidationError) as exc:
        Meeting(committee=cabinet_meeting.committee, date=cabinet_meeting.date).full_clean()
    assert "already has a meeting on that day" in messages(exc.value)


def test_target_revision_needs_reason_in_the_database(review):
    rec = Recommendation.objects.create(review=review, number=1, text="A")
    action = ActionPlanItem.objects.create(
        recommendation=rec, action="A", target_date=datetime.date(2017, 1, 1)
    )
    revision = TargetDateRevision(
        action=action,
        previous_target_date=datetime.date(2017, 1, 1),
        new_target_date=datetime.date(2017, 2, 1),
        reason="",
    )
    with pytest.raises(ValidationError) as exc:
        revision.validate_constraints()
    assert "Revising a target date needs a reason." in messages(exc.value)
