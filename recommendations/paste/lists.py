"""The plain lists: ``numbered`` ("1.", "1)", "(1)", a bare "1 That ...", roman "(i)") and
``lettered`` ("(a)", "a)", "a.")."""

from __future__ import annotations

from .items import _assemble, _Start
from .lines import _Line
from .markers import _BULLET, _bare_marker, _Marker, _markers
from .results import ParseResult


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


def _unbullet(s: str) -> str:
    """``s`` without a bullet in front of a list marker ("- 1) That ...")."""
    bullet = _BULLET.match(s)
    if bullet and _markers(bullet.group(1)):
        return bullet.group(1)
    return s


def _letter(n: int) -> str:
    return chr(ord("a") + n - 1) if 1 <= n <= 26 else str(n)
