"""The administrator's backup: a page saying what the backup holds, and its download (the
zip ``export_backup`` writes, streamed as it is made: nothing is kept on the server)."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from scrutiny.permissions import require_administrator

from ..backup import backup_chunks


@require_safe
def backup(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    return render(request, "recommendations/backup.html", {})


@require_safe
def backup_download(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    response = StreamingHttpResponse(backup_chunks(), content_type="application/zip")
    name = f"scrutiny-backup-{timezone.localdate().isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # it holds every record and the accounts
    return response
