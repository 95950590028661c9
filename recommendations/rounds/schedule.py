"""What the scheduler does each day (``manage.py send_round_reminders``, from cron or a
systemd timer): open the rounds that open themselves, remind owners before the deadline, chase
them after it, and tell the scrutiny officer when every return is in.

Idempotent: everything it sends is logged as an :class:`~.models.EmailSent` naming the day it
was due (``due_on``), with a unique constraint behind it, so a second run on the same day (or
two at once) sends nothing more. After days missed (the scheduler was down) it sends only the
latest email due, once: a reminder due on a day already past is not sent late when a later one
is due, and after the deadline only the chaser goes.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone

from reviews.dates import is_working_day, working_days_before
from reviews.models import Meeting, Officer
from scrutiny.audit import system_user

from .emails import send_all_in_email, send_request_email
from .models import (
    EmailKind,
    EmailSent,
    RequestItem,
    RequestState,
    ReturnState,
    RoundState,
    UpdateRequest,
    UpdateRound,
)
from .services import default_deadline, round_open

OUTSTANDING = {ReturnState.DRAFT, ReturnState.RETURNED}  # and items with no return at all


@dataclass
class ScheduleReport:
    """What one run did, for the command to print."""

    opened: list = field(default_factory=list)  # UpdateRound
    sent: list = field(default_factory=list)  # EmailSent
    problems: list = field(default_factory=list)  # str

    def lines(self) -> list[str]:
        out = [f"Opened the update round for {r.meeting}" for r in self.opened]
        out += [f"Sent {e.get_kind_display().lower()} to {e.to}: {e.subject}" for e in self.sent]
        out += self.problems
        return out


def next_working_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def reminder_due(update_round: UpdateRound, today: datetime.date) -> tuple[str, datetime.date]:
    """The scheduled email owners with items outstanding should have by ``today``: (kind, the
    day it was due), or ("", None). The latest one due only: days missed are not made up."""
    deadline = update_round.deadline
    chaser_day = next_working_day(deadline)
    if today >= chaser_day:
        return EmailKind.CHASER, chaser_day
    if today > deadline:
        return "", None
    offsets = update_round.meeting.committee.reminder_offsets()
    days = [working_days_before(deadline, offset) for offset in offsets]
    due = [day for day in days if day <= today]
    return (EmailKind.REMINDER, max(due)) if due else ("", None)


def is_outstanding(request: UpdateRequest) -> bool:
    """Some item of the request has no return submitted (none yet, a draft, or sent back)."""
    for item in request.items.all():
        reply = getattr(item, "reply", None)
        if reply is None or reply.state in OUTSTANDING:
            return True
    return False


def all_in_recipients(update_round: UpdateRound) -> list[tuple[str, str]]:
    """Who is told that every return is in: the officer who opened the round, if a person
    with an email address; otherwise (a round that opened itself) the scrutiny officers of the
    reviews the round asks about. (address, name) pairs."""
    opener = update_round.opened_by
    if opener is not None and opener.email and opener.username != settings.SYSTEM_USERNAME:
        return [(opener.email, opener.get_full_name() or opener.username)]
    officers = (
        Officer.objects.filter(
            supported_reviews__recommendations__in=RequestItem.objects.filter(
                request__round=update_round
            ).values("recommendation_id")
        )
        .exclude(email="")
        .distinct()
        .order_by("name", "pk")
    )
    return [(officer.email, officer.name) for officer in officers]


def open_due_rounds(today: datetime.date, report: ScheduleReport) -> None:
    """Open, and send, the round of each meeting to come whose committee opens rounds itself,
    from that many working days before the meeting (later, if a run was missed, while the
    deadline for returns is still to come). The requests' emails are logged as due today."""
    meetings = (
        Meeting.objects.filter(
            committee__kind="scrutiny",
            committee__round_opens_working_days__isnull=False,
            date__gt=today,
            update_round__isnull=True,
        )
        .select_related("committee")
        .order_by("date", "pk")
    )
    for meeting in meetings:
        problem = meeting.committee.round_opening_problem()
        if problem:  # saved before the rule: said every day, never skipped in silence
            report.problems.append(f"No update round opened for {meeting}: {problem}")
            continue
        opens_on = working_days_before(meeting.date, meeting.committee.round_opens_working_days)
        if today < opens_on or default_deadline(meeting) < today:
            continue
        try:
            update_round = round_open(meeting=meeting, user=system_user())
        except ValidationError as refused:
            report.problems.append(f"Could not open a round for {meeting}: {refused.messages[0]}")
            continue
        report.opened.append(update_round)
        for request in update_round.requests.select_related("owner", "round__meeting"):
            if not request.owner.email:
                report.problems.append(
                    f"{request.owner.name} has no email address: no request sent ({meeting})"
                )
                continue
            sent = send_request_email(request=request, kind=EmailKind.REQUEST, due_on=today)
            if sent is not None:
                report.sent.append(sent)


def remind_round(update_round: UpdateRound, today: datetime.date, report: ScheduleReport):
    """The reminder or chaser due today to each owner with items outstanding, once each; then,
    when every return is in, the message to the scrutiny officer (once). A request emailed on
    or after the day a reminder was due is not reminded."""
    kind, due_on = reminder_due(update_round, today)
    requests = list(
        update_round.requests.exclude(state=RequestState.FORWARDED)
        .select_related("owner")
        .prefetch_related(Prefetch("items", queryset=RequestItem.objects.select_related("reply")))
    )
    live = [request for request in requests if request.items.all()]
    if kind:
        already = set(
            EmailSent.objects.filter(round=update_round, kind=kind, due_on=due_on).values_list(
                "request_id", flat=True
            )
        )
        # The day each request went: the scheduler's own requests say (it may run for a day
        # given), the officer's are dated when sent.
        requested_on = dict(
            EmailSent.objects.filter(
                round=update_round, kind=EmailKind.REQUEST, due_on__isnull=False
            ).values_list("request_id", "due_on")
        )
        for request in live:
            # A request never sent (the officer has not sent it yet) is not reminded.
            if request.state != RequestState.SENT or request.pk in already:
                continue
            sent_on = requested_on.get(request.pk) or timezone.localdate(request.sent_at)
            if sent_on >= due_on:
                continue
            if not request.owner.email or not is_outstanding(request):
                continue
            request.round = update_round
            sent = send_request_email(request=request, kind=kind, due_on=due_on)
            if sent is not None:
                report.sent.append(sent)
    if live and not any(is_outstanding(request) for request in live):
        told = set(
            EmailSent.objects.filter(round=update_round, kind=EmailKind.ALL_IN).values_list(
                "to", flat=True
            )
        )
        for to, name in all_in_recipients(update_round):
            if to in told:
                continue
            sent = send_all_in_email(update_round=update_round, to=to, name=name)
            if sent is not None:
                report.sent.append(sent)


def rounds_send_due_reminders(*, today: datetime.date | None = None) -> ScheduleReport:
    """The day's work of the scheduler (see the module's notes). ``today`` for tests and the
    command's ``--date``; the local date otherwise."""
    today = today or timezone.localdate()
    report = ScheduleReport()
    open_due_rounds(today, report)
    rounds = UpdateRound.objects.filter(state=RoundState.OPEN, meeting__date__gte=today)
    for update_round in rounds.select_related("meeting__committee", "opened_by").order_by(
        "deadline", "pk"
    ):
        remind_round(update_round, today, report)
    return report
