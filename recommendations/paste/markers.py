"""What a line starts with: a bullet, a "Recommendation N" heading, or a list marker ("1.",
"(a)", "ii)", a bare "1 That ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import _BULLET_CHARS, _DASH_CHARS, _clean

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
