"""Who is acting, for the audit trail.

django-simple-history takes the user from the request (its middleware) during a web request.
Outside a request (a management command, a background job) the acting user is set with
:func:`acting_as`; commands take it from ``--user`` or fall back to the named system user, so
every history row says who made the change.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model

_acting_user: ContextVar = ContextVar("acting_user", default=None)


def history_user(request=None, instance=None, **kwargs):
    """Return the user to record on a history row (the ``get_user`` of HistoricalRecords)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return _acting_user.get()


def person_name(user) -> str:
    """A user as people read them, wherever a change is said to be theirs (the "by" of a
    history entry, a user named in a changed value): full name, else username, else "an
    unknown user" (the account was removed)."""
    if user is None:
        return "an unknown user"
    return user.get_full_name() or user.get_username()


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Record ``user`` on every history row written inside the block."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def system_user():
    """The named account recorded on changes that no person made (runs a query).

    It is created inactive, with no usable password, so nobody can sign in as it.
    """
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"first_name": "System", "last_name": "(automatic)", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def command_user(username: str | None):
    """The acting user for a management command: ``--user NAME`` or the system user."""
    if not username:
        return system_user()
    User = get_user_model()
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        from django.core.management import CommandError

        raise CommandError(f"There is no user called {username!r}.") from None
