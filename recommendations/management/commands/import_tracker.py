"""``manage.py import_tracker FILE``: a council's existing tracker imported in bulk, through
the same reading, preview and service as the officer's import page."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews.models import Committee
from scrutiny.audit import command_user

from ...imports import LABELS, ImportRefused, build_plan, find_layout, guess_mapping, read_sheet
from ...imports.columns import normalise
from ...services import tracker_import


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import a council's tracker from an .xlsx or .csv file: reviews, recommendations, "
        "executive responses, actions and updates. Prints the mapping of the columns and the "
        "rows that cannot be saved. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument(
            "--mapping",
            help="Which column is which, where the guess from the headings is wrong: JSON such "
            'as \'{"Rec No": "reference", "C": "lead_officer", "Notes": ""}\' (a heading or a '
            f'column letter, to a field: {", ".join(LABELS)}; "" for none), or a file holding it.',
        )
        parser.add_argument(
            "--committee", help="The committee (name) of rows that name no origin committee."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report what would be saved, then save nothing.",
        )
        parser.add_argument(
            "--problems", help="Write the rows that cannot be saved to this CSV file."
        )
        parser.add_argument(
            "--user", help="The username recorded on history rows (default: the system user)."
        )

    def handle(
        self,
        *args,
        file,
        mapping=None,
        committee=None,
        dry_run=False,
        problems=None,
        user=None,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        try:
            sheet = read_sheet(path, path.name)
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        layout = find_layout(sheet.rows)
        columns = guess_mapping(layout)
        if mapping:
            columns = _apply(columns, layout.headings, _load(mapping))
        default = None
        if committee:
            default = Committee.objects.filter(name__iexact=committee).first()
            if default is None:
                raise CommandError(f"There is no committee called {committee!r}.")
        plan = build_plan(sheet, layout, columns, default_committee=default)
        self.stdout.write(f"Headings on row {layout.header_index + 1}:")
        for index, (heading, name) in enumerate(zip(layout.headings, columns, strict=True)):
            if heading or name:
                self.stdout.write(
                    f"  {_letter(index)} “{heading}” → {LABELS.get(name, 'not imported')}"
                )
        for note in plan.notes:
            self.stdout.write(note)
        for row in plan.rows:
            for problem in row.problems:
                self.stdout.write(f"Row {row.number}: cannot be saved: {problem}")
            for note in row.notes:
                self.stdout.write(f"Row {row.number}: {note}")
        for kind, names in plan.unknown.items():
            self.stdout.write(f"New {kind}s to add: {', '.join(names)}")
        if problems and plan.refused_rows:
            Path(problems).write_text(plan.problems_csv(), encoding="utf-8")
            self.stdout.write(f"The rows that cannot be saved are in {problems}.")
        acting = command_user(user)
        try:
            with transaction.atomic():
                result = tracker_import(plan=plan, user=acting)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(
                f"Dry run, nothing saved. Importing would do this: {result.in_words()}"
            )
            return
        except ValidationError as refused:
            raise CommandError("Nothing was imported: " + " ".join(refused.messages)) from None
        self.stdout.write(self.style.SUCCESS(result.in_words()))


def _load(mapping: str) -> dict:
    text = Path(mapping).read_text(encoding="utf-8") if Path(mapping).is_file() else mapping
    try:
        found = json.loads(text)
    except ValueError:
        raise CommandError(
            '--mapping is not JSON: give an object such as \'{"Rec No": "reference"}\'.'
        ) from None
    if not isinstance(found, dict):
        raise CommandError(
            "--mapping must be a JSON object of heading (or column letter) to field."
        )
    return found


def _apply(columns: list[str], headings: list[str], wanted: dict) -> list[str]:
    columns = list(columns)
    for where, name in wanted.items():
        name = name or ""
        if name and name not in LABELS:
            raise CommandError(
                f"--mapping: “{name}” is not a field; the fields are {', '.join(LABELS)}."
            )
        index = next(
            (i for i, h in enumerate(headings) if normalise(h) == normalise(where) and h), None
        )
        if index is None and str(where).isalpha() and len(str(where)) <= 3:
            from openpyxl.utils.cell import column_index_from_string

            index = column_index_from_string(str(where).upper()) - 1
        if index is None or index >= len(columns):
            raise CommandError(f"--mapping: no column is headed or lettered “{where}”.")
        if name:
            columns = ["" if c == name else c for c in columns]
        columns[index] = name
    return columns


def _letter(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index + 1)
