"""The named reads behind the dashboard and the meeting pages: what each list shows, read in a
fixed number of queries, as named tuples (never ``row[2]``).

Each function reads what one part of a page needs, pinned by tests/test_query_counts.py.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.lookups import GreaterThan

from reviews.models import CommitteeKind, Councillor, Meeting, Review
from scrutiny.formats import british_date
from scrutiny.links import pk_url

from .models import (
    ActionPlanItem,
    Recommendation,
    TargetDateRevision,
    Update,
    status_key,
)
from .plan import end_of_day
from .querysets import MEETING_LINE, UpdateLine
from .statuses import ProgressStatus


class Change(NamedTuple):
    """A line of the dashboard's recent changes."""

    when: datetime.datetime
    who: str
    kind: str
    label: str
    action: str
    reason: str
    url: str | None


def recent_changes(limit: int = 12, where: Callable[[type], Q] | None = None) -> list[Change]:
    """The latest changes across the register, with who made them (four queries, read as
    plain values: only what a line of the list shows, not the records' long texts).
    ``where`` gives, for each model (Review, Recommendation, ActionPlanItem, Update), a
    condition on its history rows: only those changes are listed."""
    sources = [
        (Review, ("title",), "Review", lambda row: row["title"], "review_detail", "id"),
        (
            Recommendation,
            ("reference", "number"),
            "Recommendation",
            lambda row: row["reference"] or f"Recommendation {row['number']}",
            "recommendation_detail",
            "id",
        ),
        (
            ActionPlanItem,
            ("number", "recommendation_id"),
            "Action",
            lambda row: f"Action {row['number']}",
            "recommendation_detail",
            "recommendation_id",
        ),
        (
            Update,
            ("date", "recommendation_id"),
            "Update",
            lambda row: f"Update of {british_date(row['date'])}",
            "recommendation_detail",
            "recommendation_id",
        ),
    ]
    rows = []
    for model, fields, *describe in sources:
        history = model.history.filter(where(model)) if where else model.history.all()
        for row in history.values(
            "id",
            "history_date",
            "history_type",
            "history_change_reason",
            "history_user__username",
            "history_user__first_name",
            "history_user__last_name",
            *fields,
        ).order_by("-history_date")[:limit]:
            rows.append((row, *describe))
    rows.sort(key=lambda item: item[0]["history_date"], reverse=True)
    return [
        Change(
            when=row["history_date"],
            who=person_name(row),
            kind=kind,
            label=label(row),
            action={"+": "created", "~": "changed", "-": "deleted"}[row["history_type"]],
            reason=row["history_change_reason"] or "",
            url=None if row["history_type"] == "-" else pk_url(url_name, row[key]),
        )
        for row, kind, label, url_name, key in rows[:limit]
    ]


class LastMet(NamedTuple):
    """When a committee last met (on or before today)."""

    committee_id: int
    name: str
    date: datetime.date


def committees_last_met(user, today: datetime.date) -> tuple[list[LastMet], bool]:
    """When the committees a councillor sits on last met, and True; for an account linked to
    no councillor, or one whose committees have not met yet, when each scrutiny committee
    last met, and False. One query."""
    theirs = Councillor.committees.through.objects.filter(councillor__user=user).values(
        "committee_id"
    )
    rows = (
        Meeting.objects.filter(date__lte=today)
        .filter(Q(committee__kind=CommitteeKind.SCRUTINY) | Q(committee_id__in=theirs))
        .values("committee_id", "committee__name")
        .annotate(
            last=Max("date"),
            mine=Max(Case(When(committee_id__in=theirs, then=1), default=0)),
            scrutiny=Max(Case(When(committee__kind=CommitteeKind.SCRUTINY, then=1), default=0)),
        )
        .order_by("committee__name", "committee_id")
    )
    rows = list(rows)
    mine = [row for row in rows if row["mine"]]
    chosen = mine or [row for row in rows if row["scrutiny"]]
    return [
        LastMet(row["committee_id"], row["committee__name"], row["last"]) for row in chosen
    ], bool(mine)


def changes_since_committees_met(last_met: list[LastMet], limit: int = 20) -> list[Change]:
    """The latest changes to the reviews each committee monitors (as commissioning committee
    or named as also monitoring them), made after the day it last met: what a councillor
    asks about at the next meeting. Four queries, however many committees.

    Each history row is kept when it is later than the earliest of those days (a range the
    history_date index serves) and its review is one a committee monitors that last met
    before the row: one EXISTS per query. Asked as "the review's id among those each
    committee monitors" (IN, a subquery per committee), SQLite read every history row of
    every monitored record by its key (all of them, for a councillor on every scrutiny
    committee): 18 ms of the dashboard's 46 on a ten-year council (bench/pages.py), and
    building the twenty subqueries took as long again."""
    if not last_met:
        return []
    since = Q(history_date__gt=end_of_day(min(met.date for met in last_met)))
    monitored_before_the_row = Q(pk__in=[])
    for met in last_met:
        monitored_before_the_row |= (
            Q(commissioning_committee=met.committee_id) | Q(monitoring_committees=met.committee_id)
        ) & GreaterThan(OuterRef("history_date"), end_of_day(met.date))
    reviews = Review.objects.filter(monitored_before_the_row)
    conditions = {
        Review: since & Exists(reviews.filter(pk=OuterRef("id"))),
        Recommendation: since & Exists(reviews.filter(pk=OuterRef("review_id"))),
        # Actions and updates both hang off a recommendation.
        ActionPlanItem: since
        & Exists(reviews.filter(recommendations=OuterRef("recommendation_id"))),
    }
    conditions[Update] = conditions[ActionPlanItem]
    return recent_changes(limit, where=conditions.__getitem__)


def person_name(row: dict) -> str:
    """Who made a change, from a history row's values: as ``user_name`` does for a user."""
    if row["history_user__username"] is None:
        return "an unknown user"
    full = f"{row['history_user__first_name']} {row['history_user__last_name']}".strip()
    return full or row["history_user__username"]


class LatestUpdate(NamedTuple):
    """The latest update of a recommendation, as a review page's card shows it."""

    date: datetime.date
    text: str


# What a review page's card of a recommendation shows (with its responsible body's name).
REVIEW_CARD = (
    "id",
    "review_id",
    "number",
    "reference",
    "text",
    "paragraph_reference",
    "responsible_body_note",
    "decision",
    "response_text",
    "status",
    "archived_at",
    "responsible_body__id",
    "responsible_body__name",
)


def review_cards(recommendations) -> list[Recommendation]:
    """The recommendations of a review page as they are now, in register order, each with
    what its card shows: ``latest_update`` (a ``LatestUpdate``, or None) and
    ``accepted_without_action_flag``. One query: the latest update and whether there is an
    action are subqueries.

    The page read the whole action plan for this (``load_plan``: every action and every
    update with their people and meetings, a thousand model instances for a monitored review
    of ten recommendations), and showed a date and the start of one text of each."""
    latest = Update.objects.current().filter(recommendation=OuterRef("pk")).order_by("-date", "-pk")
    recs = list(
        recommendations.select_related("responsible_body")
        .only(*REVIEW_CARD)
        .annotate(
            latest_update_date=Subquery(latest.values("date")[:1]),
            latest_update_text=Subquery(latest.values("text")[:1]),
            has_action=Exists(ActionPlanItem.objects.filter(recommendation=OuterRef("pk"))),
        )
        .order_by("review_id", "number", "pk")
    )
    for rec in recs:
        rec.latest_update = (
            LatestUpdate(rec.latest_update_date, rec.latest_update_text)
            if rec.latest_update_date is not None
            else None
        )
        # Whether there is an action is all that counts.
        rec.accepted_without_action_flag = rec.accepted_without_action(int(rec.has_action))
    return recs


CHART_ROW_HEIGHT = 38


class ChartBar(NamedTuple):
    """A bar of the dashboard's chart of recommendations by status."""

    value: str
    label: str
    count: int
    colour: str  # the class of its bar
    width: int
    y: int


def status_chart(counts: Counter) -> list[ChartBar]:
    """One bar per status of the council's key (by category, then the key's order), the
    longest 230 units wide."""
    total_max = max(counts.values(), default=0) or 1
    return [
        ChartBar(
            value=entry.code,
            label=entry.label,
            count=counts.get(entry.code, 0),
            colour=entry.colour,
            width=round(230 * counts.get(entry.code, 0) / total_max),
            y=index * CHART_ROW_HEIGHT,
        )
        for index, entry in enumerate(status_key().by_category)
    ]


DASHBOARD_LIST_LENGTH = 20


def first_and_count(matching, rows, length: int, values: tuple[str, ...] = ()) -> tuple[list, int]:
    """The first ``length`` records of a list and how many there are in all, running its
    filter once: ``matching`` gives the keys in order (and any annotated ``values`` a line
    shows), their number is the count; then the first records are read from ``rows`` by key,
    a plain query without the filter."""
    matches = list(matching.values_list("pk", *values))
    first = matches[:length]
    records = rows.in_bulk([match[0] for match in first])
    shown = []
    for pk, *extra in first:
        if pk in records:  # not deleted in between
            record = records[pk]
            for name, value in zip(values, extra, strict=True):
                setattr(record, name, value)
            shown.append(record)
    return shown, len(matches)


class ActionLists(NamedTuple):
    """The dashboard's two lists of actions: overdue, and due by the next meeting."""

    overdue: list
    overdue_count: int
    due: list
    due_count: int


NEXT_MEETING = ("next_meeting_id", "next_meeting_date", "next_meeting_committee")


def overdue_and_due(today: datetime.date, rows, length: int, upcoming: list) -> ActionLists:
    """The overdue actions (most overdue first) and those due by the next meeting of a
    committee monitoring their review (soonest first), the first ``length`` of each, and how
    many of each there are: two queries, the keys of both lists, then the lines shown (read
    from ``rows``, a plain query of what a line shows).

    ``upcoming`` is the meetings from today on, soonest first, with their committees (the
    dashboard reads them anyway); an action is due by the first of them held by its review's
    commissioning committee or a committee named as also monitoring it, up to and including
    that meeting's day. Worked out here rather than by a subquery per open action in SQL,
    which took 110 ms of SQLite's time for the dashboard of a ten-year council
    (bench/pages.py)."""
    next_by_committee: dict[int, Meeting] = {}
    for meeting in upcoming:
        next_by_committee.setdefault(meeting.committee_id, meeting)
    latest = max((m.date for m in next_by_committee.values()), default=None)
    window = Q(target_date__lt=today)
    if latest is not None:
        window |= Q(target_date__gte=today, target_date__lte=latest)
    candidates = (
        ActionPlanItem.objects.filter(
            window,
            target_date__isnull=False,
            recommendation__closed_at_meeting__isnull=True,
            recommendation__archived_at__isnull=True,
        )
        .exclude(status__in=status_key().codes_in(ProgressStatus.ACHIEVED))
        .order_by("target_date", "pk")
        .values_list(
            "pk",
            "target_date",
            "recommendation__review__commissioning_committee_id",
            "recommendation__review__monitoring_committees",  # a row for each
        )
    )
    committees: dict[int, set] = {}
    order: list[tuple[int, datetime.date]] = []
    for pk, target, commissioning, monitoring in candidates:
        if pk not in committees:
            committees[pk] = set()
            order.append((pk, target))
        committees[pk].update({commissioning, monitoring} - {None})
    overdue, due = [], []
    for pk, target in order:
        if target < today:
            overdue.append((pk, target))
            continue
        meetings = [next_by_committee[c] for c in committees[pk] if c in next_by_committee]
        if not meetings:
            continue
        meeting = min(meetings, key=lambda m: (m.date, m.pk))
        if target <= meeting.date:
            due.append((pk, target, meeting.pk, meeting.date, meeting.committee.name))
    records = rows.in_bulk([match[0] for match in overdue[:length] + due[:length]])

    def lines(found: list, values: tuple[str, ...] = ()) -> list:
        shown = []
        for pk, _, *extra in found[:length]:
            if pk in records:  # not deleted in between
                record = records[pk]
                for name, value in zip(values, extra, strict=False):
                    setattr(record, name, value)
                shown.append(record)
        return shown

    return ActionLists(lines(overdue), len(overdue), lines(due, NEXT_MEETING), len(due))


class StatusRow(NamedTuple):
    """A history row of a recommendation, as the status changes read it."""

    id: int
    status: str
    before_boundary: bool  # saved at or before the end of the previous meeting's day
    number: int
    reference: str | None
    history_type: str


class RecommendationLink(NamedTuple):
    pk: int
    number: int
    reference: str | None

    @property
    def url(self) -> str:
        return pk_url("recommendation_detail", self.pk)


class StatusChange(NamedTuple):
    recommendation: RecommendationLink
    old: str  # the status's label
    new: str
    old_value: str
    new_value: str


def net_status_changes(meeting: Meeting, start: datetime.date) -> list[StatusChange]:
    """Recommendations whose status at this meeting differs from their status at the end of
    ``start`` (the previous meeting's day). Records entered since then are new, not changed.
    One query over the history table."""
    boundary = end_of_day(start) if start != datetime.date.min else None
    if boundary is None:
        return []
    monitored = Recommendation.history.filter(
        review_id__in=Review.objects.filter(commissioning_committee=meeting.committee).values("pk"),
        history_date__lte=end_of_day(meeting.date),
    )
    # Only recommendations with a change since the previous meeting can have changed status.
    touched = monitored.filter(history_date__gt=boundary).values("id")
    rows = (
        monitored.filter(id__in=touched)
        .order_by("id", "history_date", "history_id")
        .values_list(
            "id",
            "status",
            # Whether the row is from before the boundary, as the database says: no timestamp
            # is read (on PostgreSQL each is parsed in Python).
            ExpressionWrapper(Q(history_date__lte=boundary), output_field=BooleanField()),
            "number",
            "reference",
            "history_type",
        )
    )
    before: dict[int, StatusRow] = {}
    after: dict[int, StatusRow] = {}
    for row in map(StatusRow._make, rows):
        if row.before_boundary:
            before[row.id] = row
        after[row.id] = row
    changes = []
    key = status_key()
    for pk, old in before.items():
        new = after[pk]
        if new.history_type == "-" or old.status == new.status:
            continue
        changes.append(
            StatusChange(
                recommendation=RecommendationLink(pk, new.number, new.reference),
                old=key.label(old.status),
                new=key.label(new.status),
                old_value=old.status,
                new_value=new.status,
            )
        )
    changes.sort(
        key=lambda c: (
            c.recommendation.reference or "",
            c.recommendation.number,
            c.recommendation.pk,
        )
    )
    return changes


class MeetingChanges(NamedTuple):
    """What changed on the reviews a committee monitors between two of its meetings."""

    previous: Meeting | None
    updates: list[UpdateLine]
    updates_reported_here: int  # of ``updates``, those reported to this meeting
    other_updates: list[UpdateLine]
    responses: list
    revisions: object  # TargetDateRevision queryset, in the order they were made
    status_changes: list[StatusChange]


def changes_since_previous_meeting(
    meeting: Meeting, previous: Meeting | None, new_responses: list
) -> MeetingChanges:
    """What changed, for the reviews this committee monitors, between its ``previous``
    meeting and this one: new updates, status changes, slipped target dates and the new
    responses (``new_responses``, read with the meeting's other lines)."""
    start = previous.date if previous else datetime.date.min
    updates = (
        Update.objects.current()
        .filter(
            Q(recommendation__review__commissioning_committee=meeting.committee),
            date__gt=start,
            date__lte=meeting.date,
        )
        .order_by("recommendation__review_id", "recommendation__number", "-date", "-pk")
        .lines()
    )
    # Those reported to this meeting are listed once, under "Updates reported".
    others = [u for u in updates if u.reported_to_id != meeting.pk]
    revisions = (
        TargetDateRevision.objects.filter(
            action__recommendation__review__commissioning_committee=meeting.committee,
            created_at__lte=end_of_day(meeting.date),
        )
        .select_related("action__recommendation")
        .only(
            "previous_target_date",
            "new_target_date",
            "reason",
            "action__id",
            *(f"action__recommendation__{name}" for name in MEETING_LINE),
        )
        .order_by("created_at")
    )
    if previous:
        # A range on the timestamp itself, not on its local date: an index can serve it, and
        # SQLite need not convert every row's timestamp in Python to compare.
        revisions = revisions.filter(created_at__gt=end_of_day(start))
    return MeetingChanges(
        previous=previous,
        updates=updates,
        updates_reported_here=len(updates) - len(others),
        other_updates=others,
        responses=new_responses,
        revisions=revisions,
        status_changes=net_status_changes(meeting, start),
    )
