"""The action plan: the actions agreed for a recommendation, and the revisions of their
target dates (the slippage)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from reviews.models import Officer
from scrutiny.models import AuditedModel

from ..querysets import ActionPlanItemQuerySet
from ..statuses import ProgressStatus
from .key import progress_status_field_check, status_key
from .recommendation import Recommendation


class ActionPlanItem(AuditedModel):
    """An action agreed in the action plan for a recommendation: what, by when (as the council
    wrote it, and as a date where there is one), who, and how it is going.

    The first target date is kept; each revision needs a reason (``revise_target_date``).
    """

    # What the council calls it, on a page that says it was removed ("This action was…").
    record_name = "action"

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="actions"
    )
    number = models.PositiveSmallIntegerField(default=1)
    action = models.TextField(
        blank=True,
        help_text="The action agreed. (Blank only where the council's own plan left it empty.)",
    )
    timeline = models.CharField(
        max_length=200, blank=True, help_text='As the council wrote it: "Late 2017", "Ongoing".'
    )
    target_date = models.DateField(null=True, blank=True)
    first_target_date = models.DateField(null=True, blank=True, editable=False)
    target_revision_count = models.PositiveSmallIntegerField(default=0, editable=False)
    owner = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    status = models.CharField(
        max_length=20,
        default=ProgressStatus.NOT_STARTED,
        validators=[progress_status_field_check],
        help_text="A progress status of the council's key.",
    )
    status_reason = models.TextField(
        blank=True, help_text="Why it has this status: required for a status such as Paused."
    )

    objects = ActionPlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation_id", "number", "pk"]
        verbose_name = "action plan item"
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "number"],
                name="action_number_unique_in_recommendation",
                violation_error_message="This recommendation already has an action with that "
                "number.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation}, action {self.number}"

    def get_absolute_url(self) -> str:
        return self.recommendation.get_absolute_url() + f"#action-{self.pk}"

    def clean(self) -> None:
        key = status_key()
        if key.requires_reason(self.status) and not self.status_reason.strip():
            raise ValidationError(
                {
                    "status_reason": f"Give the reason the action is "
                    f"“{key.label(self.status)}”: the council's key asks for one."
                }
            )

    def save(self, *args, update_recommendation: bool = True, **kwargs):
        """Save; the first target date is kept the first time one is set, and the
        recommendation's derived status follows (saved with history if it changed)."""
        if self.first_target_date is None and self.target_date is not None:
            self.first_target_date = self.target_date
        super().save(*args, **kwargs)
        if update_recommendation:
            self._refresh_recommendation_status()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._refresh_recommendation_status()
        return result

    def _refresh_recommendation_status(self) -> None:
        """Re-derive the recommendation's status from a fresh, locked copy, so an edit of the
        recommendation saved meanwhile is kept (two queries, three if the status changed)."""
        with transaction.atomic():
            Recommendation.objects.select_for_update().get(
                pk=self.recommendation_id
            ).refresh_status()

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Past its target date and not achieved (a status of the achieved category)."""
        today = today or timezone.localdate()
        return (
            self.target_date is not None
            and self.target_date < today
            and status_key().category(self.status) != ProgressStatus.ACHIEVED
        )

    @property
    def slippage_days(self) -> int:
        """Days between the first agreed target and the target now in force (0 if none)."""
        if self.target_date is None or self.first_target_date is None:
            return 0
        return (self.target_date - self.first_target_date).days

    @property
    def slippage_text(self) -> str:
        """ "Target revised twice, 7 months later than first agreed", or "" if never revised."""
        if not self.target_revision_count:
            return ""
        times = {1: "once", 2: "twice"}.get(
            self.target_revision_count, f"{self.target_revision_count} times"
        )
        text = f"Target revised {times}"
        if self.target_date and self.first_target_date and self.slippage_days:
            delta = relativedelta(self.target_date, self.first_target_date)
            direction = "later" if self.slippage_days > 0 else "earlier"
            if self.slippage_days < 0:
                delta = relativedelta(self.first_target_date, self.target_date)
            months = delta.years * 12 + delta.months
            if months:
                amount = f"{months} month{'s' if months != 1 else ''}"
            else:
                amount = f"{delta.days} day{'s' if delta.days != 1 else ''}"
            text += f", {amount} {direction} than first agreed"
        return text


class TargetDateRevision(AuditedModel):
    """A revision of an action's target date, with the reason it was needed."""

    action = models.ForeignKey(
        ActionPlanItem, on_delete=models.CASCADE, related_name="target_revisions"
    )
    previous_target_date = models.DateField()
    new_target_date = models.DateField()
    reason = models.TextField()
    revised_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["action_id", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="target_revision_needs_reason",
                violation_error_message="Revising a target date needs a reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.previous_target_date} → {self.new_target_date}"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url()
