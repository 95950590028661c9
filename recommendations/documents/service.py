"""Getting a committee document: from the cache, made now, or made by a background task; and
publishing the copy that goes to a meeting.

A made PDF is kept in the ``documents`` cache under its content key (``key.py``: the SHA-256
of its HTML and of the renderer), which changes whenever anything it shows changes. So a
document is rendered once per content: a second download of an unchanged plan builds the HTML
again (milliseconds, the queries of the content) and reads the cache, and renders nothing. A
document too large or too slow to make within the request is made by the
:func:`~.tasks.make_document` task; :class:`DocumentTask` is what its page shows, with an
estimate of the time it takes measured from the recent tasks (:func:`estimate_seconds`).
"""

import datetime
import math
import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from reviews.models import Meeting, Review
from scrutiny.audit import acting_as
from scrutiny.editing import lock_for_edit

from . import limits
from .key import Prepared, prepare
from .models import DocumentFormat, DocumentKind, PublishedDocument
from .pdfs import MadePdf, cached_pdf, documents_cache, make_pdf, publish_pdf, replaced_document
from .spec import DocumentSpec, InvalidDocument, select_recommendations
from .tasks import make_document
from .word import SHARE_OF_PDF_TIME, MadeDocx, cached_docx, cached_in_format, make_in_format

TASK_PREFIX = "document-task:"
# An estimate is measured from this many of the latest document tasks that rendered a document.
RECENT_TASKS = 20
FAILED = (
    "The document could not be made. The error has been logged for the administrator; try "
    "again, and tell them if it happens again."
)


@dataclass
class DocumentTask:
    """A document being made (or made) by the background task, as its page shows it."""

    id: str
    state: str  # "queued", "running", "done" or "failed"
    spec: DocumentSpec
    publish: bool
    estimated_seconds: int
    enqueued_at: datetime.datetime | None
    started_at: datetime.datetime | None = None
    key: str = ""
    pages: int = 0
    size: int = 0
    published_document_id: int | None = None
    error: str = ""
    ahead: int = field(default=0)  # documents waiting or being made before this one
    ahead_seconds: int = 0  # their estimates, added up

    @classmethod
    def from_result(cls, result: TaskResult) -> "DocumentTask":
        kwargs = result.kwargs
        task = cls(
            id=str(result.id),
            state={
                TaskResultStatus.READY: "queued",
                TaskResultStatus.RUNNING: "running",
                TaskResultStatus.SUCCESSFUL: "done",
            }.get(result.status, "failed"),
            spec=DocumentSpec.from_json(result.args[0]),
            publish=bool(kwargs.get("publish")),
            estimated_seconds=int(kwargs.get("estimated_seconds") or 0),
            enqueued_at=result.enqueued_at,
            started_at=result.started_at,
        )
        if task.state == "failed":
            task.error = FAILED
        elif task.state == "done":
            value = result.return_value or {}
            if value.get("problem"):
                task.state, task.error = "failed", value["problem"]
            else:
                task.key = value.get("key", "")
                task.pages = value.get("pages", 0)
                task.size = value.get("size", 0)
                task.published_document_id = value.get("published_document")
        return task

    @property
    def is_pending(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def wait_seconds(self) -> int:
        """Roughly how long until it is ready, counted from when it was queued: the documents
        before it, then itself."""
        return self.ahead_seconds + self.estimated_seconds

    @property
    def running_seconds(self) -> int:
        if self.state != "running" or self.started_at is None:
            return 0
        return max(0, round((timezone.now() - self.started_at).total_seconds()))

    @property
    def is_late(self) -> bool:
        """Still being made well after the estimate (twice it, and ten seconds more)."""
        return self.running_seconds > 2 * self.estimated_seconds + 10

    def get_absolute_url(self) -> str:
        return reverse("documents_job_detail", args=[self.id])

    @property
    def download_url(self) -> str:
        """Where the made document is downloaded, with its format's extension."""
        suffix = "" if self.spec.format == DocumentFormat.PDF else f"_{self.spec.format}"
        return reverse(f"documents_job_download{suffix}", args=[self.id])

    @property
    def format_label(self) -> str:
        return DocumentFormat(self.spec.format).label


def describe(spec: DocumentSpec) -> str:
    """A title for a document before it exists (one query)."""
    if spec.kind == DocumentKind.ACTION_PLAN:
        title = Review.objects.filter(pk=spec.review_id).values_list("title", flat=True).first()
        return f"Action plan: {title}"
    if spec.kind == DocumentKind.MEETING_TRACKER:
        meeting = Meeting.objects.select_related("committee").filter(pk=spec.meeting_id).first()
        return f"Recommendations tracker: {meeting}"
    return "Recommendations tracker"


def results_are_kept() -> bool:
    """Whether the tasks backend keeps results for the task's page (the database backend
    does; the immediate backend of the tests runs the task within the request and does not)."""
    return make_document.get_backend().supports_get_result


def find_task(task_id) -> DocumentTask | None:
    """The document task with this id, or None if there is none (or the backend keeps no
    results, as the immediate backend of the tests does not)."""
    try:
        result = make_document.get_result(str(task_id))
    except (TaskResultDoesNotExist, NotImplementedError):
        return None
    task = DocumentTask.from_result(result)
    if task.state == "queued":
        estimates = _tasks_ahead(result)
        task.ahead, task.ahead_seconds = len(estimates), sum(estimates)
    return task


def _tasks_ahead(result: TaskResult) -> list[int]:
    """The estimated seconds of each document waiting or being made before this one (database
    backend): one query."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        task_path=make_document.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        enqueued_at__lt=result.enqueued_at,
    ).values_list("args_kwargs", flat=True)
    return [int((row.get("kwargs") or {}).get("estimated_seconds") or 0) for row in rows]


# --- how long a document takes --------------------------------------------------------------


def _keeps_tasks_in_database() -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(make_document.get_backend(), DatabaseBackend)


def seconds_per_recommendation() -> float | None:
    """The median seconds per recommendation of the latest ``RECENT_TASKS`` document tasks that
    rendered their document (from start to finish, as the workers ran them, under the load they
    had), or None when there are none to measure (or the backend keeps no results). One
    query."""
    if not _keeps_tasks_in_database():
        return None
    from django_tasks_db.models import DBTaskResult

    rows = (
        DBTaskResult.objects.filter(
            task_path=make_document.module_path,
            status=TaskResultStatus.SUCCESSFUL,
            started_at__isnull=False,
            finished_at__isnull=False,
            return_value__rendered=True,
        )
        .order_by("-finished_at")
        .values_list("started_at", "finished_at", "return_value")[:RECENT_TASKS]
    )
    rates = [
        (finished - started).total_seconds() / value["recommendations"]
        for started, finished, value in rows
        if isinstance(value.get("recommendations"), int) and value["recommendations"] > 0
    ]
    return statistics.median(rates) if rates else None


def _formula_seconds(prepared: Prepared) -> float:
    """Roughly how long WeasyPrint takes on an unloaded machine, when no task has been
    measured yet: a recommendation with its action and update fills about half a landscape
    page, and WeasyPrint lays out about eight such pages a second (bench/pdf.py)."""
    return 0.5 + 0.06 * prepared.recommendations + 0.005 * (prepared.actions + prepared.updates)


def estimate_seconds(prepared: Prepared) -> int:
    """About how many seconds making ``prepared`` takes: measured from the recent tasks
    (:func:`seconds_per_recommendation`) or, before there are any, from the formula. At
    least a second."""
    rate = seconds_per_recommendation()
    if rate is None:
        seconds = _formula_seconds(prepared)
    else:
        seconds = rate * max(1, prepared.recommendations)
    if prepared.output == DocumentFormat.DOCX:
        seconds *= SHARE_OF_PDF_TIME
    return max(1, math.ceil(seconds))


def _start(
    prepared: Prepared,
    estimate: int,
    *,
    user,
    publish: bool,
    replaces_id: int | None = None,
) -> TaskResult:
    """Start the task that makes the document, or find the one already making it."""
    marker = TASK_PREFIX + prepared.key
    if not publish:
        running = _running_task(prepared)
        if running is not None:
            return running
    result = make_document.enqueue(
        prepared.spec.to_json(),
        publish=publish,
        user_id=user.pk if getattr(user, "is_authenticated", False) else None,
        estimated_seconds=estimate,
        **({"replaces_id": replaces_id} if replaces_id else {}),
    )
    if not publish:
        documents_cache().set(marker, str(result.id), timeout=3600)
    return result


def _task_result(task_id: str | None) -> TaskResult | None:
    """The task ``task_id``'s result, or None (none, or a backend that keeps none)."""
    try:
        return make_document.get_result(task_id) if task_id else None
    except (TaskResultDoesNotExist, NotImplementedError):
        return None


def _running_task(prepared: Prepared) -> TaskResult | None:
    """The task already making this document (found by its content key), if one is."""
    running = _task_result(documents_cache().get(TASK_PREFIX + prepared.key))
    return running if running is not None and not running.is_finished else None


def _is_pending(task_id: str) -> bool:
    result = _task_result(task_id)
    return result is not None and not result.is_finished


def _made_for(prepared: Prepared, user) -> MadePdf | MadeDocx:
    """Make the document now for ``user``: one of their renders this hour (refused past the
    limit)."""
    with limits.counting_for(user):
        limits.check_renders(user)
        limits.count_render(user)
    return make_in_format(prepared)


def _queued_for(prepared: Prepared, estimate: int, user) -> TaskResult:
    """The background task making the document: the one already making it (shared, not
    counted), or a new one for ``user`` (counted, and refused past their limits)."""
    with limits.counting_for(user):
        running = _running_task(prepared)
        if running is not None:
            return running
        limits.check_queue(user, _is_pending)
        limits.check_renders(user)
        result = _start(prepared, estimate, user=user, publish=False)
        limits.count_render(user)
        limits.remember_queued(user, str(result.id))
    return result


def _renders_in_request(prepared: Prepared, estimate: int) -> bool:
    """Small and quick enough to make while the user waits for the download: at most
    ``DOCUMENTS_SYNC_MAX_RECOMMENDATIONS`` recommendations, and (measured from the recent
    tasks, so a loaded machine counts) at most ``DOCUMENTS_SYNC_MAX_SECONDS``. Anything else
    is made in the background, with a page that says so."""
    return (
        prepared.recommendations <= settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS
        and estimate <= settings.DOCUMENTS_SYNC_MAX_SECONDS
    )


def cached_for_task(task: DocumentTask) -> MadePdf | MadeDocx | None:
    """The document a finished task made, from the cache (its key and format are the task's)."""
    if task.spec.format == DocumentFormat.DOCX:
        return cached_docx(task.key)
    return cached_pdf(task.key)


def obtain(spec: DocumentSpec, *, user) -> MadePdf | MadeDocx | DocumentTask:
    """The document's PDF or Word document (cached, or made now if it is small), or the
    background task that is making it. Raises :class:`InvalidDocument` for parameters that
    describe no document, and :class:`~.limits.TooManyDocuments` past the user's limits (a
    document found in the cache, or one being made for someone else, is never refused)."""
    prepared = prepare(spec, select_recommendations(spec))
    made = cached_in_format(prepared)
    if made is not None:
        return made
    estimate = estimate_seconds(prepared)
    if _renders_in_request(prepared, estimate):
        # Identical requests at once: one renders, the others wait for its document (or, if
        # it takes too long, go to the background task for the same key).
        outcome = limits.render_once(
            prepared.key,
            make=lambda: _made_for(prepared, user),
            cached=lambda: cached_in_format(prepared),
            elsewhere=lambda: _queued_for(prepared, estimate, user),
        )
        if not isinstance(outcome, TaskResult):
            return outcome
    else:
        outcome = _queued_for(prepared, estimate, user)
    task = DocumentTask.from_result(outcome)
    if task.state == "done":  # made already (a backend that runs tasks at once)
        made = cached_in_format(prepared)
        if made is not None:
            return made
    if task.state == "failed" and task.error != FAILED:
        raise InvalidDocument([task.error])
    return task


def publish(
    spec: DocumentSpec, *, user, replaces_id: int | None = None
) -> PublishedDocument | DocumentTask:
    """Publish the document to its meeting now (from the cache, or made now if small), or
    start the task that makes and publishes it. ``replaces_id`` names the withdrawn document
    it replaces."""
    if not spec.to_meeting_id:
        raise InvalidDocument(["Choose the meeting the document goes to."])
    if spec.format != DocumentFormat.PDF:
        raise InvalidDocument(["The PDF is what is published to a meeting, not the Word copy."])
    if replaces_id is not None:
        with transaction.atomic():  # refused now, not only when the task runs
            replaced = replaced_document(replaces_id)
        if replaced.meeting_id != spec.to_meeting_id:
            raise InvalidDocument(
                [
                    f"A replacement goes to the meeting the withdrawn document went to "
                    f"({replaced.meeting}): choose that meeting."
                ]
            )
    # What is published is what this HTML renders to: the PDF cached under its key (the
    # SHA-256 of the HTML just built, the bytes checked against their recorded digest), or
    # made from it now.
    prepared = prepare(spec, select_recommendations(spec))
    made = cached_pdf(prepared.key)
    if made is None:
        estimate = estimate_seconds(prepared)
        if _renders_in_request(prepared, estimate):
            made = make_pdf(prepared)
    if made is not None:
        return publish_pdf(spec, made, user=user, replaces_id=replaces_id)
    task = DocumentTask.from_result(
        _start(prepared, estimate, user=user, publish=True, replaces_id=replaces_id)
    )
    if task.state == "done" and task.published_document_id:
        return PublishedDocument.objects.get(pk=task.published_document_id)
    if task.state == "failed" and task.error != FAILED:
        raise InvalidDocument([task.error])
    return task


def published_documents_for(meeting) -> list[PublishedDocument]:
    """The documents published to ``meeting``, newest first, without their bytes (one
    query). For the meeting page and ``documents/_published_list.html``."""
    return list(PublishedDocument.objects.filter(meeting=meeting).for_listing())


def withdraw(
    *, document: PublishedDocument, reason: str, user, version: int | None = None
) -> PublishedDocument:
    """Withdraw a published document (published in error, or with a mistake): it is kept,
    with its bytes and SHA-256, and listed on the meeting page as withdrawn, with the date and
    the reason. Its replacement is published from the export page (``publish`` with
    ``replaces_id``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason the document is being withdrawn."})
    with transaction.atomic(), acting_as(user):
        current = lock_for_edit(PublishedDocument, document.pk, version)
        if current.is_withdrawn:
            raise ValidationError("This document has already been withdrawn.")
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = user
        current.withdrawal_reason = reason
        current.full_clean()
        current.save(reason=f"Withdrawn: {reason}")
    return current
