"""The one write every app shares: saving a record of the register whose fields a form (or a
command, or an import) has set, with the version check, validation and history."""

from django.db import transaction

from .audit import acting_as
from .editing import lock_for_edit


def record_save(*, record, user, reason: str = "", version: int | None = None):
    """Save ``record`` (new, or edited in memory) with ``user`` and ``reason`` on its history
    row, in a transaction.

    For an existing record, ``version`` is the version the editor saw: if it was saved since,
    :class:`~scrutiny.editing.StaleEdit` is raised and nothing is saved (None skips the check,
    for writes that saw no version). The record is validated (``full_clean``) first: a
    ``ValidationError`` leaves the database unchanged.
    """
    with transaction.atomic(), acting_as(user):
        if record.pk:
            record.version = lock_for_edit(type(record), record.pk, version).version
        record.full_clean()
        record.save(reason=reason)
    return record


def record_saver(user):
    """The ``save`` of ``scrutiny.editing.edit_record`` for a plain form: :func:`record_save`
    with the version the form carried."""

    def save(*, form, record, reason):
        return record_save(record=record, user=user, reason=reason, version=form.seen_version)

    return save
