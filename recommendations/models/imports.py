"""An upload of a council's existing tracker, between the upload and the officer's
confirmation: the file (kept under ``VAR_DIR/imports/<folder>/`` until it is imported, and
removed then), the mapping of its columns, and what the import did."""

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse

from scrutiny.models import AuditedModel


def new_folder() -> str:
    return uuid.uuid4().hex


class TrackerImport(AuditedModel):
    class State(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded, not imported"
        QUEUED = "queued", "Being imported in the background"
        IMPORTED = "imported", "Imported"

    filename = models.CharField(max_length=255)
    folder = models.CharField(max_length=32, unique=True, default=new_folder, editable=False)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mapping = models.JSONField(
        default=list, blank=True, help_text="One field (or blank) per column."
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.UPLOADED)
    summary = models.TextField(blank=True, help_text="What the import saved, in words.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "tracker import"

    def __str__(self) -> str:
        return f"Import of {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("tracker_import_detail", args=[self.pk])

    @property
    def directory(self) -> Path:
        return Path(settings.VAR_DIR) / "imports" / self.folder

    @property
    def path(self) -> Path:
        return self.directory / ("upload" + Path(self.filename).suffix.lower())

    def file_kept(self) -> bool:
        return self.path.is_file()

    def remove_file(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
