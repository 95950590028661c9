"""A signed-in lead officer's own work: the actions they own and the recommendations they
lead, each with its status, target date, overdue mark and a link to post an update."""

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from scrutiny.permissions import can_post_update, has_officer_record

from ..models import ActionPlanItem, Recommendation

# What a line of "my actions" shows of an action, its recommendation and review.
ACTION_LINE = (
    "id",
    "number",
    "action",
    "timeline",
    "target_date",
    "status",
    "owner__id",
    "owner__user_id",
    "recommendation__id",
    "recommendation__number",
    "recommendation__reference",
    "recommendation__review__id",
    "recommendation__review__title",
)
RECOMMENDATION_LINE = (
    "id",
    "number",
    "reference",
    "text",
    "status",
    "review__id",
    "review__title",
    "responsible_body__id",
    "lead_officer__id",
    "lead_officer__user_id",
)


@require_safe
def my_actions(request: HttpRequest) -> HttpResponse:
    """The actions the signed-in officer owns and the recommendations they lead, on open
    recommendations (not closed by the committee, not archived). Someone whose account has
    no officer record is told so. Two queries besides the session's, however many lines
    (the officer is read with the account)."""
    today = timezone.localdate()
    officer = request.user.officer if has_officer_record(request.user) else None
    actions, recommendations = [], []
    if officer is not None:
        actions = list(
            ActionPlanItem.objects.filter(owner=officer)
            .filter(
                recommendation__closed_at_meeting__isnull=True,
                recommendation__archived_at__isnull=True,
            )
            .select_related("owner", "recommendation__review")
            .only(*ACTION_LINE)
            .order_by(
                F("target_date").asc(nulls_last=True),
                "recommendation__review_id",
                "recommendation__number",
                "number",
            )
        )
        recommendations = list(
            Recommendation.objects.for_register(today)
            .open()
            .current()
            .filter(lead_officer=officer)
            .only(*RECOMMENDATION_LINE)
            .order_by("review_id", "number", "pk")
        )
    back = "?" + "next=" + reverse("my_actions")
    for action in actions:
        action.overdue = action.is_overdue(today)
        if can_post_update(request.user, action.recommendation, action):
            action.update_url = (
                reverse("update_create", args=[action.recommendation_id])
                + f"{back}&action={action.pk}"
            )
    for recommendation in recommendations:
        if can_post_update(request.user, recommendation):
            recommendation.update_url = reverse("update_create", args=[recommendation.pk]) + back
    return render(
        request,
        "recommendations/my_actions.html",
        {
            "officer": officer,
            "actions": actions,
            "overdue_count": sum(action.overdue for action in actions),
            "recommendations": recommendations,
            "today": today,
        },
    )
