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

from collections.abc import Iterable

# Where to look: the shapes are read in table.py, headed.py ("Recommendation N") and lists.py
# (numbered, lettered); an item's lines are joined in items.py; the responsible body is found
# in bodies.py; line markers in markers.py; cleaning and boilerplate in lines.py; limits,
# messages and the result in results.py.
from .bodies import _clean_bodies
from .headed import _parse_headings
from .lines import _clean, _coerce, _Line, _lines
from .lists import _parse_ordered
from .results import (
    INTERNAL_ERROR,
    LONG_TEXT_CHARS,
    MAX_PASTE_CHARS,
    NOT_RECOGNISED,
    SHAPES,
    ParsedRecommendation,
    ParseResult,
    _result,
)
from .table import _parse_table

__all__ = [
    "INTERNAL_ERROR",
    "LONG_TEXT_CHARS",
    "MAX_PASTE_CHARS",
    "SHAPES",
    "ParseResult",
    "ParsedRecommendation",
    "parse_recommendations",
]


def parse_recommendations(text: str, *, known_bodies: Iterable[str] = ()) -> ParseResult:
    """What the pasted ``text`` holds, as well as can be told. Never raises."""
    try:
        return _parse(text, known_bodies)
    except Exception:  # a safety net: the preview must always open
        return ParseResult([], "unrecognised", [INTERNAL_ERROR], [])


def _unrecognised(warning: str, lines: list[_Line]) -> ParseResult:
    ignored = [_clean(line.s) for line in lines if not line.blank]
    return _result([], "unrecognised", [warning], ignored)


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
