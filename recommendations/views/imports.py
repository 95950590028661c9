"""Importing a council's tracker: upload the spreadsheet, confirm or change which column is
which, check every row as it will be saved (with the problems of each named, and the rows
that cannot be saved downloadable), then import. The upload waits under ``VAR_DIR`` in its
own folder (``TrackerImport``) between the steps, and is removed once imported."""

import shutil
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from reviews.models import Committee
from scrutiny.govuk import GovukForm
from scrutiny.permissions import require_register_editor
from scrutiny.services import record_save

from ..imports import ImportRefused, build_plan, find_layout, guess_mapping, read_sheet
from ..imports.forms import MappingForm, UploadForm, lenient_mapping
from ..imports.sheet import check_name, check_size
from ..models import TrackerImport
from ..services import tracker_import, tracker_import_enqueue

ABANDONED_AFTER_SECONDS = 24 * 3600


@require_http_methods(["GET", "POST"])
def tracker_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a tracker (.xlsx or .csv); a file that cannot be read is refused here, saying
    why, and nothing is kept."""
    require_register_editor(request.user)
    posted = request.method == "POST"
    length = request.META.get("CONTENT_LENGTH") or ""
    over_limit = (
        posted
        and length.isdigit()
        and int(length) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        and "file" not in request.FILES
    )
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        over_limit=over_limit,
    )
    if posted and form.is_valid():
        batch = _keep(request, form)
        if batch is not None:
            return redirect(batch.get_absolute_url())
    return render(
        request,
        "recommendations/import_upload.html",
        {"form": form, "recent": TrackerImport.objects.select_related("uploaded_by")[:10]},
    )


def _keep(request, form) -> TrackerImport | None:
    """Keep the upload in its folder and record it, if it can be read; otherwise put why on
    the form and keep nothing."""
    upload = form.cleaned_data["file"]
    filename = (upload.name or "tracker").replace("/", "_").replace("\\", "_")[-255:]
    try:
        check_name(filename)
        check_size(upload.size, filename)
    except ImportRefused as refused:
        form.add_error("file", str(refused))
        return None
    _remove_abandoned()
    batch = TrackerImport(filename=filename, size=upload.size, uploaded_by=request.user)
    batch.directory.mkdir(parents=True, exist_ok=True)
    try:
        with open(batch.path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        sheet = read_sheet(batch.path, filename)
    except ImportRefused as refused:
        batch.remove_file()
        form.add_error("file", str(refused))
        return None
    batch.mapping = guess_mapping(find_layout(sheet.rows))
    try:
        record_save(record=batch, user=request.user, reason=f"Uploaded {filename}")
    except (ValidationError, IntegrityError):
        batch.remove_file()
        form.add_error("file", "The file could not be kept: upload it again.")
        return None
    return batch


def _remove_abandoned() -> None:
    """Remove uploads left more than a day without being imported (their record stays)."""
    folder = Path(settings.VAR_DIR) / "imports"
    if not folder.is_dir():
        return
    cutoff = time.time() - ABANDONED_AFTER_SECONDS
    for child in folder.iterdir():
        try:
            if child.is_dir() and child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue


@require_http_methods(["GET", "POST"])
def tracker_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The columns' mapping and the preview of every row; "Import" saves them. With
    ``?download=problems``, the rows that cannot be saved, as CSV."""
    require_register_editor(request.user)
    batch = get_object_or_404(TrackerImport.objects.select_related("uploaded_by"), pk=pk)
    context = {"batch": batch}
    if batch.state == TrackerImport.State.QUEUED:
        return _being_imported(request, batch, context)
    if batch.state == TrackerImport.State.IMPORTED or not batch.file_kept():
        return _finished(request, batch, context)
    try:
        sheet = read_sheet(batch.path, batch.filename)
    except ImportRefused as refused:
        context["refused"] = str(refused)
        return _finished(request, batch, context)
    layout = find_layout(sheet.rows)
    width = len(layout.headings)
    posted = request.method == "POST"
    if posted:
        mapping = lenient_mapping(request.POST, width)
        default_committee = Committee.objects.filter(
            pk=_id(request.POST.get("default_committee"))
        ).first()
    else:
        mapping = (list(batch.mapping) + [""] * width)[:width]
        default_committee = None
    plan = build_plan(sheet, layout, mapping, default_committee=default_committee)
    if request.GET.get("download") == "problems":
        response = HttpResponse(plan.problems_csv(), content_type="text/csv; charset=utf-8")
        stem = batch.filename.rsplit(".", 1)[0]
        response["Content-Disposition"] = (
            f'attachment; filename="{_safe(stem)} - rows not imported.csv"'
        )
        return response
    initial = {f"col_{i}": name for i, name in enumerate(mapping)}
    form = MappingForm(
        request.POST if posted else None,
        initial=initial,
        headings=layout.headings,
        unknown=plan.unknown,
        register=plan.register,
    )
    if posted and form.is_valid() and request.POST.get("step", "import") == "import":
        if not plan.saved_rows:
            form.add_error(
                None, "No row of the file can be saved: see the problems of each row below."
            )
        elif len(plan.saved_rows) > settings.IMPORT_SYNC_MAX_ROWS:
            try:
                tracker_import_enqueue(
                    batch=batch,
                    mapping=mapping,
                    default_committee=default_committee,
                    matches=form.matches(),
                    user=request.user,
                )
            except ValidationError as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                return redirect(batch.get_absolute_url())
        else:
            try:
                result = tracker_import(
                    plan=plan, user=request.user, matches=form.matches(), batch=batch
                )
            except ValidationError as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            except IntegrityError:
                form.add_error(
                    None,
                    "Another officer saved a recommendation with one of these references or "
                    "numbers just now. Check the preview and import again.",
                )
            else:
                batch.remove_file()
                messages.success(request, f"Imported {batch.filename}. {result.in_words()}")
                return redirect(batch.get_absolute_url())
    context.update(
        form=form,
        plan=plan,
        layout=layout,
        columns=list(zip(layout.headings, form.mapping_fields(), strict=True)),
    )
    return render(request, "recommendations/import_preview.html", context)


def _being_imported(request, batch, context) -> HttpResponse:
    """An import running in the background: the page says so and checks again by itself
    until it is done (then it shows what was saved)."""
    if request.method == "POST":
        form = GovukForm(request.POST)
        form.is_valid()
        form.add_error(None, "This file is being imported already.")
        context["form"] = form
    return render(request, "recommendations/import_done.html", context)


def _finished(request, batch, context) -> HttpResponse:
    """An import done, or whose file is no longer kept: what it did, and nothing to send."""
    if request.method == "POST":
        form = GovukForm(request.POST)
        form.is_valid()
        form.add_error(
            None,
            "This file has been imported already."
            if batch.state == TrackerImport.State.IMPORTED
            else "The uploaded file is no longer kept: upload it again.",
        )
        context["form"] = form
    return render(request, "recommendations/import_done.html", context)


def _id(value) -> int | None:
    from scrutiny.forms import parse_id

    return parse_id(value)


def _safe(name: str) -> str:
    return "".join(c for c in name if c.isalnum() or c in " -_.")[:80] or "tracker"
