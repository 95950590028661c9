"""The ``table`` shape: tab-separated rows under a header row, a cell of several paragraphs
kept, the header repeated on each page skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .headed import _headings
from .items import _build_text, _Draft, _finish
from .lines import _clean, _Line
from .markers import _BULLET, _NUM_CLOSE, _NUM_DOT, _NUM_PAREN, _bare_marker, _heading
from .results import (
    MAX_COLUMNS,
    ParseResult,
    _left_out_warning,
    _numbering_warnings,
    _result,
)

_HEADER_FIRST = re.compile(
    r"(?:recommendations?(?: (?:no\.?|number|text|ref\.?|reference))?|rec\.?(?: ?no\.?)?"
    r"|no\.?|number|num\.?|ref\.?|reference|#|item|r ?no\.?|recommendation ?#)",
    re.IGNORECASE,
)
_NUMBER_HEADER = re.compile(
    r"(?:no\.?|number|num\.?|ref\.?|reference|#|item|rec\.? ?no\.?|r ?no\.?"
    r"|recommendation (?:no\.?|number|ref\.?|reference)|recommendation ?#)",
    re.IGNORECASE,
)
_TEXT_HEADER = re.compile(r"recommendation|text|wording", re.IGNORECASE)
_BODY_HEADER = re.compile(
    r"\bbody\b|decision[- ]?maker|decision[- ]making|responsible (?:committee|forum)",
    re.IGNORECASE,
)
_PARA_HEADER = re.compile(
    r"para(?:graph)?s?\.?(?: (?:ref\.?|reference|no\.?|number))?|report paragraphs?",
    re.IGNORECASE,
)
_NUMBER_CELL = re.compile(r"\(?(\d{1,3}|[A-Za-z])[.)]?")


def _split_row(raw: str) -> list[str]:
    """A table line's cells; past ``MAX_COLUMNS`` the rest stays in the last cell."""
    return raw.split("\t", MAX_COLUMNS - 1)


def _cells(line: _Line) -> list[str]:
    cells = [_clean(c) for c in _split_row(line.raw)]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _is_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return (
        len(filled) >= 2
        and _HEADER_FIRST.fullmatch(cells[0]) is not None
        and all(len(c) <= 60 for c in cells)
    )


@dataclass
class _Columns:
    names: list[str]
    number: int | None
    text: int
    body: int | None
    paragraph: int | None


def _columns(header: list[str]) -> _Columns:
    number = 0 if _NUMBER_HEADER.fullmatch(header[0]) else None
    text = next(
        (i for i, name in enumerate(header) if i != number and _TEXT_HEADER.search(name)),
        1 if number == 0 else 0,
    )
    if text != 0:
        number = 0  # "Rec<TAB>Recommendation text": the first column is the number
    body = next(
        (
            i
            for i, name in enumerate(header)
            if i not in (number, text) and _BODY_HEADER.search(name)
        ),
        None,
    )
    paragraph = next(
        (
            i
            for i, name in enumerate(header)
            if i not in (number, text, body) and _PARA_HEADER.fullmatch(name)
        ),
        None,
    )
    names: list[str] = []
    for i, name in enumerate(header):
        name = name or f"Column {i + 1}"
        while name in names:
            name = f"{name} ({i + 1})"
        names.append(name)
    return _Columns(names, number, text, body, paragraph)


@dataclass
class _Row:
    cells: list[list[tuple[str, str]]]  # each cell: ("line", s) or ("break", "")


def _row_number(cells: list[str], columns: _Columns) -> tuple[int | None, str, str]:
    """(number, paragraph reference, text) of a row, read from its first cells."""
    if columns.number is not None:
        cell = cells[columns.number] if columns.number < len(cells) else ""
        m = _NUMBER_CELL.fullmatch(cell)
        if m:
            n = m.group(1)
            return (int(n) if n.isdigit() else ord(n.lower()) - ord("a") + 1), "", ""
        heading = _heading(cell)
        if heading is not None and not _clean(heading.rest):
            return heading.number, heading.paragraph_reference, ""
        return None, "", ""
    cell = cells[0] if cells else ""
    heading = _heading(cell)
    if heading is not None:
        return heading.number, heading.paragraph_reference, heading.rest
    for pattern in (_NUM_DOT, _NUM_PAREN, _NUM_CLOSE):
        m = pattern.match(cell)
        if m:
            return int(m.group(1)), "", m.group(2) or ""
    marker = _bare_marker(cell)
    if marker is not None:
        return marker.value, "", marker.rest
    return None, "", ""


def _parse_table(lines: list[_Line], bodies: list[str]) -> ParseResult | None:
    header_index = None
    header: list[str] = []
    for index, line in enumerate(lines):
        if not line.blank and "\t" in line.raw:
            cells = _cells(line)
            if cells and _is_header(cells):
                header_index, header = index, cells
                break
    if header_index is None:
        return None
    headings = _headings(lines)
    if headings and all(not _clean(h.rest) for _, h in headings):
        return None  # "Recommendation 1 (paragraph 14)" on its own line: not a table row
    columns = _columns(header)
    header_key = [c.lower() for c in header]
    ignored = [_clean(line.s) for line in lines[: header_index + 1] if not line.blank]
    # Rows start "Recommendation N" if any does; otherwise with a number in the first cell.
    heading_rows = columns.number is None and any(
        _heading(_clean(line.raw.split("\t", 1)[0])) is not None
        for line in lines[header_index + 1 :]
        if not line.blank
    )
    rows: list[_Row] = []
    current: _Row | None = None
    saw_blank = False
    left_out = 0
    for line in lines[header_index + 1 :]:
        if line.blank:
            saw_blank = True
            continue
        if line.boilerplate:
            ignored.append(_clean(line.s))
            continue
        cells = _cells(line)
        if [c.lower() for c in cells] == header_key:
            current, saw_blank = None, False  # the header repeated on a new page
            continue
        has_tab = len(cells) >= 2
        if heading_rows:
            starts_row = bool(cells) and _heading(cells[0]) is not None
        else:
            starts_row = has_tab and _row_number(cells, columns)[0] is not None
        if starts_row:
            current = _Row([[("line", c)] for c in _split_row(line.raw)])
            rows.append(current)
        elif has_tab:
            pieces = _split_row(line.raw)
            if current is not None and len(current.cells) < len(header):
                _merge(current, pieces, saw_blank)
            else:
                current = _Row([[("line", c)] for c in pieces])
                rows.append(current)
        elif current is not None and (
            not saw_blank or line.s[:1].islower() or _BULLET.match(line.s)
        ):
            _merge(current, [line.s], saw_blank)
        else:
            ignored.append(_clean(line.s))
            left_out += 1
        saw_blank = False
    if not rows:
        return None
    recs = []
    unnumbered = False
    previous = 0
    for row in rows:
        draft = _row_draft(row, columns)
        if draft.number is None:
            draft.number = previous + 1
            draft.warnings.append(f"No number was written: numbered {draft.number} by position")
            unnumbered = True
        previous = draft.number
        recs.append(_finish(draft, draft.number, bodies))
    warnings = _numbering_warnings(recs, str)
    if unnumbered:
        warnings.append("Some rows had no number: they were numbered by their position")
    return _result(recs, "table", warnings + _left_out_warning(left_out), ignored)


def _merge(row: _Row, pieces: list[str], saw_blank: bool) -> None:
    """A line carrying on a row: a cell of several paragraphs."""
    if saw_blank:
        row.cells[-1].append(("break", ""))
    row.cells[-1].append(("line", pieces[0]))
    row.cells.extend([("line", piece)] for piece in pieces[1:])


def _cell_text(cell: list[tuple[str, str]]) -> _Draft:
    """A table cell read as item text: its first line as is, later lines as lines."""
    draft = _Draft(None)
    for position, (kind, value) in enumerate(cell):
        if kind == "break":
            draft.add_break()
        elif position == 0:
            draft.add_text(value, split_tabs=False)
        else:
            draft.add_line(value.strip(), split_tabs=False)
    return draft


def _row_draft(row: _Row, columns: _Columns) -> _Draft:
    cells = row.cells
    first_lines = [_clean(cell[0][1]) if cell and cell[0][0] == "line" else "" for cell in cells]
    number, paragraph, rest = _row_number(first_lines, columns)
    text_cell = list(cells[columns.text]) if columns.text < len(cells) else []
    if columns.number is None and number is not None and text_cell:
        text_cell[0] = ("line", rest)  # "Recommendation 3 That ..." less its heading
    draft = _cell_text(text_cell)
    draft.number = number
    draft.paragraph_reference = paragraph
    roles = (columns.number, columns.text, columns.body, columns.paragraph)
    draft.extra_columns = {n: "" for i, n in enumerate(columns.names) if i not in roles}
    for i, cell in enumerate(cells):
        if i in (columns.number, columns.text):
            continue
        if i >= len(columns.names) and not any(v.strip() for _, v in cell):
            continue  # empty cells beyond the header
        value = _build_text(_cell_text(cell).segs)
        if i == columns.body:
            if value:
                draft.bodies.append(value)
        elif i == columns.paragraph:
            draft.paragraph_reference = draft.paragraph_reference or value
        else:
            name = columns.names[i] if i < len(columns.names) else f"Column {i + 1}"
            draft.extra_columns[name] = value
    return draft
