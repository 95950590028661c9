"""A large import saved in the background, on Django's tasks framework (as the documents are,
``recommendations.documents.tasks``): a tracker of more rows than ``IMPORT_SYNC_MAX_ROWS``
takes longer to save than a web request should (about a minute for 2,000 recommendations).

The officer's confirmation enqueues :func:`import_tracker` with what the page was given (the
mapping, the committee for rows naming none, the names matched); the task reads the file again,
makes the same plan and saves it through the same service (``tracker_import``), in one
transaction. The upload is marked "being imported" meanwhile, so the page refreshes until it
is done and a second confirmation is refused; a file imported already is refused by the
service, so the task is idempotent. A refusal (a rule broken by a row) puts the upload back
to be checked, with the reason.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_tasks import task

from reviews.models import Committee, Councillor, Officer
from scrutiny.editing import lock_for_edit
from scrutiny.services import record_save

from ..models import TrackerImport, forget_status_key
from .columns import find_layout
from .plan import build_plan
from .sheet import ImportRefused, read_sheet

logger = logging.getLogger(__name__)

MATCHED = {"committee": Committee, "body": Committee, "officer": Officer, "councillor": Councillor}


def matches_to_json(matches: dict) -> list[list]:
    """The names the officer matched, ``{(kind, name): record}``, as the task's argument."""
    return [[kind, name, record.pk] for (kind, name), record in matches.items()]


def matches_from_json(given: list[list]) -> dict:
    found = {}
    for kind, name, pk in given:
        record = MATCHED[kind].objects.filter(pk=pk).first()
        if record is not None:
            found[(kind, name)] = record
    return found


def _said(problem: Exception) -> str | None:
    """What the officer is told of a refusal (None: not a refusal, a fault)."""
    if isinstance(problem, ValidationError):
        return " ".join(problem.messages)
    if isinstance(problem, ImportRefused):
        return str(problem)
    if isinstance(problem, IntegrityError):
        return (
            "Another officer saved a recommendation with one of these references or numbers "
            "meanwhile. Check the preview and import again."
        )
    return None


@task()
def import_tracker(
    batch_id: int,
    *,
    mapping: list[str],
    default_committee_id: int | None,
    matches: list[list],
    user_id: int,
) -> dict:
    """Save the upload ``batch_id`` as the officer confirmed it. Returns what was saved in
    words, or the ``problem`` that stopped it (then nothing is saved)."""
    from ..services import tracker_import  # the services import this package

    forget_status_key()  # a worker lives long: read the council's key as it is now
    batch = TrackerImport.objects.get(pk=batch_id)
    user = get_user_model().objects.get(pk=user_id)
    try:
        sheet = read_sheet(batch.path, batch.filename)
        layout = find_layout(sheet.rows)
        width = len(layout.headings)
        plan = build_plan(
            sheet,
            layout,
            (list(mapping) + [""] * width)[:width],
            default_committee=Committee.objects.filter(pk=default_committee_id).first(),
        )
        result = tracker_import(
            plan=plan, user=user, matches=matches_from_json(matches), batch=batch
        )
    except Exception as problem:
        said = _said(problem)
        if said is None:
            logger.exception("The import of upload %s failed", batch_id)
            said = "The import could not be finished: nothing was saved. Import it again."
        with transaction.atomic():
            batch = lock_for_edit(TrackerImport, batch_id)
            if batch.state == TrackerImport.State.QUEUED:
                batch.state = TrackerImport.State.UPLOADED
                batch.summary = f"Not imported: {said}"
                record_save(record=batch, user=user, reason=batch.summary)
        return {"problem": said}
    batch.remove_file()
    return {"summary": result.in_words()}
