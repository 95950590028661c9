"""Sending the round's emails in the background, on Django's tasks framework (see
``recommendations/documents/tasks.py``): opening a round for a large council queues one task
per owner and returns at once; the worker renders and sends each message."""

from django.contrib.auth import get_user_model
from django_tasks import task

from recommendations.models import forget_status_key

from .emails import send_request_email
from .models import UpdateRequest


@task()
def send_round_email(request_id: int, kind: str, *, user_id: int | None = None) -> dict:
    """Send the email of ``kind`` for the request ``request_id`` with a fresh reply link, and
    log it. Returns the id of the ``EmailSent`` row, or the problem when nothing was sent."""
    forget_status_key()
    request = (
        UpdateRequest.objects.select_related("round__meeting__committee", "owner")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return {"problem": "The request no longer exists."}
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    sent = send_request_email(request=request, kind=kind, user=user)
    if sent is None:
        return {"problem": "Nothing was sent: the round is closed or the owner has no address."}
    return {"email_sent": sent.pk}
