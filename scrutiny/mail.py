"""Sending email: one function, on Django's configured email backend.

(A minimal version so the update round runs; the email plumbing of issue 12 replaces it with
the same signature.)"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def send_email(*, to: str, subject: str, text: str, html: str) -> None:
    """Send one message, as plain text with an HTML alternative, to one address."""
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    message.attach_alternative(html, "text/html")
    message.send()
