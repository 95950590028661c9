"""Writes to a recommendation, its actions and its updates: the executive's response, target
date revisions, closure, archiving, updates and removing an action; and the corrections, each
with its reason: reopening a closed recommendation, editing or withdrawing an update, and a
lead officer's change to the wording of an agreed action."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reviews.models import Meeting, Review, ReviewStatus
from reviews.services import BEFORE_RECEIPT
from scrutiny.audit import acting_as
from scrutiny.editing import lock_for_edit
from scrutiny.formats import british_date, minute_text
from scrutiny.permissions import is_register_editor

from ..models import ActionPlanItem, Recommendation, TargetDateRevision, Update
from ..statuses import Decision


def recommendation_respond(
    *,
    recommendation: Recommendation,
    decision: str,
    response_text: str = "",
    date: datetime.date | None = None,
    meeting: Meeting | None = None,
    user,
    reason: str = "",
    version: int | None = None,
) -> Recommendation:
    """Record the executive's response. Anything but full acceptance needs its reason; the
    meeting (or the date) must fit ``reviews.meeting_rules.check_response``: an executive body
    or the recommendation's responsible body, on or after receipt (checked by ``clean()``)."""
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose the executive's decision."})
    with transaction.atomic(), acting_as(user):
        lock_for_edit(Recommendation, recommendation.pk, version)
        recommendation.decision = decision
        recommendation.response_text = response_text.strip()
        recommendation.response_meeting = meeting
        recommendation.response_date = date or (meeting.date if meeting else None)
        recommendation.full_clean()
        recommendation.save(
            reason=reason or f"Executive response: {recommendation.get_decision_display()}"
        )
        review_status_follows(review_id=recommendation.review_id, user=user)
    return recommendation


def action_revise_target_date(
    *,
    action: ActionPlanItem,
    new_date: datetime.date,
    reason: str,
    user,
    timeline: str | None = None,
    version: int | None = None,
) -> ActionPlanItem:
    """Move an action's target date. The first target is kept; a revision needs a reason and
    is recorded, so the slippage can be shown. Setting the first target needs no reason.
    ``timeline``, when given, replaces the timeline the plan prints ("By 31 March 2027"), in
    the same save and with the same reason as the date."""
    with transaction.atomic(), acting_as(user):
        lock_for_edit(ActionPlanItem, action.pk, version)
        if timeline is not None:
            action.timeline = timeline.strip()
        if action.target_date is None:
            action.target_date = new_date
            action.full_clean()
            action.save(reason=reason or "Target date set")
            return action
        if new_date == action.target_date:
            raise ValidationError({"target_date": "That is already the target date."})
        if not reason.strip():
            raise ValidationError({"reason": "Give the reason the target date has to change."})
        revision = TargetDateRevision(
            action=action,
            previous_target_date=action.target_date,
            new_target_date=new_date,
            reason=reason.strip(),
            revised_by=user if getattr(user, "pk", None) else None,
        )
        revision.full_clean()
        revision.save(reason=reason)
        action.target_date = new_date
        action.target_revision_count += 1
        action.full_clean()
        action.save(reason=reason)
    return action


def recommendation_close(
    *,
    recommendation: Recommendation,
    meeting: Meeting,
    minute_reference: str,
    user,
    reason: str = "",
    version: int | None = None,
) -> Recommendation:
    """Record the committee's agreement to close a recommendation, with the meeting and the
    minute reference. The meeting must fit ``reviews.meeting_rules.check_closure_meeting``: a
    committee monitoring the review, on or before today, after the response (``clean()``)."""
    if not minute_reference.strip():
        raise ValidationError({"closure_minute_reference": "Give the minute reference."})
    with transaction.atomic(), acting_as(user):
        lock_for_edit(Recommendation, recommendation.pk, version)
        recommendation.closed_at_meeting = meeting
        recommendation.closed_on = meeting.date
        recommendation.closure_minute_reference = minute_reference.strip()
        recommendation.full_clean()
        minute = minute_text(minute_reference)
        recommendation.save(reason=reason or f"Closed at {meeting}, {minute}")
        review_status_follows(review_id=recommendation.review_id, user=user)
    return recommendation


def recommendation_archive(
    *,
    recommendation: Recommendation,
    reason: str,
    user,
    restore: bool = False,
    version: int | None = None,
) -> Recommendation:
    """Archive a recommendation (entered in error, withdrawn, superseded) rather than delete
    it: it leaves the registers and the dashboard, and its history stays. ``restore`` undoes
    it. The reason is required either way."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason."})
    with transaction.atomic(), acting_as(user):
        lock_for_edit(Recommendation, recommendation.pk, version)
        recommendation.archived_at = None if restore else timezone.now()
        recommendation.save(reason=reason.strip())
    return recommendation


def update_post(
    *,
    recommendation: Recommendation,
    text: str,
    user,
    action: ActionPlanItem | None = None,
    date: datetime.date | None = None,
    author=None,
    reported_status: str = "",
    status_reason: str = "",
    reported_to: Meeting | None = None,
    reason: str = "",
) -> Update:
    """Post a progress update (``reason``, if given, on its history row: an import's "imported
    from <file>, row N"). A status reported on an action becomes the action's status
    (with its reason); one reported on the recommendation as a whole becomes the
    recommendation's status when it has no actions (``statuses.derived_status``, rule 4). A
    status the council's key asks a reason for needs one. The meeting it is reported to must
    fit ``reviews.meeting_rules.check_update_meeting``: a committee monitoring the review, on
    or after the update's date (``clean()``).

    ``author`` is who wrote it (an officer, or a partner's contact); ``user``, who types it in,
    is kept as ``entered_by``."""
    update = Update(
        recommendation=recommendation,
        action=action,
        text=text.strip(),
        author=author,
        entered_by=user,
        reported_status=reported_status,
        status_reason=status_reason.strip() if reported_status else "",
        reported_to=reported_to,
    )
    if date is not None:
        update.date = date
    with transaction.atomic(), acting_as(user):
        update.full_clean()
        update.save(reason=reason)
        because = f"Status reported in the update of {update.date:%d/%m/%Y}"
        if reason:
            because = f"{because} ({reason})"
        if action is not None and reported_status:
            # A fresh, locked copy: an edit of the action saved meanwhile is kept.
            action = ActionPlanItem.objects.select_for_update().get(pk=action.pk)
            if (action.status, action.status_reason) != (reported_status, update.status_reason):
                action.status = reported_status
                action.status_reason = update.status_reason
                action.save(reason=because)
        elif reported_status:
            Recommendation.objects.select_for_update().get(pk=recommendation.pk).refresh_status(
                because
            )
    return update


def action_remove(*, action: ActionPlanItem, reason: str, user, version: int | None = None):
    """Remove an action from the plan: the history keeps it, with the reason, and the
    recommendation's derived status follows. Returns the action's recommendation."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Give the reason the action is removed."})
    with transaction.atomic(), acting_as(user):
        lock_for_edit(ActionPlanItem, action.pk, version)
        recommendation = action.recommendation
        action.delete(reason=reason.strip())
    return recommendation


def _reason(reason: str | None, message: str) -> str:
    """The reason given, stripped; a ``ValidationError`` on ``reason`` saying ``message`` when
    there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


def recommendation_reopen(
    *, recommendation: Recommendation, reason: str, user, version: int | None = None
) -> Recommendation:
    """Reopen a closed recommendation (a closure recorded in error, or the committee's
    decision undone): the closure (meeting, date, minute) is cleared, the reopening is kept on
    the record with its date, who and why, and the status is derived again. The closure that
    was undone stays in the history."""
    reason = _reason(reason, "Give the reason the recommendation is reopened.")
    with transaction.atomic(), acting_as(user):
        current = lock_for_edit(Recommendation, recommendation.pk, version)
        if not current.is_closed:
            raise ValidationError(
                "This recommendation is not closed, so there is nothing to reopen."
            )
        undone = f"{current.closed_at_meeting}, {minute_text(current.closure_minute_reference)}"
        current.closed_at_meeting = None
        current.closed_on = None
        current.closure_minute_reference = ""
        current.reopened_at = timezone.now()
        current.reopened_by = user if getattr(user, "pk", None) else None
        current.reopen_reason = reason
        current.full_clean()
        current.save(reason=f"Reopened (it had been closed at {undone}): {reason}")
        review_status_follows(review_id=current.review_id, user=user, reopened=True)
    return current


# ``update_edit(author=KEEP)``: the author stays as it is (a lead officer cannot change it).
KEEP = object()


def update_edit(
    *,
    update: Update,
    text: str,
    date: datetime.date,
    reported_status: str,
    reported_to: Meeting | None,
    reason: str,
    user,
    status_reason: str = "",
    author=KEEP,
    version: int | None = None,
) -> Update:
    """Correct an update: its text, date, the status it reports (and the status's reason),
    the meeting it was reported to, or (unless ``author`` is left as ``KEEP``) who wrote it.
    The reason is required and kept on the record ("Edited on ...: reason") and in the
    history. A withdrawn update cannot be edited. A changed status on an action's latest
    update becomes the action's status, as when it was posted; on the recommendation as a
    whole, the recommendation's status is derived again."""
    reason = _reason(reason, "Give the reason the update is being edited.")
    with transaction.atomic(), acting_as(user):
        current = lock_for_edit(Update, update.pk, version)
        if current.is_withdrawn:
            raise ValidationError("This update has been withdrawn, so it cannot be edited.")

        def fields(u: Update) -> tuple:
            return (
                u.text,
                u.date,
                u.reported_status,
                u.status_reason,
                u.reported_to_id,
                u.author_id,
            )

        before = fields(current)
        update = current
        update.text = (text or "").strip()
        update.date = date
        update.reported_status = reported_status
        update.status_reason = (status_reason or "").strip() if reported_status else ""
        update.reported_to = reported_to
        if author is not KEEP:
            update.author = author
        if fields(update) == before:
            raise ValidationError("Nothing was changed. Change the update, or cancel.")
        update.edited_at = timezone.now()
        update.edit_reason = reason
        update.full_clean()
        update.save(reason=f"Edited: {reason}")
        if update.action_id and update.reported_status and update.reported_status != before[2]:
            latest = (
                Update.objects.current().filter(action_id=update.action_id).order_by("-date", "-pk")
            ).first()
            if latest is not None and latest.pk == update.pk:
                action = ActionPlanItem.objects.select_for_update().get(pk=update.action_id)
                if (action.status, action.status_reason) != (
                    update.reported_status,
                    update.status_reason,
                ):
                    action.status = update.reported_status
                    action.status_reason = update.status_reason
                    action.save(
                        reason=f"Status corrected in the update of {british_date(update.date)}"
                    )
        elif not update.action_id:
            _status_follows_updates(update, f"Update of {british_date(update.date)} corrected")
    return update


def _status_follows_updates(update: Update, because: str) -> None:
    """Derive again the status of ``update``'s recommendation, which follows its updates on
    the recommendation as a whole while it has no actions (``statuses.derived_status``)."""
    Recommendation.objects.select_for_update().get(pk=update.recommendation_id).refresh_status(
        because
    )


def update_withdraw(*, update: Update, reason: str, user, version: int | None = None) -> Update:
    """Withdraw an update posted in error: it leaves the current pages, registers and
    documents, and stays in the history and in the pages "as at" a date before the
    withdrawal. A field change, not a delete. The status of its action is left as it is (edit
    the action if it should change); a recommendation's status that followed it is derived
    again."""
    reason = _reason(reason, "Give the reason the update is being withdrawn.")
    with transaction.atomic(), acting_as(user):
        current = lock_for_edit(Update, update.pk, version)
        if current.is_withdrawn:
            raise ValidationError("This update has already been withdrawn.")
        update = current
        update.withdrawn_at = timezone.now()
        update.withdrawn_by = user if getattr(user, "pk", None) else None
        update.withdrawal_reason = reason
        update.full_clean()
        update.save(reason=f"Withdrawn: {reason}")
        if not update.action_id and update.reported_status:
            _status_follows_updates(update, f"Update of {british_date(update.date)} withdrawn")
    return update


WORDING_NEEDS_REASON = (
    "Give the reason for changing the wording of the action: the action plan was agreed with "
    "the executive's response, so a change to its wording is explained in the history."
)


def action_save(*, action: ActionPlanItem, user, reason: str = "", version: int | None = None):
    """Save an action added or edited through its form. A lead officer (not a scrutiny
    officer) who changes the wording of an action of an agreed plan (the recommendation has
    the executive's response) must give the reason."""
    with transaction.atomic(), acting_as(user):
        if action.pk:
            current = lock_for_edit(ActionPlanItem, action.pk, version)
            action.version = current.version
            if (
                current.action != action.action
                and not (reason or "").strip()
                and not is_register_editor(user)
                and Recommendation.objects.filter(pk=action.recommendation_id)
                .exclude(decision="")
                .exists()
            ):
                raise ValidationError({"change_reason": WORDING_NEEDS_REASON})
        action.full_clean()
        action.save(reason=(reason or "").strip())
    return action


# Where a review stands once every recommendation has a response, or has been closed.
BEFORE_MONITORING = (*BEFORE_RECEIPT, ReviewStatus.AWAITING_RESPONSE)


def review_status_follows(*, review_id: int, user, reopened: bool = False) -> Review | None:
    """Move a review's status on with its recommendations (those not archived): to
    "Monitoring implementation" when every one has the executive's response, and to "Closed"
    when the committee has closed every one; never while an officer holds its status
    (``Review.status_held``), and never back, except that a closed review one of whose
    recommendations is ``reopened`` goes back to "Monitoring implementation". Called by the
    services that record responses, closures and reopenings, in their transaction; saves with
    history and the reason, and returns the review if it moved (None otherwise)."""
    with transaction.atomic(), acting_as(user):
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None or review.status_held:
            return None
        if review.status == ReviewStatus.CLOSED:
            if not reopened:
                return None
            review.status = ReviewStatus.MONITORING
            review.save(reason="Status follows the recommendations: one has been reopened")
            return review
        recs = list(
            Recommendation.objects.filter(
                review_id=review_id, archived_at__isnull=True
            ).values_list("decision", "closed_at_meeting_id")
        )
        if not recs:
            return None
        if all(closed for _, closed in recs):
            status, why = ReviewStatus.CLOSED, "the committee has closed every recommendation"
        elif review.status in BEFORE_MONITORING and all(decision for decision, _ in recs):
            status, why = ReviewStatus.MONITORING, "every recommendation has its response"
        else:
            return None
        review.status = status
        review.save(reason=f"Status follows the recommendations: {why}")
    return review
