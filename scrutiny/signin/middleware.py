"""Four checks on every request that reaches a view (static files are served before them,
by WhiteNoise):

- ``IdleTimeoutMiddleware`` signs out a session idle longer than ``SESSION_IDLE_TIMEOUT``;
- ``NoStoreMiddleware`` tells every cache, the browser's included, to keep nothing;
- ``SecondFactorMiddleware`` sends an administrator who has given only a password to the
  code page (``views.code``) before any page, and anyone else before the Django admin;
- ``RoleRequiredMiddleware`` refuses a signed-in account in no role every page but those of
  signing in and out and of its own password.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from scrutiny.permissions import has_role, is_administrator

from .sessions import idle_seconds, stamp_activity

logger = logging.getLogger("scrutiny.signin")

IDLE_MESSAGE = "You were signed out because you had not used the tracker for {minutes} minutes."


class IdleTimeoutMiddleware:
    """Sign out a session whose last activity is older than ``SESSION_IDLE_TIMEOUT`` seconds,
    with a message the sign-in page shows. Activity is stamped in the session at sign-in and
    then at most once every ``SESSION_IDLE_STAMP_SECONDS`` (a page does not write its session
    each time it is read)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            idle = idle_seconds(request.session)
            if idle is not None and idle > settings.SESSION_IDLE_TIMEOUT:
                username = request.user.get_username()
                logout(request)
                minutes = settings.SESSION_IDLE_TIMEOUT // 60
                messages.info(request, IDLE_MESSAGE.format(minutes=minutes))
                logger.info("signed out after %d idle minutes: username=%r", minutes, username)
            elif idle is None or idle >= settings.SESSION_IDLE_STAMP_SECONDS:
                stamp_activity(request.session)
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on everything the app itself answers: the register's pages,
    its documents, the sign-in pages and the reply-by-link pages (which carry an owner's items).
    Only the static files (served earlier, by WhiteNoise) may be kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response


def second_factor_not_required(view):
    """Mark a view an administrator may reach before entering the code (the code pages and
    signing out)."""
    view.second_factor_required = False
    return view


def needs_second_factor(request) -> bool:
    """A signed-in administrator (or anyone in the Django admin) whose session has not been
    verified with a code, unless it was signed in by a backend exempted in settings (a
    provider that asks for its own second factor)."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    backend = request.session.get(BACKEND_SESSION_KEY)
    if backend in settings.SIGNIN_SECOND_FACTOR_EXEMPT_BACKENDS:
        return False
    return is_administrator(user) or request.path.startswith(reverse("admin:index"))


class SecondFactorMiddleware:
    """After django-otp's ``OTPMiddleware``: send a session that needs the second factor to
    the code page, with the page it asked for as ``next``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "second_factor_required", True) is False:
            return None
        admin = request.path.startswith(reverse("admin:index"))
        if not admin and getattr(view_func, "login_required", True) is False:
            return None  # a page for everyone, signed in or not
        if not needs_second_factor(request):
            return None
        return redirect(reverse("two_factor") + "?" + urlencode({"next": request.get_full_path()}))


def role_not_required(view):
    """Mark a view that a signed-in account in no role may reach (changing its own password):
    pages for everyone, signed in or not (``login_not_required``), are reachable already."""
    view.role_required = False
    return view


class RoleRequiredMiddleware:
    """Before ``SecondFactorMiddleware`` (no code is asked of it): a signed-in account that is
    in none of the four roles and is not a superuser gets a 403 page that says so, on every
    page of the register, its documents, its exports and the Django admin. It may still sign
    out, change its password, and use the pages for everyone (signing in, password reset,
    single sign-on, a reply link, the health check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or has_role(user):
            return None
        if getattr(view_func, "role_required", True) is False:
            return None
        if getattr(view_func, "login_required", True) is False:
            return None  # a page for everyone, signed in or not
        logger.info("refused an account in no role: username=%r", user.get_username())
        context = {"contact": settings.SIGNIN_HELP_CONTACT}
        return render(request, "registration/no_role.html", context, status=403)
