"""Committee documents: the PDF copies published to meetings.

A :class:`PublishedDocument` is a record of the register (audited): the copy of an action
plan or tracker that went to a meeting, who published it and when, and the SHA-256 of its
bytes. The bytes themselves live in a :class:`DocumentFile`, addressed by their SHA-256 and
never changed, so the history rows of the published record stay small.

PDFs too large to make within a web request are made by a background task (see ``tasks``);
the task's result is the bookkeeping, so there is no model for it here.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reviews.models import AgendaItem, Meeting, Review
from scrutiny.models import AuditedModel, Withdrawable


class DocumentKind(models.TextChoices):
    ACTION_PLAN = "action_plan", "Action plan"
    TRACKER = "tracker", "Recommendations tracker"
    MEETING_TRACKER = "meeting_tracker", "Meeting tracker"


class DocumentFormat(models.TextChoices):
    """The file a document is made as: the PDF of the agenda pack (the one published to a
    meeting), or a Word document for the council's own report template (``word.py``)."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document"


class DocumentFile(models.Model):
    """The bytes of a published PDF, addressed by their SHA-256. Written once, never changed
    or deleted while a published document refers to them."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "sha256"]
        verbose_name = "published PDF file"

    def __str__(self) -> str:
        return f"PDF {self.sha256[:12]}… ({self.size} bytes)"

    @classmethod
    def store(cls, content: bytes) -> "DocumentFile":
        """The file holding ``content``, created if these bytes are new."""
        digest = hashlib.sha256(content).hexdigest()
        found = cls.objects.filter(sha256=digest).defer("content").first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return cls.objects.create(sha256=digest, size=len(content), content=content)
        except IntegrityError:  # the same bytes stored at the same moment by another request
            return cls.objects.defer("content").get(sha256=digest)


class PublishedDocumentQuerySet(models.QuerySet):
    def for_listing(self):
        """What a list of published documents shows, in one query (without the bytes): with
        the document it replaces and its replacement, for "Replaces the version published
        on ..." and "Replaced by ..."."""
        return self.select_related(
            "agenda_item", "published_by", "review", "replaces", "replacement"
        )


class PublishedDocument(Withdrawable, AuditedModel):
    """The copy of an action plan or tracker that went to a meeting, kept as published.

    Its bytes are in ``file`` (an immutable :class:`DocumentFile`); ``sha256`` repeats their
    digest so the audit trail shows exactly which bytes were published.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="published_documents"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_documents",
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    review = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_documents",
        help_text="The review, for an action plan.",
    )
    title = models.CharField(max_length=300)
    appendix_label = models.CharField(max_length=40, blank=True)
    as_at = models.DateField(help_text='The date of the position the document gives ("as at").')
    include_closed = models.BooleanField(default=False)
    parameters = models.CharField(
        max_length=2000,
        blank=True,
        help_text="The query string that makes the same document again.",
    )
    file = models.ForeignKey(DocumentFile, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    page_count = models.PositiveSmallIntegerField()
    filename = models.CharField(max_length=200)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    # A correction: a document withdrawn (``Withdrawable``: published in error, or with a
    # mistake) is kept, with its bytes and SHA-256, marked withdrawn with the reason; its
    # replacement names it.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacement",
        help_text="The withdrawn document this one replaces.",
    )

    objects = PublishedDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "published document"
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256=models.F("file_id")),
                name="published_document_sha256_is_its_file",
                violation_error_message="The SHA-256 must be the digest of the stored file.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="action_plan") | Q(review__isnull=False),
                name="published_action_plan_names_its_review",
                violation_error_message="An action plan names its review.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="published_document_withdrawal_needs_reason",
                violation_error_message="Withdrawing a published document needs a reason.",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.appendix_label}: " if self.appendix_label else ""
        return f"{label}{self.title} ({self.meeting})"

    def get_absolute_url(self) -> str:
        return reverse("documents_published_download", args=[self.pk])

    def clean(self) -> None:
        if (
            self.agenda_item_id
            and self.meeting_id
            and self.agenda_item.meeting_id != self.meeting_id
        ):
            raise ValidationError({"agenda_item": "That agenda item is on another meeting."})
        if self.replaces_id:
            replaced = self.replaces
            if replaced.withdrawn_at is None:
                raise ValidationError(
                    "Withdraw the published document first, with the reason, then publish its "
                    "replacement."
                )
            if replaced.meeting_id != self.meeting_id:
                raise ValidationError(
                    f"A replacement goes to the meeting the withdrawn document went to "
                    f"({replaced.meeting}): choose that meeting."
                )
