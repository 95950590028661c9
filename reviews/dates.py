"""Date rules shared by reviews and recommendations: municipal years and the response period."""

import datetime
import functools
from dataclasses import dataclass

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings

from scrutiny.formats import british_date

MUNICIPAL_YEAR_START_MONTH = 5  # the municipal year starts in May (annual council meeting)


def municipal_year_start(day: datetime.date) -> int:
    """The calendar year in which the municipal year containing ``day`` began."""
    return day.year if day.month >= MUNICIPAL_YEAR_START_MONTH else day.year - 1


def municipal_year(day: datetime.date) -> str:
    """The municipal year (May to April) containing ``day``, written as councils do: "2016/17"."""
    start = municipal_year_start(day)
    return f"{start}/{(start + 1) % 100:02d}"


def municipal_year_bounds(label: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a municipal year written "2016/17". Raises ValueError if malformed."""
    start_text, _, end_text = label.partition("/")
    if not (start_text.isdigit() and len(start_text) == 4 and end_text.isdigit()):
        raise ValueError(f"{label!r} is not a municipal year such as 2016/17.")
    start = int(start_text)
    if len(end_text) != 2 or int(end_text) != (start + 1) % 100:
        raise ValueError(f"{label!r} is not a municipal year such as 2016/17.")
    first = datetime.date(start, MUNICIPAL_YEAR_START_MONTH, 1)
    return first, datetime.date(start + 1, MUNICIPAL_YEAR_START_MONTH, 1) - datetime.timedelta(1)


# --- the response period -------------------------------------------------------------------
#
# Section 9FE of the Local Government Act 2000 gives the executive two months "beginning with
# the date on which" it received the report (the 2009 overview and scrutiny regulations use the
# same words). "Beginning with" makes the day of receipt day one, so a period of months ends
# the day before the corresponding date in the later month (received 14 November 2016: due by
# 13 January 2017) or, where that month has no corresponding date, on its last day (received
# 29, 30 or 31 December 2016: due by 28 February 2017). A constitution's weeks and days count
# the same way: eight weeks beginning with Monday 14 November 2016 end on Sunday 8 January 2017.

# The words, written as lines of text rather than as 28 quoted strings.
_SMALL_NUMBERS = (  # noqa: SIM905
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()  # noqa: SIM905


def number_in_words(number: int) -> str:
    """A whole number as an Act writes it: "two", "eight", "twenty-eight"; 100 and over in
    figures."""
    if 0 <= number < 20:
        return _SMALL_NUMBERS[number]
    if 20 <= number < 100:
        tens, units = divmod(number, 10)
        return _TENS[tens - 2] + (f"-{_SMALL_NUMBERS[units]}" if units else "")
    return str(number)


@dataclass(frozen=True)
class ResponsePeriod:
    """A period of months, weeks and days counted, as the Act counts it, "beginning with" its
    first day."""

    months: int = 0
    weeks: int = 0
    days: int = 0

    def last_day(self, first_day: datetime.date) -> datetime.date:
        """The last day of the period beginning with ``first_day`` (which is its day one).

        The months come first: they end the day before the date corresponding to
        ``first_day`` in the later month, or on that month's last day when it has no
        corresponding date (29, 30 or 31 December + two months: the last day of February).
        Weeks and days follow from there, each day counted once: with no months, the period
        ends on ``first_day`` + weeks and days - 1.
        """
        if self.months:
            later = first_day + relativedelta(months=self.months)  # clipped to the month's end
            months_end = later if later.day != first_day.day else later - datetime.timedelta(1)
        else:
            months_end = first_day - datetime.timedelta(1)  # no months: day one is first_day
        return months_end + datetime.timedelta(weeks=self.weeks, days=self.days)

    def in_words(self) -> str:
        """The period as a constitution writes it: "two months", "eight weeks", "two months and
        fourteen days"."""
        parts = [
            f"{number_in_words(count)} {unit if count == 1 else unit + 's'}"
            for count, unit in ((self.months, "month"), (self.weeks, "week"), (self.days, "day"))
            if count
        ]
        if len(parts) > 1:
            return ", ".join(parts[:-1]) + " and " + parts[-1]
        return parts[0] if parts else "no time"


def response_period() -> ResponsePeriod:
    """The time the executive has to respond (settings: two months by default, s.9FE LGA 2000)."""
    return ResponsePeriod(
        months=settings.RESPONSE_PERIOD_MONTHS,
        weeks=settings.RESPONSE_PERIOD_WEEKS,
        days=settings.RESPONSE_PERIOD_DAYS,
    )


def response_deadline(received: datetime.date) -> datetime.date:
    """The last day for the executive's response to a report received on ``received``: the
    last day of the response period beginning with the day of receipt."""
    return response_period().last_day(received)


def response_period_in_words(received: datetime.date) -> str:
    """The rule behind ``response_deadline`` for a report received on ``received``, in words:
    "two months beginning with 14 November 2016"."""
    return f"{response_period().in_words()} beginning with {british_date(received)}"


# --- working days --------------------------------------------------------------------------
#
# The update round counts in working days: Monday to Friday, less the bank holidays of England
# and Wales (the ``holidays`` package's "GB"/"ENG" calendar, which England and Wales share).


@functools.cache
def _bank_holidays():
    return holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday and not a bank holiday of England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays()


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    """The working day ``count`` working days before ``day`` (``day`` itself not counted, so
    ten working days before a Thursday meeting is the Thursday two weeks earlier when no bank
    holiday falls between). ``count`` 0 gives ``day`` itself."""
    calendar = _bank_holidays()
    found = day
    while count > 0:
        found -= datetime.timedelta(days=1)
        if found.weekday() < 5 and found not in calendar:
            count -= 1
    return found


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
    before ``start``)."""
    if end < start:
        return -working_days_between(end, start)
    calendar = _bank_holidays()
    days = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in calendar:
            days += 1
    return days


def parse_working_day_offsets(text: str) -> list[int]:
    """Offsets written "5,1" (working days before a deadline), largest first. Raises
    ValueError, with a message people can read, for anything else."""
    offsets = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not (0 < int(part) <= 60):
            raise ValueError(
                f"“{part}” is not a number of working days: write whole numbers from 1 to 60 "
                "separated by commas, such as 5,1."
            )
        offsets.append(int(part))
    return sorted(set(offsets), reverse=True)
