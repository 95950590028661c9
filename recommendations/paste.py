"""Reading a list of recommendations pasted straight from a scrutiny report.

The officer pastes; :func:`parse_recommendations` returns what it understood, which the
officer corrects in a preview before anything is saved. So the parser never raises and never
guesses silently: whatever it could not place is returned in ``ignored_lines`` and whatever
looks doubtful is returned as a warning.

The shapes it reads, tried in this order:

``table``
    A tab-separated table whose first line is a header row such as
    ``Recommendation<TAB>Action Agreed<TAB>Timeline<TAB>Update`` (or ``No.<TAB>Recommendation
    <TAB>Responsible body``). Header rows repeated on each page are skipped. The first column
    holds "Recommendation N text" (or the number alone, if headed "No."/"Number"); a column
    headed like "Responsible body" or "Decision maker" gives the responsible body, one headed
    "Paragraph" the paragraph reference, and every other column goes to ``extra_columns``
    under its header. A cell of several paragraphs (a line break inside a cell) is kept.

``recommendation_paragraph`` and ``recommendation_bullet``
    Items headed "Recommendation N", optionally bulleted ("· Recommendation 1: that ...") and
    optionally with a paragraph reference ("Recommendation 1 (paragraph 14)"); the text may
    start on the heading line or on the lines that follow. The shape is
    ``recommendation_paragraph`` when any heading gives a paragraph reference.

``numbered`` and ``lettered``
    Plain lists: "1. That ...", "1) ...", "(1) ...", "1 That ..." (only when the numbers run
    1, 2, 3 ...), "(a) ...", "a) ...", "a. ..." (letters a, b, c become 1, 2, 3) and roman
    "(i) ...", "ii) ..." when clearly roman (a multi-letter numeral such as "ii" is present);
    a roman list is ``numbered``. The style of the first marker in the paste is the item
    style; markers of any other style inside an item are its sub-points.

In every shape but the table, a tab inside a line separates the text from the responsible
body, which is the last cell ("...made.<TAB>Cabinet") when it could name one (not the rest of
a sentence, "<TAB>that the council ..."); with ``known_bodies``, a body written after the text
without a tab ("... in the report. Cabinet") is recognised when it matches a known body
exactly and follows the end of a sentence. Without ``known_bodies`` nothing is guessed.

Lines of an item are joined with a space. A paragraph after a blank line joins with a space
when it carries on the sentence (a page break: it starts in lower case, or the text before it
did not end a sentence) and starts a new line otherwise. Bullets ("-", "•", "·", "*", en dash,
Word's private-use bullets) and sub-points in another list style are kept on their own lines
starting "- " (a sub-point keeps its marker: "- (i) ..."); a line after a bullet carries it on
unless it starts with a capital.

``ignored_lines`` holds, cleaned up: the lines before the first item (headings such as "List
of task group's recommendations" and a table's header row), page boilerplate ("This page is
intentionally left blank", "Page 12"), and the paragraphs after the last item that do not
carry it on (with a warning, as they may belong to it). A paste longer than
``MAX_PASTE_CHARS`` is refused as ``unrecognised``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

#: Longer pastes are refused (a list of recommendations is never this long).
MAX_PASTE_CHARS = 200_000
#: An item longer than this is still parsed, with a warning.
LONG_TEXT_CHARS = 10_000
#: A table has at most this many columns; tabs beyond them are read as spaces.
MAX_COLUMNS = 40
#: At most this many ignored lines are returned.
MAX_IGNORED_LINES = 1_000

SHAPES = (
    "recommendation_paragraph",
    "recommendation_bullet",
    "table",
    "numbered",
    "lettered",
    "unrecognised",
)

NOT_RECOGNISED = (
    "No recommendations were recognised: paste the list as it appears in the report, for "
    'example "1. That ...", "(a) ...", "Recommendation 1: that ..." or a table with a header '
    "row, or enter the recommendations one by one."
)
INTERNAL_ERROR = (
    "The pasted text could not be read. Enter the recommendations one by one, or paste a "
    "shorter part of the report."
)


@dataclass
class ParsedRecommendation:
    number: int
    text: str
    paragraph_reference: str = ""
    responsible_body: str = ""
    extra_columns: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParseResult:
    recommendations: list[ParsedRecommendation]
    shape: str
    warnings: list[str]
    ignored_lines: list[str]


def parse_recommendations(text: str, *, known_bodies: Iterable[str] = ()) -> ParseResult:
    """What the pasted ``text`` holds, as well as can be told. Never raises."""
    try:
        return _parse(text, known_bodies)
    except Exception:  # a safety net: the preview must always open
        return ParseResult([], "unrecognised", [INTERNAL_ERROR], [])


# --- characters and lines ------------------------------------------------------------------

_BULLET_CHARS = "·•‣◦▪▫■□●○◆◇►▸➢➤✓✔\uf0b7\uf0a7\uf076\uf0d8\uf0fc"
_DASH_CHARS = "\\-*\u2013\u2014"  # hyphen, asterisk, en and em dashes

_TRANSLATION: dict[int, str | None] = {}
for _c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a":
    _TRANSLATION[ord(_c)] = " "
for _c in "\u202f\u205f\u3000":
    _TRANSLATION[ord(_c)] = " "
for _c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":  # Word line breaks, page breaks
    _TRANSLATION[ord(_c)] = "\n"
for _c in "\u200b\u200c\u200d\u2060\ufeff\u00ad":  # zero-width characters, soft hyphen
    _TRANSLATION[ord(_c)] = None
for _i in [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, 0x7F, *range(0x80, 0x85)]:
    _TRANSLATION[_i] = None
for _i in range(0x86, 0xA0):
    _TRANSLATION[_i] = None
_TRANSLATION[ord("\r")] = "\n"


@dataclass(slots=True)
class _Line:
    raw: str  # normalised, leading and trailing spaces removed, tabs kept
    s: str  # raw without leading tabs
    blank: bool
    boilerplate: bool = False  # "This page is intentionally left blank", "Page 3"


def _coerce(text: object) -> str:
    if isinstance(text, str):
        # A lone surrogate (from broken input) could not be saved or shown: replace it.
        return text.encode("utf-8", errors="replace").decode("utf-8")
    if isinstance(text, bytes | bytearray):
        return bytes(text).decode("utf-8", errors="replace")
    if text is None:
        return ""
    return str(text)


def _lines(text: str) -> list[_Line]:
    text = text.replace("\r\n", "\n").translate(_TRANSLATION)
    blank = _Line("", "", True)
    lines = []
    for raw in text.split("\n"):
        if not raw or raw.isspace():
            lines.append(blank)
        else:
            raw = raw.strip(" ")
            s = raw.lstrip(" \t")
            lines.append(_Line(raw, s, False, _is_boilerplate(s)))
    return lines


def _clean(s: str) -> str:
    """Whitespace collapsed to single spaces, ends stripped."""
    return " ".join(s.split())


_TERMINAL = ".!?;:"
_CLOSERS = "\"'\u2019\u201d)]\u00bb"


def _ends_sentence(s: str) -> bool:
    s = s.rstrip().rstrip(_CLOSERS)
    return bool(s) and s[-1] in _TERMINAL


def _continues(prev: str, nxt: str) -> bool:
    """Whether ``nxt``, after a break, carries on the sentence ``prev`` left unfinished."""
    return not prev or nxt[:1].islower() or not _ends_sentence(prev)


_BOILERPLATE = re.compile(
    r"(?:this page (?:is )?(?:intentionally|deliberately) (?:left )?blank\.?"
    r"|page \d{1,4}(?: of \d{1,4})?|- ?\d{1,4} ?-)",
    re.IGNORECASE,
)


def _is_boilerplate(s: str) -> bool:
    if len(s) > 60 or s[:1] not in "TtPp-" or (s[:2] in ("- ", "-\t") and not s[2:3].isdigit()):
        return False
    return _BOILERPLATE.fullmatch(_clean(s)) is not None


# --- markers ---------------------------------------------------------------------------------

_BULLET = re.compile(
    rf"^(?:[{_BULLET_CHARS}][ \t]*|[{_DASH_CHARS}](?:[ \t]+|$)|o\t[ \t]*)(.*)$", re.DOTALL
)

_HEADING = re.compile(
    rf"^(?:[{_BULLET_CHARS}{_DASH_CHARS}][ \t]*)?"
    r"(?:Recommendation|RECOMMENDATION|Rec\.?|REC\.?)[ \t]*(?:(?:No|NO)\.?[ \t]*)?"
    r"(?P<n>\d{1,3})(?![\d.]?\d)"
    r" *(?:\((?P<para>(?i:para(?:graph)?s?|¶|§)\.?[^()\n]{0,60})\))?"
    r" *(?:(?P<sep>[:.\-\u2013\u2014)])[ \t]*)?(?P<rest>.*)$",
    re.DOTALL,
)

# Words that, straight after "Recommendation N", show a reference in running text (a wrapped
# line such as "Recommendation 2 above.") rather than a heading.
_NOT_HEADING_WORDS = frozenset(
    (
        *("above", "below", "and", "or", "of", "to", "is", "was", "has", "had", "have"),
        *("were", "are", "which", "as", "also", "would", "will", "should", "in", "on", "at"),
        *("for", "from", "with", "by", "be", "been", "can", "could", "may", "might", "must"),
        *("shall", "refers", "relates", "states", "says", "&", "remains", "recommends"),
    )
)


@dataclass
class _Heading:
    number: int
    paragraph_reference: str
    rest: str


def _heading(s: str) -> _Heading | None:
    m = _HEADING.match(s)
    if m is None:
        return None
    rest = m.group("rest")
    if not m.group("sep") and not m.group("para"):
        if rest[:1] == ",":
            return None
        first = rest.split(None, 1)[0].lower().rstrip(".,;:") if rest.strip() else ""
        if first in _NOT_HEADING_WORDS:
            return None
    para = _clean(m.group("para") or "")
    return _Heading(int(m.group("n")), para, rest)


_NUM_PAREN = re.compile(r"^\((\d{1,3})\)[ \t]*(.*)$", re.DOTALL)
_NUM_CLOSE = re.compile(r"^(\d{1,3})\)[ \t]*(.*)$", re.DOTALL)
_NUM_DOT = re.compile(r"^(\d{1,3})\.(?:[ \t]+(.*))?$", re.DOTALL)
_ALPHA_PAREN = re.compile(r"^\(([A-Za-z]{1,7})\)[ \t]*(.*)$", re.DOTALL)
_ALPHA_CLOSE = re.compile(r"^([A-Za-z]{1,7})\)[ \t]*(.*)$", re.DOTALL)
_ALPHA_DOT = re.compile(r"^([A-Za-z]{1,7})\.(?:[ \t]+(.*))?$", re.DOTALL)
_MARKER_GATE = re.compile(r"\(?[0-9A-Za-z]{1,7}[.)]")
_BARE = re.compile(r"^(\d{1,3})[ \t]+(\S.*)$", re.DOTALL)
_ROMAN = re.compile(r"(x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _roman_value(s: str) -> int | None:
    low = s.lower()
    if not s or (s != low and s != s.upper()) or not _ROMAN.fullmatch(low):
        return None
    total = 0
    for i, ch in enumerate(low):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(low) and _ROMAN_VALUES[low[i + 1]] > value:
            total -= value
        else:
            total += value
    return total or None


@dataclass
class _Marker:
    kind: str  # "numeric", "letter", "roman" or "bare"
    key: str  # the style, e.g. "1.", "(a)", "A)", "i.", "bare"
    value: int
    written: str  # as written, e.g. "(c)"
    rest: str


def _markers(s: str) -> list[_Marker]:
    """The list markers ``s`` could start with (two when "i" may be a letter or a numeral)."""
    if _MARKER_GATE.match(s) is None:
        return []
    for pattern, shape in ((_NUM_PAREN, "({})"), (_NUM_CLOSE, "{})"), (_NUM_DOT, "{}.")):
        m = pattern.match(s)
        if m:
            digits = m.group(1)
            written = shape.format(digits)
            return [_Marker("numeric", shape.format(1), int(digits), written, m.group(2) or "")]
    for pattern, shape in ((_ALPHA_PAREN, "({})"), (_ALPHA_CLOSE, "{})"), (_ALPHA_DOT, "{}.")):
        m = pattern.match(s)
        if not m:
            continue
        letters, rest = m.group(1), m.group(2) or ""
        written = shape.format(letters)
        found = []
        if len(letters) == 1:
            base = "a" if letters.islower() else "A"
            value = ord(letters.lower()) - ord("a") + 1
            found.append(_Marker("letter", shape.format(base), value, written, rest))
        roman = _roman_value(letters)
        if roman is not None:
            base = "i" if letters.islower() else "I"
            found.append(_Marker("roman", shape.format(base), roman, written, rest))
        return found
    return []


def _bare_marker(s: str) -> _Marker | None:
    m = _BARE.match(s)
    if m is None:
        return None
    rest = m.group(2)
    if not (rest[:1].isupper() or rest[:5].lower() == "that "):
        return None
    return _Marker("bare", "bare", int(m.group(1)), m.group(1), rest)


# --- building an item ----------------------------------------------------------------------


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


def _split_cells(s: str) -> tuple[str, str]:
    """(text, body) of a line whose last tab-separated cell, if any, is the body."""
    if "\t" not in s:
        return _clean(s), ""
    cells = [_clean(c) for c in s.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) < 2:
        return (cells[0] if cells else ""), ""
    if not _looks_like_body(cells[-1]):  # a stray tab inside a sentence
        return " ".join(c for c in cells if c), ""
    return " ".join(c for c in cells[:-1] if c), cells[-1]


def _looks_like_body(s: str) -> bool:
    """Whether a cell could name a body: "Cabinet", "Cabinet - delegated to CMT"; not the
    rest of a sentence ("that the council ...")."""
    return 0 < len(s) <= 100 and not s[0].islower()


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


def _known_body(text: str, bodies: list[str]) -> tuple[str, str]:
    """(text, body) with a known body split off the end of the last line, if one is there."""
    lines = text.split("\n")
    last = lines[-1]
    for body in bodies:
        if last == body and len(lines) > 1:
            return "\n".join(lines[:-1]), body
        if last.endswith(" " + body):
            before = last[: -len(body) - 1].rstrip()
            if before and _ends_sentence(before) and before[-1] != ":":
                return "\n".join([*lines[:-1], before]), body
    return text, ""


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


# --- the whole paste -------------------------------------------------------------------------


def _unrecognised(warning: str, lines: list[_Line]) -> ParseResult:
    ignored = [_clean(line.s) for line in lines if not line.blank]
    return _result([], "unrecognised", [warning], ignored)


def _result(
    recommendations: list[ParsedRecommendation],
    shape: str,
    warnings: list[str],
    ignored: list[str],
) -> ParseResult:
    if len(ignored) > MAX_IGNORED_LINES:
        warnings.append(
            f"{len(ignored) - MAX_IGNORED_LINES:,} more lines were left out and are not listed"
        )
        ignored = ignored[:MAX_IGNORED_LINES]
    return ParseResult(recommendations, shape, warnings, ignored)


def _parse(text: object, known_bodies: Iterable[str]) -> ParseResult:
    text = _coerce(text)
    if len(text) > MAX_PASTE_CHARS:
        return ParseResult(
            [],
            "unrecognised",
            [
                f"{NOT_RECOGNISED} The pasted text is too long ({len(text):,} characters; "
                f"the most is {MAX_PASTE_CHARS:,}): paste only the list of recommendations."
            ],
            [],
        )
    lines = _lines(text)
    if all(line.blank for line in lines):
        return ParseResult([], "unrecognised", [f"{NOT_RECOGNISED} Nothing was pasted."], [])
    bodies = _clean_bodies(known_bodies)
    for attempt in (_parse_table, _parse_headings, _parse_ordered):
        result = attempt(lines, bodies)
        if result is not None:
            return result
    return _unrecognised(NOT_RECOGNISED, lines)


def _clean_bodies(known_bodies: Iterable[str]) -> list[str]:
    found: set[str] = set()
    if isinstance(known_bodies, str):
        known_bodies = [known_bodies]
    try:
        for body in known_bodies or ():
            if isinstance(body, str) and _clean(body):
                found.add(_clean(body))
    except TypeError:
        return []
    return sorted(found, key=lambda b: (-len(b), b))


def _numbering_warnings(recs: list[ParsedRecommendation], label) -> list[str]:
    whole: list[str] = []
    seen: set[int] = set()
    previous: int | None = None
    for rec in recs:
        n = rec.number
        if previous is None:
            if n != 1:
                rec.warnings.insert(0, f"Numbering starts at {label(n)}, not {label(1)}")
        elif n in seen:
            message = f"Duplicate number {label(n)}"
            rec.warnings.insert(0, message)
            if message not in whole:
                whole.append(message)
        elif n > previous + 1:
            rec.warnings.insert(0, f"Numbering jumps from {label(previous)} to {label(n)}")
        elif n <= previous:
            rec.warnings.insert(0, f"Numbering goes back from {label(previous)} to {label(n)}")
        seen.add(n)
        previous = n
    return whole


def _letter(n: int) -> str:
    return chr(ord("a") + n - 1) if 1 <= n <= 26 else str(n)


def _left_out_warning(count: int) -> list[str]:
    if not count:
        return []
    if count == 1:
        return [
            "1 line after the first recommendation was left out (see the ignored lines): "
            "check that it is not part of a recommendation"
        ]
    return [
        f"{count} lines after the first recommendation were left out (see the ignored "
        "lines): check that they are not part of a recommendation"
    ]


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


def _unbullet(s: str) -> str:
    """``s`` without a bullet in front of a list marker ("- 1) That ...")."""
    bullet = _BULLET.match(s)
    if bullet and _markers(bullet.group(1)):
        return bullet.group(1)
    return s


# --- "Recommendation N" ----------------------------------------------------------------------


def _headings(lines: list[_Line]) -> list[tuple[int, _Heading]]:
    found = []
    for index, line in enumerate(lines):
        if not line.blank and "rec" in line.s[:16].lower():
            heading = _heading(line.s)
            if heading is not None:
                found.append((index, heading))
    return found


def _parse_headings(lines: list[_Line], bodies: list[str]) -> ParseResult | None:
    found = _headings(lines)
    if not found:
        return None
    starts = [_Start(i, h.number, h.paragraph_reference, h.rest) for i, h in found]
    with_paragraphs = any(h.paragraph_reference for _, h in found)
    shape = "recommendation_paragraph" if with_paragraphs else "recommendation_bullet"
    return _assemble(lines, starts, shape, bodies)


# --- numbered and lettered lists ---------------------------------------------------------------


def _parse_ordered(lines: list[_Line], bodies: list[str]) -> ParseResult | None:
    markers = [[] if line.blank else _markers(_unbullet(line.s)) for line in lines]
    first = next((i for i, found in enumerate(markers) if found), None)
    bare = _bare_starts(lines)
    if bare and (first is None or bare[0].index < first):
        return _assemble(lines, bare, "numbered", bodies)
    if first is None:
        return None
    style = _item_style(markers, first)
    starts = []
    expected = None
    for index in range(first, len(lines)):
        for marker in markers[index]:
            if marker.key != style.key or marker.kind != style.kind:
                continue
            ambiguous = len(markers[index]) > 1
            if style.kind == "letter" and ambiguous and expected and marker.value != expected:
                continue  # "(i)" inside a lettered item: a roman sub-point
            starts.append(_Start(index, marker.value, "", marker.rest))
            expected = marker.value + 1
            break
    shape = "lettered" if style.kind == "letter" else "numbered"
    return _assemble(lines, starts, shape, bodies, _letter if shape == "lettered" else str)


def _item_style(markers: list[list[_Marker]], first: int) -> _Marker:
    """The style of the items: that of the first marker; "i" is roman only in a list that
    also has a roman numeral of more than one letter in the same style."""
    candidates = markers[first]
    if len(candidates) == 1:
        return candidates[0]
    letter, roman = candidates
    clearly_roman = any(
        m.kind == "roman" and m.key == roman.key and len(m.written) > len(roman.written)
        for found in markers[first + 1 :]
        for m in found
    )
    return roman if clearly_roman else letter


def _bare_starts(lines: list[_Line]) -> list[_Start]:
    """Items numbered "1 That ...", "2 That ..." (no stop or bracket): only a run counting
    up from 1, so that a wrapped line starting "15 months" is not an item."""
    starts: list[_Start] = []
    for index, line in enumerate(lines):
        if line.blank or not line.s[:1].isdigit():
            continue
        marker = _bare_marker(line.s)
        if marker is not None and marker.value == len(starts) + 1:
            starts.append(_Start(index, marker.value, "", marker.rest))
    if len(starts) >= 2 or (starts and starts[0].rest[:5].lower() == "that "):
        return starts
    return []


# --- tables ------------------------------------------------------------------------------------

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
