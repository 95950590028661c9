"""The responsible body: the last tab-separated cell of a line when it could name one, or a
known body written at the end of the text."""

from __future__ import annotations

from collections.abc import Iterable

from .lines import _clean, _ends_sentence


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
