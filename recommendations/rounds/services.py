"""Writes of the update round. Each is keyword-only, runs in one transaction, saves through
``save()`` (so the history keeps every version, with a reason) and names who acted.

Who acts for a write made through a reply link: the owner may have no account, so the history
row names the system user and its reason names the owner ("Return by Jane Doe through the
reply link"); the owner is also on the return itself (``Return.written_by``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from recommendations import services as register
from recommendations.models import (
    ActionPlanItem,
    Decision,
    ProgressStatus,
    Recommendation,
    status_key,
)
from reviews.dates import working_days_before
from reviews.models import Meeting, Officer, Review
from scrutiny.audit import acting_as, system_user
from scrutiny.editing import lock_for_edit
from scrutiny.formats import british_date

from .models import (
    EmailKind,
    RequestItem,
    RequestState,
    Return,
    ReturnState,
    RoundState,
    UpdateRequest,
    UpdateRound,
)

CAME_BY = "returned through the update round"


def default_deadline(meeting: Meeting) -> datetime.date:
    """The deadline for returns: the committee's number of working days before the meeting,
    bank holidays of England and Wales not counted."""
    return working_days_before(meeting.date, meeting.committee.returns_deadline_working_days)


@dataclass
class Candidate:
    recommendation: Recommendation
    action: ActionPlanItem | None
    owner: Officer | None


@dataclass
class Candidates:
    """What a round for a meeting would ask for: by owner, and the items with no owner."""

    by_owner: dict = field(default_factory=dict)  # Officer -> [Candidate]
    unowned: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(items) for items in self.by_owner.values()) + len(self.unowned)


def monitored_recommendations(meeting: Meeting):
    """The open, accepted, current recommendations of the reviews the meeting's committee
    monitors (its commissioning committee, or one named as also monitoring it)."""
    committee_id = meeting.committee_id
    reviews = Review.objects.filter(
        Q(commissioning_committee_id=committee_id) | Q(monitoring_committees__id=committee_id)
    ).values("pk")
    return (
        Recommendation.objects.current()
        .open()
        .filter(review__in=reviews, decision__in=Decision.needing_action())
        .select_related("review", "lead_officer")
        .order_by("review_id", "number", "pk")
    )


def round_candidates(meeting: Meeting) -> Candidates:
    """Every item a round for ``meeting`` asks for by default, grouped by owner: each open
    action (status not of the achieved category) of the monitored recommendations, owned by
    its owner or else the recommendation's lead officer; a recommendation with no open action
    is asked about as a whole, of its lead officer. Three queries."""
    achieved = status_key().codes_in(ProgressStatus.ACHIEVED)
    recommendations = list(monitored_recommendations(meeting))
    actions = defaultdict(list)
    for action in (
        ActionPlanItem.objects.filter(recommendation__in=[r.pk for r in recommendations])
        .exclude(status__in=achieved)
        .select_related("owner")
        .order_by("recommendation_id", "number", "pk")
    ):
        actions[action.recommendation_id].append(action)
    found = Candidates()
    for recommendation in recommendations:
        rows = [
            Candidate(recommendation, action, action.owner or recommendation.lead_officer)
            for action in actions[recommendation.pk]
        ] or [Candidate(recommendation, None, recommendation.lead_officer)]
        for row in rows:
            if row.owner is None:
                found.unowned.append(row)
            else:
                found.by_owner.setdefault(row.owner, []).append(row)
    found.by_owner = dict(sorted(found.by_owner.items(), key=lambda kv: (kv[0].name, kv[0].pk)))
    return found


def round_open(
    *,
    meeting: Meeting,
    user,
    deadline: datetime.date | None = None,
    covering_text: str = "",
) -> UpdateRound:
    """Open the update round for ``meeting``: one request per owner listing all that owner's
    items (``round_candidates``). Items with no owner are not requested: the officer adds them
    with an owner (``round_add_item``). Nothing is sent yet."""
    if not meeting.committee.is_scrutiny:
        raise ValidationError("Update rounds are for meetings of scrutiny committees.")
    if meeting.date < timezone.localdate():
        raise ValidationError("This meeting has been held: open a round for a meeting to come.")
    deadline = deadline or default_deadline(meeting)
    if deadline > meeting.date:
        raise ValidationError({"deadline": "The deadline must be on or before the meeting."})
    if UpdateRound.objects.filter(meeting=meeting).exists():
        raise ValidationError("This meeting already has an update round.")
    candidates = round_candidates(meeting)
    with transaction.atomic(), acting_as(user):
        update_round = UpdateRound(
            meeting=meeting,
            deadline=deadline,
            covering_text=covering_text.strip(),
            opened_by=user,
        )
        update_round.full_clean(validate_unique=False)
        update_round.save(reason=f"Update round opened for {meeting}")
        for owner, rows in candidates.by_owner.items():
            request = UpdateRequest(round=update_round, owner=owner)
            request.save(reason="Owner asked for updates")
            for row in rows:
                RequestItem(
                    request=request, recommendation=row.recommendation, action=row.action
                ).save(reason="Item in the update round")
    return update_round


def round_update(
    *, update_round: UpdateRound, deadline, covering_text: str, user, version=None
) -> UpdateRound:
    """Change the deadline or the covering message of a round."""
    with transaction.atomic(), acting_as(user):
        lock_for_edit(UpdateRound, update_round.pk, version)
        if deadline > update_round.meeting.date:
            raise ValidationError({"deadline": "The deadline must be on or before the meeting."})
        update_round.deadline = deadline
        update_round.covering_text = covering_text.strip()
        update_round.save(reason="Deadline or covering message changed")
    return update_round


def round_close(*, update_round: UpdateRound, user, version=None) -> UpdateRound:
    """Close the round: its reply links stop working."""
    with transaction.atomic(), acting_as(user):
        lock_for_edit(UpdateRound, update_round.pk, version)
        update_round.state = RoundState.CLOSED
        update_round.closed_at = timezone.now()
        update_round.save(reason="Update round closed")
    return update_round


def _open_round(update_round: UpdateRound) -> None:
    if not update_round.is_open:
        raise ValidationError("The update round is closed.")


def round_add_item(
    *,
    update_round: UpdateRound,
    recommendation: Recommendation,
    owner: Officer,
    user,
    action: ActionPlanItem | None = None,
    action_number: int | None = None,
) -> RequestItem:
    """Add an item to the round, in ``owner``'s request (made if they have none yet): the
    recommendation as a whole, or its ``action`` (or the action numbered ``action_number``)."""
    _open_round(update_round)
    if action is None and action_number:
        action = recommendation.actions.filter(number=action_number).first()
        if action is None:
            raise ValidationError(
                {"action_number": "That recommendation has no action with that number."}
            )
    if action is not None and action.recommendation_id != recommendation.pk:
        raise ValidationError({"action": "That action belongs to a different recommendation."})
    if RequestItem.objects.filter(
        request__round=update_round,
        recommendation=recommendation,
        action=action,
    ).exists():
        raise ValidationError("That item is already in the round.")
    with transaction.atomic(), acting_as(user):
        request = (
            UpdateRequest.objects.filter(round=update_round, owner=owner)
            .exclude(state=RequestState.FORWARDED)
            .first()
        )
        if request is None:
            request = UpdateRequest(round=update_round, owner=owner)
            request.save(reason="Owner asked for updates")
        item = RequestItem(request=request, recommendation=recommendation, action=action)
        item.full_clean()
        item.save(reason="Item added to the update round")
    return item


def round_remove_item(*, item: RequestItem, user, reason: str = "") -> UpdateRequest:
    """Take an item out of the round (the history keeps it). An item with a return submitted
    or accepted stays: what the owner sent is not dropped."""
    with transaction.atomic(), acting_as(user):
        item = lock_for_edit(RequestItem, item.pk)
        reply = Return.objects.filter(item=item).first()
        if reply is not None and reply.state != ReturnState.DRAFT:
            raise ValidationError("The owner has sent an update on this item: it stays.")
        request = item.request
        if reply is not None:
            reply.delete(reason=reason or "Item taken out of the update round")
        item.delete(reason=reason or "Item taken out of the update round")
    return request


# --- requests and their emails -----------------------------------------------------------


def request_send(*, request: UpdateRequest, user, kind: str = EmailKind.REQUEST):
    """Queue the email of ``kind`` (the request, or a reminder: "remind now") to the owner.
    The background task issues the reply link, sends the message and logs it."""
    from .tasks import send_round_email

    _open_round(request.round)
    if request.state == RequestState.FORWARDED:
        raise ValidationError("This request was forwarded: write to the colleague instead.")
    if not request.owner.email:
        raise ValidationError(
            f"{request.owner.name} has no email address: add one on their record first."
        )
    return send_round_email.enqueue(request.pk, kind, user_id=getattr(user, "pk", None))


def round_send_all(*, update_round: UpdateRound, user) -> tuple[int, list[UpdateRequest]]:
    """Queue the request to every owner not yet sent one. Returns how many were queued and
    the requests that could not be (no email address)."""
    queued, skipped = 0, []
    # One transaction: the tasks are queued together (one commit, not one per owner: 500
    # commits took seconds on a busy disk) and a worker sees all of them or none.
    with transaction.atomic():
        for request in update_round.requests.select_related("owner", "round").filter(
            state=RequestState.DRAFT
        ):
            if not request.owner.email:
                skipped.append(request)
                continue
            request_send(request=request, user=user)
            queued += 1
    return queued, skipped


def request_revoke(*, request: UpdateRequest, user, version=None) -> UpdateRequest:
    """Revoke every reply link sent so far for ``request``; the next email carries a new one."""
    with transaction.atomic(), acting_as(user):
        request = lock_for_edit(UpdateRequest, request.pk, version)
        request.links_revoked_at = timezone.now()
        request.save(reason="Reply links revoked")
    return request


def request_opened(*, request: UpdateRequest) -> None:
    """Note that the owner opened their reply page (first and last time)."""
    now = timezone.now()
    with transaction.atomic(), acting_as(system_user()):
        request = lock_for_edit(UpdateRequest, request.pk)
        request.first_opened_at = request.first_opened_at or now
        request.last_opened_at = now
        request.save(reason=f"Reply page opened by {request.owner.name}")


def find_or_add_officer(*, name: str, email: str, user) -> Officer:
    """The officer with ``email`` (the first, by name), or a new one with ``name``."""
    email = email.strip().lower()
    found = Officer.objects.filter(email__iexact=email).order_by("name", "pk").first()
    if found is not None:
        return found
    officer = Officer(name=name.strip(), email=email)
    officer.full_clean()
    with acting_as(user):
        officer.save(reason="Added when a request for updates was forwarded to them")
    return officer


def request_forward(
    *, request: UpdateRequest, name: str, email: str, by: Officer, user=None
) -> UpdateRequest:
    """Forward ``request`` to a colleague (delegation): a new request for them with the same
    items (drafts move with them), the old one marked forwarded; the colleague is emailed.
    ``by`` is the officer forwarding (the owner); ``user`` their account, or None through a
    reply link (the system user is recorded, and the reason names them)."""
    actor = user or system_user()
    with transaction.atomic(), acting_as(actor):
        request = lock_for_edit(UpdateRequest, request.pk)
        if not request.is_live:
            raise ValidationError("This request is closed to changes.")
        colleague = find_or_add_officer(name=name, email=email, user=actor)
        if colleague.pk == request.owner_id:
            raise ValidationError({"email": "That is the address of the request's owner."})
        if (
            UpdateRequest.objects.filter(round=request.round, owner=colleague)
            .exclude(state=RequestState.FORWARDED)
            .exists()
        ):
            raise ValidationError(
                {"email": f"{colleague.name} already has a request in this round."}
            )
        reason = f"Forwarded by {by.name} to {colleague.name}"
        request.state = RequestState.FORWARDED
        request.save(reason=reason)
        forwarded = UpdateRequest(round=request.round, owner=colleague, forwarded_from=request)
        forwarded.save(reason=reason)
        for item in request.items.all():
            item.request = forwarded
            item.save(reason=reason)
        request_send(request=forwarded, user=actor)
    return forwarded


# --- returns -----------------------------------------------------------------------------


@dataclass
class ReturnInput:
    text: str = ""
    reported_status: str = ""
    status_reason: str = ""
    proposed_target_date: datetime.date | None = None
    proposed_date_reason: str = ""

    @classmethod
    def from_form(cls, data: dict) -> "ReturnInput":
        """From a reply form's (or the review form's) cleaned data."""
        return cls(
            text=data.get("text") or "",
            reported_status=data.get("reported_status") or "",
            status_reason=data.get("status_reason") or "",
            proposed_target_date=data.get("proposed_target_date"),
            proposed_date_reason=data.get("proposed_date_reason") or "",
        )


def _check_return(item: RequestItem, data: ReturnInput, *, submit: bool) -> None:
    errors = {}
    key = status_key()
    if data.reported_status and data.reported_status not in dict(key.choices(progress_only=True)):
        errors["reported_status"] = "Choose a status from the council's key."
    if submit:
        if not data.text.strip():
            errors["text"] = "Write the progress update."
        if key.requires_reason(data.reported_status) and not data.status_reason.strip():
            errors["status_reason"] = (
                f"Give the reason for “{key.label(data.reported_status)}”: the council's key "
                "asks for one."
            )
    if data.proposed_target_date is not None:
        if item.action_id is None:
            errors["proposed_target_date"] = "A new target date can be proposed for an action."
        elif submit and not data.proposed_date_reason.strip():
            errors["proposed_date_reason"] = "Say why the target date has to move."
    if errors:
        raise ValidationError(errors)


def return_save(
    *,
    item: RequestItem,
    data: ReturnInput,
    written_by: Officer,
    submit: bool,
    user=None,
    version: int | None = None,
) -> Return:
    """Save an owner's reply on ``item``, as a draft or submitted for the officer's review.
    ``user`` is the owner's account when signed in; through a reply link it is None and the
    system user is recorded, the reason naming the owner. A submitted or accepted return is
    not changed (one sent back may be written again)."""
    actor = user or system_user()
    how = "in My actions" if user else "through the reply link"
    with transaction.atomic(), acting_as(actor):
        item = lock_for_edit(RequestItem, item.pk)
        if not item.request.is_live:
            raise ValidationError("This request is closed to changes.")
        reply = Return.objects.filter(item=item).first()
        if reply is not None:
            reply = lock_for_edit(Return, reply.pk, version)
            if reply.state in (ReturnState.SUBMITTED, ReturnState.ACCEPTED):
                raise ValidationError(
                    "This update has been sent to the scrutiny officer and can no longer be "
                    "changed here."
                )
        else:
            reply = Return(item=item)
        _check_return(item, data, submit=submit)
        reply.written_by = written_by
        reply.text = data.text.strip()
        reply.reported_status = data.reported_status
        reply.status_reason = data.status_reason.strip() if data.reported_status else ""
        reply.proposed_target_date = data.proposed_target_date
        reply.proposed_date_reason = (
            data.proposed_date_reason.strip() if data.proposed_target_date else ""
        )
        if submit:
            reply.state = ReturnState.SUBMITTED
            reply.submitted_at = timezone.now()
        else:
            reply.state = ReturnState.DRAFT
        reply.full_clean(exclude=["item"])
        verb = "submitted" if submit else "saved as a draft"
        reply.save(reason=f"Return {verb} by {written_by.name} {how}")
    return reply


def _decide(reply: Return, version) -> Return:
    reply = lock_for_edit(Return, reply.pk, version)
    if reply.state != ReturnState.SUBMITTED:
        raise ValidationError("Only a submitted update can be accepted or sent back.")
    return reply


def return_accept(
    *,
    reply: Return,
    user,
    version: int | None = None,
    edited: ReturnInput | None = None,
    edit_reason: str = "",
) -> Return:
    """Accept a submitted return: it becomes the update reported to the round's meeting, with
    the owner as author and the officer as who entered it; a proposed target date becomes a
    revision of the action's target date. With ``edited``, the officer's corrected wording is
    what is posted (a reason is required; the owner's words stay in the return's history)."""
    with transaction.atomic(), acting_as(user):
        reply = _decide(reply, version)
        item = reply.item
        if edited is not None:
            if not edit_reason.strip():
                raise ValidationError({"edit_reason": "Give the reason for the edit."})
            _check_return(item, edited, submit=True)
            reply.text = edited.text.strip()
            reply.reported_status = edited.reported_status
            reply.status_reason = edited.status_reason.strip() if edited.reported_status else ""
            reply.proposed_target_date = edited.proposed_target_date
            reply.proposed_date_reason = edited.proposed_date_reason.strip()
            reply.save(reason=f"Edited by the scrutiny officer before acceptance: {edit_reason}")
        meeting = item.request.round.meeting
        update = register.update_post(
            recommendation=item.recommendation,
            action=item.action,
            text=reply.text,
            user=user,
            author=reply.written_by,
            reported_status=reply.reported_status,
            status_reason=reply.status_reason,
            reported_to=meeting,
        )
        update.save(reason=f"Update {CAME_BY} from {reply.written_by.name}")
        if reply.proposed_target_date and item.action_id:
            action = ActionPlanItem.objects.get(pk=item.action_id)
            if action.target_date != reply.proposed_target_date:
                register.action_revise_target_date(
                    action=action,
                    new_date=reply.proposed_target_date,
                    reason=reply.proposed_date_reason or "Proposed in the update round",
                    user=user,
                )
        reply.state = ReturnState.ACCEPTED
        reply.update = update
        reply.decided_at = timezone.now()
        reply.decided_by = user
        reply.save(reason="Accepted: reported to " + str(meeting))
    return reply


def return_send_back(*, reply: Return, comment: str, user, version: int | None = None) -> Return:
    """Send a submitted return back to its owner with ``comment``; the owner is emailed and may
    write it again through the same request."""
    if not comment.strip():
        raise ValidationError({"returned_comment": "Say what the owner should change."})
    with transaction.atomic(), acting_as(user):
        reply = _decide(reply, version)
        reply.state = ReturnState.RETURNED
        reply.returned_comment = comment.strip()
        reply.decided_at = timezone.now()
        reply.decided_by = user
        reply.save(reason=f"Sent back to the owner: {comment.strip()}")
        request = reply.item.request
        if request.owner.email:
            request_send(request=request, user=user, kind=EmailKind.RETURNED)
    return reply


def deadline_text(update_round: UpdateRound) -> str:
    return british_date(update_round.deadline)
