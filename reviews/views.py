"""Pages about committees and meetings that need nothing from recommendations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from scrutiny.audit import person_name
from scrutiny.editing import RecordGone, StaleEdit, edit_record
from scrutiny.forms import parse_id
from scrutiny.permissions import is_administrator, require_register_editor
from scrutiny.services import record_saver

from . import calendar, services
from .forms import (
    CalendarConfirmForm,
    CalendarUploadForm,
    CommitteeFeedForm,
    CommitteeForm,
    ExtensionForm,
    MeetingForm,
    ReceiptForm,
)
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
        form_class=CommitteeFeedForm if is_administrator(request.user) else CommitteeForm,
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


# --- the committee's calendar: a feed or an .ics file, confirmed before saving ------------------


@require_http_methods(["GET", "POST"])
def committee_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the committee's calendar (an uploaded .ics file, or its feed fetched now), show
    what it would change, and save the changes the officer ticks (``step`` says which)."""
    _editor_only(request)
    committee = get_object_or_404(Committee, pk=pk)
    step = request.POST.get("step") if request.method == "POST" else None
    if step == "confirm":
        return _calendar_confirm(request, committee)
    upload = CalendarUploadForm(
        request.POST if step == "upload" else None, request.FILES if step == "upload" else None
    )
    problems: list[str] = []  # why the feed could not be read
    if step == "fetch":
        try:
            if not committee.calendar_feed_url:
                raise calendar.CalendarError(
                    "The committee has no calendar feed address: an administrator sets it on "
                    "the committee's form."
                )
            read = calendar.read_calendar(calendar.fetch_feed(committee.calendar_feed_url))
        except calendar.CalendarError as problem:
            problems.append(f"The feed could not be read. {problem}")
        else:
            return _calendar_preview(request, committee, read, calendar.source_for_feed(committee))
    elif step == "upload" and upload.is_valid():
        source = calendar.source_for_file(upload.cleaned_data["file"].name)
        return _calendar_preview(request, committee, upload.cleaned_data["calendar"], source)
    elif step is not None and step != "upload":
        problems.append("Choose a calendar file, or check the feed.")
    return render(
        request,
        "reviews/committee_calendar.html",
        {"committee": committee, "form": upload, "problems": problems},
    )


def _calendar_preview(
    request: HttpRequest,
    committee: Committee,
    read: calendar.CalendarRead,
    source: str,
    *,
    plan: calendar.Plan | None = None,
    form: CalendarConfirmForm | None = None,
    status: int = 200,
    problem: str = "",
) -> HttpResponse:
    """The confirmation page: what the calendar would change, nothing saved yet."""
    plan = plan or calendar.plan_changes(committee, read.events)
    token = calendar.sign_plan(committee=committee, events=read.events, source=source, plan=plan)
    if form is None:
        form = CalendarConfirmForm(initial={"plan": token}, plan=plan)
    else:
        data = form.data.copy()
        data["plan"] = token
        form.data = data
    context = {
        "committee": committee,
        "plan": plan,
        "read": read,
        "source": source,
        "form": form,
        "problem": problem,
    }
    return render(request, "reviews/calendar_confirm.html", context, status=status)


def _calendar_confirm(request: HttpRequest, committee: Committee) -> HttpResponse:
    """Save the ticked changes, the plan worked out again from what the page carried. A
    meeting saved since the page was shown refuses the whole save (HTTP 409): the page comes
    back with the meeting as it now stands beside what the calendar says."""
    try:
        signed = calendar.unsign_plan(request.POST.get("plan", ""), committee)
    except calendar.CalendarError as problem:
        context = {"committee": committee, "form": CalendarUploadForm(), "problems": [str(problem)]}
        return render(request, "reviews/committee_calendar.html", context)
    read = calendar.CalendarRead(events=signed.events)
    plan = calendar.plan_changes(committee, signed.events)
    form = CalendarConfirmForm(request.POST, plan=plan)
    if not form.is_valid():
        return _calendar_preview(request, committee, read, signed.source, plan=plan, form=form)
    try:
        with transaction.atomic():
            done = services.meetings_apply_calendar(
                committee=committee,
                changes=form.cleaned_data["changes"],
                user=request.user,
                source=signed.source,
                versions=signed.versions,
            )
    except (StaleEdit, RecordGone) as stale:
        who = ""
        if isinstance(stale, StaleEdit):
            latest = stale.current.history.select_related("history_user").first()
            who = f" ({stale.current.when}, saved by {_person(latest)})"
        problem = (
            f"A meeting was changed by someone else after this page was shown{who}. Nothing "
            "was saved: the changes below compare the calendar with the meetings as they are "
            "now. Check them and save again."
        )
        plan = calendar.plan_changes(committee, signed.events)
        return _calendar_preview(
            request, committee, read, signed.source, plan=plan, status=409, problem=problem
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _calendar_preview(request, committee, read, signed.source, plan=plan, form=form)
    except IntegrityError:  # a meeting added that day by someone else at the same moment
        form.add_error(None, "A meeting was added or moved at the same time: nothing was saved.")
        return _calendar_preview(request, committee, read, signed.source, plan=plan, form=form)
    messages.success(request, f"Saved from the calendar: {calendar.done_text(done)}.")
    return redirect(committee.get_absolute_url())


def _person(history_row) -> str:
    return person_name(getattr(history_row, "history_user", None))
