"""The queries of the register, as QuerySet methods: what a register row shows, what is
overdue, what is to be chased. Models are reached through ``self.model`` and its relations by
name, so this module does not import ``recommendations.models`` (which imports it)."""

import datetime

from django.db import models
from django.utils import timezone

from reviews.models import Meeting

from .statuses import Decision, ProgressStatus, RecommendationStatus


def _related(queryset: models.QuerySet, name: str) -> type[models.Model]:
    """The model at the other end of the relation ``name`` of the queryset's model: Update
    for a recommendation's ``updates``, ActionPlanItem for its ``actions``."""
    return queryset.model._meta.get_field(name).related_model


class RecommendationQuerySet(models.QuerySet):
    def for_register(self, today: datetime.date | None = None):
        """What a row of the register shows, in one query: the review and body, the date of
        the latest update (``latest_update_date``) and whether any action is overdue
        (``has_overdue_action``)."""
        today = today or timezone.localdate()
        Update, ActionPlanItem = _related(self, "updates"), _related(self, "actions")
        latest = Update.objects.filter(recommendation=models.OuterRef("pk")).order_by(
            "-date", "-pk"
        )
        overdue = ActionPlanItem.objects.overdue(today).filter(recommendation=models.OuterRef("pk"))
        return self.select_related("review", "responsible_body", "lead_officer").annotate(
            latest_update_date=models.Subquery(latest.values("date")[:1]),
            has_overdue_action=models.Exists(overdue),
        )

    def not_updated_since_last_meeting(self, today: datetime.date | None = None):
        """Open, accepted recommendations with no update since the last meeting (up to today)
        of the committee monitoring their review: the ones to chase before the next one."""
        today = today or timezone.localdate()
        Update = _related(self, "updates")
        last_meeting = Meeting.objects.filter(
            committee=models.OuterRef("review__commissioning_committee"), date__lte=today
        ).order_by("-date")
        latest = Update.objects.filter(recommendation=models.OuterRef("pk")).order_by("-date")
        return (
            self.open()
            .current()
            .filter(decision__in=Decision.needing_action())
            .exclude(status__in=[RecommendationStatus.ACHIEVED, RecommendationStatus.CLOSED])
            .annotate(
                last_meeting_date=models.Subquery(last_meeting.values("date")[:1]),
                latest_update_date=models.Subquery(latest.values("date")[:1]),
            )
            .filter(last_meeting_date__isnull=False)
            .filter(
                ~models.Exists(
                    Update.objects.filter(
                        recommendation=models.OuterRef("pk"),
                        date__gte=models.OuterRef("last_meeting_date"),
                    )
                )
            )
        )

    def accepted_without_action(self):
        """Recommendations the executive accepted (wholly, in principle or in part) that have
        no action plan item: the register flags these."""
        return self.filter(decision__in=Decision.needing_action(), actions__isnull=True)

    def open(self):
        """Recommendations not yet closed by the committee."""
        return self.filter(closed_at_meeting__isnull=True)

    def current(self):
        """Recommendations not archived (archived ones stay in the register's history)."""
        return self.filter(archived_at__isnull=True)


class ActionPlanItemQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None):
        """Actions past their target date and not achieved (on an open recommendation)."""
        today = today or timezone.localdate()
        return self.filter(
            target_date__lt=today,
            recommendation__closed_at_meeting__isnull=True,
            recommendation__archived_at__isnull=True,
        ).exclude(status=ProgressStatus.ACHIEVED)
