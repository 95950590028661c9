"""Template helpers for the register: British dates and countdowns."""

import datetime
import html
from typing import NamedTuple

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from scrutiny.audit import person_name
from scrutiny.formats import british_date, british_datetime, minute_text

register = template.Library()


@register.filter(expects_localtime=True)
def british(day: datetime.date | None) -> str:
    """ "14 January 2017" (an empty string for no date; a date-time: its local date)."""
    return british_date(day)


@register.filter(name="british_datetime", expects_localtime=True)
def british_datetime_filter(moment: datetime.datetime | None) -> str:
    """ "14 January 2017, 09:05", in local time (an empty string for none)."""
    return british_datetime(moment)


@register.filter(name="minute_text")
def minute_text_filter(reference: str | None) -> str:
    """ "minute 45/26", or the reference as typed when it already starts with "minute"."""
    return minute_text(reference)


@register.filter
def days_phrase(days: int | None) -> str:
    """ "in 12 days", "today", "3 days ago": for deadlines and countdowns."""
    if days is None:
        return ""
    if days == 0:
        return "today"
    plural = "s" if abs(days) != 1 else ""
    return f"in {days} day{plural}" if days > 0 else f"{-days} day{plural} ago"


@register.filter
def user_name(user) -> str:
    """The name of whoever made a change: full name, else username, else "an unknown user"."""
    return person_name(user)


@register.simple_tag
def council_name() -> str:
    """The council's name, read from the settings: the 500 page is drawn with no context
    processors, so it cannot rely on ``COUNCIL_NAME`` being in its context."""
    return settings.COUNCIL_NAME


@register.simple_tag
def select_options(field) -> str:
    """The ``<option>`` elements of a filter's select, the current value selected. Built here
    in one pass of plain string formatting: a template loop would work out the current value
    once per option, and ``format_html`` for each costs more than the option itself (the
    register's review filter has one option for every review). Escaped as ``escape`` does
    (``html.escape``), without its lazy-string wrapper, which cost as much again."""
    current = field.value()
    current = "" if current is None else str(current)
    options = []
    for value, label in field.field.choices:
        value = str(value)
        selected = " selected" if value == current else ""
        label = label.__html__() if hasattr(label, "__html__") else html.escape(str(label))
        options.append(f'<option value="{html.escape(value)}"{selected}>{label}</option>')
    return mark_safe("".join(options))  # each value and label escaped above


class PageLink(NamedTuple):
    """An item of the pagination's list: a page's number (``current`` for the page shown), or
    an ellipsis (``number`` None) where numbers are left out."""

    number: int | None
    current: bool = False


@register.simple_tag
def page_links(page) -> list[PageLink]:
    """``{% page_links page as links %}``: the items of the pagination's list, as GOV.UK's
    pattern shows them: the first and last pages, two either side of the current one, and an
    ellipsis where numbers are left out. Worked out here, not by a template loop over every
    page number (the recommendations register has forty)."""
    current, last = page.number, page.paginator.num_pages
    links = []
    for number in page.paginator.page_range:
        if number == current:
            links.append(PageLink(number, current=True))
        elif number in (1, last) or current - 2 <= number <= current + 2:
            links.append(PageLink(number))
        elif number in (current - 3, current + 3):
            links.append(PageLink(None))
    return links
