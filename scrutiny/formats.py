"""How the product writes and reads dates, in one place: the British date councils write
("14 January 2017"), and the "as at" date a page or document is asked for."""

import datetime


def british_date(day: datetime.date | None) -> str:
    """A date as councils write it: "14 January 2017"."""
    return f"{day.day} {day:%B %Y}" if day else ""
