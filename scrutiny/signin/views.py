"""The pages of signing in: the lock-out page (django-axes's response), password reset by
email (Django's views with the council's templates and forms), and the second factor of an
administrator: setting up an authenticator app, then a code after each password."""

import binascii
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from scrutiny.permissions import is_administrator

from . import log, services
from .forms import CodeForm, NewPasswordForm, ResetRequestForm
from .middleware import second_factor_not_required

PENDING_KEY = "signin_pending_totp_key"


def axes_username(request, credentials) -> str:
    """The name django-axes records a sign-in under: what was typed, cut to the longest
    username there can be (django-axes keeps 255 characters; a longer name typed, or sent by
    a script, would otherwise fail to save on PostgreSQL and give a 500)."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username", "")
    return str(typed or "")[:150]


def lockout_response(request, original_response=None, credentials=None):
    """django-axes's answer to a locked account or address (``AXES_LOCKOUT_CALLABLE``):
    the GOV.UK page, with 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "minutes": minutes,
        "contact": settings.SIGNIN_HELP_CONTACT,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


def _next(request) -> str:
    """Where to go after the code: the ``next`` asked for, if it is this site's."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _verified(request, device) -> None:
    """The session has its second factor: a new session key, the device recorded in it."""
    request.session.cycle_key()
    otp_login(request, device)


@second_factor_not_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    """The code from the administrator's authenticator app, after the password. An
    administrator with no app yet is sent to set one up."""
    _may_use_second_factor(request.user)
    device = _device(request.user)
    if device is None:
        return redirect(reverse("two_factor_setup") + "?" + request.GET.urlencode())
    if request.user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        accepted = verify_token(request.user, device.persistent_id, form.cleaned_data["code"])
        if accepted is not None:
            _verified(request, accepted)
            log.second_factor(request, request.user, outcome="verified")
            return redirect(_next(request))
        log.second_factor(request, request.user, outcome="wrong code")
        form.add_error(
            "code",
            "The code is not right: enter the 6 numbers the app shows now."
            if allowed
            else "Too many wrong codes: wait a minute, then enter the code the app shows then.",
        )
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)})


def _pending_key(request) -> str:
    key = request.session.get(PENDING_KEY)
    try:
        if key and len(binascii.unhexlify(key)) == 20:
            return key
    except (binascii.Error, TypeError):
        pass
    key = default_key()
    request.session[PENDING_KEY] = key
    return key


@second_factor_not_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request):
    """Set up an authenticator app: the QR code (an inline SVG) and the secret to type, then
    a code from the app to show it works. Nothing is saved until the code is right. An
    administrator who has an app already and has not given its code goes to the code page
    (a lost app is removed by another administrator: the README says how)."""
    _may_use_second_factor(request.user)
    if _device(request.user) is not None and not request.user.is_verified():
        return redirect(reverse("two_factor") + "?" + request.GET.urlencode())
    key = _pending_key(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(binascii.unhexlify(key), step=30, digits=6)
        typed = int(form.cleaned_data["code"])
        if totp.verify(typed, tolerance=1):
            device = services.add_authenticator(
                user=request.user, key=key, reason="Set up after signing in"
            )
            del request.session[PENDING_KEY]
            _verified(request, device)
            log.second_factor(request, request.user, outcome="device added")
            return redirect(_next(request))
        log.second_factor(request, request.user, outcome="wrong code at set-up")
        form.add_error("code", "The code is not right: enter the 6 numbers the app shows now.")
    pending = TOTPDevice(user=request.user, key=key, name=services.DEVICE_NAME)
    secret = b32encode(binascii.unhexlify(key)).decode("ascii")
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": segno.make(pending.config_url, error="m").svg_inline(
            scale=5, title="QR code of the secret key", omitsize=False
        ),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "registration/two_factor_setup.html", context)


sign_out = second_factor_not_required(login_not_required(auth_views.LogoutView.as_view()))


def _may_use_second_factor(user) -> None:
    """The code pages are for administrators and the Django admin's staff."""
    if not (is_administrator(user) or user.is_staff):
        raise PermissionDenied("Only administrators set up an authenticator app.")
