"""A scrutiny review: its type, committees, people, key dates and status, and its members."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from scrutiny.formats import british_date
from scrutiny.links import pk_url
from scrutiny.models import AuditedModel

from ..dates import (
    municipal_year,
    municipal_year_bounds,
    response_deadline,
    response_period_in_words,
)
from .framework import Committee, Meeting
from .people import Councillor, Officer


class ReviewType(models.TextChoices):
    TASK_GROUP = "task_group", "Task group"
    TASK_AND_FINISH = "task_and_finish_group", "Task and finish group"
    REVIEW_GROUP = "review_group", "Review group"
    CHALLENGE_PANEL = "challenge_panel", "Challenge panel"
    IN_DEPTH = "in_depth_review", "In-depth review"


class ReviewStatus(models.TextChoices):
    SCOPING = "scoping", "Scoping"
    EVIDENCE_GATHERING = "evidence_gathering", "Evidence gathering"
    REPORTING = "reporting", "Reporting"
    AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
    MONITORING = "monitoring", "Monitoring implementation"
    CLOSED = "closed", "Closed"


def attach_meetings(reviews, meetings: dict | None = None) -> None:
    """Set each review's meetings (``Review.MEETINGS``) from ``meetings`` (by primary key),
    or from one query for them all, with their committees."""
    if meetings is None:
        ids = {getattr(r, f"{name}_id") for r in reviews for name in Review.MEETINGS} - {None}
        meetings = Meeting.objects.select_related("committee").in_bulk(ids) if ids else {}
    for review in reviews:
        for name in Review.MEETINGS:
            meeting_id = getattr(review, f"{name}_id")
            if meeting_id is not None and meeting_id in meetings:
                setattr(review, name, meetings[meeting_id])


class ReviewQuerySet(models.QuerySet):
    def get_with_framework(self, *, meetings: bool = True, **lookup) -> "Review":
        """The review matching ``lookup`` with what its page shows: its committee and officer
        (joined), and unless ``meetings`` is false its meetings with their committees (one
        more query, by ``attach_meetings``). Joining all nine tables in one query took
        PostgreSQL longer to plan (3 ms) than both queries take."""
        review = self.select_related(
            "commissioning_committee", "scrutiny_officer", "contact_officer"
        ).get(**lookup)
        if meetings:
            attach_meetings([review])
        return review

    def awaiting_response(self):
        """Reviews whose report has gone to the executive (or whose deadline is set) with no
        response recorded. The deadline itself is computed in Python (see
        ``Review.response_deadline``), because its length is a setting."""
        return self.filter(response_given_on__isnull=True).filter(
            Q(report_received_on__isnull=False) | Q(extended_deadline__isnull=False)
        )


class Review(AuditedModel):
    """A scrutiny review: a task group (or panel) of councillors looking into a topic, ending
    in a report with numbered recommendations that go to the executive for a response."""

    title = models.CharField(max_length=300)
    review_type = models.CharField(max_length=30, choices=ReviewType.choices)
    commissioning_committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="reviews"
    )
    monitoring_committees = models.ManyToManyField(
        Committee,
        blank=True,
        related_name="monitored_reviews",
        verbose_name="committees that also monitor the review",
        help_text="The commissioning committee monitors the review. Tick any other committee "
        "that receives progress reports on it or agrees to close its recommendations.",
    )
    scrutiny_officer = models.ForeignKey(
        Officer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supported_reviews",
        help_text="The scrutiny officer supporting the review.",
    )
    contact_officer = models.ForeignKey(
        Officer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews_as_contact",
        help_text="The contact officer the committee papers on the review name, when not the "
        "scrutiny officer (Merton's July 2017 action plan: the Assistant Director of Business "
        "Improvement).",
    )
    reference_prefix = models.CharField(
        max_length=12,
        blank=True,
        help_text="Goes into generated recommendation references when two reviews share a "
        'municipal year: "2016/17 SOS R3".',
    )
    municipal_year = models.CharField(
        max_length=7,
        blank=True,
        help_text='May to April, "2016/17". Worked out from the date the report was agreed; '
        "type it where no date is known.",
    )
    scope = models.TextField(blank=True)
    objectives = models.TextField(blank=True)
    status = models.CharField(
        max_length=30,
        choices=ReviewStatus.choices,
        default=ReviewStatus.SCOPING,
        help_text="Moves to “Monitoring implementation” when every recommendation has a "
        "response, and to “Closed” when the committee has closed every one, unless held.",
    )
    status_held = models.BooleanField(
        "hold this status",
        default=False,
        help_text="The status stays as set here: responses and closures do not move it.",
    )
    combined_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="combined_reviews",
        help_text="The joint review whose report carried this review's findings to the executive.",
    )

    # Key dates, in the order they happen.
    scope_agreed_on = models.DateField(null=True, blank=True)
    report_agreed_on = models.DateField(
        null=True, blank=True, help_text="The date the commissioning committee agreed the report."
    )
    report_agreed_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_received_on = models.DateField(
        null=True, blank=True, help_text="The date the executive received the report."
    )
    report_received_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extended_deadline = models.DateField(
        null=True, blank=True, help_text="A longer response deadline agreed by the committee."
    )
    extension_reason = models.TextField(blank=True)
    response_given_on = models.DateField(null=True, blank=True)
    response_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReviewQuerySet.as_manager()

    # The meetings a review's report and response went to.
    MEETINGS = ("report_agreed_meeting", "report_received_meeting", "response_meeting")

    # The history keeps the committees monitoring the review with each row
    # (django-simple-history's many-to-many support; AuditedModel's history is inherited).
    _history_m2m_fields = ["monitoring_committees"]

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_deadline__isnull=True) | ~Q(extension_reason=""),
                name="review_extension_needs_reason",
                violation_error_message="An extended deadline needs the reason the committee "
                "gave for it.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return pk_url("review_detail", self.pk)

    def clean(self) -> None:
        errors = {}
        if self.extended_deadline and not self.extension_reason.strip():
            errors["extension_reason"] = "Give the reason the committee agreed a longer deadline."
        for date_field, meeting_field in (
            ("report_agreed_on", "report_agreed_meeting"),
            ("report_received_on", "report_received_meeting"),
            ("response_given_on", "response_meeting"),
        ):
            meeting = getattr(self, meeting_field)
            day = getattr(self, date_field)
            if meeting is not None and day is not None and meeting.date != day:
                errors[date_field] = (
                    f"The date must be the date of the meeting ({british_date(meeting.date)})."
                )
        if self.municipal_year:
            try:
                municipal_year_bounds(self.municipal_year)
            except ValueError:
                errors["municipal_year"] = 'Write the municipal year as "2016/17".'
        if self.report_received_meeting_id:
            # Which meetings fit is written once, in meeting_rules (imported here: it reads
            # these models).
            from ..meeting_rules import add_refusal, check_receipt_meeting

            try:
                check_receipt_meeting(
                    self.report_received_meeting, review=self, date_field="report_received_on"
                )
            except ValidationError as refused:
                add_refusal(errors, refused)
        elif (
            self.report_received_on
            and self.report_agreed_on
            and self.report_received_on < self.report_agreed_on
        ):
            errors["report_received_on"] = (
                "The executive cannot receive the report before the committee agreed it."
            )
        if (
            self.response_given_on
            and self.report_received_on
            and self.response_given_on < self.report_received_on
        ):
            errors["response_given_on"] = (
                "The response cannot come before the executive received the report."
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # A meeting fixes its date: fill the date from the meeting when only the meeting is set.
        for date_field, meeting_field in (
            ("report_agreed_on", "report_agreed_meeting"),
            ("report_received_on", "report_received_meeting"),
            ("response_given_on", "response_meeting"),
        ):
            meeting = getattr(self, meeting_field)
            if meeting is not None and getattr(self, date_field) is None:
                setattr(self, date_field, meeting.date)
        if self.report_agreed_on or self.scope_agreed_on:
            self.municipal_year = municipal_year(self.report_agreed_on or self.scope_agreed_on)
        elif not self.municipal_year:
            self.municipal_year = municipal_year(timezone.localdate())
        super().save(*args, **kwargs)

    # --- the response deadline (section 9FE of the Local Government Act 2000) ---

    @property
    def statutory_deadline(self) -> datetime.date | None:
        """The last day of the response period (settings) beginning with the day the executive
        received the report, or None before it has."""
        if self.report_received_on is None:
            return None
        return response_deadline(self.report_received_on)

    @property
    def response_period_rule(self) -> str:
        """The rule that gives ``statutory_deadline``, in words: "two months beginning with
        14 November 2016" (empty before the executive has received the report)."""
        if self.report_received_on is None:
            return ""
        return response_period_in_words(self.report_received_on)

    @property
    def response_deadline(self) -> datetime.date | None:
        """The deadline in force: an extended deadline takes precedence over the statutory one."""
        return self.extended_deadline or self.statutory_deadline

    def is_response_overdue(self, today: datetime.date | None = None) -> bool:
        """True when the deadline has passed and no response has been recorded."""
        today = today or timezone.localdate()
        deadline = self.response_deadline
        return self.response_given_on is None and deadline is not None and deadline < today

    def days_to_response_deadline(self, today: datetime.date | None = None) -> int | None:
        """Days left to the deadline (negative once it has passed); None with no deadline or
        once the response is in."""
        deadline = self.response_deadline
        if deadline is None or self.response_given_on is not None:
            return None
        return (deadline - (today or timezone.localdate())).days


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"
    LEAD_MEMBER = "lead_member", "Scrutiny lead member"


class ReviewMember(AuditedModel):
    """A councillor's place on a review: chair, vice-chair or member."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="members")
    councillor = models.ForeignKey(
        Councillor, on_delete=models.PROTECT, related_name="review_places"
    )
    role = models.CharField(max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)

    class Meta:
        ordering = ["review_id", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "councillor"],
                name="review_member_once_per_review",
                violation_error_message="This councillor is already on the review.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.councillor} ({self.get_role_display()}), {self.review}"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url()
