"""The dashboard: what is due, overdue and changed."""

from collections import Counter

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from reviews.models import (
    Meeting,
    Review,
    ReviewStatus,
)
from scrutiny.permissions import is_councillor

from .. import reads
from ..models import (
    ActionPlanItem,
    Recommendation,
)

# What a line of the dashboard's lists of actions shows.
ACTION_LINE = (
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
)

# What the dashboard reads of a meeting from today on: its link and name (committee, date).
MEETING_LINK = ("id", "date", "committee__id", "committee__name")


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """What is due, overdue and changed. A councillor sees what changed since their
    committees last met (each scrutiny committee, for an account linked to no councillor)
    where others see the latest changes across the register."""
    today = timezone.localdate()
    awaiting = list(
        Review.objects.awaiting_response()
        .exclude(status=ReviewStatus.CLOSED)
        .select_related("commissioning_committee", "report_received_meeting__committee")
    )
    for review in awaiting:
        review.days_left = review.days_to_response_deadline(today)
    awaiting.sort(key=lambda r: r.response_deadline)
    # Every meeting from today on: the first few are listed, and the next of each committee
    # tells which actions fall due before it.
    upcoming = list(
        Meeting.objects.filter(date__gte=today)
        .select_related("committee")
        .only(*MEETING_LINK)
        .order_by("date", "pk")
    )
    actions = reads.overdue_and_due(
        today,
        ActionPlanItem.objects.select_related("recommendation__review", "owner").only(*ACTION_LINE),
        reads.DASHBOARD_LIST_LENGTH,
        upcoming,
    )
    not_updated, not_updated_count = reads.first_and_count(
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
        reads.DASHBOARD_LIST_LENGTH,
        values=("latest_update_date", "last_meeting_date"),
    )
    status_counts = Counter(
        dict(Recommendation.objects.values_list("status").annotate(n=Count("pk")).order_by())
    )
    context = {
        "today": today,
        "responses_due": [r for r in awaiting if r.days_left >= 0],
        "responses_overdue": [r for r in awaiting if r.days_left < 0],
        "overdue_actions": actions.overdue,
        "overdue_action_count": actions.overdue_count,
        "not_updated": not_updated,
        "not_updated_count": not_updated_count,
        "chart": (chart := reads.status_chart(status_counts)),
        "chart_height": len(chart) * reads.CHART_ROW_HEIGHT,
        "recommendation_total": sum(status_counts.values()),
        "upcoming_meetings": upcoming[:8],
        "due_before_meeting": actions.due,
        "due_before_meeting_count": actions.due_count,
    }
    if is_councillor(request.user):
        last_met, theirs = reads.committees_last_met(request.user, today)
        context["last_met"] = last_met
        context["last_met_theirs"] = theirs
        context["changes_since_met"] = reads.changes_since_committees_met(last_met)
    else:
        context["recent_changes"] = reads.recent_changes()
    return render(request, "recommendations/dashboard.html", context)
