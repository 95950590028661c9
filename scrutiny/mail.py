"""Sending email: the one function every part of the product calls, through the backend the
settings chose (``EMAIL_DELIVERY``: a folder under ``VAR_DIR``, the console, the council's SMTP
relay or GOV.UK Notify; see the README's "Email")."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email


def send_email(*, to: str, subject: str, text: str, html: str) -> None:
    """Send one message to one address, as plain text with an HTML alternative, from
    ``DEFAULT_FROM_EMAIL``.

    Errors are raised, never swallowed, so the caller (a background task) can record the
    failure and try again: ``ValidationError`` for an address that is not one, ``ValueError``
    (Django's ``BadHeaderError``) for a subject with a line break, and whatever the backend
    raises (``smtplib.SMTPException`` or ``OSError`` from a mail server,
    ``notifications_python_client.errors.APIError`` from Notify)."""
    validate_email(to)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        # RFC 3834: sent by the product, not a person, so out-of-office replies stay away.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)


def delivery_description() -> str:
    """Where this configuration's email goes, in words, for a server to say at start-up."""
    backend = settings.EMAIL_BACKEND
    if backend == "django.core.mail.backends.filebased.EmailBackend":
        return f"email is written to files in {settings.EMAIL_FILE_PATH} (none is sent)"
    if backend == "django.core.mail.backends.console.EmailBackend":
        return "email is printed here (none is sent)"
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        return f"email is sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if backend == "scrutiny.notify.NotifyEmailBackend":
        return "email is sent through GOV.UK Notify"
    return f"email goes to {backend}"
