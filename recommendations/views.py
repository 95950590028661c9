"""The register's pages: the dashboard, reviews, recommendations and meetings."""

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from reviews.models import Meeting, Review

from .models import ActionPlanItem, Recommendation, Update


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "recommendations/dashboard.html", {})


@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = Review.objects.with_framework().annotate(
        recommendation_count=Count("recommendations")
    )
    return render(request, "recommendations/review_list.html", {"reviews": reviews})


@require_safe
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.with_framework(), pk=pk)
    recommendations = review.recommendations.select_related("responsible_body").prefetch_related(
        Prefetch("actions", queryset=ActionPlanItem.objects.select_related("owner")),
        Prefetch("updates", queryset=Update.objects.order_by("-date", "-pk")),
    )
    members = review.members.select_related("councillor")
    return render(
        request,
        "recommendations/review_detail.html",
        {"review": review, "recommendations": recommendations, "members": members},
    )


@require_safe
def recommendation_list(request: HttpRequest) -> HttpResponse:
    recommendations = Recommendation.objects.select_related("review", "responsible_body")
    return render(
        request, "recommendations/recommendation_list.html", {"recommendations": recommendations}
    )


@require_safe
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review", "responsible_body", "lead_officer"), pk=pk
    )
    return render(
        request, "recommendations/recommendation_detail.html", {"recommendation": recommendation}
    )


@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    return render(request, "recommendations/meeting_detail.html", {"meeting": meeting})
