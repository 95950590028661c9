"""The accounts pages: signing in and out, password reset by email, the second factor."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .middleware import role_not_required

# What the reset pages tell people: whom to contact, and how long a link works.
HELP = {
    "contact": settings.SIGNIN_HELP_CONTACT,
    "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
}

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path(
        "password-reset/",
        views.PasswordResetView.as_view(extra_context=HELP),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(extra_context=HELP),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(extra_context=HELP),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Changing one's own password (recorded as an account event, scrutiny/accounts/).
    path(
        "password-change/",
        role_not_required(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password-change/done/",
        role_not_required(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("two-factor/", views.code, name="two_factor"),
    path("two-factor/set-up/", views.setup, name="two_factor_setup"),
]
