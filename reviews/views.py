"""Pages about committees and meetings that need nothing from recommendations."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .models import Committee, Meeting


@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.select_related("committee")
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    context = {"page": page, "query": "", "today": timezone.localdate()}
    return render(request, "reviews/meeting_list.html", context)


@require_safe
def committee_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/committee_list.html", {"committees": Committee.objects.all()})


@require_safe
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_object_or_404(Committee, pk=pk)
    meetings = committee.meetings.all()[:50]
    return render(
        request, "reviews/committee_detail.html", {"committee": committee, "meetings": meetings}
    )
