"""Every change to an account that matters to the audit trail, written with an
:class:`~scrutiny.accounts.models.AccountEvent`: who, when and why. Accounts are deactivated,
never deleted (the history names them)."""

import hashlib
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from scrutiny.audit import acting_as
from scrutiny.editing import StaleEdit
from scrutiny.hashchain import hold_audit_lock

from .models import AccountEvent

Kind = AccountEvent.Kind

# The account's fields whose change is an event of its own (the rest are "details").
_SWITCHES = {
    "is_active": (Kind.ACTIVATED, Kind.DEACTIVATED),
    "is_superuser": (Kind.SUPERUSER_GRANTED, Kind.SUPERUSER_REMOVED),
    "is_staff": (Kind.STAFF_GRANTED, Kind.STAFF_REMOVED),
}
_DETAILS = ("username", "first_name", "last_name", "email")


def _record(*, account, kind, by, reason: str, role: str = "") -> AccountEvent:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the change to the account."})
    event = AccountEvent(account=account, kind=kind, by=by, reason=reason, role=role)
    with acting_as(by):
        event.full_clean()
        event.save(reason=reason)
    return event


def _locked(user):
    hold_audit_lock()
    return get_user_model()._default_manager.select_for_update().get(pk=user.pk)


def fingerprint(user) -> str:
    """The account as an editor saw it (its details, switches and roles): the admin's form
    carries it, and a save against another is refused as stale."""
    roles = sorted(user.groups.values_list("pk", flat=True)) if user.pk else []
    parts = [str(getattr(user, name)) for name in (*_DETAILS, *_SWITCHES)] + [str(roles)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def account_deactivate(*, user, by, reason: str):
    """Deactivate ``user``: they can no longer sign in; their name stays on every record and
    history row. Deactivating an inactive account changes nothing."""
    with transaction.atomic():
        current = _locked(user)
        if current.is_active:
            current.is_active = False
            current.save(update_fields=["is_active"])
            _record(account=current, kind=Kind.DEACTIVATED, by=by, reason=reason)
        user.is_active = False
    return current


def account_activate(*, user, by, reason: str):
    """Let a deactivated account sign in again."""
    with transaction.atomic():
        current = _locked(user)
        if not current.is_active:
            current.is_active = True
            current.save(update_fields=["is_active"])
            _record(account=current, kind=Kind.ACTIVATED, by=by, reason=reason)
        user.is_active = True
    return current


def account_roles_set(*, user, roles: Iterable[Group], by, reason: str) -> list[AccountEvent]:
    """Give ``user`` exactly ``roles`` (the groups that are the product's roles): an event for
    each role given and each removed."""
    with transaction.atomic():
        current = _locked(user)
        return _set_roles(current, {g.pk: g for g in roles}, by=by, reason=reason)


def _set_roles(current, wanted: dict, *, by, reason) -> list[AccountEvent]:
    held = {g.pk: g for g in current.groups.all()}
    events = []
    for pk in sorted(set(wanted) - set(held)):
        current.groups.add(wanted[pk])
        events.append(
            _record(
                account=current, kind=Kind.ROLE_GRANTED, by=by, reason=reason, role=wanted[pk].name
            )
        )
    for pk in sorted(set(held) - set(wanted)):
        current.groups.remove(held[pk])
        events.append(
            _record(
                account=current, kind=Kind.ROLE_REMOVED, by=by, reason=reason, role=held[pk].name
            )
        )
    return events


def account_create(*, user, by, reason: str, roles: Iterable[Group] = ()):
    """Save a new account (its password already set) with the event, and its roles."""
    with transaction.atomic():
        user.save()
        _record(account=user, kind=Kind.CREATED, by=by, reason=reason)
        for name, (on, _off) in _SWITCHES.items():
            if name != "is_active" and getattr(user, name):
                _record(account=user, kind=on, by=by, reason=reason)
        _set_roles(user, {g.pk: g for g in roles}, by=by, reason=reason)
    return user


def account_save(
    *, user, by, reason: str, roles: Iterable[Group] | None = None, seen: str | None = None
) -> list[AccountEvent]:
    """Save an account edited in memory (the admin's form): its details, its switches (active,
    administrator rights) and, given ``roles``, its roles, each change an event with
    ``reason``. ``seen`` is the :func:`fingerprint` the editor saw: if the account changed
    since, :class:`~scrutiny.editing.StaleEdit` is raised and nothing is saved."""
    with transaction.atomic():
        current = _locked(user)
        if seen and fingerprint(current) != seen:
            raise StaleEdit(current)
        events = []
        for name, (on, off) in _SWITCHES.items():
            if getattr(user, name) != getattr(current, name):
                kind = on if getattr(user, name) else off
                events.append((kind, ""))
        if any(getattr(user, n) != getattr(current, n) for n in _DETAILS):
            events.append((Kind.DETAILS_CHANGED, ""))
        user.save(update_fields=[*_DETAILS, *_SWITCHES])
        written = [_record(account=user, kind=k, by=by, reason=reason) for k, _ in events]
        if roles is not None:
            written += _set_roles(user, {g.pk: g for g in roles}, by=by, reason=reason)
    return written


def password_changed(*, user, by, reason: str) -> AccountEvent | None:
    """Record that ``user``'s password was changed (not the password, nor its hash)."""
    if user.pk is None:
        return None
    with transaction.atomic():
        return _record(account=user, kind=Kind.PASSWORD_CHANGED, by=by, reason=reason)


def authenticator_added(*, user, reason: str) -> AccountEvent:
    """Record that ``user`` set up an authenticator app (never its secret)."""
    with transaction.atomic():
        return _record(account=user, kind=Kind.AUTHENTICATOR_ADDED, by=user, reason=reason)


def account_authenticator_remove(*, user, by, reason: str) -> int:
    """Remove ``user``'s authenticator app (an administrator who lost their phone): a session
    verified with it is verified no longer, and at their next sign-in they set up a new one
    before any page. One account event; an account with no app changes nothing. Returns how
    many apps were removed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        current = _locked(user)
        devices = list(TOTPDevice.objects.select_for_update().filter(user=current))
        if not devices:
            return 0
        _record(account=current, kind=Kind.AUTHENTICATOR_REMOVED, by=by, reason=reason)
        for device in devices:
            device.delete()
    return len(devices)
