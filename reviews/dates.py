"""Date rules shared by reviews and recommendations: municipal years and the response period."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings

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


def response_period() -> relativedelta:
    """The time the executive has to respond (settings: two months by default, s.9FE LGA 2000)."""
    return relativedelta(
        months=settings.RESPONSE_PERIOD_MONTHS,
        weeks=settings.RESPONSE_PERIOD_WEEKS,
        days=settings.RESPONSE_PERIOD_DAYS,
    )


def add_response_period(received: datetime.date) -> datetime.date:
    """The response deadline for a report received on ``received``.

    Month arithmetic clips to the month's end: 31 December + 2 months = 28 (or 29) February.
    """
    return received + response_period()
