"""Signing in: Django's model backend, reading the signed-in account with its officer record
(if any) in the same query, since every page's navigation asks whether the account is an
officer's ("My actions")."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        """The account of a session, with its officer (``user.officer``) read alongside."""
        model = get_user_model()
        try:
            user = model._default_manager.select_related("officer").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
