"""Writes to reviews that carry a rule or a reason. Each runs in one transaction, saves through
``save()`` so history is written, and records ``user`` as the author of the change."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from scrutiny.audit import acting_as

from .models import Meeting, Review, ReviewStatus


def save_with_history(obj, *, user, reason: str = "") -> None:
    """Validate ``obj`` (``full_clean``) and save it with ``user`` and ``reason`` on the
    history row, in a transaction. A ``ValidationError`` leaves the database unchanged."""
    with transaction.atomic(), acting_as(user):
        obj.full_clean()
        obj.save(reason=reason)


def review_record_receipt(*, review: Review, meeting: Meeting, user, reason: str = "") -> Review:
    """Record that the executive received the review's report at ``meeting``; the response
    deadline follows from it, and the review now awaits the response."""
    review.report_received_meeting = meeting
    review.report_received_on = meeting.date
    if review.status in (
        ReviewStatus.SCOPING,
        ReviewStatus.EVIDENCE_GATHERING,
        ReviewStatus.REPORTING,
    ):
        review.status = ReviewStatus.AWAITING_RESPONSE
    save_with_history(review, user=user, reason=reason or f"Report received at {meeting}")
    return review


def review_extend_deadline(*, review: Review, deadline: datetime.date, reason: str, user) -> Review:
    """Set a longer response deadline agreed by the committee. The reason is required."""
    if not reason.strip():
        raise ValidationError({"extension_reason": "Give the reason for the longer deadline."})
    review.extended_deadline = deadline
    review.extension_reason = reason.strip()
    save_with_history(review, user=user, reason=reason)
    return review
