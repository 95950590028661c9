"""The registers as spreadsheets: the columns of each list, written once, and the Excel (.xlsx)
and CSV files made from them.

The recommendations register exports three lists, joined by the recommendation's reference
(with its review and number, for one that has no reference yet): the recommendations, their
actions and their updates (withdrawn updates left out, as the pages leave them out). The
reviews register exports one list, the reviews.

The headings are the words councils use in their own trackers, and the ones the import of a
council's spreadsheet recognises (issue 14: reference, origin committee, date agreed, area,
recommendation, executive date, decision, lead officer, executive member, action, timeline,
target date, update, status): ``HEADINGS`` maps each to the field it holds, for the import
to read.

Each list is read with a fixed number of queries whatever its size (plain values, no model
instances), in the register's order for the same filters. The Excel workbook is written by
openpyxl (sheets, styles, tables, frozen header rows), its rows straight into each sheet's
XML (``_rows_xml``); its working files are under ``VAR_DIR``. The CSV is streamed row by
row.
"""

import csv
import datetime
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from reviews.models import ReviewStatus, ReviewType

from .models import ActionPlanItem, Update, status_key
from .statuses import TAG_PRINT_COLOURS, Decision

# What each heading holds, for the import (issue 14, point 1) to recognise an exported file:
# heading -> (record, field), as on the Recommendations sheet. The Actions and Updates sheets
# use the same words for their own records: there "Status" is the action's, or the status the
# update reported. Every sheet starts with the columns that join it (``JOIN``).
HEADINGS: dict[str, tuple[str, str]] = {
    "Reference": ("recommendation", "reference"),
    "Origin committee": ("review", "commissioning_committee"),
    "Date agreed": ("review", "report_agreed_on"),
    "Area": ("recommendation", "service_area"),
    "Recommendation": ("recommendation", "text"),
    "Executive date": ("recommendation", "response_date"),
    "Decision": ("recommendation", "decision"),
    "Lead officer": ("recommendation", "lead_officer"),
    "Executive member": ("recommendation", "lead_member"),
    "Action": ("action", "action"),
    "Timeline": ("action", "timeline"),
    "Target date": ("action", "target_date"),
    "Update": ("update", "text"),
    "Status": ("recommendation", "status"),
}

DATE_FORMAT = "dd/mm/yyyy"  # Excel's number format for the dates: as councils write them


# The kinds of column: how a value is written and how wide the column is.
TEXT, LONG, DATE, NUMBER, STATUS = "text", "long", "date", "number", "status"
WIDTHS = {TEXT: 22, LONG: 60, DATE: 12, NUMBER: 10, STATUS: 22}


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str
    value: Callable[[dict], object]  # the cell's value from a row (a dict of read values)
    width: int | None = None

    @property
    def column_width(self) -> int:
        return self.width or WIDTHS[self.kind]


def _get(name: str, default="") -> Callable[[dict], object]:
    def value(row: dict):
        found = row.get(name)
        return default if found is None else found

    return value


def _yes_no(name: str) -> Callable[[dict], str]:
    return lambda row: "Yes" if row.get(name) else "No"


DECISIONS = dict(Decision.choices)
REVIEW_STATUSES = dict(ReviewStatus.choices)
REVIEW_TYPES = dict(ReviewType.choices)


def _decision(row: dict) -> str:
    return DECISIONS.get(row["decision"], "")  # blank: awaiting the executive's response


# The columns that join the three lists: the reference, and the review and number (a
# recommendation may have no reference yet).
JOIN = (
    Column("Reference", TEXT, _get("reference"), 14),
    Column("Review", TEXT, _get("review__title"), 30),
    Column("Recommendation number", NUMBER, _get("number")),
)

RECOMMENDATION_COLUMNS = (
    *JOIN,
    Column("Origin committee", TEXT, _get("review__commissioning_committee__name"), 28),
    Column("Date agreed", DATE, _get("review__report_agreed_on", None)),
    Column("Paragraph", TEXT, _get("paragraph_reference"), 12),
    Column("Recommendation", LONG, _get("text")),
    Column("Responsible body", TEXT, _get("responsible_body__name"), 24),
    Column("Area", TEXT, _get("service_area")),
    Column("Executive date", DATE, _get("response_date", None)),
    Column("Decision", TEXT, _decision, 18),
    Column("Response", LONG, _get("response_text")),
    Column("Lead officer", TEXT, _get("lead_officer__name")),
    Column("Executive member", TEXT, _get("lead_member__name")),
    Column("Status", STATUS, _get("status")),
    Column("Status reason", LONG, _get("status_reason"), 30),
    Column("Latest update", DATE, _get("latest_update_date", None)),
    Column("Action overdue", TEXT, _yes_no("has_overdue_action"), 10),
    Column("Closed on", DATE, _get("closed_on", None)),
    Column("Closure minute", TEXT, _get("closure_minute_reference"), 14),
)

ACTION_COLUMNS = (
    *JOIN,
    Column("Action number", NUMBER, _get("action_number")),
    Column("Action", LONG, _get("action")),
    Column("Timeline", TEXT, _get("timeline")),
    Column("Target date", DATE, _get("target_date", None)),
    Column("First target date", DATE, _get("first_target_date", None)),
    Column("Target revisions", NUMBER, _get("target_revision_count", 0)),
    Column("Owner", TEXT, _get("owner__name")),
    Column("Status", STATUS, _get("status")),
    Column("Status reason", LONG, _get("status_reason"), 30),
    Column("Overdue", TEXT, _yes_no("overdue"), 10),
)

UPDATE_COLUMNS = (
    *JOIN,
    Column("Action number", NUMBER, _get("action__number", None)),
    Column("Date", DATE, _get("date", None)),
    Column("Update", LONG, _get("text")),
    Column("Status", STATUS, _get("reported_status")),
    Column("Status reason", LONG, _get("status_reason"), 30),
    Column("Author", TEXT, _get("author__name")),
    Column("Reported to", TEXT, _get("reported_to__committee__name"), 28),
    Column("Meeting date", DATE, _get("reported_to__date", None)),
)

REVIEW_COLUMNS = (
    Column("Review", TEXT, _get("title"), 40),
    Column("Type", TEXT, lambda row: REVIEW_TYPES.get(row["review_type"], ""), 20),
    Column("Origin committee", TEXT, _get("commissioning_committee__name"), 28),
    Column("Municipal year", TEXT, _get("municipal_year"), 10),
    Column("Status", TEXT, lambda row: REVIEW_STATUSES.get(row["status"], ""), 24),
    Column("Scope agreed", DATE, _get("scope_agreed_on", None)),
    Column("Date agreed", DATE, _get("report_agreed_on", None)),
    Column("Report received", DATE, _get("report_received_on", None)),
    Column("Response deadline", DATE, _get("response_deadline", None)),
    Column("Response overdue", TEXT, _yes_no("response_overdue"), 10),
    Column("Response given", DATE, _get("response_given_on", None)),
    Column("Recommendations", NUMBER, _get("recommendation_count", 0), 16),
)


@dataclass
class Sheet:
    """One list: its name (the sheet's title and the CSV's), its columns and its rows."""

    name: str
    columns: tuple[Column, ...]
    rows: Iterable[dict]


# --- reading the lists ---------------------------------------------------------------------

RECOMMENDATION_VALUES = (
    "pk",
    "reference",
    "number",
    "review__title",
    "review__commissioning_committee__name",
    "review__report_agreed_on",
    "paragraph_reference",
    "text",
    "responsible_body__name",
    "service_area",
    "response_date",
    "decision",
    "response_text",
    "lead_officer__name",
    "lead_member__name",
    "status",
    "status_reason",
    "latest_update_date",
    "has_overdue_action",
    "closed_on",
    "closure_minute_reference",
)


def recommendation_sheets(selection: QuerySet, today: datetime.date) -> list[Sheet]:
    """The three lists of the recommendations ``selection`` (the register's filtered queryset,
    in its order), each read when it is first written: one query a list, whatever the size.
    Actions and updates follow their recommendation's place in the register."""
    read: dict[str, list[dict]] = {}

    def recommendations() -> list[dict]:
        if "rows" not in read:
            read["rows"] = list(selection.values(*RECOMMENDATION_VALUES))
        return read["rows"]

    chosen = selection.order_by().values("pk")
    overdue = ActionPlanItem.objects.overdue(today).filter(pk=OuterRef("pk"))
    actions = (
        ActionPlanItem.objects.filter(recommendation__in=chosen)
        .annotate(overdue=Exists(overdue))
        .values("recommendation_id", *ACTION_VALUES)
    )
    updates = Update.objects.current().filter(recommendation__in=chosen).values(*UPDATE_VALUES)

    def joined(rows: QuerySet) -> Iterator[dict]:
        """``rows`` in their recommendations' order, each with the columns that join it."""
        recs = recommendations()
        place = {rec["pk"]: i for i, rec in enumerate(recs)}
        for row in sorted(rows, key=lambda row: place[row["recommendation_id"]]):  # stable
            rec = recs[place[row["recommendation_id"]]]
            if "number" in row:  # an action's own number
                row["action_number"] = row.pop("number")
            row["reference"], row["review__title"] = rec["reference"], rec["review__title"]
            row["number"] = rec["number"]
            yield row

    return [
        Sheet("Recommendations", RECOMMENDATION_COLUMNS, _Lazy(lambda: iter(recommendations()))),
        Sheet("Actions", ACTION_COLUMNS, _Lazy(lambda: joined(actions))),
        Sheet("Updates", UPDATE_COLUMNS, _Lazy(lambda: joined(updates))),
    ]


class _Lazy:
    """Rows read when first iterated (a list not written is never read)."""

    def __init__(self, make: Callable[[], Iterator[dict]]):
        self.make = make

    def __iter__(self) -> Iterator[dict]:
        return self.make()


ACTION_VALUES = (
    "number",
    "action",
    "timeline",
    "target_date",
    "first_target_date",
    "target_revision_count",
    "owner__name",
    "status",
    "status_reason",
    "overdue",
)
UPDATE_VALUES = (
    "recommendation_id",
    "action__number",
    "date",
    "text",
    "reported_status",
    "status_reason",
    "author__name",
    "reported_to__committee__name",
    "reported_to__date",
)


def review_sheet(reviews: QuerySet, today: datetime.date) -> Sheet:
    """The reviews register's list, from its filtered queryset (one query): the response
    deadline as the review page works it out."""

    def rows() -> Iterator[dict]:
        for review in reviews:
            yield {
                "title": review.title,
                "review_type": review.review_type,
                "commissioning_committee__name": review.commissioning_committee.name,
                "municipal_year": review.municipal_year,
                "status": review.status,
                "scope_agreed_on": review.scope_agreed_on,
                "report_agreed_on": review.report_agreed_on,
                "report_received_on": review.report_received_on,
                "response_deadline": review.response_deadline,
                "response_overdue": review.is_response_overdue(today),
                "response_given_on": review.response_given_on,
                "recommendation_count": review.recommendation_count,
            }

    return Sheet("Reviews", REVIEW_COLUMNS, rows())


# --- CSV ---------------------------------------------------------------------------------------


def csv_text(column: Column, row: dict) -> str:
    """A cell as CSV text: dates as ISO 8601 (2017-07-06, which Excel reads as a date in any
    locale), statuses in the key's words."""
    value = column.value(row)
    if value is None:
        return ""
    if column.kind == STATUS:
        return status_key().label(value) if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file that hands back what is written to it (for ``csv.writer`` in a stream)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(sheet: Sheet) -> Iterator[str]:
    """The list as CSV lines, starting with the byte order mark Excel needs to read UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.heading for c in sheet.columns])
    for row in sheet.rows:
        yield writer.writerow([csv_text(c, row) for c in sheet.columns])


# --- Excel -------------------------------------------------------------------------------------

TABLE_STYLE = "TableStyleMedium2"


def working_folder() -> Path:
    """Where the Excel files are put together: under ``VAR_DIR``, the one folder the app
    writes to (openpyxl would use the system's temporary folder)."""
    folder = Path(settings.VAR_DIR) / "tmp" / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _StyleIds:
    """The cells' styles, registered once a workbook with openpyxl (which writes them into
    the workbook's styles), by the index a cell names them with."""

    def __init__(self, ws):
        def style_id(**style) -> int:
            cell = WriteOnlyCell(ws)
            for name, value in style.items():
                setattr(cell, name, value)
            return cell.style_id

        top, wrap = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
        self.header = {"font": Font(bold=True), "alignment": wrap}
        self.top = style_id(alignment=top)
        self.wrap = style_id(alignment=wrap)
        self.date = style_id(alignment=top, number_format=DATE_FORMAT)
        self.status = {
            colour: style_id(
                alignment=top, fill=PatternFill("solid", fgColor=fill), font=Font(color=text)
            )
            for colour, (fill, text) in TAG_PRINT_COLOURS.items()
        }


def _add_sheet(workbook: Workbook, sheet: Sheet, count: int, folder: str) -> _StyleIds:
    """The sheet as openpyxl writes it: column widths, the frozen header row, and the table
    over the ``count`` rows to come (written by ``_rows_xml``)."""
    ws = workbook.create_sheet(title=sheet.name)
    for i, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.column_width
    ws.freeze_panes = "A2"  # the header row stays in view
    # The sheet is written to a file under VAR_DIR (what openpyxl's ``_get_writer`` does,
    # with the system's temporary folder): set before the first row is appended.
    handle, path = tempfile.mkstemp(dir=folder, suffix=".xml")
    os.close(handle)
    ALL_TEMP_FILES.append(path)  # openpyxl deletes it, and forgets it, once saved
    ws._writer = WorksheetWriter(ws, out=path)
    ws._writer.write_top()
    ids = _StyleIds(ws)
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, column.heading)
        cell.font, cell.alignment = ids.header["font"], ids.header["alignment"]
        header.append(cell)
    ws.append(header)
    last = get_column_letter(len(sheet.columns))
    ref = f"A1:{last}{max(count, 1) + 1}"
    table = Table(displayName=sheet.name, ref=ref, autoFilter=AutoFilter(ref=ref))
    table.tableColumns = [
        TableColumn(id=i, name=c.heading) for i, c in enumerate(sheet.columns, start=1)
    ]
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    with warnings.catch_warnings():  # "add table columns manually": they are, above
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)  # a table: the header row has its filter buttons
    return ids


# Characters XML 1.0 cannot hold (control characters pasted from elsewhere): left out.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (its dates are days since)
ROWS_A_CHUNK = 500


def _text_cell(ref: str, style: int, text: str) -> str:
    text = escape(NOT_XML.sub("", text))
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _rows_xml(sheet: Sheet, rows: list[dict], ids: _StyleIds) -> Iterator[str]:
    """The sheet's rows after the header, as the worksheet's XML: each cell its value and
    style (openpyxl writes every cell through several objects, a second for 30,000 rows:
    this writes the same XML directly, ten times as fast)."""
    key = status_key()
    columns = [(get_column_letter(i), c) for i, c in enumerate(sheet.columns, start=1)]
    chunk = []
    for number, row in enumerate(rows, start=2):
        cells = [f'<row r="{number}">']
        for letter, column in columns:
            value = column.value(row)
            if value is None or value == "":
                continue
            ref = f"{letter}{number}"
            if column.kind == STATUS:
                entry = key.entry(value)
                style = ids.status.get(entry.colour, ids.status["grey"])
                cells.append(_text_cell(ref, style, entry.label))
            elif column.kind == DATE:
                cells.append(f'<c r="{ref}" s="{ids.date}"><v>{(value - EXCEL_EPOCH).days}</v></c>')
            elif isinstance(value, int) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}" s="{ids.top}"><v>{value}</v></c>')
            else:
                style = ids.wrap if column.kind == LONG else ids.top
                cells.append(_text_cell(ref, style, str(value)))
        cells.append("</row>")
        chunk.append("".join(cells))
        if len(chunk) == ROWS_A_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def write_workbook(sheets: list[Sheet], out) -> None:
    """Write the lists as an Excel workbook, a sheet and a table each, to the open binary
    file ``out``. openpyxl writes the workbook (its sheets, styles, tables, frozen headers);
    the rows are then written into each sheet's ``sheetData`` by ``_rows_xml``."""
    workbook = Workbook(write_only=True)
    with tempfile.TemporaryDirectory(dir=working_folder()) as folder:
        written = []
        for sheet in sheets:
            rows = list(sheet.rows)
            written.append((sheet, rows, _add_sheet(workbook, sheet, len(rows), folder)))
        skeleton = Path(folder) / "skeleton.xlsx"
        workbook.save(skeleton)  # which names each sheet's file
        filled = {ws.path[1:]: w for ws, w in zip(workbook.worksheets, written, strict=True)}
        if len(filled) != len(written):
            raise ValueError("two sheets were given the same file")
        with (
            zipfile.ZipFile(skeleton) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename not in filled:
                    target.writestr(info, content)
                    continue
                head, tail = content.split(b"</sheetData>", 1)
                with target.open(info.filename, "w", force_zip64=True) as member:
                    member.write(head)
                    for xml in _rows_xml(*filled[info.filename]):
                        member.write(xml.encode())
                    member.write(b"</sheetData>" + tail)


def workbook_file(sheets: list[Sheet]):
    """The workbook in an unnamed temporary file under ``VAR_DIR`` (gone when closed),
    rewound to be read: a large export is not held in memory."""
    out = tempfile.TemporaryFile(dir=working_folder())  # noqa: SIM115 - the response closes it
    try:
        write_workbook(sheets, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def export_filename(name: str, extension: str, today: datetime.date | None = None) -> str:
    """ "recommendations-2026-11-29.xlsx": what the list is and the day it was taken."""
    today = today or timezone.localdate()
    return f"{name.lower()}-{today.isoformat()}.{extension}"


__all__ = [
    "ACTION_COLUMNS",
    "HEADINGS",
    "RECOMMENDATION_COLUMNS",
    "REVIEW_COLUMNS",
    "UPDATE_COLUMNS",
    "Column",
    "Sheet",
    "csv_lines",
    "export_filename",
    "recommendation_sheets",
    "review_sheet",
    "workbook_file",
    "write_workbook",
]
