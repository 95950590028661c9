"""Every sign-in, failed or successful, as a line of the ``scrutiny.signin`` logger: the
username typed, the client's address and the outcome. (django-axes keeps its own record in
the database as well: the access attempts and access logs in the admin.)

The receivers write no record: a successful sign-in only stamps its session with the time
(the idle timeout's starting point, ``middleware.IdleTimeoutMiddleware``)."""

import logging

from scrutiny import requestlog

from .sessions import stamp_activity

logger = logging.getLogger("scrutiny.signin")


def client_address(request) -> str:
    """The client's address, as the lock-out reads it (behind a trusted proxy, the client's
    own: ``scrutiny.requestlog.client_address``)."""
    return (requestlog.client_address(request.META) if request is not None else None) or "unknown"


def signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    stamp_activity(request.session)
    logger.info(
        "sign-in succeeded: username=%r address=%s", user.get_username(), client_address(request)
    )


def sign_in_failed(sender, credentials, request=None, **kwargs):
    locked = bool(getattr(request, "axes_locked_out", False))
    logger.warning(
        "sign-in failed: username=%r address=%s outcome=%s",
        (credentials or {}).get("username", ""),
        client_address(request),
        "locked out" if locked else "wrong username or password",
    )


def second_factor(request, user, *, outcome: str) -> None:
    level = logging.INFO if outcome in {"verified", "device added"} else logging.WARNING
    logger.log(
        level,
        "second factor: username=%r address=%s outcome=%s",
        user.get_username(),
        client_address(request),
        outcome,
    )
