"""Forms of the committee documents: the options on a document's URL, and the export page."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from reviews.models import AgendaItem, Meeting
from scrutiny.formats import check_as_at, parse_as_at
from scrutiny.forms import DATE_PARTS, date_from_parts

from .models import DocumentFormat
from .spec import DEFAULT_WARDS, PEOPLE
from .table import COLUMNS, COLUMNS_BY_KEY, DEFAULT_COLUMNS

PEOPLE_MAX_LENGTH = 300
PEOPLE_LABELS = {
    "lead_officer": "Lead officer",
    "lead_member": "Lead member",
    "contact_officer": "Contact officer",
}


def _people_fields(form: forms.Form) -> None:
    """The front matter's people, as the officer corrects them (empty: the register's)."""
    for name in PEOPLE:
        form.fields[name] = forms.CharField(
            required=False,
            max_length=PEOPLE_MAX_LENGTH,
            error_messages={
                "max_length": f"The {PEOPLE_LABELS[name].lower()} must be "
                f"{PEOPLE_MAX_LENGTH} characters or fewer."
            },
        )


def _people_options(data: dict) -> dict:
    return {name: " ".join((data.get(name) or "").split()) for name in PEOPLE}


class _MeetingAndItem:
    """The agenda item must be on the meeting; an agenda item alone gives its meeting."""

    def clean_meeting_and_item(self, meeting_field: str) -> None:
        meeting = self.cleaned_data.get(meeting_field)
        item = self.cleaned_data.get("agenda_item")
        if item is None:
            return
        if meeting is None:
            self.cleaned_data[meeting_field] = item.meeting
        elif item.meeting_id != meeting.pk:
            self.add_error(
                "agenda_item", "Choose an agenda item of the meeting the document goes to."
            )


class DocumentOptionsForm(_MeetingAndItem, forms.Form):
    """The options of a document's download URL (``?as_at=2017-07-06&pad=1``…)."""

    as_at = forms.CharField(required=False)  # read by scrutiny.formats.parse_as_at
    include_closed = forms.BooleanField(required=False)
    pad = forms.BooleanField(required=False)
    to_meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.all(),
        required=False,
        error_messages={"invalid_choice": "There is no such meeting (to_meeting)."},
    )
    agenda_item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.all(),
        required=False,
        error_messages={"invalid_choice": "There is no such agenda item (agenda_item)."},
    )
    appendix = forms.CharField(
        required=False,
        max_length=40,
        error_messages={"max_length": "The appendix label can be at most 40 characters."},
    )
    wards = forms.CharField(
        required=False,
        max_length=200,
        error_messages={"max_length": "The wards can be at most 200 characters."},
    )

    columns = forms.CharField(
        required=False,
        max_length=500,
        error_messages={"max_length": "The columns can be at most 500 characters."},
    )

    def __init__(self, *args, meeting_fixed: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting_fixed = meeting_fixed
        _people_fields(self)

    def clean_as_at(self) -> datetime.date | None:
        return parse_as_at(self.cleaned_data["as_at"])

    def clean_columns(self) -> tuple[str, ...]:
        """``columns=recommendation,origin,status``: the table's columns (the defaults when
        absent)."""
        value = self.cleaned_data["columns"]
        if not value:
            return DEFAULT_COLUMNS
        keys = [key.strip() for key in value.split(",") if key.strip()]
        unknown = [key for key in keys if key not in COLUMNS_BY_KEY]
        if unknown:
            raise ValidationError(
                f"There is no such column ({', '.join(unknown)[:100]}): the columns are "
                + ", ".join(COLUMNS_BY_KEY)
                + "."
            )
        return tuple(keys)

    def clean(self):
        super().clean()
        if self.meeting_fixed is not None:
            # A meeting's tracker goes to that meeting.
            chosen = self.cleaned_data.get("to_meeting")
            if chosen is not None and chosen.pk != self.meeting_fixed.pk:
                self.add_error("to_meeting", "A meeting's tracker goes to that meeting.")
            self.cleaned_data["to_meeting"] = self.meeting_fixed
        self.clean_meeting_and_item("to_meeting")
        return self.cleaned_data

    def spec_options(self) -> dict:
        """The options, as keyword arguments of ``DocumentSpec``."""
        data = self.cleaned_data
        return {
            "as_at": data["as_at"],
            "include_closed": data["include_closed"],
            "pad_to_even": data["pad"],
            "to_meeting_id": data["to_meeting"].pk if data["to_meeting"] else None,
            "agenda_item_id": data["agenda_item"].pk if data["agenda_item"] else None,
            "appendix_label": data["appendix"],
            "wards": data["wards"] or DEFAULT_WARDS,
            "columns": data["columns"],
            **_people_options(data),
        }


class ExportForm(_MeetingAndItem, forms.Form):
    """The export page: the meeting and agenda item, the appendix label, the "as at" date
    (a GOV.UK date input), closed recommendations and padding."""

    to_meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.all(),
        required=False,
        error_messages={"invalid_choice": "Choose a meeting from the list."},
    )
    agenda_item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.all(),
        required=False,
        error_messages={"invalid_choice": "Choose an agenda item from the list."},
    )
    appendix = forms.CharField(
        required=False,
        max_length=40,
        error_messages={"max_length": "The appendix label must be 40 characters or fewer."},
    )
    wards = forms.CharField(
        required=False,
        max_length=200,
        error_messages={"max_length": "The wards must be 200 characters or fewer."},
    )
    # The "as at" date in GOV.UK day, month and year boxes: read by scrutiny.forms'
    # date_from_parts (the rules of every date box) and checked by scrutiny.formats'
    # check_as_at (the rule of every "as at" date).
    as_at_day = forms.CharField(required=False)
    as_at_month = forms.CharField(required=False)
    as_at_year = forms.CharField(required=False)
    include_closed = forms.BooleanField(required=False)
    pad = forms.BooleanField(required=False)
    # Which download button was pressed: the PDF, or the Word document. (Publishing is
    # always the PDF.)
    format = forms.ChoiceField(
        choices=DocumentFormat.choices,
        required=False,
        error_messages={"invalid_choice": "Choose to download the PDF or the Word document."},
    )
    # The columns a council may add or leave out (GOV.UK checkboxes); the required ones are
    # always printed. ``columns_shown`` says the page had the boxes, so none ticked means none
    # (a form posted without them prints the default columns).
    columns = forms.MultipleChoiceField(
        required=False,
        choices=[(c.key, c.heading) for c in COLUMNS if not c.required],
        error_messages={"invalid_choice": "Choose columns from the list."},
    )
    columns_shown = forms.BooleanField(required=False)

    def __init__(self, *args, meeting_fixed: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting_fixed = meeting_fixed
        self.date_error_whole = False  # the error is with the whole date: mark every part
        if meeting_fixed is not None:
            del self.fields["to_meeting"]
        _people_fields(self)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.meeting_fixed is not None:
            data["to_meeting"] = self.meeting_fixed
        self.clean_meeting_and_item("to_meeting")
        data["as_at"] = self._clean_as_at()
        data["format"] = data.get("format") or DocumentFormat.PDF
        return data

    @staticmethod
    def people_labels() -> list[tuple[str, str]]:
        return list(PEOPLE_LABELS.items())

    def columns_chosen(self) -> set[str]:
        """The columns ticked, as the page shows them (posted, or the initial ones)."""
        if self.is_bound:
            if not self.data.get("columns_shown"):
                return set(DEFAULT_COLUMNS)
            return set(self.data.getlist("columns"))
        return set(self.initial.get("columns") or DEFAULT_COLUMNS)

    def _clean_as_at(self) -> datetime.date | None:
        parts = [self.cleaned_data.get(f"as_at_{part}") or "" for part in DATE_PARTS]
        try:
            day = date_from_parts(parts, subject="The “as at” date")
            check_as_at(day)
        except ValidationError as error:
            if error.code == "incomplete":  # mark the first empty box
                field = next(
                    part for part, value in zip(DATE_PARTS, parts, strict=True) if not value
                )
            elif error.code == "year":
                field = "year"
            else:  # the error is with the whole date: mark every box
                field = "day"
                self.date_error_whole = True
            self.add_error(f"as_at_{field}", error)
            return None
        return day

    @property
    def date_error(self) -> str:
        for part in ("day", "month", "year"):
            if self.errors.get(f"as_at_{part}"):
                return self.errors[f"as_at_{part}"][0]
        return ""

    @property
    def date_error_field(self) -> str:
        for part in ("day", "month", "year"):
            if self.errors.get(f"as_at_{part}"):
                return f"as_at_{part}"
        return "as_at_day"

    def require_meeting(self) -> bool:
        """Publishing needs the meeting: False (with the error) when it is missing."""
        if self.is_valid() and self.cleaned_data.get("to_meeting") is None:
            self.add_error("to_meeting", "Choose the meeting the document goes to.")
            return False
        return self.is_valid()

    def spec_options(self) -> dict:
        data = self.cleaned_data
        meeting = data.get("to_meeting")
        return {
            "as_at": data["as_at"],
            "include_closed": data["include_closed"],
            "pad_to_even": data["pad"],
            "to_meeting_id": meeting.pk if meeting else None,
            "agenda_item_id": data["agenda_item"].pk if data.get("agenda_item") else None,
            "appendix_label": data["appendix"].strip(),
            "wards": data["wards"].strip() or DEFAULT_WARDS,
            "columns": tuple(data["columns"]) if data["columns_shown"] else DEFAULT_COLUMNS,
            **_people_options(data),
        }

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the GOV.UK error summary, in the order of the page."""
        order = ["to_meeting", "agenda_item", "appendix", "wards", *PEOPLE]
        order += ["as_at_day", "as_at_month", "as_at_year", "columns", "include_closed", "pad"]
        order += ["format", "__all__"]
        listed = []
        for name in order:
            for message in self.errors.get(name, []):
                anchor = name
                if name == "__all__":
                    anchor = "agenda_item" if self.meeting_fixed is not None else "to_meeting"
                if name.startswith("as_at_"):
                    anchor = self.date_error_field
                if name == "columns":  # the first box
                    anchor = f"columns-{self.fields['columns'].choices[0][0]}"
                listed.append((anchor, message))
        return listed
