"""Signing in: Django's model backend, reading the signed-in account in one query with what
every page asks of it: its officer record, if any (the navigation's "My actions"), and its
roles (``scrutiny.permissions``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from . import roles


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        """The account of a session, with its officer (``user.officer``) and the names of its
        roles (``user._role_names``, as ``permissions`` reads them) read alongside."""
        model = get_user_model()
        in_role = {
            f"in_role_{n}": Exists(Group.objects.filter(user=OuterRef("pk"), name=name))
            for n, name in enumerate(roles.ALL_ROLES)
        }
        try:
            user = (
                model._default_manager.select_related("officer").annotate(**in_role).get(pk=user_id)
            )
        except model.DoesNotExist:
            return None
        user._role_names = {
            name for n, name in enumerate(roles.ALL_ROLES) if getattr(user, f"in_role_{n}")
        }
        return user if self.user_can_authenticate(user) else None
