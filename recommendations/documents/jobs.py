"""Making large documents in the background, so no web worker waits on WeasyPrint.

WeasyPrint lays out about five pages of dense table a second: a 300-recommendation tracker
takes about half a minute, longer than a web request should. Such a document becomes a
:class:`DocumentJob`; the user is sent to the job's page, which says how long it should take
and gives the download link when it is ready.

The worker is a separate process (``python -m recommendations.documents.worker``), started
when a job is queued, so the layout never holds a web process (or its GIL). It takes jobs
oldest first until the queue is empty, then exits. A lock file lets one worker run at a time
(the machine has two cores; the web keeps the other), and a job is claimed with a
conditional update, so it is never made twice. A job left "running" by a worker that died is
queued again by the next worker (up to three attempts).

With ``DOCUMENTS_SYNC_RENDER`` on (the tests, or a host that cannot start processes) the job
is made at once, within the request, and the job page shows it ready.
"""

import datetime
import fcntl
import logging
import math
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from reviews.models import Meeting, Review

from ..models_documents import DocumentJob, DocumentKind, JobStatus
from .spec import ContentKey, DocumentSpec, InvalidDocument

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
KEEP_FINISHED_JOBS = datetime.timedelta(days=7)


def describe(spec: DocumentSpec) -> str:
    """A title for the job page before the document exists (one query)."""
    if spec.kind == DocumentKind.ACTION_PLAN:
        title = Review.objects.filter(pk=spec.review_id).values_list("title", flat=True).first()
        return f"Action plan: {title}"
    if spec.kind == DocumentKind.MEETING_TRACKER:
        meeting = Meeting.objects.select_related("committee").filter(pk=spec.meeting_id).first()
        return f"Recommendations tracker: {meeting}"
    return "Recommendations tracker"


def enqueue(spec: DocumentSpec, key: ContentKey, *, user, publish: bool = False) -> DocumentJob:
    """Queue the document (or find it already queued) and make sure a worker will make it."""
    if not publish:
        existing = (
            DocumentJob.objects.filter(
                key=key.key, publish=False, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
            )
            .order_by("created_at")
            .first()
        )
        if existing is not None:
            return existing
    DocumentJob.objects.filter(
        status__in=[JobStatus.DONE, JobStatus.FAILED],
        created_at__lt=timezone.now() - KEEP_FINISHED_JOBS,
    ).delete()
    job = DocumentJob.objects.create(
        key=key.key,
        kind=spec.kind,
        parameters=spec.to_json(),
        title=describe(spec)[:300],
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        publish=publish,
        estimated_seconds=math.ceil(key.estimated_seconds),
    )
    if settings.DOCUMENTS_SYNC_RENDER:
        run_job(job)
        job.refresh_from_db()
    else:
        transaction.on_commit(start_worker)
    return job


def run_job(job: DocumentJob) -> bool:
    """Make (and, if asked, publish) one queued job. False if another worker claimed it."""
    from .service import cached_pdf, make_pdf, publish_pdf
    from .spec import content_key, select_recommendations

    claimed = DocumentJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    try:
        spec = DocumentSpec.from_json(job.parameters)
        selection = select_recommendations(spec)
        key = content_key(spec, selection.queryset)
        made = cached_pdf(key.key) or make_pdf(spec, selection, key.key)
        published = None
        if job.publish:
            published = publish_pdf(spec, made, user=job.requested_by)
    except InvalidDocument as problem:
        _finish(job, JobStatus.FAILED, error=" ".join(problem.messages))
    except Exception:
        logger.exception("Document job %s failed", job.pk)
        _finish(
            job,
            JobStatus.FAILED,
            error="The document could not be made. The error has been logged for the "
            "administrator; try again, and tell them if it happens again.",
        )
    else:
        _finish(
            job,
            JobStatus.DONE,
            result_key=made.key,
            page_count=made.pages,
            size=made.size,
            published_document=published,
        )
    return True


def _finish(job: DocumentJob, status: str, **values) -> None:
    DocumentJob.objects.filter(pk=job.pk).update(
        status=status, finished_at=timezone.now(), **values
    )


def _requeue_abandoned() -> None:
    """Jobs left running when no worker holds the lock: their worker died."""
    abandoned = DocumentJob.objects.filter(status=JobStatus.RUNNING)
    abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        error="The document could not be made (the background worker stopped). Try again.",
    )
    abandoned.update(status=JobStatus.QUEUED)


def _next_job() -> DocumentJob | None:
    return DocumentJob.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "pk").first()


def lock_path() -> Path:
    return Path(settings.VAR_DIR) / "documents-worker.lock"


def process_queue(*, refresh_connections: bool = False) -> int:
    """Make every queued job, holding the worker lock; return how many were made. Returns at
    once if another worker holds the lock (it will take the new jobs). The worker process
    passes ``refresh_connections`` to drop database connections that have grown old."""
    made = 0
    while True:
        with open(lock_path(), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return made
            try:
                _requeue_abandoned()
                while (job := _next_job()) is not None:
                    made += run_job(job)
                    if refresh_connections:
                        close_old_connections()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        # A job queued while the lock was being released found the lock taken and started
        # no worker of its own: look again.
        if not DocumentJob.objects.filter(status=JobStatus.QUEUED).exists():
            return made


def start_worker() -> None:
    """Start a background worker process (it exits when the queue is empty)."""
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    log_path = Path(settings.VAR_DIR) / "documents-worker.log"
    with open(log_path, "ab") as log:
        subprocess.Popen(  # our own module, no shell
            [sys.executable, "-m", "recommendations.documents.worker"],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            close_fds=True,
        )
