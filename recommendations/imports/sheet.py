"""Reading a council's tracker from an .xlsx workbook or a .csv file into rows of cells, with
the limits that keep a bad file from costing more than a clear refusal.

:func:`read_sheet` returns a :class:`Sheet` (every row of the first worksheet, or of the
tracker's own export's three sheets joined into one table by ``exported.flatten``, merged cells
filled with their merged value) or raises :class:`ImportRefused` with a message an officer can
act on. Nothing here writes to the database (the export's sheets read the council's status key,
to tell a status held by an officer from one derived).

Decisions, also in the README:

- ``.xlsm``, ``.xltm``, ``.xlsb`` and ``.xls`` are refused, and so is an ``.xlsx`` holding a
  macro project (``xl/vbaProject.bin``): a tracker is data, and a macro file is saved again as
  "Excel Workbook (.xlsx)" in a moment.
- A formula is read as the value Excel saved with it (what the officer saw in the sheet). A
  formula with no saved value (a file written by a program that does not calculate) is refused,
  naming the cell: the value cannot be known without running it.
- Limits (settings): ``IMPORT_MAX_BYTES`` for the upload, ``IMPORT_MAX_ROWS`` rows (read from
  the sheet's stated size before anything else, and counted while reading when it states
  none), ``IMPORT_MAX_CELL_CHARS`` characters in one cell (Excel's own limit is 32,767), and
  ``IMPORT_MAX_UNPACKED_BYTES`` for the worksheet once unzipped (a "zip bomb").
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import iterparse

from django.conf import settings
from openpyxl.utils.cell import get_column_letter, range_boundaries

SUFFIXES = (".xlsx", ".csv")
REFUSED_SUFFIXES = {
    ".xlsm": "a macro-enabled workbook",
    ".xltm": "a macro-enabled template",
    ".xlsb": "a binary workbook",
    ".xls": "an Excel 97-2003 workbook",
    ".ods": "an OpenDocument spreadsheet",
}
SAVE_AS = (
    "Open it in Excel and save it as “Excel Workbook (.xlsx)” or “CSV UTF-8”, then upload it again."
)


class ImportRefused(Exception):
    """The file cannot be imported; ``str()`` says why and what to do."""


@dataclass
class Sheet:
    """The cells of the first worksheet, row by row (1-based ``numbers`` as the spreadsheet
    shows them), each cell a ``str``, ``datetime.date``, number or None."""

    filename: str
    rows: list[list[object]]
    numbers: list[int]
    notes: list[str] = field(default_factory=list)  # e.g. formulas read as their saved value


def check_name(filename: str) -> str:
    """The suffix of an acceptable file name, lower case; ``ImportRefused`` otherwise."""
    suffix = Path(filename or "").suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        raise ImportRefused(
            f"“{filename}” is {REFUSED_SUFFIXES[suffix]}, which is not imported. {SAVE_AS}"
        )
    if suffix not in SUFFIXES:
        raise ImportRefused(
            f"“{filename}” is not a spreadsheet the tracker can read: upload an Excel workbook "
            "(.xlsx) or a CSV file (.csv)."
        )
    return suffix


def check_size(size: int, filename: str) -> None:
    most = settings.IMPORT_MAX_BYTES
    if size > most:
        raise ImportRefused(
            f"“{filename}” is {_mb(size)}: the largest file that can be imported is {_mb(most)}. "
            "Split the tracker into several files, or remove pictures and other sheets."
        )
    if size == 0:
        raise ImportRefused(f"“{filename}” is empty.")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def read_sheet(path: Path, filename: str) -> Sheet:
    """Read the file at ``path`` (uploaded as ``filename``)."""
    suffix = check_name(filename)
    check_size(path.stat().st_size, filename)
    if suffix == ".csv":
        rows, numbers, notes = _read_csv(path, filename)
    else:
        rows, numbers, notes = _read_xlsx(path, filename)
    if not any(_filled(row) for row in rows):
        raise ImportRefused(f"“{filename}” has no data: its first sheet is empty.")
    return Sheet(filename=filename, rows=rows, numbers=numbers, notes=notes)


def _filled(row) -> bool:
    return any(cell not in (None, "") and str(cell).strip() for cell in row)


def _too_many_rows(filename: str, count: int | str) -> ImportRefused:
    return ImportRefused(
        f"“{filename}” has {count} rows: at most {settings.IMPORT_MAX_ROWS:,} can be imported at "
        "once. Split it into several files."
    )


def _check_cell(value, filename: str, where: str):
    if isinstance(value, str):
        if len(value) > settings.IMPORT_MAX_CELL_CHARS:
            raise ImportRefused(
                f"Cell {where} of “{filename}” holds {len(value):,} characters: the most a cell "
                f"may hold is {settings.IMPORT_MAX_CELL_CHARS:,}. Check the cell (it may hold "
                "pasted data by mistake) and upload the file again."
            )
        value = value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return value


# --- CSV ----------------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> str:
    if b"\x00" in data[:4096]:
        raise ImportRefused(f"“{filename}” is not a CSV file (it holds binary data). {SAVE_AS}")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a character: never refused for encoding


def _read_csv(path: Path, filename: str):
    text = _decode(path.read_bytes(), filename)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows, numbers = [], []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    csv.field_size_limit(settings.IMPORT_MAX_CELL_CHARS + 1)
    try:
        for index, row in enumerate(reader, start=1):
            if index > settings.IMPORT_MAX_ROWS:
                raise _too_many_rows(filename, f"more than {settings.IMPORT_MAX_ROWS:,}")
            rows.append(
                [
                    _check_cell(cell, filename, f"{get_column_letter(col)}{index}")
                    for col, cell in enumerate(row, start=1)
                ]
            )
            numbers.append(index)
    except csv.Error as problem:
        if "field limit" in str(problem):
            raise ImportRefused(
                f"A cell in row {len(rows) + 1} of “{filename}” holds more than "
                f"{settings.IMPORT_MAX_CELL_CHARS:,} characters, the most a cell may hold. Check "
                "the cell (it may hold pasted data by mistake) and upload the file again."
            ) from None
        raise ImportRefused(
            f"“{filename}” could not be read as CSV ({problem}) near row {len(rows) + 1}. {SAVE_AS}"
        ) from None
    return rows, numbers, []


# --- Excel --------------------------------------------------------------------------------------


def _read_xlsx(path: Path, filename: str):
    import openpyxl

    if not zipfile.is_zipfile(path):
        raise ImportRefused(
            f"“{filename}” is not an Excel workbook, though its name ends .xlsx. {SAVE_AS}"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise ImportRefused(f"“{filename}” holds macros, which are not imported. {SAVE_AS}")
            unpacked = sum(i.file_size for i in archive.infolist())
            if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
                raise ImportRefused(
                    f"“{filename}” is {_mb(unpacked)} once unpacked: the most that can be "
                    f"imported is {_mb(settings.IMPORT_MAX_UNPACKED_BYTES)}. Split it into "
                    "several files."
                )
        values_book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except ImportRefused:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise ImportRefused(
            f"“{filename}” could not be opened as an Excel workbook. {SAVE_AS}"
        ) from None
    try:
        if _is_export(values_book):
            return _read_export(values_book, formula_book, filename)
        return _read_worksheet(values_book, formula_book, filename)
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused(
            f"“{filename}” could not be read: the workbook is damaged. {SAVE_AS}"
        ) from None
    finally:
        values_book.close()
        formula_book.close()


def _is_export(book) -> bool:
    """Whether the workbook is the tracker's own export (``exported.is_export``)."""
    from .exported import SHEETS, is_export

    first_rows = {}
    for name in SHEETS:
        if name in book.sheetnames:
            for row in book[name].iter_rows(min_row=1, max_row=1, values_only=True):
                first_rows[name] = [str(c).strip() if c is not None else "" for c in row]
    return is_export(book.sheetnames, first_rows)


def _read_export(values_book, formula_book, filename: str):
    """The tracker's own export: its three sheets read (each with the limits of one) and
    joined into the single table the import reads (``exported.flatten``)."""
    from ..models import status_key
    from ..statuses import ProgressStatus
    from .exported import SHEETS, flatten

    key = status_key()
    progress = {e.label.lower() for e in key.entries if e.category in ProgressStatus.values}
    read, notes = {}, []
    for name in SHEETS:
        index = values_book.sheetnames.index(name)
        rows, _numbers, sheet_notes = _read_worksheet(values_book, formula_book, filename, index)
        read[name] = rows
        notes += sheet_notes
    table = flatten(read, held=lambda words: words.lower() in progress)
    if len(table) > settings.IMPORT_MAX_ROWS + 1:
        raise _too_many_rows(filename, f"{len(table) - 1:,} (recommendations, actions and updates)")
    notes.append(
        "This is the tracker's own export: its Recommendations, Actions and Updates sheets are "
        "read together, each action and update joined to its recommendation by reference. Row "
        "numbers count each recommendation, then its actions, then its updates."
    )
    return table, list(range(1, len(table) + 1)), notes


def _read_worksheet(values_book, formula_book, filename: str, index: int = 0):
    sheet = values_book.worksheets[index]
    formulas = formula_book.worksheets[index]
    stated = sheet.max_row if sheet.max_row is not None else 0
    if stated > settings.IMPORT_MAX_ROWS + 1:  # +1: the stated size may count a last blank row
        raise _too_many_rows(filename, f"{stated:,}")
    merges = _merged_ranges(values_book, sheet)
    rows, numbers, notes = [], [], []
    formula_cells = 0
    for number, (row, frow) in enumerate(
        zip(sheet.iter_rows(), formulas.iter_rows(), strict=False), start=1
    ):
        if number > settings.IMPORT_MAX_ROWS + 1:
            raise _too_many_rows(filename, f"more than {settings.IMPORT_MAX_ROWS:,}")
        cells = []
        for cell, fcell in zip(row, frow, strict=False):
            value = getattr(cell, "value", None)
            if getattr(fcell, "data_type", None) == "f":
                where = f"{get_column_letter(fcell.column)}{number}"
                if value is None:
                    raise ImportRefused(
                        f"Cell {where} of “{filename}” holds a formula ({str(fcell.value)[:60]}) "
                        "with no saved value. Open the file in Excel and save it (Excel saves "
                        "each formula's value), or replace the formulas by their values, then "
                        "upload it again."
                    )
                formula_cells += 1
            if isinstance(value, datetime.datetime):
                value = value.date()
            column = getattr(cell, "column", None) or len(cells) + 1
            while len(cells) < column - 1:
                cells.append(None)
            cells.append(_check_cell(value, filename, f"{get_column_letter(column)}{number}"))
        rows.append(cells)
        numbers.append(number)
    for min_row, min_col, max_row, max_col in merges:
        top = _cell(rows, min_row, min_col)
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if r <= len(rows):
                    row = rows[r - 1]
                    while len(row) < c:
                        row.append(None)
                    row[c - 1] = top
    if formula_cells:
        notes.append(
            "1 cell holds a formula: the value Excel saved with it is imported."
            if formula_cells == 1
            else f"{formula_cells} cells hold a formula: the value Excel saved with each is "
            "imported."
        )
    return rows, numbers, notes


def _cell(rows, r: int, c: int):
    if r > len(rows) or c > len(rows[r - 1]):
        return None
    return rows[r - 1][c - 1]


def _merged_ranges(book, sheet) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a read-only worksheet (which openpyxl does not give), as (first
    row, first column, last row, last column), from the worksheet's XML."""
    path = getattr(sheet, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if not path or archive is None:
        return []
    ranges = []
    with archive.open(path) as xml:
        for _event, element in iterparse(xml, events=("end",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell":
                ref = element.get("ref", "")
                if re.fullmatch(r"[A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+", ref):
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                    if (max_row - min_row + 1) * (max_col - min_col + 1) <= 100_000:
                        ranges.append((min_row, min_col, max_row, max_col))
            element.clear()
    return ranges


__all__ = [
    "ImportRefused",
    "Sheet",
    "check_name",
    "check_size",
    "read_sheet",
]
