"""The council's status key: the statuses an administrator sets (labels, colours, meanings
printed in the key, order), each in one of the fixed categories the rules read; and
``status_key()``, the key as read once per request."""

from django.core import signals
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.utils import DatabaseError
from django.urls import reverse

from scrutiny.models import AuditedModel

from ..statuses import (
    DEFAULT_KEY,
    PROGRESS_CATEGORIES,
    KeyEntry,
    RecommendationStatus,
    StatusKey,
    TagColour,
)


class StatusKeyEntry(AuditedModel):
    """A status of the council's key. Records store its ``code``; the pages and documents
    show its label in its colour, and print its meaning in the key. Its ``category`` is what
    the rules read (``statuses.derived_status``): several statuses may share one ("Complete"
    and "Achieved"), and a status the rules give is shown as the first of its category."""

    code = models.CharField(
        max_length=20,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*$",
                message="Use lower-case letters, digits and underscores, starting with a letter.",
            )
        ],
        help_text="What records store, such as “complete”. It cannot change once saved.",
    )
    label = models.CharField(max_length=60, help_text="The status in words: “Complete”.")
    category = models.CharField(
        max_length=20,
        choices=RecommendationStatus.choices,
        help_text="Which of the fixed statuses the rules treat it as.",
    )
    colour = models.CharField(
        max_length=20, choices=TagColour.choices, help_text="Its colour, beside its words."
    )
    meaning = models.CharField(
        max_length=200, help_text="Printed in the key: “Achieved: monitoring no longer needed”."
    )
    order = models.PositiveSmallIntegerField(default=1, help_text="Its place in the key.")
    requires_reason = models.BooleanField(
        default=False, help_text="Whoever gives this status must say why (as for Paused)."
    )
    offered = models.BooleanField(
        default=True,
        help_text="Offered for new statuses. Untick to retire a status: records that have it "
        "keep it.",
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "status in the key"
        verbose_name_plural = "status key"
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="status_key_code_unique",
                violation_error_message="The key already has a status with that code.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("admin:recommendations_statuskeyentry_change", args=[self.pk])

    def as_entry(self) -> KeyEntry:
        return KeyEntry(
            self.code,
            self.label,
            self.category,
            self.colour,
            self.meaning,
            self.order,
            self.requires_reason,
            self.offered,
        )

    def clean(self) -> None:
        """A saved status keeps its code and, while records hold it, its category; each
        category keeps an offered status (the rules show their results as one). Reads the
        saved entry and the records holding it (a few queries)."""
        if not self.pk:
            return
        saved = StatusKeyEntry.objects.filter(pk=self.pk).first()
        if saved is None:
            return
        errors = {}
        if self.code != saved.code:
            errors["code"] = (
                f"A status's code cannot change: records store “{saved.code}”. Add a new "
                "status and untick “offered” on this one instead."
            )
        elif self.category != saved.category and status_in_use(saved.code):
            errors["category"] = (
                f"Records have the status “{saved.label}”, so its category cannot change. Add "
                "a new status in the other category and untick “offered” on this one."
            )
        leaving = self.category != saved.category or (saved.offered and not self.offered)
        if leaving and not (
            StatusKeyEntry.objects.filter(category=saved.category, offered=True)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors.setdefault(
                "offered" if self.category == saved.category else "category",
                f"“{saved.get_category_display()}” needs a status that is offered: the rules "
                "give it. Offer another status in that category first.",
            )
        if errors:
            raise ValidationError(errors)


def status_in_use(code: str) -> bool:
    """True when any recommendation, action or update has ``code`` (four small queries)."""
    from .actions import ActionPlanItem
    from .recommendation import Recommendation
    from .updates import Update

    return (
        Recommendation.objects.filter(
            models.Q(status=code) | models.Q(status_set_by_officer=code)
        ).exists()
        or ActionPlanItem.objects.filter(status=code).exists()
        or Update.objects.filter(reported_status=code).exists()
    )


# --- the key as read ------------------------------------------------------------------------

_read: dict[str, StatusKey] = {}


def status_key() -> StatusKey:
    """The council's key, read with one query the first time a request (or a task, or a
    command) asks for it and kept until the next request starts or the key is saved. With no
    status in the table (a database before the key's migration), the default key."""
    key = _read.get("key")
    if key is None:
        try:
            entries = [e.as_entry() for e in StatusKeyEntry.objects.all()]
        except DatabaseError:  # the table does not exist yet
            entries = []
        key = _read["key"] = StatusKey(entries or DEFAULT_KEY)
    return key


def forget_status_key(**kwargs) -> None:
    """Read the key again when next asked: at the start of each request, when it is saved."""
    _read.clear()


signals.request_started.connect(forget_status_key, dispatch_uid="forget_status_key")


def progress_status_field_check(value: str) -> None:
    """Validator of the fields that hold a progress status (an action's, an update's, one an
    officer holds): a progress status of the council's key."""
    if value and status_key().category(value) not in PROGRESS_CATEGORIES:
        raise ValidationError(
            "Choose a progress status from the council's key: “Closed” comes only from the "
            "committee's closure and “Not accepted” only from the executive's decision.",
            code="not_progress",
        )


def known_status_check(value: str) -> None:
    """Validator of a recommendation's status: a status of the council's key."""
    if value and value not in status_key().by_code:
        raise ValidationError("Choose a status from the council's key.", code="unknown")
