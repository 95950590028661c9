"""The accounts pages: signing in and out, password reset by email, the second factor.

Django's views answer OPTIONS (and its form views treat PUT as POST, its reset link any method
at all): each is limited here to the methods its page uses, so anything else gets 405 as on
every other page."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import views
from .middleware import role_not_required

# What the reset pages tell people: whom to contact, and how long a link works.
HELP = {
    "contact": settings.SIGNIN_HELP_CONTACT,
    "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
}

form_page = require_http_methods(["GET", "HEAD", "POST"])

urlpatterns = [
    path("login/", form_page(auth_views.LoginView.as_view()), name="login"),
    path("logout/", require_POST(views.sign_out), name="logout"),
    path(
        "password-reset/",
        form_page(views.PasswordResetView.as_view(extra_context=HELP)),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        require_safe(auth_views.PasswordResetDoneView.as_view(extra_context=HELP)),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        form_page(views.PasswordResetConfirmView.as_view(extra_context=HELP)),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        require_safe(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    # Changing one's own password (recorded as an account event, scrutiny/accounts/): an
    # account in no role may too.
    path(
        "password-change/",
        role_not_required(form_page(auth_views.PasswordChangeView.as_view())),
        name="password_change",
    ),
    path(
        "password-change/done/",
        role_not_required(require_safe(auth_views.PasswordChangeDoneView.as_view())),
        name="password_change_done",
    ),
    path("two-factor/", views.code, name="two_factor"),
    path("two-factor/set-up/", views.setup, name="two_factor_setup"),
]
