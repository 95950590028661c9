"""Bounded work per user (issue 15, point 5): a document's URL is a plain GET that any
signed-in account may send, and a new document costs the server seconds of WeasyPrint. So:

- a parameter the document does not know is refused (400), rather than making a new document
  that differs from another only in its address (:func:`unknown_parameters`);
- the typed options are written one way before they reach the content key: whitespace in the
  appendix label and the wards collapsed, "all" wards in any case written "All"
  (``DocumentSpec`` with ``text.normal_label`` and ``text.normal_wards``; dates are parsed
  to dates by the form, booleans to booleans), so equivalent addresses give one spec;
- identical requests share one render: the first takes a lock on the content key in the
  documents cache (``cache.add``, which only one caller wins); the others wait for the made
  document to appear in the cache, or after ``DOCUMENTS_RENDER_WAIT_SECONDS`` are sent to the
  background task, which is itself found by its key (:func:`render_once`);
- each user may have at most ``DOCUMENTS_RENDERS_PER_USER_PER_HOUR`` documents made for them
  in an hour and ``DOCUMENTS_QUEUED_PER_USER`` waiting in the background at once; past that
  they are told so in words (429). A download found in the cache costs nothing and is never
  counted, and neither is a request that shares another's render or task. A request checks
  and counts (or queues) while it holds its user's lock (:func:`counting_for`), so two
  requests of one person at once cannot both pass the last place.

The counters live in the documents cache (shared by the web processes), in ten-minute slots:
"the last hour" is the current slot and the five before it.
"""

import hashlib
import math
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.utils import timezone

from scrutiny.caches import count_use, use_count

from .pdfs import documents_cache

LOCK_PREFIX = "document-render-lock:"
RENDERS_PREFIX = "document-renders:"
QUEUED_PREFIX = "document-queued:"
SLOT_SECONDS = 600  # the counters' slots: six make the hour
SLOTS_PER_HOUR = 3600 // SLOT_SECONDS
POLL_SECONDS = 0.1  # how often a request waiting for another's render looks in the cache
USER_LOCK_PREFIX = "document-user-lock:"
USER_LOCK_SECONDS = 60  # a user's counters are held no longer than this, even by a dead process
USER_LOCK_WAIT_SECONDS = 20  # how long a user's second request waits for their first


# --- parameters -----------------------------------------------------------------------------


def unknown_parameters(names: Iterable[str], known: Iterable[str]) -> list[str]:
    """The parameter names in ``names`` that are not ``known``, sorted, each once."""
    known = set(known)
    return sorted({name for name in names if name not in known})


def register_parameters(filterset_class) -> set[str]:
    """Every query parameter the register's filter set reads (a widget made of several boxes
    reads one parameter per box)."""
    names = set()
    for name, flt in filterset_class.base_filters.items():
        names.add(name)
        # Not ``flt.field``: reading it here would fix the class's field before a filter set
        # sets its labels and choices.
        widget = flt.extra.get("widget")
        for suffix in getattr(widget, "suffixes", None) or ():
            names.add(f"{name}_{suffix}" if suffix else name)
    return names


def unknown_parameters_message(unknown: list[str]) -> str:
    listed = ", ".join(f"“{name}”" for name in unknown)
    return (
        f"The address has {'a parameter' if len(unknown) == 1 else 'parameters'} a document "
        f"does not have: {listed}. Remove {'it' if len(unknown) == 1 else 'them'}, or choose "
        "the options on the export page."
    )


# --- the limits -----------------------------------------------------------------------------


class TooManyDocuments(Exception):
    """The user has asked for as many new documents as they may for now; ``message`` says so
    in words, and ``retry_after`` is the seconds until they may ask again."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _documents(count: int, kind: str = "") -> str:
    return f"{count} {kind}document{'' if count == 1 else 's'}"


def _user_id(user) -> str:
    return str(user.pk) if getattr(user, "is_authenticated", False) else "anonymous"


def _slot(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // SLOT_SECONDS)


def renders_in_the_last_hour(user) -> int:
    """How many documents were made for ``user`` in the last hour (six ten-minute slots)."""
    cache = documents_cache()
    slot = _slot()
    keys = [
        f"{RENDERS_PREFIX}{_user_id(user)}:{s}" for s in range(slot - SLOTS_PER_HOUR + 1, slot + 1)
    ]
    return sum(use_count(value) for value in cache.get_many(keys).values())


def check_renders(user) -> None:
    """Refuse (:class:`TooManyDocuments`) a new document for ``user`` past
    ``DOCUMENTS_RENDERS_PER_USER_PER_HOUR``."""
    limit = settings.DOCUMENTS_RENDERS_PER_USER_PER_HOUR
    asked = renders_in_the_last_hour(user)
    if asked < limit:
        return
    now = time.time()
    # The oldest slot of the hour leaves it at the end of the slot.
    retry_after = max(1, math.ceil(SLOT_SECONDS - now % SLOT_SECONDS))
    at = timezone.localtime() + timezone.timedelta(seconds=retry_after)
    raise TooManyDocuments(
        f"You have asked for {_documents(asked, 'new ')} in the last hour. Each new document takes "
        f"the server a while to make, so each person can ask for {limit} an hour. You can "
        f"ask for more from {at:%H:%M}. Documents already made, and published copies, still "
        "download straight away.",
        retry_after,
    )


def count_render(user) -> None:
    """Count one document made for ``user`` (made now, or queued for the background): in the
    counter of this ten-minute slot, which lasts as long as the slot is within the hour."""
    slot = _slot()
    count_use(
        documents_cache(),
        f"{RENDERS_PREFIX}{_user_id(user)}:{slot}",
        ends=(slot + 1) * SLOT_SECONDS + 3600,
    )


@contextmanager
def counting_for(user) -> Iterator[None]:
    """Hold ``user``'s counters while a request checks their limits and counts or queues its
    document, so two requests of theirs at once cannot both pass a limit that only one
    should: the second waits for the first (at most ``USER_LOCK_WAIT_SECONDS``, then is told
    to try again). The lock is per user, in the documents cache (:func:`_take_lock`: atomic on
    every cache backend, across the web processes), and expires by itself."""
    deadline = time.monotonic() + USER_LOCK_WAIT_SECONDS
    key = f"{USER_LOCK_PREFIX}{_user_id(user)}"
    while (release := _take_lock(key, USER_LOCK_SECONDS)) is None:
        if time.monotonic() >= deadline:
            raise TooManyDocuments(
                "Another of your documents is being started at this moment. Try again in a "
                "few seconds.",
                5,
            )
        time.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        release()


def _queued_key(user) -> str:
    return f"{QUEUED_PREFIX}{_user_id(user)}"


def check_queue(user, is_pending: Callable[[str], bool]) -> None:
    """Refuse (:class:`TooManyDocuments`) another background document for ``user`` while
    ``DOCUMENTS_QUEUED_PER_USER`` of theirs are waiting or being made. ``is_pending(task_id)``
    says whether a task is still to finish."""
    limit = settings.DOCUMENTS_QUEUED_PER_USER
    cache = documents_cache()
    pending = [task_id for task_id in cache.get(_queued_key(user), []) if is_pending(task_id)]
    cache.set(_queued_key(user), pending, timeout=24 * 3600)
    if len(pending) < limit:
        return
    raise TooManyDocuments(
        f"You already have {_documents(len(pending))} being made in the background, and each "
        f"person can have {limit} at a time. Wait for one of them to be ready, then ask "
        "again. Documents already made still download straight away.",
        60,
    )


def remember_queued(user, task_id: str) -> None:
    cache = documents_cache()
    queued = cache.get(_queued_key(user), [])
    cache.set(_queued_key(user), [*queued, str(task_id)], timeout=24 * 3600)


# --- one render per content key -------------------------------------------------------------


def render_once(key: str, *, make: Callable, cached: Callable, elsewhere: Callable):
    """Make the document of content key ``key`` once however many requests ask at once.

    The request that takes the lock calls ``make()`` (which renders and caches the document)
    and returns what it made. Another request waits, looking in the cache (``cached()``), for
    at most ``DOCUMENTS_RENDER_WAIT_SECONDS``: it returns what the first made; if the first
    failed (its lock went, nothing cached) it takes the lock itself; if the wait runs out it
    returns ``elsewhere()`` (the background task for the key). The lock expires by itself,
    so a process that dies holding it holds it for a bounded time only."""
    timeout = settings.DOCUMENTS_RENDER_WAIT_SECONDS + settings.DOCUMENTS_SYNC_MAX_SECONDS * 3
    deadline = time.monotonic() + settings.DOCUMENTS_RENDER_WAIT_SECONDS
    while True:
        release = _take_lock(key, timeout)
        if release is not None:
            try:
                return make()
            finally:
                release()
        made = cached()
        if made is not None:
            return made
        if time.monotonic() >= deadline:
            return elsewhere()
        time.sleep(POLL_SECONDS)
        made = cached()
        if made is not None:
            return made


def _take_lock(key: str, timeout: int) -> Callable[[], None] | None:
    """The lock on content key ``key`` if this caller wins it (a function that lets it go),
    else None. ``cache.add`` is atomic on the database, Redis and memory caches; the file
    cache's ``add`` looks then writes, so on it the lock is a file created exclusively in the
    cache's folder (under ``VAR_DIR``), taken over once older than ``timeout``."""
    cache = documents_cache()
    if isinstance(cache, FileBasedCache):
        path = Path(cache._dir) / f"{hashlib.sha256(key.encode()).hexdigest()}.render-lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if time.time() - path.stat().st_mtime > timeout:
                path.unlink(missing_ok=True)  # left by a process that died while rendering
        except FileNotFoundError:
            pass
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return None
        return lambda: path.unlink(missing_ok=True)
    lock, token = LOCK_PREFIX + key, uuid.uuid4().hex
    if not cache.add(lock, token, timeout=timeout):
        return None

    def release() -> None:
        if cache.get(lock) == token:
            cache.delete(lock)

    return release
