"""The update round: before a monitoring meeting, one request per owner for updates on their
open recommendations and actions, the owners' returns, and every email sent.

Reply links carry a random token (``secrets.token_urlsafe(32)``) of which only the SHA-256 is
kept. Each email sent carries a link of its own (so a reminder does not break the link in the
first message): its hash is on the :class:`EmailSent` row. Revoking a request's links stamps
``UpdateRequest.links_revoked_at``; every link issued before it is refused from then on.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from recommendations.models import ActionPlanItem, Recommendation, Update
from reviews.models import Meeting, Officer
from scrutiny.models import AuditedModel


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a reply token: all the database ever holds of it."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh reply token and its hash."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


class RoundState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class UpdateRound(AuditedModel):
    """The updates asked for before one monitoring meeting, and the deadline for returns."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="update_round")
    deadline = models.DateField("deadline for returns")
    covering_text = models.TextField(
        "covering message",
        blank=True,
        help_text="Shown at the top of every request, above the list of items.",
    )
    state = models.CharField(max_length=10, choices=RoundState.choices, default=RoundState.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-deadline", "pk"]
        verbose_name = "update round"

    def __str__(self) -> str:
        return f"Update round for {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("round_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN


class RequestState(models.TextChoices):
    DRAFT = "draft", "Not sent yet"
    SENT = "sent", "Sent"
    FORWARDED = "forwarded", "Forwarded to a colleague"


class UpdateRequest(AuditedModel):
    """One owner's part of a round: the items they are asked to update, and the state of
    the request."""

    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="requests")
    owner = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="update_requests")
    state = models.CharField(
        max_length=10, choices=RequestState.choices, default=RequestState.DRAFT
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    links_revoked_at = models.DateTimeField(
        "links revoked on", null=True, blank=True, editable=False
    )
    first_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    forwarded_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="forwarded_to",
    )

    class Meta:
        ordering = ["round_id", "owner__name", "pk"]
        verbose_name = "update request"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "owner"],
                condition=~Q(state="forwarded"),
                name="one_live_request_per_owner_and_round",
                violation_error_message="This owner already has a request in this round.",
            )
        ]

    def __str__(self) -> str:
        return f"Request to {self.owner.name} ({self.round.meeting})"

    def get_absolute_url(self) -> str:
        return self.round.get_absolute_url() + f"#request-{self.pk}"

    @property
    def is_live(self) -> bool:
        """Open for replies: the round is open and the request was not forwarded."""
        return self.round.is_open and self.state != RequestState.FORWARDED


class RequestItem(AuditedModel):
    """A recommendation, or one of its actions, on which an owner is asked for an update."""

    request = models.ForeignKey(UpdateRequest, on_delete=models.CASCADE, related_name="items")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(
        ActionPlanItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["request_id", "recommendation_id", "action__number", "pk"]
        verbose_name = "requested item"
        constraints = [
            models.UniqueConstraint(
                fields=["request", "recommendation", "action"],
                name="requested_item_once_per_request",
                violation_error_message="That item is already in the request.",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return str(self.action) if self.action_id else str(self.recommendation)

    def get_absolute_url(self) -> str:
        return self.request.get_absolute_url()


class ReturnState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Sent back"


class Return(AuditedModel):
    """An owner's reply on one item: the update, the status it reports and, where the target
    date will slip, the date proposed and why. Every save is in the history, so nothing the
    owner typed is lost."""

    item = models.OneToOneField(RequestItem, on_delete=models.CASCADE, related_name="reply")
    written_by = models.ForeignKey(
        Officer,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The owner (or the colleague the request was forwarded to).",
    )
    text = models.TextField("progress update", blank=True)
    reported_status = models.CharField(max_length=20, blank=True)
    status_reason = models.TextField(blank=True)
    proposed_target_date = models.DateField(null=True, blank=True)
    proposed_date_reason = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=ReturnState.choices, default=ReturnState.DRAFT)
    returned_comment = models.TextField("why it was sent back", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    update = models.OneToOneField(
        Update,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="came_from_return",
    )

    class Meta:
        ordering = ["item_id"]
        verbose_name = "return"
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(returned_comment=""),
                name="return_sent_back_with_comment",
                violation_error_message="Say why the update is sent back.",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(update__isnull=False),
                name="return_accepted_has_update",
                violation_error_message="An accepted return names the update it became.",
            ),
        ]

    def __str__(self) -> str:
        return f"Return on {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("round_return_review", args=[self.pk])


class EmailKind(models.TextChoices):
    REQUEST = "request", "Request"
    REMINDER = "reminder", "Reminder"
    CHASER = "chaser", "Chaser"
    ALL_IN = "all_in", "Every return in"
    RETURNED = "returned", "Update sent back"


class EmailSent(AuditedModel):
    """An email the round sent: to whom, when, which request, which kind. The officer can
    answer "we did ask". A message with a reply link keeps the link token's hash."""

    request = models.ForeignKey(
        UpdateRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="emails")
    to = models.EmailField()
    kind = models.CharField(max_length=10, choices=EmailKind.choices)
    subject = models.CharField(max_length=300)
    sent_at = models.DateTimeField(default=timezone.now, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    due_on = models.DateField(
        "due on",
        null=True,
        blank=True,
        editable=False,
        help_text="For a scheduled email (reminder, chaser): the day it was due. The scheduler "
        "sends each one once.",
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = "email sent"
        verbose_name_plural = "emails sent"
        constraints = [
            # Run twice on the same day (or two schedulers at once), the scheduled email
            # goes once: the second insert is refused.
            models.UniqueConstraint(
                fields=["request", "kind", "due_on"],
                condition=Q(due_on__isnull=False),
                name="scheduled_email_once_per_request",
            ),
            models.UniqueConstraint(
                fields=["round", "to"],
                condition=Q(kind="all_in"),
                name="all_in_email_once_per_round_and_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}, {self.sent_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return self.round.get_absolute_url() + "#emails"
