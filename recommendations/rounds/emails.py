"""The round's emails: rendered from templates (plain text and HTML), sent through
``scrutiny.mail.send_email``, each one logged as an :class:`~.models.EmailSent`."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from scrutiny.audit import acting_as, system_user
from scrutiny.formats import british_date
from scrutiny.mail import send_email

from .models import EmailKind, EmailSent, RequestState, UpdateRequest, UpdateRound, new_token

SUBJECTS = {
    EmailKind.REQUEST: "Update needed for {meeting} by {deadline}",
    EmailKind.REMINDER: "Reminder: update needed for {meeting} by {deadline}",
    EmailKind.CHASER: "Overdue: update needed for {meeting}",
    EmailKind.RETURNED: "Your update for {meeting} has been sent back",
    EmailKind.ALL_IN: "Every update for {meeting} is in",
}


def reply_url(token: str) -> str:
    return settings.SITE_URL + reverse("round_reply", args=[token])


def message_context(request: UpdateRequest, kind: str, link: str) -> dict:
    """What the templates of a request's email read (one query for the items)."""
    update_round = request.round
    items = list(
        request.items.select_related("recommendation__review", "action").order_by(
            "recommendation__review_id", "recommendation__number", "action__number", "pk"
        )
    )
    returned = []
    if kind == EmailKind.RETURNED:
        returned = [
            item
            for item in items
            if getattr(getattr(item, "reply", None), "state", "") == "returned"
        ]
    return {
        "kind": kind,
        "request": request,
        "owner": request.owner,
        "round": update_round,
        "meeting": update_round.meeting,
        "deadline": british_date(update_round.deadline),
        "meeting_date": british_date(update_round.meeting.date),
        "covering_text": update_round.covering_text,
        "items": items,
        "returned": returned,
        "link": link,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
    }


def render_message(request: UpdateRequest, kind: str, link: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the email of ``kind`` for ``request``."""
    context = message_context(request, kind, link)
    subject = SUBJECTS[kind].format(meeting=context["meeting"], deadline=context["deadline"])
    context["subject"] = subject
    text = render_to_string("rounds/email/request.txt", context)
    html = render_to_string("rounds/email/request.html", context)
    return subject, text, html


def send_request_email(
    *, request: UpdateRequest, kind: str, user=None, due_on=None
) -> EmailSent | None:
    """Send ``request``'s owner the email of ``kind`` with a new reply link, and log it. The
    link's token exists in clear only in the message; the log keeps its hash.

    A scheduled email (a reminder or chaser) names the day it was ``due_on``: the log holds
    one per request, kind and day, so a second run sends nothing (None)."""
    if not request.round.is_open or request.state == RequestState.FORWARDED:
        return None
    to = request.owner.email
    if not to:
        return None
    token, digest = new_token()
    subject, text, html = render_message(request, kind, reply_url(token))
    actor = user or system_user()
    sent = EmailSent(
        request=request,
        round=request.round,
        to=to,
        kind=kind,
        subject=subject,
        token_hash=digest,
        due_on=due_on,
    )
    try:
        with transaction.atomic(), acting_as(actor):
            sent.save(reason=f"{sent.get_kind_display()} emailed to {request.owner.name}")
            if request.state == RequestState.DRAFT:
                request.state = RequestState.SENT
                request.sent_at = timezone.now()
                request.save(reason="Request emailed")
            send_email(to=to, subject=subject, text=text, html=html)
    except IntegrityError:
        if due_on is None:
            raise
        return None  # another run logged (and sent) this scheduled email first
    return sent


def send_all_in_email(*, update_round: UpdateRound, to: str, name: str) -> EmailSent | None:
    """Tell the scrutiny officer (``name`` at ``to``) that every return of the round is in,
    and log it: once per round and address (a second attempt sends nothing: None)."""
    meeting = update_round.meeting
    subject = SUBJECTS[EmailKind.ALL_IN].format(meeting=meeting, deadline="")
    context = {
        "subject": subject,
        "name": name,
        "round": update_round,
        "meeting": meeting,
        "meeting_date": british_date(meeting.date),
        "deadline": british_date(update_round.deadline),
        "link": settings.SITE_URL + update_round.get_absolute_url(),
        "COUNCIL_NAME": settings.COUNCIL_NAME,
    }
    text = render_to_string("rounds/email/all_in.txt", context)
    html = render_to_string("rounds/email/all_in.html", context)
    sent = EmailSent(round=update_round, to=to, kind=EmailKind.ALL_IN, subject=subject)
    try:
        with transaction.atomic(), acting_as(system_user()):
            sent.save(reason=f"Every return in: {name} told")
            send_email(to=to, subject=subject, text=text, html=html)
    except IntegrityError:
        return None
    return sent
