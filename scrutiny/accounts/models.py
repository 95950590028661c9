"""What happened to an account: roles given and removed, deactivated and activated, password
changed, administrator rights given and removed, authenticator app set up and removed; by
whom, when and why. Written only by ``scrutiny.accounts.services``; never changed or deleted
(each event has its own history)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from scrutiny.models import AuditedModel


class AccountEvent(AuditedModel):
    class Kind(models.TextChoices):
        CREATED = "created", "Account created"
        ROLE_GRANTED = "role_granted", "Role given"
        ROLE_REMOVED = "role_removed", "Role removed"
        DEACTIVATED = "deactivated", "Account deactivated"
        ACTIVATED = "activated", "Account activated"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        SUPERUSER_GRANTED = "superuser_granted", "Superuser rights given"
        SUPERUSER_REMOVED = "superuser_removed", "Superuser rights removed"
        STAFF_GRANTED = "staff_granted", "Admin site access given"
        STAFF_REMOVED = "staff_removed", "Admin site access removed"
        DETAILS_CHANGED = "details_changed", "Name, username or email changed"
        AUTHENTICATOR_ADDED = "authenticator_added", "Authenticator app set up"
        AUTHENTICATOR_REMOVED = "authenticator_removed", "Authenticator app removed"

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="account_events",
        verbose_name="account",
    )
    kind = models.CharField("what happened", max_length=32, choices=Kind.choices)
    role = models.CharField("role", max_length=150, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="by",
        help_text="Empty when nobody was signed in (a password reset through its email link).",
    )
    at = models.DateTimeField("when", default=timezone.now)
    reason = models.TextField("reason")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["account", "-at"], name="account_event_latest")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="account_event_reason")
        ]

    def __str__(self) -> str:
        what = self.get_kind_display()
        return f"{what}{f' ({self.role})' if self.role else ''}: {self.account}"
