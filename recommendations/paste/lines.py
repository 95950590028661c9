"""Characters and lines: the paste normalised (Word's spaces, line breaks and invisible
characters), split into lines, cleaned, and page boilerplate told apart."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
