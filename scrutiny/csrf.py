"""The page for a form sent without its security token, or with one from an old session
(``CSRF_FAILURE_VIEW``): in the service's layout and in words, rather than Django's page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403: the form was not sent (nothing was changed); Django has logged ``reason``."""
    return render(request, "403_csrf.html", status=403)
