"""Saving a tracker the officer confirmed (``imports.plan.Plan``): the committees, officers
and councillors it names that the register did not know, its reviews, recommendations,
actions and updates, all through the services the forms use, in one transaction, each
history row with the reason "imported from <file>, row N". What the register holds already
(matched by the plan) is left as it is, so importing the same file again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reviews.models import (
    Committee,
    CommitteeKind,
    Councillor,
    Meeting,
    Officer,
    Review,
    ReviewStatus,
    ReviewType,
)
from scrutiny.audit import acting_as
from scrutiny.editing import lock_for_edit
from scrutiny.services import record_save

from ..imports.plan import Names, Plan, Row, body_kind
from ..models import ActionPlanItem, Recommendation, TrackerImport, Update
from .records import (
    action_save,
    recommendation_close,
    recommendation_respond,
    review_status_follows,
    update_post,
)
from .reviews import review_update


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0  # rows whose records the register held already
    refused: int = 0  # rows that could not be saved (listed in the preview)

    def add(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    def in_words(self) -> str:
        order = [
            "review",
            "recommendation",
            "action",
            "update",
            "committee",
            "officer",
            "councillor",
            "meeting",
        ]
        parts = [
            f"{self.created[w]} {w}{'s' if self.created[w] != 1 else ''}"
            for w in order
            if self.created.get(w)
        ]
        said = "Added " + ", ".join(parts) + "." if parts else "Nothing new to add."
        if self.unchanged:
            said += (
                " 1 row already in the register, left as it was."
                if self.unchanged == 1
                else f" {self.unchanged} rows already in the register, left as they were."
            )
        if self.refused:
            said += f" {self.refused} row{'s' if self.refused != 1 else ''} could not be saved."
        return said


def _lower(name: str) -> str:
    return " ".join(name.lower().split())


def tracker_import(
    *,
    plan: Plan,
    user,
    matches: dict[tuple[str, str], object] | None = None,
    batch: TrackerImport | None = None,
) -> ImportResult:
    """Save the rows of ``plan`` that can be saved, all or none: a rule broken by any of them
    raises ``ValidationError`` naming its row, and nothing is saved. ``matches`` gives, for
    a name the register did not know ((kind, name) as in ``plan.unknown``), the existing
    record the officer matched it to; a name not matched is added. ``batch``, the upload the
    plan was read from, is marked imported with what was saved, in the same transaction."""
    matches = matches or {}
    result = ImportResult(refused=len(plan.refused_rows))
    with transaction.atomic(), acting_as(user):
        if batch is not None:  # read again, its row held: imported meanwhile, it is refused
            batch = lock_for_edit(TrackerImport, batch.pk)
            if batch.state == TrackerImport.State.IMPORTED:
                raise ValidationError(f"This file has been imported already. {batch.summary}")
        saver = _Saver(plan, user, matches, result)
        for row in plan.saved_rows:
            try:
                saver.row(row)
            except ValidationError as refused:
                raise ValidationError(
                    [f"Row {row.number}: {m}" for m in refused.messages]
                ) from None
        saver.close()
        for review_id in saver.reviews_touched:
            review_status_follows(review_id=review_id, user=user)
        if batch is not None:
            batch.state = TrackerImport.State.IMPORTED
            batch.summary = result.in_words()
            record_save(record=batch, user=user, reason=f"Imported: {batch.summary}")
    return result


def tracker_import_enqueue(
    *,
    batch: TrackerImport,
    mapping: list[str],
    default_committee: Committee | None,
    matches: dict[tuple[str, str], object],
    user,
) -> TrackerImport:
    """Mark the upload ``batch`` as being imported and hand it to the background task
    (``imports.tasks.import_tracker``), which saves it through :func:`tracker_import`. An
    upload being imported or imported already is refused (``ValidationError``)."""
    from ..imports.tasks import import_tracker, matches_to_json

    with transaction.atomic():
        batch = lock_for_edit(TrackerImport, batch.pk)
        if batch.state == TrackerImport.State.IMPORTED:
            raise ValidationError(f"This file has been imported already. {batch.summary}")
        if batch.state == TrackerImport.State.QUEUED:
            raise ValidationError("This file is being imported already.")
        batch.state = TrackerImport.State.QUEUED
        batch.summary = ""
        record_save(record=batch, user=user, reason="Confirmed: imported in the background")
    import_tracker.enqueue(
        batch.pk,
        mapping=list(mapping),
        default_committee_id=default_committee.pk if default_committee else None,
        matches=matches_to_json(matches),
        user_id=user.pk,
    )
    batch.refresh_from_db()
    return batch


class _Saver:
    def __init__(self, plan: Plan, user, matches, result: ImportResult):
        self.plan, self.user, self.matches, self.result = plan, user, matches, result
        self.names = Names()  # read again inside the transaction
        self.reviews: dict[tuple, Review] = {}
        self.recommendations: dict[tuple, Recommendation] = {}
        self.reviews_touched: set[int] = set()
        self.rows_new: set[int] = set()
        self.closures: list[tuple[Recommendation, Row]] = []

    def reason(self, row: Row) -> str:
        return f"imported from {self.plan.filename}, row {row.number}"

    # --- the people and bodies a row names ---

    def _named(self, kind: str, name: str, row: Row, known: dict, new):
        """The record the register has by ``name`` (in ``known``), or the one the officer
        matched it to, or ``new()`` saved with the row's reason; None for no name."""
        if not name:
            return None
        found = known.get(_lower(name)) or self.matches.get((kind, name))
        if found is None:
            found = new()
            record_save(record=found, user=self.user, reason=self.reason(row))
            self.result.add(type(found).__name__.lower())
            self.rows_new.add(row.number)
        known[_lower(name)] = found
        return found

    def committee(self, name: str, row: Row, kind: str):
        """An origin committee (``kind`` "committee", a scrutiny committee when added) or a
        responsible body ("body", its kind told from its name)."""
        return self._named(
            kind,
            name,
            row,
            self.names.committees,
            lambda: Committee(
                name=name,
                kind=CommitteeKind.SCRUTINY if kind == "committee" else body_kind(name),
            ),
        )

    def officer(self, name: str, row: Row):
        return self._named("officer", name, row, self.names.officers, lambda: Officer(name=name))

    def councillor(self, name: str, row: Row):
        return self._named(
            "councillor", name, row, self.names.councillors, lambda: Councillor(name=name)
        )

    def close(self) -> None:
        """The closures the file records, through the closure service: at a meeting of the
        review's committee on the closing date (added, with the row's reason, if the register
        has none)."""
        for recommendation, row in self.closures:
            committee = recommendation.review.commissioning_committee
            meeting = (
                Meeting.objects.filter(committee=committee, date=row.closed_on)
                .order_by("pk")
                .first()
            )
            if meeting is None:
                meeting = Meeting(committee=committee, date=row.closed_on)
                record_save(record=meeting, user=self.user, reason=self.reason(row))
                self.result.add("meeting")
            recommendation_close(
                recommendation=recommendation,
                meeting=meeting,
                minute_reference=row.closure_minute,
                user=self.user,
                reason=self.reason(row),
            )

    # --- the records ---

    def review(self, row: Row) -> Review:
        committee = self.committee(row.committee, row, "committee")
        key = (_lower(row.review_title), committee.pk)
        review = self.reviews.get(key)
        if review is None:
            review = (
                Review.objects.filter(
                    title__iexact=row.review_title, commissioning_committee=committee
                )
                .order_by("pk")
                .first()
            )
        if review is None:
            review = Review(
                title=row.review_title,
                review_type=ReviewType.TASK_GROUP,
                commissioning_committee=committee,
                report_agreed_on=row.date_agreed,
                status=ReviewStatus.REPORTING,
            )
            review_update(review=review, user=self.user, reason=self.reason(row))
            self.result.add("review")
            self.rows_new.add(row.number)
        self.reviews[key] = review
        return review

    def recommendation(self, row: Row) -> Recommendation:
        key = (
            ("ref", row.reference)
            if row.reference
            else ("text", _lower(row.review_title), _lower(row.committee), _lower(row.text))
        )
        found = self.recommendations.get(key)
        if found is not None:
            return found
        if row.existing_id:
            found = Recommendation.objects.select_related("review").get(pk=row.existing_id)
        else:
            review = self.review(row)
            self.reviews_touched.add(review.pk)
            found = Recommendation(
                review=review,
                number=row.rec_number,
                text=row.text,
                paragraph_reference=row.paragraph,
                responsible_body=self.committee(row.body, row, "body"),
                service_area=row.area,
                lead_officer=self.officer(row.lead_officer, row),
                lead_member=self.councillor(row.executive_member, row),
            )
            if row.status and not row.action and not row.update:
                found.status_set_by_officer = row.status
                found.status_reason = row.status_reason
            found.set_reference(row.reference)
            record_save(record=found, user=self.user, reason=self.reason(row))
            if row.decision:  # the executive's decision, as the response form records it
                recommendation_respond(
                    recommendation=found,
                    decision=row.decision,
                    response_text=row.response_text,
                    date=row.executive_date,
                    user=self.user,
                    reason=self.reason(row),
                )
            if row.closed_on:  # closed last, once its actions and updates are in
                self.closures.append((found, row))
            self.result.add("recommendation")
            self.rows_new.add(row.number)
        found.imported_actions = {_lower(a.action): a for a in found.actions.all()}
        found.imported_numbers = {a.number: a for a in found.imported_actions.values()}
        found.imported_updates = {
            (u.action_id, _lower(u.text)) for u in Update.objects.filter(recommendation=found)
        }
        self.recommendations[key] = found
        return found

    def row(self, row: Row) -> None:
        recommendation = self.recommendation(row)
        action = None
        numbers = recommendation.imported_numbers
        if row.action_number and not (row.action or row.timeline or row.target_date):
            action = numbers.get(row.action_number)  # an update on the action numbered
        elif row.action or row.timeline or row.target_date:
            action = recommendation.imported_actions.get(_lower(row.action))
            if action is None:
                number = row.action_number
                if not number or number in numbers:
                    number = max(numbers, default=0) + 1
                action = ActionPlanItem(
                    recommendation=recommendation,
                    number=number,
                    action=row.action,
                    timeline=row.timeline,
                    target_date=row.target_date,
                    owner=self.officer(row.lead_officer, row),
                )
                if row.status:
                    action.status, action.status_reason = row.status, row.status_reason
                action_save(action=action, user=self.user, reason=self.reason(row))
                recommendation.imported_actions[_lower(row.action)] = action
                numbers[action.number] = action
                self.result.add("action")
                self.rows_new.add(row.number)
        if row.update and (action.pk if action else None, _lower(row.update)) not in (
            recommendation.imported_updates
        ):
            update_post(
                recommendation=recommendation,
                action=action,
                text=row.update,
                user=self.user,
                date=row.update_date or timezone.localdate(),
                author=self.officer(row.lead_officer, row),
                reported_status=row.status,
                status_reason=row.status_reason,
                reason=self.reason(row),
            )
            recommendation.imported_updates.add((action.pk if action else None, _lower(row.update)))
            self.result.add("update")
            self.rows_new.add(row.number)
        if row.number not in self.rows_new:
            self.result.unchanged += 1
