"""The forms of an import: the upload, and the columns' mapping with the names the register
did not know (each offered to be added, or matched to one it has)."""

from django import forms
from django.conf import settings

from scrutiny.govuk import GovukForm

from .columns import FIELDS, LABELS
from .plan import KINDS
from .sheet import SUFFIXES

NEW = ""  # a name the register does not know: add it


class UploadForm(GovukForm):
    """The upload. ``over_limit``: the request was larger than an upload may be, so the file
    never reached the form (``settings.FILE_UPLOAD_HANDLERS`` keeps uploads in memory only)."""

    def __init__(self, *args, over_limit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.over_limit = over_limit
        if over_limit:
            self.fields["file"].required = False

    def clean_file(self):
        if self.over_limit:
            raise forms.ValidationError(
                f"The file is larger than {settings.IMPORT_MAX_BYTES / 1_000_000:.1f} MB, the "
                "largest that can be imported. Split the tracker into several files, or remove "
                "pictures and other sheets."
            )
        return self.cleaned_data["file"]

    file = forms.FileField(
        label="Upload the tracker",
        help_text="An Excel workbook (.xlsx) or a CSV file (.csv). The first sheet is read. "
        "You will see every row as it will be saved before anything is saved.",
        error_messages={
            "required": "Choose the spreadsheet to upload.",
            "empty": "The file is empty.",
            "invalid": "Choose the spreadsheet to upload.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )


class MappingForm(GovukForm):
    """One select per column of the sheet (which field it holds, or none), the committee for
    rows that name none, and, for each name the register does not know, add it or match it."""

    def __init__(self, *args, headings, unknown, register, **kwargs):
        super().__init__(*args, **kwargs)
        self.headings = headings
        field_choices = [("", "Not imported"), *[(name, label) for name, label, _ in FIELDS]]
        for index, heading in enumerate(headings):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=f"Column {_letter(index)}: “{heading}”"
                if heading
                else f"Column {_letter(index)} (no heading)",
                choices=field_choices,
                required=False,
            )
        committees = sorted(
            {c.pk: c for c in register.committees.values()}.values(), key=lambda c: c.name.lower()
        )
        self.committees = {str(c.pk): c for c in committees}
        self.fields["default_committee"] = forms.ChoiceField(
            label="Committee for rows that name none",
            help_text="The committee that commissioned the reviews, where the tracker does not "
            "say.",
            choices=[
                ("", "None: such rows cannot be saved"),
                *[(str(c.pk), c.name) for c in committees],
            ],
            required=False,
        )
        self.unknown_fields = []
        options = {
            "committee": committees,
            "body": committees,
            "officer": sorted(register.officers.values(), key=lambda o: o.name.lower()),
            "councillor": sorted(register.councillors.values(), key=lambda c: c.name.lower()),
        }
        self.records = {}
        for kind, names in unknown.items():
            records = options[kind]
            self.records[kind] = {str(r.pk): r for r in records}
            for index, name in enumerate(names):
                field_name = f"match_{kind}_{index}"
                self.fields[field_name] = forms.ChoiceField(
                    label=f"{KINDS[kind].capitalize()} “{name}”",
                    choices=[
                        (NEW, f"Add “{name}” as a new {KINDS[kind]}"),
                        *[(str(r.pk), f"Match to {r.name}") for r in records],
                    ],
                    required=False,
                )
                self.unknown_fields.append((field_name, kind, name))

    def mapping_fields(self):
        return [self[f"col_{i}"] for i in range(len(self.headings))]

    def match_fields(self):
        return [self[name] for name, _, _ in self.unknown_fields]

    def clean(self):
        data = super().clean()
        mapping = [data.get(f"col_{i}") or "" for i in range(len(self.headings))]
        seen = {}
        for index, name in enumerate(mapping):
            if not name:
                continue
            if name in seen:
                self.add_error(
                    f"col_{index}",
                    f"Columns {_letter(seen[name])} and {_letter(index)} are both set to "
                    f"“{LABELS[name]}”: choose one.",
                )
            seen.setdefault(name, index)
        if "recommendation" not in seen and "reference" not in seen and self.headings:
            self.add_error(
                "col_0",
                "Choose the column that holds the recommendations (or their references).",
            )
        data["mapping"] = mapping
        return data

    def default_committee(self):
        return self.committees.get(self.cleaned_data.get("default_committee") or "")

    def matches(self) -> dict:
        found = {}
        for field_name, kind, name in self.unknown_fields:
            chosen = self.cleaned_data.get(field_name)
            if chosen:
                found[(kind, name)] = self.records[kind].get(chosen)
        return found


def _letter(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index + 1)


def lenient_mapping(data, width: int) -> list[str]:
    """The mapping as submitted, before validation (to work out which names the register does
    not know): anything that is not a field is no field."""
    known = set(LABELS)
    mapping = []
    for index in range(width):
        value = data.get(f"col_{index}") or ""
        mapping.append(value if value in known else "")
    return mapping
