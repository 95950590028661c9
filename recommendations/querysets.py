"""The queries of the register, as QuerySet methods: what a register row shows, what is
overdue, what is to be chased. Models are reached through ``self.model`` and its relations by
name, so this module does not import ``recommendations.models`` (which imports it)."""

import datetime
from typing import NamedTuple

from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from reviews.models import Meeting
from scrutiny.links import pk_url

from .statuses import Decision, ProgressStatus, RecommendationStatus


def _status_key():
    """The council's status key (imported when asked: ``recommendations.models`` imports this
    module)."""
    from .models.key import status_key

    return status_key()


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
        latest = (
            Update.objects.current()
            .filter(recommendation=models.OuterRef("pk"))
            .order_by("-date", "-pk")
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
        latest = (
            Update.objects.current().filter(recommendation=models.OuterRef("pk")).order_by("-date")
        )
        return (
            self.open()
            .current()
            .filter(decision__in=Decision.needing_action())
            .exclude(
                status__in=_status_key().codes_in(
                    RecommendationStatus.ACHIEVED, RecommendationStatus.CLOSED
                )
            )
            .annotate(
                last_meeting_date=models.Subquery(last_meeting.values("date")[:1]),
                latest_update_date=models.Subquery(latest.values("date")[:1]),
            )
            .filter(last_meeting_date__isnull=False)
            .filter(
                ~models.Exists(
                    Update.objects.current().filter(
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

    def meeting_lines(self, meeting: Meeting, start: datetime.date | None) -> "MeetingLines":
        """The recommendations a meeting page lists, in register order, in one query:
        ``responded`` (the executive responded at the meeting), ``closed`` (closed there) and,
        given ``start`` (the previous meeting's date), ``new_responses``: responses dated after
        it and up to this meeting on the reviews the meeting's committee monitors."""
        lists = {
            "responded": Q(response_meeting=meeting),
            "closed": Q(closed_at_meeting=meeting),
        }
        if start is not None:
            lists["new_responses"] = Q(
                review__commissioning_committee=meeting.committee_id,
                response_date__gt=start,
                response_date__lte=meeting.date,
            )
        any_list = Q()
        for condition in lists.values():
            any_list |= condition
        rows = (
            self.filter(any_list)
            .annotate(
                **{
                    f"in_{name}": ExpressionWrapper(condition, output_field=BooleanField())
                    for name, condition in lists.items()
                }
            )
            .only(*MEETING_LINE, "closure_minute_reference")
            .order_by("review_id", "number", "pk")
        )
        found = {name: [] for name in ("responded", "closed", "new_responses")}
        for rec in rows:
            for name in lists:
                if getattr(rec, f"in_{name}"):
                    found[name].append(rec)
        return MeetingLines(**found)


class ActionPlanItemQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None):
        """Actions past their target date and not achieved (on an open recommendation)."""
        today = today or timezone.localdate()
        return self.filter(
            target_date__lt=today,
            recommendation__closed_at_meeting__isnull=True,
            recommendation__archived_at__isnull=True,
        ).exclude(status__in=_status_key().codes_in(ProgressStatus.ACHIEVED))


# --- a meeting page's lines ------------------------------------------------------------------

# What a meeting page's line about a recommendation shows: a link, its reference (or
# number) and the executive's decision.
MEETING_LINE = ("id", "number", "reference", "decision")
EXCERPT_LENGTH = 160


class MeetingLines(NamedTuple):
    """The recommendations a meeting page lists, each list in register order."""

    responded: list  # the executive responded at the meeting
    closed: list  # closed there
    new_responses: list  # responses since the committee's previous meeting (scrutiny only)


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a long text, ending in an ellipsis: as ``truncatechars``, without its
    per-call translation lookups (a meeting page shows a few hundred of these)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class UpdateLine(NamedTuple):
    """A meeting page's line about an update."""

    pk: int
    date: datetime.date
    excerpt: str
    reported_to_id: int | None
    recommendation_id: int
    reference: str
    review_title: str

    @property
    def url(self) -> str:
        return pk_url("recommendation_detail", self.recommendation_id) + f"#update-{self.pk}"


class UpdateQuerySet(models.QuerySet):
    def current(self):
        """Updates not withdrawn: what every current page, register and document shows (a
        withdrawn update stays in the history, and in the pages "as at" a date before its
        withdrawal)."""
        return self.filter(withdrawn_at__isnull=True)

    def lines(self) -> list[UpdateLine]:
        """What a meeting page lists of each update, read as plain values in one query: the
        recommendation's reference, its review's title, the date and the start of the text."""
        rows = self.values(
            "pk",
            "date",
            "text",
            "reported_to_id",
            "recommendation_id",
            "recommendation__number",
            "recommendation__reference",
            "recommendation__review__title",
        )
        return [
            UpdateLine(
                pk=row["pk"],
                date=row["date"],
                excerpt=excerpt(row["text"]),
                reported_to_id=row["reported_to_id"],
                recommendation_id=row["recommendation_id"],
                reference=row["recommendation__reference"]
                or f"Recommendation {row['recommendation__number']}",
                review_title=row["recommendation__review__title"],
            )
            for row in rows
        ]
