"""Which meetings fit: the rules for the meeting a record names, each written once here.

- An **update** is reported to a meeting of a committee that monitors the review (its
  commissioning committee, and any committee named as also monitoring it), held on or after
  the date of the update.
- A **closure** is agreed at a meeting of a committee that monitors the review, held on or
  before today and after the executive's response (with no response recorded, after the report
  was agreed).
- The executive **receives** the report at a meeting of an executive body (the Cabinet or a
  Cabinet Member: ``EXECUTIVE_KINDS``), held on or after the day the committee agreed it.
- The executive **responds** at a meeting of an executive body or of the body responsible for
  the recommendation, held on or after the day it received the report (before a receipt is
  recorded, on or after the day the report was agreed).

Each rule is two functions: ``*_meetings`` gives the meetings that fit, as a query (what a form
offers: no query is run until the choices are drawn), and ``check_*`` raises
``ValidationError({field: message})`` for a meeting that does not, saying which rule it breaks
and what to choose instead. The models' ``clean()`` call the checks, so every write is held to
them: the forms, the services, commands, imports and the demonstration loader.

The rules need only this app's records: a caller passes what it knows of a recommendation (its
responsible body, the day of its response) as values.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from scrutiny.formats import british_date

from .models import EXECUTIVE_KINDS, Committee, Meeting, Review

EXECUTIVE_BODIES = "an executive body (the Cabinet or a Cabinet Member)"


def add_refusal(errors: dict, refused: ValidationError) -> None:
    """Add the messages of ``refused`` (a check's refusal) to ``errors``, the dict a
    ``clean()`` raises, keeping any message already there for the same field."""
    for name, messages in refused.message_dict.items():
        already = errors.get(name, [])
        errors[name] = [*([already] if isinstance(already, str) else already), *messages]


def _meetings() -> QuerySet:
    return Meeting.objects.select_related("committee")


def _monitoring(review: Review, prefix: str = "") -> Q:
    """The committees that monitor ``review`` as a condition on a committee's id (``prefix``
    ``committee_`` for a meeting's committee): a subquery, with no query of its own."""
    condition = Q(**{f"{prefix}id": review.commissioning_committee_id})
    if review.pk is not None:
        named = Review.monitoring_committees.through.objects.filter(review_id=review.pk)
        condition |= Q(**{f"{prefix}id__in": named.values("committee_id")})
    return condition


def monitoring_committees(review: Review) -> QuerySet:
    """The committees that monitor ``review``: its commissioning committee, and those named as
    also monitoring it."""
    return Committee.objects.filter(_monitoring(review))


def monitors(review: Review, committee_id: int) -> bool:
    """Whether the committee ``committee_id`` monitors ``review`` (a query only for a committee
    other than the commissioning one)."""
    if committee_id == review.commissioning_committee_id:
        return True
    return review.pk is not None and review.monitoring_committees.filter(pk=committee_id).exists()


def _names(committees: Iterable) -> str:
    names = sorted({str(c) for c in committees})
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _monitoring_names(review: Review) -> str:
    return _names(monitoring_committees(review))


# --- updates ---------------------------------------------------------------------------------


def update_meetings(review: Review) -> QuerySet:
    """The meetings an update on a recommendation of ``review`` may be reported to, on any day
    (a form does not know the update's date until it is sent; ``check_update_meeting`` holds
    the meeting to it)."""
    return _meetings().filter(_monitoring(review, "committee_"))


def check_update_meeting(
    meeting: Meeting, *, review: Review, date: datetime.date | None, field: str = "reported_to"
) -> None:
    """Refuse ``meeting`` for an update of ``date`` on a recommendation of ``review``."""
    if not monitors(review, meeting.committee_id):
        raise ValidationError(
            {
                field: f"{meeting.committee} does not monitor this review: an update is "
                f"reported to a meeting of a committee that monitors it "
                f"({_monitoring_names(review)}). Choose one of their meetings, or “Not yet "
                f"reported”."
            }
        )
    if date is not None and meeting.date < date:
        raise ValidationError(
            {
                field: f"The meeting of {british_date(meeting.date)} was before the update "
                f"({british_date(date)}): an update is reported to a meeting held on or after "
                f"its date. Choose a meeting on or after {british_date(date)}, or “Not yet "
                f"reported”."
            }
        )


# --- closures --------------------------------------------------------------------------------


def closure_after(
    review: Review, responded_on: datetime.date | None
) -> tuple[datetime.date | None, str]:
    """The day a closure must come after, and what happened that day: the executive's response
    (given on ``responded_on``), or before one is recorded the committee's agreement of the
    report; (None, "") when neither is known."""
    if responded_on is not None:
        return responded_on, "the executive's response"
    if review.report_agreed_on is not None:
        return review.report_agreed_on, "the committee agreed the report"
    return None, ""


def closure_meetings(
    review: Review, *, responded_on: datetime.date | None, today: datetime.date | None = None
) -> QuerySet:
    """The meetings at which a committee may have agreed to close a recommendation of
    ``review`` whose response was given on ``responded_on`` (None: not recorded)."""
    today = today or timezone.localdate()
    meetings = _meetings().filter(_monitoring(review, "committee_"), date__lte=today)
    after, _ = closure_after(review, responded_on)
    return meetings.filter(date__gt=after) if after is not None else meetings


def check_closure_meeting(
    meeting: Meeting,
    *,
    review: Review,
    responded_on: datetime.date | None,
    today: datetime.date | None = None,
    field: str = "closed_at_meeting",
) -> None:
    """Refuse ``meeting`` for the closure of a recommendation of ``review`` whose response was
    given on ``responded_on``."""
    today = today or timezone.localdate()
    if not monitors(review, meeting.committee_id):
        raise ValidationError(
            {
                field: f"{meeting.committee} does not monitor this review: a recommendation is "
                f"closed at a meeting of a committee that monitors the review "
                f"({_monitoring_names(review)}). Choose one of their meetings."
            }
        )
    if meeting.date > today:
        raise ValidationError(
            {
                field: f"The meeting of {british_date(meeting.date)} has not happened yet: a "
                f"closure is agreed at a meeting held on or before today. Choose a meeting "
                f"that has taken place, or record the closure after the meeting."
            }
        )
    after, what = closure_after(review, responded_on)
    if after is not None and meeting.date <= after:
        raise ValidationError(
            {
                field: f"The meeting of {british_date(meeting.date)} was not after {what} "
                f"({british_date(after)}): a recommendation is closed at a meeting held after "
                f"{what}. Choose a meeting after {british_date(after)}."
            }
        )


# --- receipt by the executive ----------------------------------------------------------------


def receipt_meetings(review: Review) -> QuerySet:
    """The meetings at which the executive may have received the report of ``review``."""
    meetings = _meetings().filter(committee__kind__in=EXECUTIVE_KINDS)
    if review.report_agreed_on is not None:
        meetings = meetings.filter(date__gte=review.report_agreed_on)
    return meetings


def check_receipt_meeting(
    meeting: Meeting,
    *,
    review: Review,
    field: str = "report_received_meeting",
    date_field: str | None = None,
) -> None:
    """Refuse ``meeting`` for the executive's receipt of the report of ``review`` (a meeting
    before the report was agreed is refused on ``date_field``, by default ``field``)."""
    if not meeting.committee.is_executive:
        raise ValidationError(
            {
                field: f"{meeting.committee} is not an executive body: the executive receives "
                f"the report at a meeting of {EXECUTIVE_BODIES}. Choose a meeting of the "
                f"executive."
            }
        )
    agreed = review.report_agreed_on
    if agreed is not None and meeting.date < agreed:
        raise ValidationError(
            {
                date_field or field: "The executive cannot receive the report before the "
                "committee agreed it."
                f" It was agreed on {british_date(agreed)}: record receipt at a meeting of the "
                f"executive held on or after that day (the meeting of "
                f"{british_date(meeting.date)} was before it), or correct the date the report "
                f"was agreed."
            }
        )


# --- the executive's response ----------------------------------------------------------------


def response_since(review: Review) -> tuple[datetime.date | None, str]:
    """The first day a response may be given, and what happened that day: the executive
    received the report, or before a receipt is recorded the committee agreed it; (None, "")
    when neither is known."""
    if review.report_received_on is not None:
        return review.report_received_on, "the executive received the report"
    if review.report_agreed_on is not None:
        return review.report_agreed_on, "the committee agreed the report"
    return None, ""


def response_meetings(review: Review, *, responsible_bodies=()) -> QuerySet:
    """The meetings at which the executive may have responded to the recommendations of
    ``review`` addressed to ``responsible_bodies`` (committee ids: a list, or a query of them)."""
    meetings = _meetings().filter(
        Q(committee__kind__in=EXECUTIVE_KINDS) | Q(committee_id__in=responsible_bodies)
    )
    since, _ = response_since(review)
    return meetings.filter(date__gte=since) if since is not None else meetings


def check_response(
    meeting: Meeting | None,
    day: datetime.date | None,
    *,
    review: Review,
    responsible_bodies: Iterable[int | None] = (),
    field: str = "response_meeting",
    date_field: str = "response_date",
) -> None:
    """Refuse a response to a recommendation of ``review`` (addressed to one of
    ``responsible_bodies``) given at ``meeting``, or on ``day`` outside a meeting."""
    bodies = {pk for pk in responsible_bodies if pk is not None}
    if (
        meeting is not None
        and not meeting.committee.is_executive
        and meeting.committee_id not in bodies
    ):
        responsible = (
            f"the body responsible for it ({_names(Committee.objects.filter(pk__in=bodies))})"
            if bodies
            else "the body responsible for it (none is recorded)"
        )
        raise ValidationError(
            {
                field: f"{meeting.committee} is neither an executive body nor the body the "
                f"recommendation is addressed to: the executive responds at a meeting of "
                f"{EXECUTIVE_BODIES} or of {responsible}. Choose one of their meetings, or "
                f"give the date of a response made outside a meeting."
            }
        )
    day = meeting.date if meeting is not None else day
    since, _ = response_since(review)
    if day is not None and since is not None and day < since:
        rule = (
            "The response cannot come before the executive received the report. It was received"
            if review.report_received_on is not None
            else "The executive cannot respond before the committee agreed the report. It was "
            "agreed"
        )
        raise ValidationError(
            {
                field if meeting is not None else date_field: f"{rule} on "
                f"{british_date(since)}: choose a meeting held on or after that day, or give a "
                "later date."
            }
        )


__all__ = [
    "EXECUTIVE_KINDS",
    "add_refusal",
    "check_closure_meeting",
    "check_receipt_meeting",
    "check_response",
    "check_update_meeting",
    "closure_after",
    "closure_meetings",
    "monitoring_committees",
    "monitors",
    "receipt_meetings",
    "response_meetings",
    "response_since",
    "update_meetings",
]
