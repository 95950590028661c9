"""Who may reach a request's reply page: through a reply link (no account), or signed in as
its owner. A link is refused, changing nothing, when it is unknown or tampered with (404),
revoked, forwarded or its round closed (410), or used too often (429)."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from scrutiny import requestlog
from scrutiny.caches import count_use, shared_cache

from .models import EmailSent, RequestState, UpdateRequest, token_hash


@dataclass
class Refusal:
    status: int
    heading: str
    message: str


UNKNOWN = Refusal(
    404,
    "This link does not work",
    "The link may have been copied wrongly. Use the link in your most recent email, or ask "
    "the scrutiny team for a new one.",
)


def _count(key: str, limit: int) -> bool:
    """Count one use of ``key`` in the window; False once the limit is passed. The counters
    are in the cache every web process shares (``CACHE_URL``), so the limits hold across
    gunicorn's workers and app servers, and each ends with its window
    (:func:`scrutiny.caches.count_use`)."""
    used = count_use(shared_cache(), key, window=settings.REPLY_RATE_LIMIT_WINDOW_SECONDS)
    return used <= limit


def client_address(request: HttpRequest) -> str:
    """The client's address (behind a trusted proxy, the client's own)."""
    return requestlog.client_address(request.META) or "unknown"


def rate_limited(request: HttpRequest, digest: str) -> bool:
    """Whether this use of the reply link ``digest`` passes either limit (per link and per
    address): both counters count every use."""
    link_ok = _count(f"reply-link:{digest}", settings.REPLY_RATE_LIMIT_PER_LINK)
    address_ok = _count(
        f"reply-address:{client_address(request)}", settings.REPLY_RATE_LIMIT_PER_ADDRESS
    )
    return not (link_ok and address_ok)


TOO_MANY = Refusal(
    429,
    "Too many attempts",
    "This link has been used too many times in a short while. Wait ten minutes and try again.",
)


def request_for_token(
    request: HttpRequest, token: str
) -> tuple[UpdateRequest | None, Refusal | None]:
    """The request a reply link opens, or why it is refused (looked up by the token's hash,
    so nothing compares the token itself)."""
    digest = token_hash(token)
    if rate_limited(request, digest):
        return None, TOO_MANY
    email = (
        EmailSent.objects.select_related("request__round__meeting__committee", "request__owner")
        .filter(token_hash=digest, request__isnull=False)
        .first()
    )
    if email is None:
        return None, UNKNOWN
    found = email.request
    return found, refusal_for(found, issued=email.sent_at)


def refusal_for(found: UpdateRequest, issued=None) -> Refusal | None:
    if not found.round.is_open:
        return Refusal(
            410,
            "This update round has closed",
            f"The updates for {found.round.meeting} are no longer being collected here. "
            "Contact the scrutiny team if you still need to send one.",
        )
    if found.state == RequestState.FORWARDED:
        return Refusal(
            410,
            "This request was forwarded",
            "The request was forwarded to a colleague, who has their own link.",
        )
    if issued is not None and found.links_revoked_at and issued <= found.links_revoked_at:
        return Refusal(
            410,
            "This link has been withdrawn",
            "The scrutiny team has withdrawn this link. Use the link in your most recent "
            "email, or ask them for a new one.",
        )
    return None
