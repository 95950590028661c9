"""The action plan of a review (or any set of recommendations), now or as at a past date.

Pages and documents read a plan through :func:`load_plan`, which returns the same shape either
way: recommendations, each with ``action_list`` (each action with its ``update_list``),
``update_list`` (every update, newest first), ``latest_update`` and
``withdrawn_update_list`` (the updates withdrawn by then: the page notes them, the lists and
documents leave them out).

"As at" a date is read from the history tables. The rule, for each record:

- its state is the newest history row at or before the end of that day (UK time);
- a record with no history row by then was entered later, back-entered from the council's
  papers, so it is shown as first entered, unless it was later deleted;
- updates dated after the day are left out, whenever they were entered, and so are
  recommendations of reviews whose report had not been agreed by that day.

Names of people and committees are today's.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q

from reviews.models import Committee, Councillor, Meeting, Officer, Review, attach_meetings

from .models import ActionPlanItem, Recommendation, Update

# Fields of an audited record that no page or document shows as at a date.
SNAPSHOT_DEFERRED = ("created_at", "updated_at")


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of ``day`` in the council's time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=tz)


def snapshot(model, criteria: Q, moment: datetime.datetime) -> list:
    """Instances of ``model`` matching ``criteria`` (on its history table) as they stood at
    ``moment``, by the rule in this module's docstring. One query.

    The history rows are read as plain values and each chosen one becomes a ``model``
    instance directly (``Model.from_db``): no historical instance is built on the way, and
    one review's history is a thousand rows or more. No timestamp is read: the database says
    whether each row is at or before ``moment``, and ``created_at`` and ``updated_at`` are
    left deferred (nothing shown as at a date uses them; on PostgreSQL each timestamp read is
    one parsed in Python, three per history row)."""
    attnames = [
        f.attname for f in model._meta.concrete_fields if f.attname not in SNAPSHOT_DEFERRED
    ]
    pk_at = 2 + attnames.index(model._meta.pk.attname)
    # An ordinary query, not iterator(): on PostgreSQL iterator() opens a server-side cursor
    # (three round trips).
    rows = (
        model.history.filter(criteria)
        .order_by("id", "history_date", "history_id")
        .values_list(
            ExpressionWrapper(Q(history_date__lte=moment), output_field=BooleanField()),
            "history_type",
            *attnames,
        )
    )
    at_moment: dict[int, tuple] = {}
    first: dict[int, tuple] = {}
    last: dict[int, tuple] = {}
    for row in rows:
        pk = row[pk_at]
        if row[0]:
            at_moment[pk] = row
        first.setdefault(pk, row)
        last[pk] = row
    chosen = []
    for pk, row in first.items():
        if pk in at_moment:
            row = at_moment[pk]
        elif last[pk][1] == "-":
            continue
        if row[1] == "-":
            continue
        chosen.append(model.from_db(rows.db, attnames, row[2:]))
    return chosen


@dataclass
class Plan:
    """Recommendations with their actions and updates, in register order."""

    recommendations: list[Recommendation]
    as_at: datetime.date | None = None
    reviews: dict[int, Review] = field(default_factory=dict)


def _attach(instances, attribute: str, objects: dict) -> None:
    for instance in instances:
        setattr(instance, attribute, objects.get(getattr(instance, f"{attribute}_id")))


def _assemble(recs, actions, updates) -> list[Recommendation]:
    actions_by_rec = defaultdict(list)
    for action in sorted(actions, key=lambda a: (a.number, a.pk)):
        action.update_list = []
        actions_by_rec[action.recommendation_id].append(action)
    actions_by_pk = {a.pk: a for a in actions}
    updates_by_rec = defaultdict(list)
    withdrawn_by_rec = defaultdict(list)
    for update in sorted(updates, key=lambda u: (u.date, u.pk), reverse=True):
        if update.withdrawn_at is not None:
            withdrawn_by_rec[update.recommendation_id].append(update)
            continue
        updates_by_rec[update.recommendation_id].append(update)
        action = actions_by_pk.get(update.action_id)
        # Its action's number, for "on action 2" ("" when the action is not in the plan).
        update.action_number = action.number if action is not None else ""
        if action is not None:
            action.update_list.append(update)
    for rec in recs:
        rec.action_list = actions_by_rec[rec.pk]
        rec.update_list = updates_by_rec[rec.pk]
        rec.withdrawn_update_list = withdrawn_by_rec[rec.pk]
        rec.latest_update = rec.update_list[0] if rec.update_list else None
        rec.latest_reported_status = next(
            (u.reported_status for u in rec.update_list if u.reported_status and not u.action_id),
            "",
        )
        rec.accepted_without_action_flag = rec.accepted_without_action(len(rec.action_list))
    return recs


def without_timestamps(*related: str) -> list[str]:
    """The ``created_at`` and ``updated_at`` of a record and of its ``related`` records, for
    ``defer()``: a plan shows neither, and on PostgreSQL each one read is a timestamp parsed
    in Python (a review's plan reads well over a thousand)."""
    prefixes = ["", *(f"{name}__" for name in related)]
    return [f"{prefix}{field}" for prefix in prefixes for field in ("created_at", "updated_at")]


def load_plan(recommendations, as_at: datetime.date | None = None) -> Plan:
    """The plan for ``recommendations`` (a queryset), now or as at the end of ``as_at``.

    A fixed number of queries whatever the size of the plan.
    """
    if as_at is None:
        related = (
            "review",
            "responsible_body",
            "lead_officer",
            "lead_member",
            # With their committees: a meeting is named by its committee and date.
            "response_meeting__committee",
            "closed_at_meeting__committee",
        )
        recs = list(
            recommendations.select_related(*related)
            .defer(*without_timestamps(*related, "response_meeting", "closed_at_meeting"))
            .prefetch_related(
                Prefetch(
                    "actions",
                    queryset=ActionPlanItem.objects.select_related("owner").defer(
                        *without_timestamps("owner")
                    ),
                ),
                Prefetch(
                    "updates",
                    queryset=Update.objects.select_related(
                        "author__partner", "entered_by", "reported_to__committee"
                    ).defer(
                        *without_timestamps(
                            "author",
                            "author__partner",
                            "reported_to",
                            "reported_to__committee",
                        )
                    ),
                ),
            )
        )
        actions = [a for rec in recs for a in rec.actions.all()]
        updates = [u for rec in recs for u in rec.updates.all()]
        plan = Plan(_assemble(recs, actions, updates))
        plan.reviews = {rec.review_id: rec.review for rec in recs}
        return plan

    moment = end_of_day(as_at)
    # Their keys as a subquery of the history query: no query of their own.
    recs = snapshot(Recommendation, Q(id__in=recommendations.values("pk")), moment)
    review_ids = {rec.review_id for rec in recs}
    reviews = {r.pk: r for r in snapshot(Review, Q(id__in=review_ids), moment)}
    recs = [
        rec
        for rec in recs
        if rec.review_id in reviews
        and (
            reviews[rec.review_id].report_agreed_on is None
            or reviews[rec.review_id].report_agreed_on <= as_at
        )
    ]
    rec_ids = [rec.pk for rec in recs]
    actions = snapshot(ActionPlanItem, Q(recommendation_id__in=rec_ids), moment)
    updates = [
        u for u in snapshot(Update, Q(recommendation_id__in=rec_ids), moment) if u.date <= as_at
    ]
    officers = Officer.objects.select_related("partner").in_bulk(
        {r.lead_officer_id for r in recs}
        | {a.owner_id for a in actions}
        | {u.author_id for u in updates}
        | {r.scrutiny_officer_id for r in reviews.values()}
        | {r.contact_officer_id for r in reviews.values()}
    )
    committees = Committee.objects.in_bulk(
        {r.responsible_body_id for r in recs}
        | {r.commissioning_committee_id for r in reviews.values()}
    )
    meetings = Meeting.objects.select_related("committee").in_bulk(
        {r.response_meeting_id for r in recs}
        | {r.closed_at_meeting_id for r in recs}
        | {u.reported_to_id for u in updates}
        | {getattr(r, f"{name}_id") for r in reviews.values() for name in Review.MEETINGS}
    )
    councillors = Councillor.objects.in_bulk({r.lead_member_id for r in recs})
    users = get_user_model().objects.in_bulk({u.entered_by_id for u in updates} - {None})
    _attach(reviews.values(), "scrutiny_officer", officers)
    _attach(reviews.values(), "contact_officer", officers)
    _attach(reviews.values(), "commissioning_committee", committees)
    attach_meetings(reviews.values(), meetings)
    for rec in recs:
        rec.review = reviews[rec.review_id]
    _attach(recs, "lead_officer", officers)
    _attach(recs, "responsible_body", committees)
    _attach(recs, "response_meeting", meetings)
    _attach(recs, "closed_at_meeting", meetings)
    _attach(recs, "lead_member", councillors)
    _attach(actions, "owner", officers)
    _attach(updates, "author", officers)
    _attach(updates, "entered_by", users)
    _attach(updates, "reported_to", meetings)
    recs.sort(key=lambda r: (r.review_id, r.number, r.pk))
    recs = _assemble(recs, actions, updates)
    for rec in recs:
        # The status is derived from the actions: derive it from the actions as they stood,
        # so a back-entered recommendation agrees with its back-entered actions.
        rec.status = rec.derive_status([a.status for a in rec.action_list])
    return Plan(recs, as_at=as_at, reviews=reviews)


def review_as_at(review_id: int, as_at: datetime.date) -> Review | None:
    """The review as it stood at the end of ``as_at`` (or as first entered), or None."""
    found = snapshot(Review, Q(id=review_id), end_of_day(as_at))
    return found[0] if found else None
