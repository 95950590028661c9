"""How the product writes and reads dates, in one place: the British date councils write
("14 January 2017"), the same with the time ("14 January 2017, 09:05"), and the "as at" date
a page or document is asked for (its formats, its rules and its messages). Also a closure's
minute reference in a sentence ("minute 45/26"), written once."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def _local(value: datetime.date) -> datetime.date:
    """An aware date-time in the local time zone (a date, or a naive date-time, as it is)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def british_date(day: datetime.date | None) -> str:
    """A date as councils write it: "14 January 2017" (an aware date-time: its local date)."""
    if not day:
        return ""
    day = _local(day)
    return f"{day.day} {day:%B %Y}"


def british_datetime(moment: datetime.datetime | None) -> str:
    """A moment as councils write it: "14 January 2017, 09:05" (local time, 24-hour clock)."""
    if not moment:
        return ""
    moment = _local(moment)
    return f"{british_date(moment)}, {moment:%H:%M}"


def minute_text(reference: str | None) -> str:
    """A closure's minute reference in a sentence: "minute 45/26" for a typed "45/26", and
    the reference as typed when it already says so ("Minute 45/26", "MINUTE 12"), so the word
    is never printed twice ("minute Minute 45/26"). An empty string for no reference."""
    reference = (reference or "").strip()
    if not reference:
        return ""
    if reference.casefold().startswith("minute"):
        return reference
    return f"minute {reference}"


# --- the "as at" date ---------------------------------------------------------------------

# The formats an "as at" date may be typed or linked in: ISO (what the links carry), and
# day, month and year as people write them (6/7/2017, 6 7 2017, 6 July 2017, 6 Jul 2017).
# Dates as councils write them in their spreadsheets (day first, as in Britain), read by the
# tracker import (``recommendations/imports/values.py``).
WRITTEN_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%A %d %B %Y",
    "%a %d %b %Y",
    "%B %d %Y",
)


def parse_written_date(text: str) -> datetime.date | None:
    """A date as written in a council's spreadsheet, in any of ``WRITTEN_DATE_FORMATS``; None
    when it is none of them."""
    for pattern in WRITTEN_DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


AS_AT_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d %B %Y", "%d %b %Y")
# The register's history does not go back further than this.
AS_AT_EARLIEST = datetime.date(1990, 1, 1)

AS_AT_INVALID = "Enter the “as at” date as a real date, for example 6/7/2017 or 2017-07-06."
AS_AT_FUTURE = "The “as at” date must be today or in the past."
AS_AT_TOO_EARLY = f"The “as at” date must be the same as or after {british_date(AS_AT_EARLIEST)}."


def check_as_at(day: datetime.date | None, today: datetime.date | None = None) -> None:
    """Refuse an "as at" date in the future or before the register's history began."""
    if day is None:
        return
    if day > (today or timezone.localdate()):
        raise ValidationError(AS_AT_FUTURE, code="future")
    if day < AS_AT_EARLIEST:
        raise ValidationError(AS_AT_TOO_EARLY, code="too_early")


def parse_as_at(text: str | None, today: datetime.date | None = None) -> datetime.date | None:
    """The "as at" date typed or linked as ``text`` (None when it is empty). Raises
    ``ValidationError`` with the message to show when it is not a date or not allowed."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in AS_AT_FORMATS:
        try:
            day = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        check_as_at(day, today)
        return day
    raise ValidationError(AS_AT_INVALID, code="invalid")
