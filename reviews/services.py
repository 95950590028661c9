"""Writes to committees, meetings and reviews. Each is keyword-only, runs in one transaction,
reads the record again holding its row (refusing an edit made against an older version),
validates, saves through ``save()`` so history is written, and records ``user`` as the
author of the change. Views, commands and imports all call these."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from scrutiny.audit import acting_as
from scrutiny.editing import lock_for_edit

from .calendar import CANCEL, NEW
from .models import Committee, Councillor, Meeting, MemberRole, Review, ReviewMember, ReviewStatus

BEFORE_RECEIPT = (ReviewStatus.SCOPING, ReviewStatus.EVIDENCE_GATHERING, ReviewStatus.REPORTING)


def review_save(
    *,
    review: Review,
    user,
    members: list[Councillor] | None = None,
    chair: Councillor | None = None,
    monitoring: list[Committee] | None = None,
    reason: str = "",
    version: int | None = None,
) -> Review:
    """Save a new or edited review (its fields set by the caller) and, when ``members`` is
    given, its membership: the chair and members, each place added, changed or removed with
    history; when ``monitoring`` is given, the committees that also monitor it (besides the
    commissioning committee), kept in the review's history with the change. ``version`` is
    the version the editor saw (see ``scrutiny.services.record_save``).

    Generated recommendation references depend on the review's report date and prefix:
    callers that can change those call ``recommendations.services.review_update``, which
    calls this and then makes the references follow.
    """
    with transaction.atomic(), acting_as(user):
        if review.pk:
            review.version = lock_for_edit(Review, review.pk, version).version
        review.full_clean()
        created = review.pk is None
        if monitoring is not None:
            monitoring = [c for c in monitoring if c.pk != review.commissioning_committee_id]
        if monitoring is not None and not created:
            # Set before the save, quietly, so the save's one history row holds the new set.
            _set_monitoring(review, monitoring, quietly=True)
        review.save(reason=reason)
        if monitoring and created:
            # A new review needs its row before it can be linked: the link is a second
            # history row ("changed"), with the same reason.
            _set_monitoring(review, monitoring, quietly=False)
        if members is not None:
            _save_members(review, members=members, chair=chair, reason=reason)
    return review


def _set_monitoring(review: Review, committees: list[Committee], *, quietly: bool) -> None:
    if not quietly:
        review.monitoring_committees.set(committees)
        return
    review.skip_history_when_saving = True  # django-simple-history's switch
    try:
        review.monitoring_committees.set(committees)
    finally:
        del review.skip_history_when_saving


def _save_members(review: Review, *, members, chair, reason: str) -> None:
    wanted = {c.pk: c for c in members}
    if chair is not None:
        wanted[chair.pk] = chair
    places = {place.councillor_id: place for place in review.members.all()}
    for councillor_id, place in places.items():
        if councillor_id not in wanted:
            place.delete(reason=reason or "Removed from the review")
    for councillor in wanted.values():
        role = MemberRole.CHAIR if chair is not None and councillor.pk == chair.pk else None
        place = places.get(councillor.pk)
        if place is None:
            ReviewMember(review=review, councillor=councillor, role=role or MemberRole.MEMBER).save(
                reason=reason
            )
        elif (role and place.role != role) or (not role and place.role == MemberRole.CHAIR):
            place.role = role or MemberRole.MEMBER
            place.save(reason=reason)


def review_record_receipt(
    *, review: Review, meeting: Meeting, user, reason: str = "", version: int | None = None
) -> Review:
    """Record that the executive received the review's report at ``meeting``; the response
    deadline follows from it, and a review not yet past reporting now awaits the response
    (unless an officer holds its status). The
    meeting must fit ``meeting_rules.check_receipt_meeting``: an executive body, on or after
    the day the report was agreed (checked by ``Review.clean()``)."""
    with transaction.atomic(), acting_as(user):
        lock_for_edit(Review, review.pk, version)
        review.report_received_meeting = meeting
        review.report_received_on = meeting.date
        if review.status in BEFORE_RECEIPT and not review.status_held:
            review.status = ReviewStatus.AWAITING_RESPONSE
        review.full_clean()
        review.save(reason=reason or f"Report received at {meeting}")
    return review


def review_extend_deadline(
    *,
    review: Review,
    deadline: datetime.date,
    extension_reason: str,
    user,
    reason: str = "",
    version: int | None = None,
) -> Review:
    """Set a longer response deadline agreed by the committee, with the reason it gave
    (required). ``reason`` is the reason for the change kept in the history (by default the
    committee's)."""
    if not (extension_reason or "").strip():
        raise ValidationError({"extension_reason": "Give the reason for the longer deadline."})
    with transaction.atomic(), acting_as(user):
        lock_for_edit(Review, review.pk, version)
        review.extended_deadline = deadline
        review.extension_reason = extension_reason.strip()
        review.full_clean()
        review.save(reason=reason or extension_reason.strip())
    return review


def councillor_set_committees(
    *,
    councillor: Councillor,
    committees: list[Committee],
    user,
    reason: str = "",
    version: int | None = None,
) -> Councillor:
    """Save ``councillor`` (new, or edited in memory by a form) with the committees they sit
    on (their dashboard shows what changed since those committees last met). One history row
    holds the new set, with ``reason``; a new councillor's first row is their record as
    added, and a second one holds the committees, if any."""
    with transaction.atomic(), acting_as(user):
        if councillor.pk is None:
            councillor.full_clean()
            councillor.save(reason=reason)
            if not committees:
                return councillor
            version = councillor.version
        councillor.version = lock_for_edit(Councillor, councillor.pk, version).version
        councillor.full_clean()
        # Set before the save, quietly, so the save's one history row holds the new set.
        councillor.skip_history_when_saving = True  # django-simple-history's switch
        try:
            councillor.committees.set(committees)
        finally:
            del councillor.skip_history_when_saving
        councillor.save(reason=reason)
    return councillor


def meetings_apply_calendar(
    *,
    committee: Committee,
    changes: list,
    user,
    source: str,
    versions: dict[str, int] | None = None,
) -> dict[str, int]:
    """Save the ``changes`` (``reviews.calendar.Change``, from ``plan_changes``) that the
    officer ticked, in one transaction, each with the reason "From <source>" on its history
    row: a new meeting is added; a moved one takes the event's date, time and place; a
    meeting entered by hand is linked to its event (and takes its time and place); a
    cancelled one is removed, but only if nothing is attached to it (checked again here,
    holding its row: a meeting with records attached is never deleted by a feed).

    ``versions`` (meeting id -> the version the officer saw) refuses a meeting saved since
    with ``StaleEdit``, and nothing is saved. Returns the number of changes of each kind."""
    versions = versions or {}
    reason = f"From {source}"
    done: dict[str, int] = {}
    with transaction.atomic(), acting_as(user):
        for change in changes:
            event = change.event
            if change.kind == NEW:
                meeting = Meeting(committee=committee, date=event.date)
            else:
                meeting = lock_for_edit(
                    Meeting, change.meeting.pk, versions.get(str(change.meeting.pk))
                )
            if change.kind == CANCEL:
                if Meeting.attached_records([meeting]):
                    raise ValidationError(
                        f"The meeting of {meeting.when} now has records attached: it was not "
                        "removed, and nothing was saved."
                    )
                meeting.delete(reason=reason)
            else:
                meeting.date = event.date
                meeting.start_time = event.start_time or meeting.start_time
                meeting.location = event.location or meeting.location
                meeting.calendar_uid = event.uid
                meeting.full_clean()
                meeting.save(reason=reason)
            done[change.kind] = done.get(change.kind, 0) + 1
    return done
