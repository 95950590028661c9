"""Committees and bodies, their meetings, and the agenda items of a meeting."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from scrutiny.formats import british_date
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
        return reverse("committee_detail", args=[self.pk])

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
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "date"],
                name="meeting_unique_per_committee_and_day",
                violation_error_message="This committee already has a meeting on that day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee.name}, {british_date(self.date)}"

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])


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
