"""Text in a committee document: what people typed, escaped and kept literally (tags, emoji,
Welsh letters) without the control characters that have no printed form, and officers and
councillors named as the council's reports name them."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_BLANK_LINES = re.compile(r"\n\s*\n")


def clean_text(text: str) -> str:
    """Text as typed, without control characters that have no printed form."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


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
    """Typed text as escaped HTML paragraphs (blank lines) and line breaks."""
    text = clean_text(text)
    if not text:
        return mark_safe("")
    parts = [escape(part).replace("\n", "<br>") for part in _BLANK_LINES.split(text)]
    return mark_safe("".join(f"<p>{part}</p>" for part in parts))


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
