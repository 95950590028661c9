"""The forms of signing in that are not Django's own: the code of the second factor, and the
password reset request, sent through the app's email (``scrutiny.mail.send_email``)."""

import logging
import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from scrutiny.govuk import GovukFormMixin
from scrutiny.mail import send_email

from . import services

logger = logging.getLogger("scrutiny.signin")


class CodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 numbers the app shows for this service, for example 123456.",
        error_messages={"required": "Enter the 6 numbers from your authenticator app."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        self.fields["code"].widget.attrs["class"] = "govuk-input--width-5"

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError("The code must be 6 numbers, for example 123456.")
        return code


class ResetRequestForm(GovukFormMixin, PasswordResetForm):
    """Django's request for a reset link, its email sent by the app's email delivery, the
    link on ``SITE_URL`` (never the Host header the request came with)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "The email address of your account."
        self.fields["email"].error_messages = {
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right format, like name@council.gov.uk.",
        }
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})

    def save(self, **kwargs):
        """Email each active account with this address a link; a failure to send is logged,
        not shown (the page says the same whether or not an account has the address)."""
        email = self.cleaned_data["email"]
        for user in self.get_users(email):
            link = settings.SITE_URL + reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            context = {
                "user": user,
                "link": link,
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                "COUNCIL_NAME": settings.COUNCIL_NAME,
            }
            subject = "Reset your password for the scrutiny recommendations tracker"
            try:
                send_email(
                    to=getattr(user, user.get_email_field_name()),
                    subject=subject,
                    text=render_to_string("registration/password_reset_email.txt", context),
                    html=render_to_string("registration/password_reset_email.html", context),
                )
            except Exception:
                logger.exception("password reset email not sent: username=%r", user.username)
            else:
                logger.info("password reset email sent: username=%r", user.username)


class NewPasswordForm(GovukFormMixin, SetPasswordForm):
    """A new password, checked against the council's policy (``AUTH_PASSWORD_VALIDATORS``),
    saved by ``services.set_password``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = (
            f"At least {settings.PASSWORD_MIN_LENGTH} characters. A few unrelated words make "
            "a password that is long and easy to remember. Not your name or username, and "
            "not a common password."
        )
        self.fields["new_password2"].label = "Type the new password again"
        self.fields["new_password2"].help_text = ""
        for name in ("new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = "Enter the new password."
            self.fields[name].widget.attrs["class"] = "govuk-!-width-two-thirds"

    def save(self, commit=True):
        return services.set_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            reason="Password reset by email",
        )
