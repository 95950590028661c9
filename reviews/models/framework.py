"""Committees and bodies, their meetings, and the agenda items of a meeting."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from scrutiny.formats import british_date
from scrutiny.models import AuditedModel


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

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "committee or body"
        verbose_name_plural = "committees and bodies"

    def __str__(self) -> str:
        return self.name

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
