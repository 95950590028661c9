"""Committees and bodies, their meetings, and the agenda items of a meeting."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models
from django.db.models import Q

from scrutiny.formats import british_date
from scrutiny.links import pk_url
from scrutiny.models import AuditedModel

from ..dates import parse_working_day_offsets


def working_day_offsets_check(value: str) -> None:
    """A list of working days such as "5,1"."""
    try:
        parse_working_day_offsets(value)
    except ValueError as problem:
        raise ValidationError(str(problem)) from None


class CommitteeKind(models.TextChoices):
    SCRUTINY = "scrutiny", "Scrutiny"
    EXECUTIVE = "executive", "Executive"
    EXECUTIVE_MEMBER = "executive_member", "Executive member"
    OFFICER = "officer", "Officers"
    FULL_COUNCIL = "full_council", "Full council"


# The kinds of body that are the executive: the Cabinet, and a Cabinet Member deciding alone.
# The executive receives a review's report and gives the response (see ``meeting_rules``).
EXECUTIVE_KINDS = (CommitteeKind.EXECUTIVE, CommitteeKind.EXECUTIVE_MEMBER)


class Committee(AuditedModel):
    """A body that meets or decides: a scrutiny commission or panel, Cabinet, a Cabinet Member,
    the Corporate Management Team, full Council. Recommendations name one as responsible."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=40, blank=True, help_text='Used in tables, for example "OSC" or "CMT".'
    )
    kind = models.CharField(max_length=20, choices=CommitteeKind.choices)

    # The update round before each monitoring meeting (recommendations/rounds/), counted in
    # working days (reviews.dates: weekdays less the bank holidays of England and Wales).
    returns_deadline_working_days = models.PositiveSmallIntegerField(
        "deadline for returns, working days before the meeting",
        default=10,
        db_default=10,  # rows written by code that predates the field get it too
        validators=[MaxValueValidator(60)],
    )
    reminder_working_days = models.CharField(
        "reminders, working days before the deadline",
        max_length=40,
        blank=True,
        default="5,1",
        db_default="5,1",
        validators=[working_day_offsets_check],
        help_text="Numbers separated by commas, such as 5,1. Leave blank for no reminders.",
    )
    round_opens_working_days = models.PositiveSmallIntegerField(
        "open the round automatically, working days before the meeting",
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text="Leave blank to open each round yourself.",
    )
    # The committee's calendar in the council's committee management system (Modern.gov
    # publishes one per committee), read by reviews.calendar: set by an administrator, since
    # the server fetches it.
    calendar_feed_url = models.URLField(
        "calendar feed address",
        max_length=500,
        blank=True,
        default="",
        db_default="",
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message="Enter an address starting with https:// or http://.",
            )
        ],
        help_text="The committee's iCalendar (.ics) feed, for example from Modern.gov. "
        "For a webcal:// address, write https:// instead.",
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "committee or body"
        verbose_name_plural = "committees and bodies"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        problem = self.round_opening_problem()
        if problem:
            raise ValidationError({"round_opens_working_days": problem})

    def round_opening_problem(self) -> str:
        """Why the round cannot open itself as set, or "": it must open before its deadline
        for returns, that is more working days before the meeting."""
        opens, deadline = self.round_opens_working_days, self.returns_deadline_working_days
        if opens is None or deadline is None or opens > deadline:
            return ""
        return (
            f"The round would open on or after its own deadline for returns ({deadline} "
            f"working days before the meeting), so owners would have no time to reply. Open "
            f"it more than {deadline} working days before the meeting, or leave this blank."
        )

    def reminder_offsets(self) -> list[int]:
        """The working days before a round's deadline on which reminders go, largest first."""
        return parse_working_day_offsets(self.reminder_working_days)

    def get_absolute_url(self) -> str:
        return pk_url("committee_detail", self.pk)

    @property
    def is_scrutiny(self) -> bool:
        return self.kind == CommitteeKind.SCRUTINY

    @property
    def is_executive(self) -> bool:
        return self.kind in EXECUTIVE_KINDS


class Meeting(AuditedModel):
    """A meeting of a committee on a date. Reports are received, responses agreed and progress
    reported at meetings."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(
        "start time", null=True, blank=True, help_text="On the 24-hour clock, for example 19:15."
    )
    location = models.CharField(max_length=200, blank=True)
    # The event's UID in the committee's calendar feed (reviews.calendar), so a meeting the
    # feed moves is recognised; blank for a meeting entered by hand.
    calendar_uid = models.CharField(
        "calendar event identifier",
        max_length=255,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )

    class Meta:
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "date"],
                name="meeting_unique_per_committee_and_day",
                violation_error_message="This committee already has a meeting on that day.",
            ),
            models.UniqueConstraint(
                fields=["committee", "calendar_uid"],
                condition=~Q(calendar_uid=""),
                name="meeting_calendar_uid_unique_per_committee",
                violation_error_message="Another meeting of this committee is that calendar event.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee.name}, {british_date(self.date)}"

    def get_absolute_url(self) -> str:
        return pk_url("meeting_detail", self.pk)

    @property
    def when(self) -> str:
        """The date, and the start time when known: "6 July 2017, 19:15"."""
        if self.start_time is None:
            return british_date(self.date)
        return f"{british_date(self.date)}, {self.start_time:%H:%M}"

    @classmethod
    def attached_records(cls, meetings) -> dict[int, list[str]]:
        """For each of ``meetings`` that has records attached (agenda items, updates reported
        to it, reports received or responses given at it, its update round, documents
        published to it: any row of any app that points at the meeting), the names of those
        kinds of record, by meeting id. A meeting with records attached is never deleted by a
        calendar feed.

        Found through the relations that point at Meeting, so this app need not know the apps
        built on it. Runs one query per such relation, whatever the number of meetings."""
        ids = [m.pk for m in meetings if m.pk]
        found: dict[int, list[str]] = {}
        if not ids:
            return found
        for relation in cls._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and not relation.concrete and relation.is_relation):
                continue
            model = relation.related_model
            if _is_history_model(model):
                continue
            name = relation.field.name
            linked = (
                model._base_manager.filter(**{f"{name}__in": ids})
                .values_list(name, flat=True)
                .distinct()
            )
            label = str(model._meta.verbose_name_plural)
            for meeting_id in linked:
                kinds = found.setdefault(meeting_id, [])
                if label not in kinds:
                    kinds.append(label)
        return found


def _is_history_model(model) -> bool:
    """A django-simple-history table: its rows keep the past, they attach nothing."""
    from simple_history.models import HistoricalChanges

    return issubclass(model, HistoricalChanges)


class AgendaItem(AuditedModel):
    """An item on a meeting's agenda ("Agenda item 4"), to which papers are attached."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    reference = models.CharField(
        max_length=20, blank=True, help_text='As printed: "4", "7a". Blank if unnumbered.'
    )
    title = models.CharField(max_length=500)

    class Meta:
        ordering = ["meeting_id", "reference", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "reference"],
                condition=~Q(reference=""),
                name="agenda_item_reference_unique_in_meeting",
                violation_error_message="This meeting already has an agenda item with that number.",
            )
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.reference}: {self.title}" if self.reference else self.title

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url() + f"#agenda-item-{self.pk}"
