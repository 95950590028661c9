"""Pages about committees and meetings that need nothing from recommendations."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from scrutiny.editing import edit_record
from scrutiny.forms import parse_id
from scrutiny.permissions import require_register_editor
from scrutiny.services import record_saver

from . import services
from .forms import CommitteeForm, ExtensionForm, MeetingForm, ReceiptForm
from .models import Committee, Meeting, Review


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


# --- forms: committees, meetings, reviews (scrutiny officers only) ----------------------------


def _editor_only(request: HttpRequest) -> None:
    require_register_editor(request.user)


@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _editor_only(request)
    committee = get_object_or_404(Committee, pk=pk) if pk else Committee()
    return edit_record(
        request,
        form_class=CommitteeForm,
        instance=committee,
        template="forms/edit.html",
        context={
            "heading": f"Edit {committee.name}" if pk else "Add a committee or body",
            "back_url": committee.get_absolute_url() if pk else reverse("committee_list"),
        },
        success_url="",
        success_message="Saved {obj.name}.",
        save=record_saver(request.user),
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _editor_only(request)
    meeting = (
        get_object_or_404(Meeting.objects.select_related("committee"), pk=pk) if pk else Meeting()
    )
    committee = Committee.objects.filter(pk=parse_id(request.GET.get("committee"))).first()
    if not pk and committee is not None:
        meeting.committee = committee
    return edit_record(
        request,
        form_class=MeetingForm,
        instance=meeting,
        template="forms/edit.html",
        context={
            "heading": f"Edit the meeting of {meeting}" if pk else "Add a meeting",
            "back_url": meeting.get_absolute_url() if pk else reverse("meeting_list"),
        },
        success_url="",
        success_message="Saved the meeting: {obj}.",
        save=record_saver(request.user),
    )


@require_http_methods(["GET", "POST"])
def review_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the executive received the report; the response deadline follows."""
    _editor_only(request)
    review = get_object_or_404(Review, pk=pk)

    def save(*, form, record, reason):
        return services.review_record_receipt(
            review=record,
            meeting=form.cleaned_data["report_received_meeting"],
            user=request.user,
            reason=reason,
            version=form.seen_version,
        )

    return edit_record(
        request,
        form_class=ReceiptForm,
        instance=review,
        template="forms/edit.html",
        context={
            "heading": "Record receipt by the executive",
            "caption": review.title,
            "intro": "The response deadline follows from the date of this meeting.",
            "back_url": review.get_absolute_url(),
        },
        success_url="",
        success_message="Recorded: the executive received the report. The response is due on "
        "{obj.response_deadline:british}.",
        save=save,
    )


@require_http_methods(["GET", "POST"])
def review_extension(request: HttpRequest, pk: int) -> HttpResponse:
    """A longer response deadline agreed by the committee; the reason is required."""
    _editor_only(request)
    review = get_object_or_404(Review, pk=pk)
    return edit_record(
        request,
        form_class=ExtensionForm,
        instance=review,
        template="forms/edit.html",
        context={
            "heading": "Extend the response deadline",
            "caption": review.title,
            "back_url": review.get_absolute_url(),
        },
        success_url="",
        success_message="The response deadline is now {obj.response_deadline:british}.",
        save=lambda *, form, record, reason: services.review_extend_deadline(
            review=record,
            deadline=form.cleaned_data["extended_deadline"],
            extension_reason=form.cleaned_data["extension_reason"],
            user=request.user,
            reason=reason,
            version=form.seen_version,
        ),
    )
