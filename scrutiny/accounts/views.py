"""The Audit page: whether the audit trail is intact, and the latest account events.
Administrators only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from scrutiny.hashchain import verify
from scrutiny.permissions import require_administrator

from .models import AccountEvent

LATEST_EVENTS = 50


@require_safe
def audit(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    report = verify()
    events = AccountEvent.objects.select_related("account", "by")[:LATEST_EVENTS]
    return render(
        request,
        "accounts/audit.html",
        {"report": report, "events": events, "latest": LATEST_EVENTS},
    )
