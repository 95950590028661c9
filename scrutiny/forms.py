"""Form building blocks in the GOV.UK patterns, used by every app's forms: day, month and year
date boxes, choice fields that refuse tampered ids in words, text limits, and the base form of
an audited record (its version and the reason for a change).

Rendering (the GOV.UK templates of fields and widgets, the error summary) is
``scrutiny/govuk.py``: ``AuditedForm`` is a ``GovukModelForm``, and a form that is not about a
record is a ``scrutiny.govuk.GovukForm``.
"""

import datetime
import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator

from .govuk import GovukDateWidget, GovukForm, GovukModelForm

TEXT_LIMIT = 20_000  # characters: longer than any paragraph of a committee report
LINE_LIMIT = 300

DATE_PARTS = ("day", "month", "year")


def date_from_parts(parts, subject: str = "The date") -> datetime.date | None:
    """The date typed in day, month and year boxes (None when all three are empty). Raises
    ``ValidationError`` in words, beginning with ``subject``; its code says what is wrong:
    ``incomplete`` (a box is empty), ``not_numbers``, ``year`` (the year box) or ``invalid``
    (no such day)."""
    parts = ([str(v or "").strip() for v in (parts or [])] + ["", "", ""])[:3]
    if not any(parts):
        return None
    if not all(parts):
        missing = [name for name, v in zip(DATE_PARTS, parts, strict=True) if not v]
        raise ValidationError(
            f"{subject} must include a {' and '.join(missing)}.", code="incomplete"
        )
    if not all(re.fullmatch(r"[0-9]+", p) for p in parts):  # ASCII digits only: not "²"
        raise ValidationError(
            f"{subject} must be numbers, for example 14 11 2016.", code="not_numbers"
        )
    if any(len(p) > 20 for p in parts):
        raise ValidationError(f"{subject} must be a real date.", code="invalid")
    day, month, year = (int(p) for p in parts)
    if len(parts[2]) != 4 or not 1900 <= year <= 2100:
        raise ValidationError("The year must have 4 numbers, for example 2017.", code="year")
    try:
        return datetime.date(year, month, day)
    except (ValueError, OverflowError):
        raise ValidationError(f"{subject} must be a real date.", code="invalid") from None


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year; an impossible date is refused in words."""

    widget = GovukDateWidget

    def __init__(self, **kwargs):
        fields = [forms.CharField(), forms.CharField(), forms.CharField()]
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, **kwargs)

    def compress(self, data_list):
        return date_from_parts(data_list)

    def clean(self, value):
        # MultiValueField would demand every part; we report missing parts in words instead.
        result = self.compress(value if isinstance(value, list | tuple) else [])
        if result is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return result


def limit_text(field: forms.Field, limit: int) -> None:
    """Refuse text longer than ``limit`` with a message in words."""
    field.max_length = limit
    field.validators.append(
        MaxLengthValidator(limit, message=f"Keep this to {limit:,} characters or fewer.")
    )


_ID = re.compile(r"[0-9]{1,18}")


class SafeModelChoiceField(forms.ModelChoiceField):
    """Refuses a value that cannot be a record's id before asking the database (which, for
    a number beyond 64 bits, fails rather than answering "no such record")."""

    def to_python(self, value):
        if value not in self.empty_values and not _ID.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _ID.fullmatch(str(item)):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


def guard_choice_fields(form) -> None:
    """Make every model choice field of ``form`` refuse impossible ids with a message."""
    for field in form.fields.values():
        if type(field) is forms.ModelChoiceField or (
            isinstance(field, forms.ModelChoiceField)
            and not isinstance(field, forms.ModelMultipleChoiceField)
            and not isinstance(field, SafeModelChoiceField)
        ):
            field.__class__ = type(
                "Safe" + type(field).__name__, (SafeModelChoiceField, type(field)), {}
            )
        elif isinstance(field, forms.ModelMultipleChoiceField) and not isinstance(
            field, SafeModelMultipleChoiceField
        ):
            field.__class__ = type(
                "Safe" + type(field).__name__, (SafeModelMultipleChoiceField, type(field)), {}
            )


class _OfferedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a model choice field drawn from its ``offered`` query, not from the
    ``queryset`` it looks a submitted id up in."""

    def __init__(self, field):
        super().__init__(field)
        self.queryset = field.offered


def offer_only(field: forms.ModelChoiceField, offered) -> None:
    """Offer only the records of ``offered`` as the choices of ``field``, while a submitted id
    is still looked up in its ``queryset``: a record that is not offered (a tampered request, or
    a page left open while the records changed) then reaches the rule that refuses it, whose
    message says why and what to choose, rather than "not one of the available choices"."""
    field.offered = offered
    field.iterator = _OfferedChoiceIterator
    field.widget.choices = field.choices


def parse_id(value: str | None) -> int | None:
    """An id from the address (``?committee=3``), or None for anything that is not one."""
    return int(value) if value and _ID.fullmatch(value) else None


class AuditedForm(GovukModelForm):
    """A model form for an audited record: carries the version it was shown at (so a stale
    submission can be refused) and a reason for the change, stored in the history.

    Set ``reason_required`` to demand the reason. Text fields get length limits.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label="Reason for the change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history of changes.",
    )
    reason_required = False
    date_fields: tuple[str, ...] = ()
    # Model fields the view sets rather than the form, whose constraints must still be checked
    # (uniqueness within a review, say), and where to show errors about fields not on the form.
    always_validate: tuple[str, ...] = ()
    error_field_map: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]
        self.fields["change_reason"] = self.fields.pop("change_reason")  # always last
        guard_choice_fields(self)
        if self.reason_required:
            self.fields["change_reason"].required = True
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.HiddenInput
            ):
                is_long = isinstance(field.widget, forms.Textarea)
                limit = TEXT_LIMIT if is_long else min(field.max_length or LINE_LIMIT, LINE_LIMIT)
                limit_text(field, limit)
        for name in self.date_fields:
            if name in self.fields:
                old = self.fields[name]
                self.fields[name] = GovukDateField(
                    label=old.label, required=old.required, help_text=old.help_text
                )
                if self.instance.pk:
                    self.fields[name].initial = getattr(self.instance, name)

    def clean_change_reason(self):
        return self.cleaned_data.get("change_reason", "").strip()

    @property
    def seen_version(self) -> int | None:
        """The version of the record the user saw, for the service's check: None for a new
        record; 0 (never a saved version, so refused as stale) when an edit came back
        without one."""
        if self.instance._state.adding:
            return None
        return self.cleaned_data.get("version") or 0

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - set(self.always_validate)

    def _update_errors(self, errors):
        """Show a model error on the form field it belongs to, or at the top of the form when
        that field is not on the form (Django would raise instead)."""
        if hasattr(errors, "error_dict"):
            remapped = {}
            for name, messages in errors.error_dict.items():
                target = self.error_field_map.get(name, name)
                if target != NON_FIELD_ERRORS and target not in self.fields:
                    target = NON_FIELD_ERRORS
                remapped.setdefault(target, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)


REASON_LIMIT = 2000


class ReasonForm(GovukForm):
    """A write confirmed with its reason (reopening a recommendation, withdrawing an update or
    a published document): the reason, asked as the page asks it (``label``, ``help_text``,
    and the message when it is missing), and the version of the record the user saw."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, label: str, help_text: str = "", required: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.help_text = help_text
        field.error_messages["required"] = required
        limit_text(field, REASON_LIMIT)
