"""The shared cache a council's servers use, from one URL (``CACHE_URL``).

Nothing a second app server needs may live on one web host's disk: the documents cache is the
database (``db://table``, Django's database cache: the default on PostgreSQL) or a Redis server
(``redis://host:6379/0``, Django's own RedisCache, when the ``redis`` package is installed).
``file:///path`` and ``locmem://`` suit a single machine.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

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
