"""Dates are written and read by one set of rules (issue "A house to build on", point 3): the
British date and date-time of ``scrutiny.formats``, and the one "as at" parser, whose
messages are the same on the register's pages, a document's URL and the export page."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from scrutiny.formats import (
    AS_AT_FUTURE,
    AS_AT_INVALID,
    AS_AT_TOO_EARLY,
    british_date,
    british_datetime,
    check_as_at,
    minute_text,
    parse_as_at,
)

ROOT = Path(__file__).resolve().parent.parent
UTC = datetime.UTC
TODAY = datetime.date(2024, 3, 1)


# --- writing dates ----------------------------------------------------------------------------


def test_british_date():
    assert british_date(datetime.date(2017, 1, 14)) == "14 January 2017"
    assert british_date(datetime.date(2017, 7, 6)) == "6 July 2017"  # no leading zero
    assert british_date(None) == ""


def test_british_date_of_a_moment_is_its_date_in_london():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    assert british_date(datetime.datetime(2017, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2017"


def test_british_datetime():
    assert british_datetime(datetime.datetime(2017, 1, 14, 9, 5)) == "14 January 2017, 09:05"
    assert british_datetime(datetime.datetime(2017, 6, 30, 23, 30, tzinfo=UTC)) == (
        "1 July 2017, 00:30"
    )
    assert british_datetime(datetime.datetime(2017, 1, 14, 17, 0, tzinfo=UTC)) == (
        "14 January 2017, 17:00"
    )
    assert british_datetime(None) == ""


def test_the_template_filters_write_the_same_in_local_time():
    template = Template(
        "{% load register %}{{ day|british }}|{{ moment|british }}|"
        "{{ moment|british_datetime }}|{{ none|british_datetime }}"
    )
    moment = datetime.datetime(2017, 6, 30, 23, 30, tzinfo=UTC)
    text = template.render(
        Context({"day": datetime.date(2017, 1, 14), "moment": moment, "none": None})
    )
    assert text == "14 January 2017|1 July 2017|1 July 2017, 00:30|"


def lines_outside_formats(pattern: re.Pattern) -> list[str]:
    """Lines of the product's code and templates (but scrutiny/formats.py) that match."""
    found = []
    for folder in ("scrutiny", "reviews", "recommendations", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html", ".txt") or path == FORMATS:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


FORMATS = ROOT / "scrutiny" / "formats.py"


def test_the_british_date_is_written_in_one_place():
    """Only scrutiny/formats.py spells out the British date: strftime's "%-d %B" or "%d %B",
    a day then "%B", or the template date filter's "j F Y"."""
    found = lines_outside_formats(re.compile(r"%-?d %B|\.day\}\s*\{[^}]*%B|j F Y"))
    assert not found, "\n".join(found)


def test_dates_are_parsed_in_one_place():
    """Only scrutiny/formats.py reads a date from text (the "as at" date)."""
    found = lines_outside_formats(re.compile(r"strptime|input_formats|forms\.DateField"))
    assert not found, "\n".join(found)


# --- reading the "as at" date -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2017-07-06", "6/7/2017", "06/07/2017", "6 7 2017", "6 July 2017", "6 Jul 2017", " 6/7/2017 "],
)
def test_the_as_at_date_is_read_in_every_form_people_write_it(text):
    assert parse_as_at(text, today=TODAY) == datetime.date(2017, 7, 6)


def test_no_as_at_date_is_none():
    assert parse_as_at("", today=TODAY) is None
    assert parse_as_at("  ", today=TODAY) is None
    assert parse_as_at(None, today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/2/2017", AS_AT_INVALID),
        ("yesterday", AS_AT_INVALID),
        ("2017-07-06T10:00", AS_AT_INVALID),
        ("6/7/17", AS_AT_INVALID),
        ("\x00", AS_AT_INVALID),
        ("2024-03-02", AS_AT_FUTURE),
        ("1989-12-31", AS_AT_TOO_EARLY),
        ("1066-10-14", AS_AT_TOO_EARLY),
    ],
)
def test_a_bad_as_at_date_is_refused_with_its_message(text, message):
    with pytest.raises(ValidationError) as refused:
        parse_as_at(text, today=TODAY)
    assert refused.value.messages == [message]


def test_the_as_at_bounds_are_today_and_1_january_1990():
    check_as_at(TODAY, today=TODAY)
    check_as_at(datetime.date(1990, 1, 1), today=TODAY)
    assert AS_AT_TOO_EARLY == "The “as at” date must be the same as or after 1 January 1990."
    assert AS_AT_FUTURE == "The “as at” date must be today or in the past."


def tomorrow() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=1)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def signed_in(client, officer_user):
    client.force_login(officer_user)
    return client


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("banana", AS_AT_INVALID),
        ("31/2/2017", AS_AT_INVALID),
        ("tomorrow", AS_AT_FUTURE),
        ("1989-12-31", AS_AT_TOO_EARLY),
    ],
)
def test_the_register_and_a_document_url_refuse_the_same_as_at_dates_alike(
    signed_in, review, value, message
):
    if value == "tomorrow":
        value = tomorrow().isoformat()
    page = signed_in.get(review.get_absolute_url(), {"as_at": value})
    document = signed_in.get(reverse("documents_review_plan", args=[review.pk]), {"as_at": value})
    assert page.status_code == document.status_code == 400
    assert message in page_text(page)
    assert message in page_text(document)


@pytest.mark.parametrize(
    ("day", "message"),
    [(None, AS_AT_FUTURE), (datetime.date(1989, 12, 31), AS_AT_TOO_EARLY)],
)
def test_the_export_page_refuses_the_same_as_at_dates_with_the_same_messages(
    signed_in, review, day, message
):
    day = day or tomorrow()
    url = reverse("documents_review_export_download", args=[review.pk])
    response = signed_in.post(
        url,
        {
            "to_meeting": "",
            "agenda_item": "",
            "appendix": "",
            "wards": "All",
            "as_at_day": str(day.day),
            "as_at_month": str(day.month),
            "as_at_year": str(day.year),
        },
    )
    assert response.status_code == 400
    assert message in page_text(response)
    # and the register page says the same of the same day
    page = signed_in.get(review.get_absolute_url(), {"as_at": day.isoformat()})
    assert message in page_text(page)


@pytest.mark.parametrize(
    ("parts", "message", "marked"),
    [
        (("", "7", "2017"), "The “as at” date must include a day.", "as_at_day"),
        (("6", "", ""), "The “as at” date must include a month and year.", "as_at_month"),
        (("6", "7", "17"), "The year must have 4 numbers, for example 2017.", "as_at_year"),
        (("6th", "7", "2017"), "The “as at” date must be numbers, for example 14 11 2016.", None),
        (("31", "2", "2017"), "The “as at” date must be a real date.", None),
    ],
)
def test_the_export_date_boxes_follow_the_rules_of_every_date_box(parts, message, marked):
    """The rules of ``GovukDateField`` (scrutiny.forms.date_from_parts), with the subject
    named; the box at fault is marked, or all three when the date as a whole is wrong."""
    from recommendations.documents.forms import ExportForm

    form = ExportForm(dict(zip(("as_at_day", "as_at_month", "as_at_year"), parts, strict=True)))
    assert not form.is_valid()
    assert form.date_error == message
    assert form.date_error_whole == (marked is None)
    assert form.date_error_field == (marked or "as_at_day")


# --- a closure's minute reference -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("45/26", "minute 45/26"),
        (" 45/26 ", "minute 45/26"),
        ("Minute 45/26", "Minute 45/26"),
        ("minute 45/26", "minute 45/26"),
        ("MINUTE 12", "MINUTE 12"),
        ("Minutes 12 and 13", "Minutes 12 and 13"),
        ("", ""),
        (None, ""),
    ],
)
def test_minute_text_says_minute_once(typed, printed):
    assert minute_text(typed) == printed


def test_minute_text_filter_in_a_template():
    template = Template("{% load register %}{{ a|minute_text }}; {{ b|minute_text }}")
    assert template.render(Context({"a": "45/26", "b": "Minute 45/26"})) == (
        "minute 45/26; Minute 45/26"
    )
