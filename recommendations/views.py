"""The register's pages: the dashboard, reviews, recommendations and meetings.

Every page is read-only here and open to every signed-in role (the middleware sends anyone
signed out to sign in). Each list and detail page reads a fixed number of queries, whatever
the size of the register, locked in by tests/test_query_counts.py.
"""

import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from reviews.models import (
    AgendaItem,
    Meeting,
    Review,
    ReviewMember,
    ReviewStatus,
    attach_meetings,
)
from scrutiny.formats import british_date, parse_as_at
from scrutiny.permissions import can_edit_action, can_post_update

from .filtersets import RecommendationFilterSet, ReviewFilterSet
from .history import describe_changes, history_entries
from .models import (
    STATUS_MEANINGS,
    ActionPlanItem,
    Recommendation,
    RecommendationStatus,
    TargetDateRevision,
    Update,
    status_colour,
)
from .plan import end_of_day, load_plan, review_as_at

PAGE_SIZE = 50
# What a row of the recommendations register shows (and no more: on PostgreSQL each
# timestamp not read is a conversion saved, and a page has fifty rows of five records).
REGISTER_ROW = (
    "id",
    "number",
    "reference",
    "text",
    "decision",
    "status",
    "review__id",
    "review__title",
    "responsible_body__id",
    "responsible_body__name",
    "lead_officer__id",
    "lead_officer__name",
)
# What a row of the reviews register shows, with what its response deadline is worked out
# from. The committee is the only record joined: on PostgreSQL, planning the query of a
# review with all its meetings and their committees (nine tables) took 12 ms.
REVIEW_ROW = (
    "id",
    "title",
    "review_type",
    "municipal_year",
    "status",
    "report_received_on",
    "extended_deadline",
    "response_given_on",
    "commissioning_committee__id",
    "commissioning_committee__name",
)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _parse_as_at(request: HttpRequest) -> tuple[datetime.date | None, str]:
    """The "as at" date from ``?as_at=2017-07-06`` (or 6/7/2017), with an error message."""
    try:
        return parse_as_at(request.GET.get("as_at")), ""
    except ValidationError as error:
        return None, error.message


def _sort_links(request: HttpRequest, columns: dict[str, str]) -> dict[str, dict]:
    """For each sortable column: the URL that sorts by it and the current aria-sort value."""
    current = request.GET.get("sort", "")
    links = {}
    for key in columns:
        params = request.GET.copy()
        params.pop("page", None)
        if current == key:
            params["sort"] = f"-{key}"
            aria = "ascending"
        elif current == f"-{key}":
            params["sort"] = key
            aria = "descending"
        else:
            params["sort"] = key
            aria = "none"
        links[key] = {"url": "?" + params.urlencode(), "aria": aria, "label": columns[key]}
    return links


# --- dashboard ------------------------------------------------------------------------------


def _recent_changes(limit: int = 12) -> list[dict]:
    """The latest changes across the register, with who made them (four queries, read as
    plain values: only what a line of the list shows, not the records' long texts)."""
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
        for row in model.history.values(
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
    changes = []
    for row, kind, label, url_name, key in rows[:limit]:
        deleted = row["history_type"] == "-"
        changes.append(
            {
                "when": row["history_date"],
                "who": _person(row),
                "kind": kind,
                "label": label(row),
                "action": {"+": "created", "~": "changed", "-": "deleted"}[row["history_type"]],
                "reason": row["history_change_reason"] or "",
                "url": None if deleted else reverse(url_name, args=[row[key]]),
            }
        )
    return changes


def _person(row: dict) -> str:
    """Who made a change, from a history row's values: as ``user_name`` does for a user."""
    if row["history_user__username"] is None:
        return "an unknown user"
    full = f"{row['history_user__first_name']} {row['history_user__last_name']}".strip()
    return full or row["history_user__username"]


def _status_chart(counts: Counter) -> list[dict]:
    total_max = max(counts.values(), default=0) or 1
    bars = []
    for value, label in RecommendationStatus.choices:
        count = counts.get(value, 0)
        bars.append(
            {
                "value": value,
                "label": label,
                "count": count,
                "colour": status_colour(value),  # the class of its bar
                "width": round(230 * count / total_max),
            }
        )
    for index, bar in enumerate(bars):
        bar["y"] = index * 38
    return bars


DASHBOARD_LIST_LENGTH = 20


def _first_and_count(matching, rows, length: int, values: tuple[str, ...] = ()) -> tuple[list, int]:
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


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    awaiting = list(
        Review.objects.awaiting_response()
        .exclude(status=ReviewStatus.CLOSED)
        .select_related("commissioning_committee", "report_received_meeting__committee")
    )
    for review in awaiting:
        review.days_left = review.days_to_response_deadline(today)
    awaiting.sort(key=lambda r: r.response_deadline)
    overdue_actions, overdue_action_count = _first_and_count(
        ActionPlanItem.objects.overdue(today).order_by("target_date", "pk"),
        ActionPlanItem.objects.select_related("recommendation__review", "owner").only(
            "id",
            "action",
            "timeline",
            "target_date",
            "status",
            "owner__id",
            "owner__name",
            "recommendation__id",
            "recommendation__number",
            "recommendation__reference",
            "recommendation__review__id",
            "recommendation__review__title",
        ),
        DASHBOARD_LIST_LENGTH,
    )
    not_updated, not_updated_count = _first_and_count(
        Recommendation.objects.not_updated_since_last_meeting(today).order_by(
            "review_id", "number"
        ),
        Recommendation.objects.select_related("review", "lead_officer").only(
            "id",
            "number",
            "reference",
            "review__id",
            "review__title",
            "lead_officer__id",
            "lead_officer__name",
        ),
        DASHBOARD_LIST_LENGTH,
        values=("latest_update_date", "last_meeting_date"),
    )
    status_counts = Counter(
        dict(Recommendation.objects.values_list("status").annotate(n=Count("pk")).order_by())
    )
    context = {
        "today": today,
        "responses_due": [r for r in awaiting if r.days_left >= 0],
        "responses_overdue": [r for r in awaiting if r.days_left < 0],
        "overdue_actions": overdue_actions,
        "overdue_action_count": overdue_action_count,
        "not_updated": not_updated,
        "not_updated_count": not_updated_count,
        "chart": (chart := _status_chart(status_counts)),
        "chart_height": len(chart) * 38,
        "recommendation_total": sum(status_counts.values()),
        "upcoming_meetings": Meeting.objects.filter(date__gte=today)
        .select_related("committee")
        .order_by("date", "pk")[:8],
        "recent_changes": _recent_changes(),
    }
    return render(request, "recommendations/dashboard.html", context)


# --- reviews --------------------------------------------------------------------------------


@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    counts = (
        Recommendation.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    reviews = (
        Review.objects.select_related("commissioning_committee")
        .only(*REVIEW_ROW)
        .annotate(recommendation_count=Coalesce(Subquery(counts), 0))
        .order_by("-municipal_year", "title", "pk")
    )
    filterset = ReviewFilterSet(request.GET, queryset=reviews)
    filterset.read_choices_once()
    valid = filterset.is_valid()
    page = Paginator(filterset.qs if valid else reviews.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filterset": filterset,
        "filter_errors": not valid,
        "page": page,
        "query": _query_without_page(request),
        "today": timezone.localdate(),
    }
    return render(
        request, "recommendations/review_list.html", context, status=200 if valid else 400
    )


@require_safe
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    as_at, as_at_error = _parse_as_at(request)
    try:
        # As at a date, the meetings shown are those of the review as it stood: read below.
        review = Review.objects.get_with_framework(pk=pk, meetings=as_at is None)
    except Review.DoesNotExist:
        raise Http404("No such review.") from None
    recommendations = Recommendation.objects.filter(review=review)
    shown, plan = review, None
    if as_at is not None:
        plan = load_plan(recommendations, as_at=as_at)
        # The plan holds the review as it stood, with its meetings, when it had any
        # recommendation then; if not, the review is read alone.
        shown = plan.reviews.get(review.pk)
        if shown is None:
            shown = review_as_at(review.pk, as_at)
            if shown is not None:
                attach_meetings([shown])
        if shown is None:
            as_at_error = f"This review was not in the register on {british_date(as_at)}."
            as_at, plan, shown = None, None, review
            attach_meetings([review])
        else:
            shown.commissioning_committee = review.commissioning_committee
            shown.scrutiny_officer = review.scrutiny_officer
    if plan is None:
        plan = load_plan(recommendations)
    context = {
        "review": shown,
        "current_review": review,
        "recommendations": plan.recommendations,
        "members": review.members.select_related("councillor"),
        "combined_reviews": review.combined_reviews.all(),
        "as_at": as_at,
        "as_at_error": as_at_error,
        "as_at_value": request.GET.get("as_at", ""),
        "status_key": STATUS_MEANINGS,
        "today": timezone.localdate(),
    }
    return render(
        request, "recommendations/review_detail.html", context, status=400 if as_at_error else 200
    )


HISTORY_PAGE_SIZE = 50


def _page_of_history(entries: list, request: HttpRequest):
    """A page of history entries, newest first, with the changes of those shown described."""
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    describe_changes(page.object_list)
    return page


@require_safe
def review_history(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk)

    entries = history_entries(
        [
            (Review, Review.history.filter(id=review.pk), "Review"),
            (ReviewMember, ReviewMember.history.filter(review_id=review.pk), "Membership"),
            (
                Recommendation,
                Recommendation.history.filter(review_id=review.pk),
                "Recommendation",
            ),
        ]
    )
    page = _page_of_history(entries, request)
    return render(
        request,
        "recommendations/history.html",
        {
            "record": review,
            "page": page,
            "back_url": review.get_absolute_url(),
            "title": review.title,
        },
    )


# --- recommendations ------------------------------------------------------------------------


REGISTER_COLUMNS = {
    "reference": "Reference",
    "review": "Review",
    "status": "Status",
    "updated": "Latest update",
}


@require_safe
def recommendation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    base = Recommendation.objects.for_register(today)
    filterset = RecommendationFilterSet(request.GET, queryset=base)
    filterset.read_choices_once()
    valid = filterset.is_valid()
    page = _page_of_register(filterset.qs if valid else base.none(), base, request)
    context = {
        "filterset": filterset,
        "filter_errors": not valid,
        "page": page,
        "query": _query_without_page(request),
        "sort_links": _sort_links(request, REGISTER_COLUMNS),
        "status_key": STATUS_MEANINGS,
        "has_filters": any(v for k, v in request.GET.items() if k not in {"page", "sort"}),
    }
    return render(
        request, "recommendations/recommendation_list.html", context, status=200 if valid else 400
    )


def _page_of_register(results, base, request: HttpRequest):
    """A page of the register. The filters (a free-text search reads four tables) run once,
    for the matching primary keys in the register's order; then only the page's rows are read
    with what a row shows (their review, latest update, overdue actions)."""
    ids = list(results.values_list("pk", flat=True))
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = base.only(*REGISTER_ROW).in_bulk(page.object_list) if page.object_list else {}
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page


@require_safe
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    current = get_object_or_404(Recommendation.objects.select_related("review"), pk=pk)
    as_at, as_at_error = _parse_as_at(request)
    plan = load_plan(Recommendation.objects.filter(pk=pk), as_at=as_at)
    if as_at is not None and not plan.recommendations:
        as_at_error = f"This recommendation was not in the register on {british_date(as_at)}."
        as_at = None
        plan = load_plan(Recommendation.objects.filter(pk=pk))
    recommendation = plan.recommendations[0]
    revisions = TargetDateRevision.objects.filter(action__recommendation=current).select_related(
        "revised_by"
    )
    if as_at is not None:
        revisions = revisions.filter(created_at__date__lte=as_at)
    revisions_by_action = {}
    for revision in revisions:
        revisions_by_action.setdefault(revision.action_id, []).append(revision)
    for action in recommendation.action_list:
        action.revision_list = revisions_by_action.get(action.pk, [])
        action.user_can_edit = as_at is None and can_edit_action(request.user, action)
    can_update = as_at is None and (
        can_post_update(request.user, recommendation)
        or any(a.user_can_edit for a in recommendation.action_list)
    )
    context = {
        "recommendation": recommendation,
        "review": current.review,
        "can_update": can_update,
        "as_at": as_at,
        "as_at_error": as_at_error,
        "as_at_value": request.GET.get("as_at", ""),
        "today": timezone.localdate(),
        "status_key": STATUS_MEANINGS,
    }
    return render(
        request,
        "recommendations/recommendation_detail.html",
        context,
        status=400 if as_at_error else 200,
    )


@require_safe
def recommendation_history(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation.objects.select_related("review"), pk=pk)
    entries = history_entries(
        [
            (Recommendation, Recommendation.history.filter(id=pk), "Recommendation"),
            (ActionPlanItem, ActionPlanItem.history.filter(recommendation_id=pk), "Action"),
            (Update, Update.history.filter(recommendation_id=pk), "Update"),
            (
                TargetDateRevision,
                TargetDateRevision.history.filter(
                    action_id__in=ActionPlanItem.history.filter(recommendation_id=pk).values("id")
                ),
                "Target date revision",
            ),
        ]
    )
    page = _page_of_history(entries, request)
    return render(
        request,
        "recommendations/history.html",
        {
            "record": recommendation,
            "page": page,
            "back_url": recommendation.get_absolute_url(),
            "title": f"{recommendation.review.title}: recommendation {recommendation.number}",
        },
    )


# --- meetings -------------------------------------------------------------------------------


@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    reviews = list(
        Review.objects.filter(
            Q(report_agreed_meeting=meeting)
            | Q(report_received_meeting=meeting)
            | Q(response_meeting=meeting)
        ).order_by("title", "pk")
    )
    context = {
        "meeting": meeting,
        "agenda_items": AgendaItem.objects.filter(meeting=meeting),
        "reports_agreed": [r for r in reviews if r.report_agreed_meeting_id == meeting.pk],
        "reports_received": [r for r in reviews if r.report_received_meeting_id == meeting.pk],
        "responses_given": [r for r in reviews if r.response_meeting_id == meeting.pk],
        "updates_reported": _update_rows(
            Update.objects.filter(reported_to=meeting).order_by(
                "recommendation__review_id", "recommendation__number", "pk"
            )
        ),
    }
    # For a scrutiny committee: what changed since its previous meeting, on the reviews it
    # monitors, including the executive's new responses, read with this meeting's lines.
    previous = start = None
    if meeting.committee.is_scrutiny:
        previous = (
            Meeting.objects.filter(committee=meeting.committee, date__lt=meeting.date)
            .order_by("-date", "-pk")
            .first()
        )
        start = previous.date if previous else datetime.date.min
    lines = _recommendation_lines(meeting, start)
    context["recommendation_responses"] = lines["responded"]
    context["closures"] = lines["closed"]
    if start is not None:
        context["changes"] = changes_since_previous_meeting(
            meeting, previous, new_responses=lines["new_responses"]
        )
    return render(request, "recommendations/meeting_detail.html", context)


# What a meeting page's line about a recommendation shows: a link, its reference (or
# number) and the executive's decision.
MEETING_LINE = ("id", "number", "reference", "decision")
EXCERPT_LENGTH = 160


def _recommendation_lines(meeting: Meeting, start: datetime.date | None) -> dict[str, list]:
    """The recommendations a meeting page lists, in register order, in one query:
    ``responded`` (the executive responded at the meeting), ``closed`` (closed there) and,
    given ``start`` (the previous meeting's date), ``new_responses``: responses dated after
    it and up to this meeting on the reviews the meeting's committee monitors."""
    lists = {
        "responded": Q(response_meeting=meeting),
        "closed": Q(closed_at_meeting=meeting),
    }
    if start is not None:
        lists["new_responses"] = Q(
            review__commissioning_committee=meeting.committee_id,
            response_date__gt=start,
            response_date__lte=meeting.date,
        )
    any_list = Q()
    for condition in lists.values():
        any_list |= condition
    rows = (
        Recommendation.objects.filter(any_list)
        .annotate(
            **{
                f"in_{name}": ExpressionWrapper(condition, output_field=BooleanField())
                for name, condition in lists.items()
            }
        )
        .only(*MEETING_LINE, "closure_minute_reference")
        .order_by("review_id", "number", "pk")
    )
    found = {name: [] for name in lists}
    for rec in rows:
        for name, listed in found.items():
            if getattr(rec, f"in_{name}"):
                listed.append(rec)
    return found


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a long text, ending in an ellipsis: as ``truncatechars``, without its
    per-call translation lookups (a meeting page shows a few hundred of these)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _update_rows(updates) -> list[dict]:
    """What a meeting page lists of each update, read as plain values in one query: the
    recommendation's reference, its review's title, the date and the start of the text."""
    rows = updates.values(
        "pk",
        "date",
        "text",
        "reported_to_id",
        "recommendation_id",
        "recommendation__number",
        "recommendation__reference",
        "recommendation__review__title",
    )
    return [
        {
            "pk": row["pk"],
            "date": row["date"],
            "excerpt": excerpt(row["text"]),
            "reported_to_id": row["reported_to_id"],
            "recommendation_id": row["recommendation_id"],
            "reference": row["recommendation__reference"]
            or f"Recommendation {row['recommendation__number']}",
            "review_title": row["recommendation__review__title"],
        }
        for row in rows
    ]


def _net_status_changes(meeting: Meeting, start: datetime.date) -> list[dict]:
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
    before: dict[int, tuple] = {}
    after: dict[int, tuple] = {}
    for row in rows:
        if row[2]:
            before[row[0]] = row
        after[row[0]] = row
    changes = []
    for pk, old in before.items():
        new = after[pk]
        if new[5] == "-" or old[1] == new[1]:
            continue
        changes.append(
            {
                "recommendation": {"pk": pk, "number": new[3], "reference": new[4]},
                "old": RecommendationStatus(old[1]).label,
                "new": RecommendationStatus(new[1]).label,
                "old_value": old[1],
                "new_value": new[1],
            }
        )
    changes.sort(
        key=lambda c: (
            c["recommendation"]["reference"] or "",
            c["recommendation"]["number"],
            c["recommendation"]["pk"],
        )
    )
    return changes


def changes_since_previous_meeting(
    meeting: Meeting, previous: Meeting | None, new_responses: list
) -> dict:
    """What changed, for the reviews this committee monitors, between its ``previous``
    meeting and this one: new updates, status changes, slipped target dates and the new
    responses (``new_responses``, read with the meeting's other lines)."""
    start = previous.date if previous else datetime.date.min
    updates = _update_rows(
        Update.objects.filter(
            Q(recommendation__review__commissioning_committee=meeting.committee),
            date__gt=start,
            date__lte=meeting.date,
        ).order_by("recommendation__review_id", "recommendation__number", "-date", "-pk")
    )
    # Those reported to this meeting are listed once, under "Updates reported".
    others = [u for u in updates if u["reported_to_id"] != meeting.pk]
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
    status_changes = _net_status_changes(meeting, start)
    return {
        "previous": previous,
        "updates": updates,
        "updates_reported_here": len(updates) - len(others),
        "other_updates": others,
        "responses": new_responses,
        "revisions": revisions,
        "status_changes": status_changes,
    }
