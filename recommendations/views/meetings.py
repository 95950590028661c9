"""A meeting's page: its reports, responses, closures and updates, and for a scrutiny
committee what changed since its previous meeting."""

import datetime

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from reviews.models import (
    AgendaItem,
    Meeting,
    Review,
)

from .. import reads
from ..models import Recommendation, Update


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
        "updates_reported": Update.objects.current()
        .filter(reported_to=meeting)
        .order_by("recommendation__review_id", "recommendation__number", "pk")
        .lines(),
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
    lines = Recommendation.objects.meeting_lines(meeting, start)
    context["recommendation_responses"] = lines.responded
    context["closures"] = lines.closed
    if start is not None:
        context["changes"] = reads.changes_since_previous_meeting(
            meeting, previous, new_responses=lines.new_responses
        )
    return render(request, "recommendations/meeting_detail.html", context)
