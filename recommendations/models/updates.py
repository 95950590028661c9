"""Progress updates on a recommendation or one of its actions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reviews import meeting_rules
from reviews.models import Meeting, Officer
from scrutiny.models import AuditedModel, Withdrawable

from ..querysets import UpdateQuerySet
from .actions import ActionPlanItem
from .key import progress_status_field_check, status_key
from .recommendation import Recommendation


class Update(Withdrawable, AuditedModel):
    """A dated progress note on an action, or on the recommendation as a whole, with the status
    it reports and the meeting it was reported to."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="updates"
    )
    action = models.ForeignKey(
        ActionPlanItem, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    date = models.DateField(default=timezone.localdate)
    text = models.TextField()
    # Who wrote it (an officer, or a partner's contact), which need not be who typed it in:
    # a scrutiny officer often enters an update a lead officer sent by email.
    author = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="entered by",
    )
    reported_status = models.CharField(
        max_length=20, blank=True, validators=[progress_status_field_check]
    )
    status_reason = models.TextField(
        blank=True, help_text="Why, for a status that needs its reason (such as Paused)."
    )
    reported_to = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )

    # Corrections. An edit keeps the last one's date and reason on the record (every edit is
    # in the history). A withdrawn update (``Withdrawable``) leaves the current pages and
    # documents; the history and the pages "as at" a date before the withdrawal still show it.
    edited_at = models.DateTimeField("edited on", null=True, blank=True, editable=False)
    edit_reason = models.TextField("reason for the edit", blank=True, editable=False)

    objects = UpdateQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation_id", "-date", "-pk"]
        get_latest_by = ["date", "pk"]
        indexes = [
            # "The latest update of each recommendation", asked by every register row.
            models.Index(fields=["recommendation", "-date", "-id"], name="update_latest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="update_has_text",
                violation_error_message="An update needs its text.",
            ),
            models.CheckConstraint(
                condition=Q(edited_at__isnull=True) | ~Q(edit_reason=""),
                name="update_edit_needs_reason",
                violation_error_message="Editing an update needs a reason.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="update_withdrawal_needs_reason",
                violation_error_message="Withdrawing an update needs a reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"Update of {self.date:%d/%m/%Y} on {self.recommendation}"

    def get_absolute_url(self) -> str:
        return self.recommendation.get_absolute_url() + f"#update-{self.pk}"

    def is_reported(self, today=None) -> bool:
        """Reported to a meeting already held (by ``today``): a lead officer's own update can
        be edited only before it is. Reads the meeting unless it is loaded."""
        if not self.reported_to_id:
            return False
        return self.reported_to.date <= (today or timezone.localdate())

    @property
    def entered_by_someone_else(self) -> bool:
        """Typed in by someone other than its author (a scrutiny officer entering an update
        sent by email, say): the record then names both."""
        if self.entered_by_id is None:
            return False
        return self.author_id is None or self.author.user_id != self.entered_by_id

    def clean(self) -> None:
        errors = {}
        if (
            self.action_id
            and self.recommendation_id
            and self.action.recommendation_id != self.recommendation_id
        ):
            errors["action"] = "That action belongs to a different recommendation."
        key = status_key()
        if key.requires_reason(self.reported_status) and not self.status_reason.strip():
            errors["status_reason"] = (
                f"Give the reason for “{key.label(self.reported_status)}”: the council's key "
                "asks for one."
            )
        if self.reported_to_id and self.recommendation_id:
            try:
                meeting_rules.check_update_meeting(
                    self.reported_to, review=self.recommendation.review, date=self.date
                )
            except ValidationError as refused:
                meeting_rules.add_refusal(errors, refused)
        if errors:
            raise ValidationError(errors)
