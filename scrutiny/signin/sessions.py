"""The session's last-activity stamp, read and written by the idle timeout."""

from django.utils import timezone

LAST_ACTIVITY = "signin_last_activity"  # seconds since the epoch, a whole number


def now_seconds() -> int:
    return int(timezone.now().timestamp())


def stamp_activity(session) -> None:
    session[LAST_ACTIVITY] = now_seconds()


def idle_seconds(session) -> int | None:
    """Seconds since the session's last stamped activity (None: never stamped)."""
    stamp = session.get(LAST_ACTIVITY)
    if not isinstance(stamp, int):
        return None
    return now_seconds() - stamp
