"""The one renderer of forms in the GOV.UK patterns: every form of the project is a
``GovukForm`` or ``GovukModelForm`` (``scrutiny.forms.AuditedForm`` is one). Their bound fields
give each widget its GOV.UK template and classes (``GOVUK_WIDGETS``) and render as
``templates/govuk/field.html``, so a page writes ``{{ form }}`` or
``{{ form.field.as_field_group }}`` and never looks at a widget's type. The error summary of a
page is ``templates/govuk/error_summary.html`` (entries from ``error_summary_items``, through
the ``{% error_items %}`` tag of ``scrutiny/templatetags/govuk.py``).
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.forms.widgets import Input


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
    # (Before Input: a file input is one.) Its value is never written back into the page.
    forms.FileInput: GovukWidget(
        "file", "govuk/widgets/file.html", "govuk-file-upload", "govuk-file-upload--error"
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
