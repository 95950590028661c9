"""Writes to the council's status key."""

from django.db import transaction

from scrutiny.services import record_save

from ..models import StatusKeyEntry, forget_status_key


def status_key_entry_save(
    *, entry: StatusKeyEntry, user, reason: str = "", version: int | None = None
) -> StatusKeyEntry:
    """Save a new or changed status of the key (validated by ``StatusKeyEntry.clean``: its
    code stays, and its category while records hold it; each category keeps an offered
    status), with history and ``reason``. The key is read again from then on, and the content
    key of every document changes with it (``documents.spec.content_key``)."""
    with transaction.atomic():
        record_save(
            record=entry,
            user=user,
            reason=reason or ("Added to the status key" if entry.pk is None else "Status key"),
            version=version,
        )
        transaction.on_commit(forget_status_key)
    forget_status_key()
    return entry
