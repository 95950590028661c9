"""The shared cache a council's servers use, from one URL (``CACHE_URL``).

Nothing a second app server needs may live on one web host's disk: the shared cache is the
database (``db://table``, Django's database cache: the default on PostgreSQL) or a Redis server
(``redis://host:6379/0``, Django's own RedisCache, when the ``redis`` package is installed).
``file:///path`` (the default on SQLite) suits a single machine. ``locmem://`` is each
process's own memory: one process only (a check warns, see :func:`per_process_cache_check`).

It holds the made documents, the locks that make one render of identical requests, the
per-user counters of new documents and the reply links' rate limits: everything that must be
the same for every web process and task worker (:func:`shared_cache`). Django's ``default``
cache is each process's memory and holds nothing of that.
"""

import math
import os
import runpy
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

SHARED_ALIAS = "documents"  # the CACHES entry CACHE_URL configures
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"

SCHEMES = ("db", "redis", "rediss", "file", "locmem")


def cache_from_url(url: str) -> dict[str, object]:
    """A CACHES entry (backend and location) for ``url``; a URL it cannot read is an error."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "db":
        table = (parts.netloc + parts.path).strip("/")
        if not table.replace("_", "").isalnum():
            raise ImproperlyConfigured(
                f"CACHE_URL={url!r}: name the cache table, e.g. db://scrutiny_cache."
            )
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    if scheme in {"redis", "rediss"}:
        try:
            import redis  # noqa: F401
        except ImportError:
            raise ImproperlyConfigured(
                f"CACHE_URL={url!r} needs the redis package: pip install redis "
                "(or use db://scrutiny_cache, the database)."
            ) from None
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "file":
        if not parts.path.startswith("/"):
            raise ImproperlyConfigured(f"CACHE_URL={url!r}: a file cache needs an absolute path.")
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": parts.path,
        }
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parts.netloc,
        }
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r} is not one of {', '.join(s + '://' for s in SCHEMES)}."
    )


def count_use(cache, key: str, *, window: float | None = None, ends: float | None = None) -> int:
    """Count one use of ``key`` and return how many its window holds now. The window is
    ``window`` seconds from the first use, or ends at the time ``ends`` (seconds since the
    epoch); the counter goes with it.

    The count is kept with the end of its window and written back with the time left, so it
    expires when the window ends whatever the cache's default timeout. (``cache.incr`` on the
    database and file caches writes the value again with the cache's default timeout, none
    for the shared cache, which made a counter permanent.) Not atomic: two uses at the same
    moment may count once, so a limit read from it is approximate unless the caller holds a
    lock."""
    now = time.time()
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[1] > now:
        count, until = kept
    else:  # none yet, past its window, or not one of ours
        count, until = 0, ends if ends is not None else now + (window or 0)
    count += 1
    cache.set(key, (count, until), timeout=max(1, math.ceil(until - now)))
    return count


def use_count(value) -> int:
    """The count :func:`count_use` keeps, from the value read back from the cache."""
    if isinstance(value, tuple) and len(value) == 2 and value[1] > time.time():
        return int(value[0])
    return 0


def shared_cache():
    """The cache every process shares (``CACHE_URL``)."""
    from django.core.cache import caches  # not at import: settings.py imports this module

    return caches[SHARED_ALIAS if SHARED_ALIAS in settings.CACHES else "default"]


def web_workers() -> int:
    """How many worker processes gunicorn starts (``workers`` of gunicorn.conf.py, which reads
    ``WEB_CONCURRENCY``)."""
    conf = Path(settings.BASE_DIR) / "gunicorn.conf.py"
    try:
        return int(runpy.run_path(str(conf)).get("workers", 1))
    except (OSError, ValueError, TypeError):
        return int(os.environ.get("WEB_CONCURRENCY", "1") or 1)


def per_process_cache_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy``: warn when the shared cache is each process's memory while the app
    runs in several processes (several gunicorn workers, or task workers beside the server),
    for then each process has its own documents, locks and limits."""
    alias = SHARED_ALIAS if SHARED_ALIAS in settings.CACHES else "default"
    if settings.CACHES[alias]["BACKEND"] != LOCMEM:
        return []
    workers = web_workers()
    task_workers = (
        settings.TASKS["default"]["BACKEND"] != "django_tasks.backends.immediate.ImmediateBackend"
    )
    if workers <= 1 and not task_workers:
        return []
    processes = [f"{workers} gunicorn workers (WEB_CONCURRENCY)"] if workers > 1 else []
    processes += ["background task workers (db_worker)"] if task_workers else []
    return [
        checks.Warning(
            "CACHE_URL is locmem://, each process's own memory, but the app runs in "
            f"{' and '.join(processes)}: each would keep its own made documents, render locks, "
            "per-user document limits and reply-link rate limits, so the limits would be per "
            "process and documents made in the background would not reach the pages.",
            hint="Set CACHE_URL to a cache every process shares: db://scrutiny_cache (the "
            "database; run manage.py createcachetable), redis://host:6379/0, or on one machine "
            "file:///var/lib/scrutiny/cache.",
            id="scrutiny.W001",
        )
    ]
