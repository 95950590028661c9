"""Text in a committee document: what people typed, escaped and kept literally (tags, emoji,
Welsh letters) without the control characters that have no printed form, its lists printed as
lists and its dates kept on one line, and officers and councillors named as the council's
reports name them."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_BLANK_LINES = re.compile(r"\n\s*\n")
# A line of a list as people type one: "• item", "- item", "* item" (bulleted), "1. item" or
# "1) item" (numbered).
_BULLET = re.compile(r"^\s*[•\-*\u2013]\s+(?P<item>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?P<number>\d{1,3})[.)]\s+(?P<item>\S.*)$")
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# "6 July 2017", "July 2017", "6 July": the spaces of a date become no-break spaces.
_DATE = re.compile(rf"\b(\d{{1,2}} (?:{_MONTHS})(?: \d{{4}})?|(?:{_MONTHS}) \d{{4}})\b")
NBSP = "\u00a0"


def clean_text(text: str) -> str:
    """Text as typed, without control characters that have no printed form."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def keep_dates(text: str) -> str:
    """``text`` with no-break spaces inside its dates ("6 July 2017", "June 2017"), so a date
    is never broken across lines."""
    return _DATE.sub(lambda m: m.group(0).replace(" ", NBSP), text)


def _list_kind(line: str) -> tuple[str, str] | None:
    """("ul" or "ol", the item's text) for a line of a list, None for any other line."""
    if match := _BULLET.match(line):
        return "ul", match["item"]
    if match := _NUMBERED.match(line):
        return "ol", match["item"]
    return None


def blocks_of(text: str) -> list[tuple[str, list[str]]]:
    """Typed text as a list of blocks, each ("p", [lines]), ("ul", [items]) or ("ol", [items]):
    paragraphs at blank lines, and lists where consecutive lines start with a bullet ("•",
    "-", "*") or a number ("1.", "2)"). Plain text, for any renderer (PDF, Word)."""
    blocks: list[tuple[str, list[str]]] = []
    for part in _BLANK_LINES.split(clean_text(text)):
        for line in part.split("\n"):
            kind, value = _list_kind(line) or ("p", line.strip())
            if blocks and blocks[-1][0] == kind:
                blocks[-1][1].append(value)
            else:
                blocks.append((kind, [value]))
        blocks.append(("", []))  # a paragraph ends at a blank line
    return [(kind, lines) for kind, lines in blocks if kind and any(lines)]


def normal_label(text: str | None) -> str:
    """A typed label written one way: its runs of whitespace (new lines and tabs too) made one
    space, and none at either end."""
    return " ".join((text or "").split())


def normal_wards(text: str | None, default: str) -> str:
    """The wards, as :func:`normal_label`; none, or ``default`` ("All") in any case, is
    ``default``."""
    text = normal_label(text)
    if not text or text.casefold() == default.casefold():
        return default
    return text


def paragraphs(text: str) -> SafeString:
    """Typed text as escaped HTML: paragraphs (blank lines), line breaks, and lists (lines
    starting with a bullet or a number) as ``<ul>`` and ``<ol>``; dates kept on one line."""
    html = []
    for kind, lines in blocks_of(text):
        lines = [keep_dates(escape(line)) for line in lines]
        if kind == "p":
            html.append(f"<p>{'<br>'.join(lines)}</p>")
        else:
            items = "".join(f"<li>{line}</li>" for line in lines)
            html.append(f"<{kind}>{items}</{kind}>")
    return mark_safe("".join(html))


def person(officer) -> str:
    """ "Julia Regan, Head of Democracy Services" """
    if officer is None:
        return ""
    return ", ".join(part for part in (officer.name, officer.job_title) if part)


def contact(officer) -> str:
    """A contact officer as the cover reports give one: name, title, phone, e-mail."""
    if officer is None:
        return ""
    return ", ".join(part for part in (person(officer), officer.phone, officer.email) if part)


def member(councillor) -> str:
    if councillor is None:
        return ""
    name = f"Councillor {councillor.name}"
    return f"{name}, {councillor.role}" if councillor.role else name


def distinct(values, limit: int = 3) -> str:
    """Distinct non-empty values in order, joined; "and 4 others" past ``limit``."""
    seen = list(dict.fromkeys(v for v in values if v))
    if len(seen) > limit:
        rest = len(seen) - limit
        return "; ".join(seen[:limit]) + f"; and {rest} other{'s' if rest != 1 else ''}"
    return "; ".join(seen)
