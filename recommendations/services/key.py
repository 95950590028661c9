"""Writes to the council's status key."""

from django.db import transaction

from scrutiny.audit import acting_as
from scrutiny.services import record_save

from ..models import Recommendation, StatusKeyEntry, forget_status_key, status_key


def status_key_entry_save(
    *, entry: StatusKeyEntry, user, reason: str = "", version: int | None = None
) -> StatusKeyEntry:
    """Save a new or changed status of the key (validated by ``StatusKeyEntry.clean``: its
    code stays, and its category while records hold it; each category keeps an offered
    status), with history and ``reason``. The key is read again from then on, and the content
    key of every document changes with it (``documents.key``).

    A status the rules give is shown as the first offered status of its category: so the
    recommendations whose status is in a category this change touches are derived again,
    and each one whose status changes is saved with history, in the same transaction."""
    before = StatusKeyEntry.objects.filter(pk=entry.pk).values_list("category", flat=True)
    categories = {entry.category, *(before if entry.pk else ())}
    with transaction.atomic():
        record_save(
            record=entry,
            user=user,
            reason=reason or ("Added to the status key" if entry.pk is None else "Status key"),
            version=version,
        )
        forget_status_key()
        transaction.on_commit(forget_status_key)
        with acting_as(user):
            for recommendation in Recommendation.objects.select_for_update().filter(
                status__in=status_key().codes_in(*categories)
            ):
                recommendation.refresh_status("The council's status key changed")
    forget_status_key()
    return entry
