"""Form building blocks in the GOV.UK patterns, used by every app's forms: the one renderer
of GOV.UK fields (label, hint, error message and widget), day, month and year date boxes,
choice fields that refuse tampered ids in words, text limits, and the base form of an audited
record (its version and the reason for a change).

Rendering: every form of the project is a ``GovukForm`` or ``GovukModelForm`` (``AuditedForm``
is one). Their bound fields give each widget its GOV.UK template and classes (``GOVUK_WIDGETS``)
and render as ``templates/govuk/field.html``, so a page writes ``{{ form }}`` or
``{{ form.field.as_field_group }}`` and never looks at a widget's type. The error summary of
a page is ``templates/govuk/error_summary.html`` (entries from ``error_summary_items``).
"""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.widgets import Input

TEXT_LIMIT = 20_000  # characters: longer than any paragraph of a committee report
LINE_LIMIT = 300


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern)."""

    template_name = "govuk/widgets/date.html"
    govuk_kind = "date"
    parts = (("Day", 2), ("Month", 2), ("Year", 4))  # label, width in characters

    def __init__(self, attrs=None):
        boxes = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in self.parts]
        for box in boxes:
            box.template_name = "govuk/widgets/text.html"
        super().__init__(boxes, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        """Each box gets its label and its width (the classes shared by the three boxes, the
        error state among them, come from the bound field)."""
        context = super().get_context(name, value, attrs)
        for box, (label, width) in zip(context["widget"]["subwidgets"], self.parts, strict=True):
            classes = f"{box['attrs'].get('class', '')} govuk-input--width-{width}".strip()
            box["attrs"] = {**box["attrs"], "class": classes}
            box["label"] = label
        return context


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


# --- rendering in the GOV.UK patterns -------------------------------------------------------


@dataclass(frozen=True)
class GovukWidget:
    """How a kind of Django widget is drawn as a GOV.UK component."""

    kind: str  # what govuk/field.html lays out: text, textarea, select, radios, checkboxes...
    template_name: str
    css_class: str = ""  # on the input itself (radios and checkboxes: on each option)
    error_class: str = ""  # added when the field has an error
    input_type: str = ""  # replaces the widget's own (a number is typed in a text box)
    attrs: tuple[tuple[str, str], ...] = ()  # added to the widget's own


_TEXT = GovukWidget("text", "govuk/widgets/text.html", "govuk-input", "govuk-input--error")

# The first class in a widget's MRO found here decides; a hidden widget keeps Django's.
GOVUK_WIDGETS: dict[type, GovukWidget] = {
    GovukDateWidget: GovukWidget(
        "date",
        GovukDateWidget.template_name,
        "govuk-input govuk-date-input__input",
        "govuk-input--error",
    ),
    # (Before RadioSelect: CheckboxSelectMultiple is one.)
    forms.CheckboxSelectMultiple: GovukWidget(
        "checkboxes", "govuk/widgets/checkboxes.html", "govuk-checkboxes__input"
    ),
    forms.RadioSelect: GovukWidget("radios", "govuk/widgets/radios.html", "govuk-radios__input"),
    forms.Select: GovukWidget(
        "select", "govuk/widgets/select.html", "govuk-select", "govuk-select--error"
    ),
    forms.CheckboxInput: GovukWidget(
        "checkbox", "govuk/widgets/checkbox.html", "govuk-checkboxes__input"
    ),
    forms.Textarea: GovukWidget(
        "textarea", "govuk/widgets/textarea.html", "govuk-textarea", "govuk-textarea--error"
    ),
    # GOV.UK asks for numbers in a text box (a number input changes on scrolling).
    forms.NumberInput: GovukWidget(
        "text",
        _TEXT.template_name,
        "govuk-input govuk-input--width-4",
        _TEXT.error_class,
        input_type="text",
        attrs=(("inputmode", "numeric"),),
    ),
    Input: _TEXT,
}

# Attributes Django adds that GOV.UK forms do without: the server checks every rule and says
# what is wrong in words (the forms are ``novalidate``), and a ``maxlength`` would cut pasted
# text short without a word. Textarea's default ``cols`` is replaced by the GOV.UK width.
NOT_GOVUK_ATTRS = ("maxlength", "minlength", "min", "max", "step", "required", "cols")


def govuk_widget(widget: forms.Widget) -> GovukWidget | None:
    """Give ``widget`` (a form's own copy) its GOV.UK template, kind and attributes, once;
    return how it is drawn (None for a hidden widget, drawn as Django draws it)."""
    spec = getattr(widget, "govuk", None)
    if spec is not None or widget.is_hidden:
        return spec
    spec = next((GOVUK_WIDGETS[k] for k in type(widget).__mro__ if k in GOVUK_WIDGETS), None)
    if spec is None:
        raise TypeError(f"No GOV.UK template for {type(widget).__name__}: add it to GOVUK_WIDGETS")
    widget.govuk = spec
    widget.govuk_kind = spec.kind
    widget.template_name = spec.template_name
    if spec.input_type:
        widget.input_type = spec.input_type
    for name in NOT_GOVUK_ATTRS:
        widget.attrs.pop(name, None)
    widget.attrs.update(spec.attrs)
    return spec


# The widget kinds whose label is a legend over a group of inputs (and whose hint and error
# are tied to the fieldset): the error summary links to the first of them.
GROUPED_KINDS = {"date", "radios", "checkboxes"}


class GovukBoundField(forms.BoundField):
    """A field drawn in the GOV.UK pattern: ``govuk/field.html`` lays out the label (or
    legend), hint and error message by the widget's declared kind, and the widget gets its
    GOV.UK classes, error state and ``aria-describedby`` here."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        govuk_widget(field.widget)

    @property
    def template_name(self):
        return self.field.template_name or "govuk/field.html"

    @property
    def govuk_kind(self) -> str:
        return "hidden" if self.is_hidden else self.field.widget.govuk_kind

    @property
    def hint_id(self) -> str:
        return f"{self.html_name}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.html_name}-error"

    @property
    def has_hint(self) -> bool:
        """A date always has a hint (an example, when the field gives none)."""
        return bool(self.help_text) or self.govuk_kind == "date"

    @property
    def describedby(self) -> str:
        """The ids of the hint and error message (on the input, or on the fieldset of a
        group); a single checkbox has neither."""
        if self.govuk_kind in {"checkbox", "hidden"}:
            return ""
        ids = [self.hint_id] if self.has_hint else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def summary_id(self) -> str:
        """Where the error summary's link goes: the input, or the first of a group (the day
        box of a date, the first radio or checkbox)."""
        if self.govuk_kind in GROUPED_KINDS:
            return f"{self.field.widget.attrs.get('id') or self.auto_id}_0"
        return self.id_for_label

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = dict(attrs)
        if self.field.disabled:
            attrs["disabled"] = True
        spec = getattr(widget, "govuk", None)
        if spec is None:  # hidden: as Django draws it
            return attrs
        classes = [spec.css_class, widget.attrs.get("class", "")]
        if self.errors:
            classes.append(spec.error_class)
        attrs["class"] = " ".join(c for c in classes if c)
        if spec.kind not in GROUPED_KINDS and self.describedby:
            attrs["aria-describedby"] = self.describedby
        return attrs


class GovukFormMixin:
    """Every field drawn by ``govuk/field.html``; ``{{ form }}`` draws them all in order."""

    bound_field_class = GovukBoundField
    template_name = "govuk/form.html"


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


@dataclass(frozen=True)
class ErrorItem:
    """One entry of a GOV.UK error summary: the message, and the id of the input it is about
    (none for an error about the whole form)."""

    message: str
    target: str = ""


def _field_target(bound) -> str:
    target = getattr(bound, "summary_id", None)
    if target is None:  # a form drawn by hand (signing in, a filter)
        target = bound.id_for_label or f"{bound.auto_id}_0"
    return target


def form_error_items(
    form, *, prefix: str = "", field_labels: bool = False, non_field_target: str = ""
) -> list[ErrorItem]:
    """The errors of ``form`` in the order of the page: those about the whole form first, then
    each field's, linked to its first input. ``prefix`` starts each message ("Item 2: ");
    ``field_labels`` names the field ("Municipal year: ..."); ``non_field_target`` links the
    errors about the whole form to an input."""
    items = [ErrorItem(f"{prefix}{m}", non_field_target) for m in form.non_field_errors()]
    for bound in form:
        for message in bound.errors:
            label = f"{bound.label}: " if field_labels else ""
            items.append(ErrorItem(f"{prefix}{label}{message}", _field_target(bound)))
    return items


def error_summary_items(*sources, **options) -> list[ErrorItem]:
    """The entries of an error summary, from each of ``sources`` in turn: a form; a formset
    (its own errors, then each form's as "Item 1: ..."); pairs of (a record with a ``label``,
    its form), each form's messages starting with the record's label ("Recommendation 2: ...");
    pairs of (input id, message); messages alone (not linked)."""
    items = []
    for source in sources:
        if source is None or source == "":  # (a template variable that is not there)
            continue
        if isinstance(source, forms.BaseForm):
            items += form_error_items(source, **options)
        elif isinstance(source, forms.BaseFormSet):
            items += [ErrorItem(m) for m in source.non_form_errors()]
            for number, form in enumerate(source.forms, start=1):
                items += form_error_items(form, prefix=f"Item {number}: ", **options)
        elif isinstance(source, str):
            items.append(ErrorItem(source))
        else:
            for entry in source:
                if isinstance(entry, ErrorItem):
                    items.append(entry)
                elif isinstance(entry, str):
                    items.append(ErrorItem(entry))
                elif isinstance(entry[1], forms.BaseForm):
                    record, form = entry
                    label = getattr(record, "label", None) or str(record)
                    items += form_error_items(form, prefix=f"{label}: ", **options)
                else:
                    target, message = entry
                    items.append(ErrorItem(str(message), target))
    return items


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
