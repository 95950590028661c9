"""Who may change what. Every view that writes asks here; the server enforces it.

- Scrutiny officers (and administrators) keep the register: they may change everything.
- Lead officers may edit the actions they own and post updates on them (and on the
  recommendations they lead), and correct an update of their own until it has been reported
  to a meeting. Reopening a recommendation, withdrawing an update, editing someone else's and
  withdrawing a published document are corrections to the register: scrutiny officers only.
- Councillors read; they may change nothing.
"""

from django.core.exceptions import PermissionDenied

from . import roles


def _groups(user) -> set[str]:
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def has_role(user) -> bool:
    """Signed in, active, and a superuser or in one of the four roles (no query for the
    signed-in user: ``scrutiny.auth.AccountBackend`` reads the roles with the account). An
    account in no role (its roles removed, or made by single sign-on before its groups were
    mapped) sees nothing of the register: ``signin.middleware.RoleRequiredMiddleware``."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_groups(user) & set(roles.ALL_ROLES))


def is_register_editor(user) -> bool:
    """A scrutiny officer or administrator: may change every record (one query, cached)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(_groups(user) & {roles.SCRUTINY_OFFICER, roles.ADMINISTRATOR})


def is_administrator(user) -> bool:
    """A superuser or a member of the Administrators role, while the account is active: sets
    what the server itself reaches, such as a committee's calendar feed address."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or roles.ADMINISTRATOR in _groups(user)


def require_administrator(user) -> None:
    """Raise PermissionDenied (403) unless ``user`` is an administrator."""
    if not is_administrator(user):
        raise PermissionDenied("Only administrators can do this.")


def is_lead_officer(user) -> bool:
    return user.is_authenticated and roles.LEAD_OFFICER in _groups(user)


def has_officer_record(user) -> bool:
    """Whether the account belongs to an officer in the register: they have "My actions",
    the actions they own and the recommendations they lead. No query for the signed-in user
    (``scrutiny.auth.AccountBackend`` reads the officer with the account)."""
    return user.is_authenticated and hasattr(user, "officer")


def is_councillor(user) -> bool:
    return user.is_authenticated and roles.COUNCILLOR in _groups(user)


def can_publish(user) -> bool:
    """Publishing a committee document to a meeting (keeping the copy that went to it) is
    keeping the register: scrutiny officers and administrators, while their account is active."""
    return is_register_editor(user)


def require_register_editor(user) -> None:
    """Raise PermissionDenied (403) unless ``user`` keeps the register."""
    if not is_register_editor(user):
        raise PermissionDenied("Only scrutiny officers can change the register.")


def owns(user, officer) -> bool:
    """True when ``officer`` (an Officer or None) is the user's own officer record."""
    return officer is not None and officer.user_id is not None and officer.user_id == user.pk


def can_edit_action(user, action) -> bool:
    """Scrutiny officers edit every action; a lead officer only the actions they own."""
    return is_register_editor(user) or (is_lead_officer(user) and owns(user, action.owner))


def can_post_update(user, recommendation, action=None) -> bool:
    """Scrutiny officers post on anything; a lead officer on an action they own, or on a
    recommendation they lead."""
    if is_register_editor(user):
        return True
    if not is_lead_officer(user):
        return False
    if action is not None:
        return owns(user, action.owner)
    return owns(user, recommendation.lead_officer)


def can_edit_update(user, update) -> bool:
    """Scrutiny officers correct every update; a lead officer only an update they wrote (its
    author is their officer record) that has not yet been reported to a meeting held by today.
    Reads the update's meeting unless it is loaded."""
    if is_register_editor(user):
        return True
    return (
        is_lead_officer(user)
        and owns(user, update.author)
        and not update.is_withdrawn
        and not update.is_reported()
    )
