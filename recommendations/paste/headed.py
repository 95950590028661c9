"""The shapes headed "Recommendation N": ``recommendation_paragraph`` and
``recommendation_bullet``."""

from __future__ import annotations

from .items import _assemble, _Start
from .lines import _Line
from .markers import _Heading, _heading
from .results import ParseResult


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
