"""Building an item: its lines gathered in a draft and joined into text, and, for every shape
but the table, the items run from their first lines to the next (:func:`_assemble`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .bodies import _known_body, _looks_like_body, _split_cells
from .lines import _clean, _continues, _Line
from .markers import _BULLET, _markers
from .results import (
    LONG_TEXT_CHARS,
    ParsedRecommendation,
    ParseResult,
    _left_out_warning,
    _numbering_warnings,
    _result,
)


@dataclass
class _Draft:
    number: int | None
    paragraph_reference: str = ""
    segs: list[tuple[str, str]] = field(default_factory=list)  # ("text"|"sub"|"break", s)
    bodies: list[str] = field(default_factory=list)
    extra_columns: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    first_cell: str = ""  # a lone cell after a tab on the first line: text or body

    def add_break(self) -> None:
        if self.segs and self.segs[-1][0] != "break":
            self.segs.append(("break", ""))

    def add_text(self, s: str, *, split_tabs: bool = True) -> None:
        """The first line of an item (after its marker): plain text, perhaps with a body.

        A single cell after a tab ("Recommendation 1<TAB>...") is the text if nothing else
        is, and the body if text follows on later lines (see :func:`_finish`)."""
        if split_tabs and s.lstrip(" ").startswith("\t"):
            cells = [c for c in (_clean(c) for c in s.split("\t")) if c]
            if len(cells) == 1:
                self.first_cell = cells[0]
                return
            s = "\t".join(cells)
        text, body = _split_cells(s) if split_tabs else (_clean(s), "")
        if body:
            self.bodies.append(body)
        if text:
            self.segs.append(("text", text))

    def add_line(self, s: str, *, split_tabs: bool = True) -> None:
        """A later line of an item: text, a bullet or a sub-point."""
        kind, prefix, content = "text", "", s
        bullet = _BULLET.match(s)
        if bullet:
            if not bullet.group(1).strip():
                return  # a bullet with nothing after it
            kind, prefix, content = "sub", "-", bullet.group(1)
        else:
            markers = _markers(s)
            if markers:
                kind, prefix, content = "sub", f"- {markers[0].written}", markers[0].rest
        text, body = _split_cells(content) if split_tabs else (_clean(content), "")
        if body:
            self.bodies.append(body)
        if kind == "sub":
            self.segs.append(("sub", f"{prefix} {text}" if text else prefix))
        elif text:
            self.segs.append(("text", text))


def _build_text(segs: list[tuple[str, str]]) -> str:
    paragraphs: list[list[str]] = []
    last_sub = False
    pending_break = False
    for kind, value in segs:
        if kind == "break":
            pending_break = bool(paragraphs)
            continue
        if kind == "sub":
            paragraphs.append([value])
            last_sub = True
        elif not paragraphs:
            paragraphs.append([value])
            last_sub = False
        elif pending_break or last_sub:
            previous = paragraphs[-1][-1]
            if previous == "-":
                carries_on = True  # the bullet stood alone; its text is on this line
            elif pending_break:
                carries_on = _continues(previous, value)
            else:  # a wrapped bullet carries on in lower case; a capital starts the text again
                carries_on = not value[:1].isupper()
            if carries_on:
                paragraphs[-1].append(value)
            else:
                paragraphs.append([value])
                last_sub = False
        else:
            paragraphs[-1].append(value)
        pending_break = False
    return "\n".join(" ".join(parts) for parts in paragraphs)


def _finish(draft: _Draft, number: int, bodies: list[str]) -> ParsedRecommendation:
    text = _build_text(draft.segs)
    bodies_written = draft.bodies
    if draft.first_cell and text and _looks_like_body(draft.first_cell):
        bodies_written = [draft.first_cell, *bodies_written]
    elif draft.first_cell:
        text = f"{draft.first_cell} {text}" if text else draft.first_cell
    body_parts: list[str] = []
    for part in bodies_written:
        if not body_parts or body_parts[-1] != part:
            body_parts.append(part)
    body = " ".join(body_parts)
    if not text and body and (len(body) > 80 or ". " in body):
        text, body = body, ""  # a long single cell is the text, not a body
    if not body and text and bodies:
        text, body = _known_body(text, bodies)
    warnings = list(draft.warnings)
    if not text:
        warnings.append("Text is empty")
    elif len(text) > LONG_TEXT_CHARS:
        warnings.append(
            f"Text is very long ({len(text):,} characters): check that two recommendations "
            "have not run together"
        )
    return ParsedRecommendation(
        number=number,
        text=text,
        paragraph_reference=draft.paragraph_reference,
        responsible_body=body,
        extra_columns=draft.extra_columns,
        warnings=warnings,
    )


@dataclass
class _Start:
    index: int  # of the line
    number: int
    paragraph_reference: str
    rest: str  # the text after the marker on the first line


def _assemble(
    lines: list[_Line],
    starts: list[_Start],
    shape: str,
    bodies: list[str],
    label=str,
) -> ParseResult:
    """Items from their first lines: each runs to the next; the last runs on while it is
    carried on (see :func:`_end_of_last`)."""
    ignored = [_clean(line.s) for line in lines[: starts[0].index] if not line.blank]
    left_out = 0
    recs = []
    for position, start in enumerate(starts):
        last = position + 1 == len(starts)
        stop = _end_of_last(lines, start) if last else starts[position + 1].index
        draft = _Draft(start.number, start.paragraph_reference)
        draft.add_text(start.rest)
        for line in lines[start.index + 1 : stop]:
            if line.blank:
                draft.add_break()
            elif line.boilerplate:
                ignored.append(_clean(line.s))
            else:
                draft.add_line(line.s)
        recs.append(_finish(draft, start.number, bodies))
        if last:
            for line in lines[stop:]:
                if not line.blank:
                    ignored.append(_clean(line.s))
                    left_out += not line.boilerplate
    warnings = _numbering_warnings(recs, label) + _left_out_warning(left_out)
    return _result(recs, shape, warnings, ignored)


def _end_of_last(lines: list[_Line], start: _Start) -> int:
    """Where the last item ends: at the first paragraph, after a blank line, that does not
    carry it on (a bullet or sub-point, a line with a body cell, a sentence carried on)."""
    previous_line = None
    saw_blank = False
    for index in range(start.index + 1, len(lines)):
        line = lines[index]
        if line.blank:
            saw_blank = True
            continue
        if line.boilerplate:
            continue
        if saw_blank:
            if previous_line is None:
                previous = _split_cells(start.rest)[0]
            else:
                previous = _split_cells(_content(previous_line))[0]
            if not (
                "\t" in line.s
                or _BULLET.match(line.s)
                or _markers(line.s)
                or _continues(previous, line.s)
            ):
                return index
        saw_blank = False
        if len(line.s) > 1 or line.s.isalnum():  # not a stray "-"
            previous_line = line.s
    return len(lines)


def _content(s: str) -> str:
    """``s`` without its bullet or list marker."""
    bullet = _BULLET.match(s)
    if bullet:
        return bullet.group(1)
    markers = _markers(s)
    return markers[0].rest if markers else s
