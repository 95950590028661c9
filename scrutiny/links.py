"""Links to records by primary key, without resolving the URL pattern for each one.

``reverse()`` walks the URL resolver on every call (about 40 µs): a meeting page links to a
few hundred records. ``pk_url("recommendation_detail", 12)`` reverses each URL name once (per
URL configuration and script prefix) with a stand-in key, and puts the key in its place after.
For URL patterns with one integer argument, where the key appears as its digits.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = 9_182_736_450_123


@lru_cache(maxsize=256)
def _around_key(name: str, urlconf, prefix: str) -> tuple[str, str]:
    url = reverse(name, urlconf=urlconf, args=[_STAND_IN])
    head, found, tail = url.partition(str(_STAND_IN))
    if not found:  # a pattern that does not show the key as digits
        raise ValueError(f"{name!r} does not show its key in the URL {url!r}")
    return head, tail


def pk_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])``, for a URL name whose one argument is an integer key."""
    head, tail = _around_key(name, get_urlconf(), get_script_prefix())
    return f"{head}{int(pk)}{tail}"
