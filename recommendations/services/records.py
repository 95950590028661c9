"""Writes to a recommendation, its actions and its updates: the executive's response, target
date revisions, closure, archiving, updates and removing an action."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reviews.models import Meeting
from scrutiny.audit import acting_as
from scrutiny.editing import lock_for_edit
from scrutiny.formats import minute_text

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
    reported_to: Meeting | None = None,
) -> Update:
    """Post a progress update. A status reported on an action becomes the action's status. The
    meeting it is reported to must fit ``reviews.meeting_rules.check_update_meeting``: a
    committee monitoring the review, on or after the update's date (``clean()``)."""
    update = Update(
        recommendation=recommendation,
        action=action,
        text=text.strip(),
        author=author,
        reported_status=reported_status,
        reported_to=reported_to,
    )
    if date is not None:
        update.date = date
    with transaction.atomic(), acting_as(user):
        update.full_clean()
        update.save()
        if action is not None and reported_status:
            # A fresh, locked copy: an edit of the action saved meanwhile is kept.
            action = ActionPlanItem.objects.select_for_update().get(pk=action.pk)
            if action.status != reported_status:
                action.status = reported_status
                action.save(reason=f"Status reported in the update of {update.date:%d/%m/%Y}")
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
