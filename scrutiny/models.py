"""The audited base of every record of the register (an abstract model: the project package
is not an app and has no tables of its own)."""

import functools

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

from .audit import history_user
from .hashchain import hold_audit_lock, seal


class _HistoryDescriptor(HistoryDescriptor):
    """django-simple-history's ``Model.history``, its manager class made once rather than on
    every access. The library builds it anew (``from_queryset``, which inspects every method
    of the queryset) each time, and reads it on every save to write the history row: a
    quarter of the time of opening an update round for a large council went there."""

    @functools.cached_property
    def _manager_class(self):
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self._manager_class(self.model, instance)


class SealedHistory(models.Model):
    """The base of every history table: each row carries its hash, chained to the row before
    it (``scrutiny.hashchain``), set as it is inserted. A history row is written once: saving
    it again is refused (nothing in the app edits history)."""

    history_previous_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    history_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A history row is never changed: the audit trail is append-only.")
        using = kwargs.get("using") or router.db_for_write(type(self))
        with transaction.atomic(using=using, savepoint=False):
            hold_audit_lock(using)
            seal(self, using)
            super().save(*args, **kwargs)


class _HistoricalRecords(HistoricalRecords):
    """``HistoricalRecords`` with the descriptor above: the same history rows, made faster;
    every row sealed into its table's hash chain (``SealedHistory``); and the user on a row
    protected: an account named by history cannot be deleted (it is deactivated instead), so
    no row ever loses who made the change."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("bases", [SealedHistory])
        super().__init__(*args, **kwargs)

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        fields["history_user"] = models.ForeignKey(
            settings.AUTH_USER_MODEL,
            null=True,
            related_name=self.user_related_name,
            on_delete=models.PROTECT,
        )
        return fields

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            cached = _HistoryDescriptor(
                descriptor.model,
                manager=descriptor.manager_class,
                queryset=descriptor.queryset_class,
            )
            setattr(sender, self.manager_name, cached)


class AuditedModel(models.Model):
    """Base for every record of the register: history rows, timestamps and a version number.

    ``version`` starts at 1 and goes up by one on every save. Forms carry it and refuse a
    submission made against an older version (see ``is_stale``).
    """

    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = _HistoricalRecords(inherit=True, get_user=history_user)

    class Meta:
        abstract = True

    def save(self, *args, reason: str = "", **kwargs):
        """Save, bumping the version; ``reason`` is stored on the history row. The audit
        trail's lock is taken before the record's row is written (``hashchain``)."""
        hold_audit_lock(kwargs.get("using") or router.db_for_write(type(self)))
        self.version += 1
        self.updated_at = timezone.now()
        if reason:
            self._change_reason = reason
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
        super().save(*args, **kwargs)

    def delete(self, *args, reason: str = "", **kwargs):
        hold_audit_lock(kwargs.get("using") or router.db_for_write(type(self)))
        if reason:
            self._change_reason = reason
        return super().delete(*args, **kwargs)

    def is_stale(self, submitted_version: int) -> bool:
        """True when the record was saved since the form showing ``submitted_version``."""
        return submitted_version != self.version


class Withdrawable(models.Model):
    """A record that can be withdrawn rather than deleted (an update posted in error, a
    published document with a mistake): when, by whom and why are fields, so the history keeps
    the withdrawal and the record itself. Each model adds a constraint that the reason is
    given (``Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason="")``)."""

    withdrawn_at = models.DateTimeField("withdrawn on", null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="withdrawn by",
    )
    withdrawal_reason = models.TextField("reason for withdrawal", blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
