"""Committee documents: download an action plan or tracker as a PDF (or a Word document),
export it with its front matter, publish it to a meeting, and download the published copy.

Downloading (GET) is open to every signed-in role: councillors read. Publishing writes a
record, so only scrutiny officers and administrators may (403 for anyone else). A large
document is made in the background: its download sends the user to a page that says so and
gives the link when it is ready.
"""

import base64
import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, parse_etags
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from recommendations.filtersets import RecommendationFilterSet
from reviews.models import AgendaItem, Meeting
from scrutiny.editing import confirm_with_reason, gone_on_post
from scrutiny.formats import british_date
from scrutiny.forms import parse_id
from scrutiny.permissions import can_publish

from . import service
from .content import register_people_of
from .forms import DocumentOptionsForm, ExportForm
from .limits import (
    TooManyDocuments,
    register_parameters,
    unknown_parameters,
    unknown_parameters_message,
)
from .models import DocumentFormat, DocumentKind, PublishedDocument
from .service import DocumentTask
from .spec import (
    NOT_FILTERS,
    OPTION_PARAMETERS,
    PEOPLE,
    DocumentSpec,
    InvalidDocument,
    select_recommendations,
)
from .table import COLUMNS, DEFAULT_COLUMNS
from .targets import Target, meeting_target, review_target, tracker_target
from .word import MadeDocx

logger = logging.getLogger(__name__)


# --- responses ------------------------------------------------------------------------------


def pdf_response(
    request: HttpRequest,
    *,
    pdf: bytes,
    filename: str,
    sha256: str,
    content_key: str = "",
    immutable: bool = False,
    content_type: str = "application/pdf",
) -> HttpResponse:
    """The PDF (or a Word document) as a download, with the SHA-256 of its bytes as the
    Repr-Digest. The ETag is the document's content key for a document made from the register
    (a weak one: made again from the same HTML, its bytes differ in their creation time only),
    or the SHA-256 of the bytes for a published copy."""
    etag = f'W/"{content_key}"' if content_key else f'"{sha256}"'
    asked = [
        tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))
    ]
    if etag.removeprefix("W/") in asked or "*" in asked:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = HttpResponse(pdf, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(pdf))
    response["ETag"] = etag
    digest = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    response["Cache-Control"] = (
        "private, max-age=31536000, immutable" if immutable else "private, no-cache"
    )
    return response


def _problem(request: HttpRequest, target: Target, problems: list[str]) -> HttpResponse:
    """A document that cannot be made from these parameters: say why (400), never a 500."""
    return render(
        request,
        "documents/problem.html",
        {"target": target, "problems": problems, "nav_section": target.nav_section},
        status=400,
    )


def _form_problems(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


def made_response(request: HttpRequest, made) -> HttpResponse:
    """A made document (a PDF, or a Word document) as a download."""
    if isinstance(made, MadeDocx):
        return pdf_response(
            request,
            pdf=made.docx,
            filename=made.filename,
            sha256=made.sha256,
            content_key=made.key,
            content_type=made.content_type,
        )
    return pdf_response(
        request, pdf=made.pdf, filename=made.filename, sha256=made.sha256, content_key=made.key
    )


def _too_many(request: HttpRequest, target: Target, refusal: TooManyDocuments) -> HttpResponse:
    """The user has asked for as many new documents as they may for now: say so (429)."""
    response = render(
        request,
        "documents/too_many.html",
        {"target": target, "message": refusal.message, "nav_section": target.nav_section},
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _send(request: HttpRequest, target: Target, spec: DocumentSpec) -> HttpResponse:
    try:
        outcome = service.obtain(spec, user=request.user)
    except InvalidDocument as problem:
        return _problem(request, target, problem.messages)
    except TooManyDocuments as refusal:
        return _too_many(request, target, refusal)
    if isinstance(outcome, DocumentTask):
        return _task_redirect(request, outcome)
    return made_response(request, outcome)


def _known_parameters(target: Target) -> set[str]:
    """The query parameters of ``target``'s download URL: the options, and for a tracker
    the register's filters (and its page and sort order, which change no document)."""
    known = set(OPTION_PARAMETERS)
    if target.kind == DocumentKind.TRACKER:
        known |= register_parameters(RecommendationFilterSet) | set(NOT_FILTERS)
    return known


def _download(request: HttpRequest, target: Target, format: str) -> HttpResponse:
    unknown = unknown_parameters(request.GET.keys(), _known_parameters(target))
    if unknown:  # a new address would make a new document: refused, not made
        return _problem(request, target, [unknown_parameters_message(unknown)])
    fixed = target.meeting if target.kind == DocumentKind.MEETING_TRACKER else None
    form = DocumentOptionsForm(request.GET, meeting_fixed=fixed)
    if not form.is_valid():
        return _problem(request, target, _form_problems(form))
    return _send(request, target, target.spec(format=format, **form.spec_options()))


# --- downloads (GET, every signed-in role) --------------------------------------------------


# ``format`` comes from the URL's extension (urls.py): ``.pdf`` or ``.docx``.


@require_safe
def review_plan(request: HttpRequest, pk: int, format: str = DocumentFormat.PDF) -> HttpResponse:
    """The action plan of a review, as a PDF (``?as_at=2017-07-06`` for a past position)."""
    return _download(request, review_target(pk), format)


@require_safe
def meeting_tracker(
    request: HttpRequest, pk: int, format: str = DocumentFormat.PDF
) -> HttpResponse:
    """Everything the meeting's committee monitors, with the updates since its previous
    meeting, as a PDF."""
    return _download(request, meeting_target(pk), format)


@require_safe
def tracker(request: HttpRequest, format: str = DocumentFormat.PDF) -> HttpResponse:
    """The register's selection (its filters, its URL parameters) as a PDF tracker."""
    return _download(request, tracker_target(request), format)


@require_safe
def published_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The copy published to a meeting: the identical bytes, whatever has changed since."""
    document = get_object_or_404(PublishedDocument.objects.select_related("file"), pk=pk)
    content = bytes(document.file.content)
    if hashlib.sha256(content).hexdigest() != document.sha256:  # pragma: no cover
        logger.error("Published document %s does not match its SHA-256", document.pk)
        return render(
            request,
            "documents/problem.html",
            {
                "target": Target(document.kind, meeting=document.meeting),
                "problems": [
                    "The stored copy does not match the SHA-256 recorded when it was "
                    "published, so it is not given out. Tell the administrator."
                ],
            },
            status=500,
        )
    return pdf_response(
        request,
        pdf=content,
        filename=document.filename,
        sha256=document.sha256,
        immutable=True,
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(PublishedDocument, heading="Withdraw a published document")
def published_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a published document, with the reason: it stays listed, and downloadable with
    its SHA-256, marked withdrawn; then its replacement can be published from the export page.
    Scrutiny officers and administrators only."""
    if not can_publish(request.user):
        raise PermissionDenied("Only scrutiny officers and administrators withdraw documents.")
    document = get_object_or_404(
        PublishedDocument.objects.select_related("meeting__committee"),
        pk=pk,
        withdrawn_at__isnull=True,
    )
    return confirm_with_reason(
        request,
        record=document,
        ask=(
            "Why is this document being withdrawn?",
            "For example: it showed an update that was posted in error. Shown beside the "
            "document on the meeting page and kept in the history of changes.",
            "Give the reason the document is being withdrawn.",
        ),
        write=lambda reason, version: service.withdraw(
            document=document, reason=reason, user=request.user, version=version
        ),
        context={
            "heading": "Withdraw a published document",
            "caption": str(document),
            "intro": "The document stays listed on the meeting page, and can still be "
            "downloaded with its SHA-256, marked as withdrawn with your reason. You can then "
            "publish its replacement.",
            "back_url": document.meeting.get_absolute_url() + "#published-documents",
            "submit_label": "Withdraw the document",
        },
        done=lambda withdrawn: (
            f"Withdrew “{withdrawn.title}”. Publish its replacement from the meeting page.",
            withdrawn.meeting.get_absolute_url() + "#published-documents",
        ),
    )


# --- the export page ------------------------------------------------------------------------


def _replaced(request: HttpRequest, target: Target) -> PublishedDocument | None:
    """The withdrawn document the export page publishes a replacement for (``replaces`` in
    the address or the form), if it is one of this target's, withdrawn and not yet replaced."""
    pk = parse_id(request.POST.get("replaces") or request.GET.get("replaces"))
    if pk is None:
        return None
    document = (
        PublishedDocument.objects.select_related("meeting__committee")
        .filter(pk=pk, withdrawn_at__isnull=False, replacement__isnull=True)
        .first()
    )
    if document is None or document.kind != target.kind:
        return None
    if target.review is not None and document.review_id != target.review.pk:
        return None  # another review's action plan
    return document


def _replacement_initial(document: PublishedDocument) -> dict:
    """The export form's boxes as the withdrawn ``document`` was published: its options."""
    options = DocumentOptionsForm(QueryDict(document.parameters))
    # No "as at" date: the replacement shows the register as it stands, corrections and all.
    initial = {"to_meeting": document.meeting_id}
    initial.update(as_at_day="", as_at_month="", as_at_year="")
    if options.is_valid():
        data = options.cleaned_data
        initial.update(
            appendix=data["appendix"],
            wards=data["wards"] or "All",
            include_closed=data["include_closed"],
            pad=data["pad"],
            agenda_item=data["agenda_item"].pk if data["agenda_item"] else None,
            columns=list(data["columns"]),
            **{name: data[name] for name in PEOPLE if data[name]},
        )
    return initial


def _register_people(target: Target, selection=None) -> dict[str, str]:
    """The front matter's people as the register gives them, for the export page to offer
    (two queries; the selection's own when given)."""
    if selection is None:
        selection = select_recommendations(target.spec())
    return register_people_of(selection.queryset, review=target.review)


def _spec_from_form(target: Target, form: ExportForm, **more) -> DocumentSpec:
    """The document the export form describes. People left as the register gives them are
    not written into the spec (nor its URL), so the document follows the register."""
    options = form.spec_options()
    if any(options[name] for name in PEOPLE):
        register = _register_people(target)
        for name in PEOPLE:
            if options[name] == register[name]:
                options[name] = ""
    return target.spec(**options, **more)


def _export_page(
    request: HttpRequest, target: Target, form: ExportForm | None = None, status: int = 200
) -> HttpResponse:
    replaces = _replaced(request, target)
    try:
        selection = select_recommendations(target.spec())
    except InvalidDocument as problem:
        return _problem(request, target, problem.messages)
    if form is None:
        initial = {"appendix": "Appendix 1", "wards": "All", "columns": list(DEFAULT_COLUMNS)}
        initial.update(_register_people(target, selection))
        if target.meeting and target.meeting.date <= timezone.localdate():
            day = target.meeting.date
            initial.update(as_at_day=day.day, as_at_month=day.month, as_at_year=day.year)
        if replaces is not None:
            initial.update(_replacement_initial(replaces))
        form = ExportForm(initial=initial, meeting_fixed=target.meeting)
    count_note = ""
    if target.kind == DocumentKind.TRACKER:
        target.filter_labels = selection.filters
        count = selection.queryset.count()
        count_note = f"{count} recommendation{'s' if count != 1 else ''}"
    chosen = form.columns_chosen()
    columns = [
        {"column": column, "checked": column.required or column.key in chosen} for column in COLUMNS
    ]
    meetings = []
    if target.meeting is None:
        meetings = list(Meeting.objects.select_related("committee").order_by("-date", "pk"))
    items = AgendaItem.objects.select_related("meeting__committee").order_by(
        "-meeting__date", "meeting_id", "reference", "pk"
    )
    if target.meeting is not None:
        items = items.filter(meeting=target.meeting)
    groups: dict[int, dict] = {}
    for item in items:
        group = groups.setdefault(item.meeting_id, {"meeting": item.meeting, "items": []})
        group["items"].append(item)
    published = PublishedDocument.objects.none()
    if target.review is not None:
        published = PublishedDocument.objects.filter(review=target.review)
    elif target.meeting is not None:
        published = PublishedDocument.objects.filter(meeting=target.meeting)
    published = list(published.for_listing().select_related("meeting__committee"))
    context = {
        "target": target,
        "form": form,
        "errors": form.error_list() if form.is_bound else [],
        "meetings": meetings,
        "agenda_groups": list(groups.values()),
        "can_publish": can_publish(request.user),
        "count_note": count_note,
        "published": published,
        "replaces": replaces,
        "columns": columns,
        "people": [(name, form[name], label) for name, label in ExportForm.people_labels()],
        "nav_section": target.nav_section,
        "sync_limit": settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS,
    }
    return render(request, "documents/export.html", context, status=status)


def _export_download(request: HttpRequest, target: Target) -> HttpResponse:
    form = ExportForm(request.POST, meeting_fixed=target.meeting)
    if not form.is_valid():
        return _export_page(request, target, form, status=400)
    spec = _spec_from_form(target, form, format=form.cleaned_data["format"])
    response = HttpResponseRedirect(spec.url())
    response.status_code = 303  # See Other: fetch the PDF (or Word document) with GET
    return response


def _export_publish(request: HttpRequest, target: Target) -> HttpResponse:
    if not can_publish(request.user):
        raise PermissionDenied("Only scrutiny officers and administrators publish documents.")
    form = ExportForm(request.POST, meeting_fixed=target.meeting)
    if not form.require_meeting():
        return _export_page(request, target, form, status=400)
    spec = _spec_from_form(target, form)
    replaces = _replaced(request, target)
    if request.POST.get("replaces") and replaces is None:
        form.add_error(
            None,
            "The document to replace is not a withdrawn document of this page that is still "
            "without a replacement: it may have been replaced meanwhile. See the meeting page.",
        )
        return _export_page(request, target, form, status=400)
    try:
        outcome = service.publish(
            spec, user=request.user, replaces_id=replaces.pk if replaces else None
        )
    except InvalidDocument as problem:
        for message in problem.messages:
            form.add_error(None, message)
        return _export_page(request, target, form, status=400)
    meeting = form.cleaned_data["to_meeting"]
    if isinstance(outcome, DocumentTask):
        messages.success(
            request,
            f"The {target.name} is being made. It will be published to {meeting} when it "
            f"is ready, in about {outcome.estimated_seconds} seconds.",
        )
        return _task_redirect(request, outcome)
    replacing = (
        f", replacing the version published on {british_date(replaces.published_at)}"
        if replaces
        else ""
    )
    messages.success(
        request,
        f"Published “{outcome.title}” ({outcome.page_count} pages, position as at "
        f"{british_date(outcome.as_at)}) to {meeting}{replacing}.",
    )
    return redirect(meeting)


@require_safe
def review_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _export_page(request, review_target(pk))


@require_POST
def review_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    return _export_download(request, review_target(pk))


@require_POST
def review_export_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _export_publish(request, review_target(pk))


@require_safe
def meeting_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _export_page(request, meeting_target(pk))


@require_POST
def meeting_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    return _export_download(request, meeting_target(pk))


@require_POST
def meeting_export_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _export_publish(request, meeting_target(pk))


@require_safe
def tracker_export(request: HttpRequest) -> HttpResponse:
    return _export_page(request, tracker_target(request))


@require_POST
def tracker_export_download(request: HttpRequest) -> HttpResponse:
    return _export_download(request, tracker_target(request))


@require_POST
def tracker_export_publish(request: HttpRequest) -> HttpResponse:
    return _export_publish(request, tracker_target(request))


# --- documents made in the background -------------------------------------------------------


def _task_redirect(request: HttpRequest, task: DocumentTask) -> HttpResponse:
    """To the task's page; or, where the backend keeps no results (it ran the task at once,
    as in the tests), that page now."""
    if not service.results_are_kept():
        return _task_page(request, task)
    return redirect(task)


def _task_page(request: HttpRequest, task: DocumentTask) -> HttpResponse:
    published = None
    if task.published_document_id:
        published = (
            PublishedDocument.objects.select_related("meeting__committee")
            .filter(pk=task.published_document_id)
            .first()
        )
    context = {
        "job": task,
        "title": service.describe(task.spec),
        "published_document": published,
        "retry_url": task.spec.url(),
        "export_url": task.spec.export_url(),
        "nav_section": Target(task.spec.kind).nav_section,
        "size_kb": max(1, round(task.size / 1024)) if task.size else 0,
    }
    return render(request, "documents/job.html", context)


@require_safe
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    """How a document being made in the background is getting on; its link when ready."""
    task = service.find_task(pk)
    if task is None:
        raise Http404("No such document is being made.")
    return _task_page(request, task)


@require_safe
def job_download(request: HttpRequest, pk, format: str = DocumentFormat.PDF) -> HttpResponse:
    """The PDF (or Word document) a background task made (from the cache)."""
    task = service.find_task(pk)
    if task is None:
        raise Http404("No such document was made.")
    if task.state != "done":
        return redirect(task)
    if task.spec.format != format:  # the address of the other format: the right one
        return redirect(task.download_url)
    made = service.cached_for_task(task)
    if made is None:
        messages.info(request, "That copy is no longer kept: it is being made again.")
        return redirect(task.spec.url())
    return made_response(request, made)
