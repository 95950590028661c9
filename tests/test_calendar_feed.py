"""The committee calendar read from an iCalendar feed or file (issue 14, point 3).

The calendars are Modern.gov-shaped files the project writes itself
(tests/fixtures/modern_gov.py); feeds are served by an http.server on 127.0.0.1 started by
the test. Nothing reaches the network."""

import datetime
import http.server
import threading
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from reviews import calendar, services
from reviews.models import AgendaItem, Committee, Meeting, Review
from scrutiny.editing import StaleEdit

from .conftest import make_user
from .fixtures.modern_gov import FIXTURE, MERTON_OSC_2017, Event, london, modern_gov_ics
from .test_permissions import page_form

UID = "mgMeeting{}@democracy.merton.gov.uk"


@pytest.fixture
def officer(officer_user):
    client = Client()
    client.force_login(officer_user)
    return client


def url(committee) -> str:
    return reverse("committee_calendar", args=[committee.pk])


def upload(client, committee, data: bytes, name: str = "osc.ics"):
    file = SimpleUploadedFile(name, data, content_type="text/calendar")
    return client.post(url(committee), {"step": "upload", "file": file})


def confirm(client, committee, page, **changes):
    """Send the confirmation page as shown, with the boxes of ``changes`` (kind -> keys)
    set instead of those shown ticked."""
    data = page_form(page.content).data()
    for kind, keys in changes.items():
        data[kind] = keys
    return client.post(url(committee), data)


def meetings_state():
    return sorted(
        Meeting.objects.values_list("committee_id", "date", "start_time", "location", "version")
    )


def history_count():
    return Meeting.history.count()


# --- reading -----------------------------------------------------------------------------------


def test_the_fixture_is_what_the_generator_writes():
    """The committed .ics is the generator's output, so its shape is documented in code."""
    assert FIXTURE.read_bytes() == modern_gov_ics(MERTON_OSC_2017)


def test_a_modern_gov_calendar_is_read_in_london_time(db):
    read = calendar.read_calendar(FIXTURE.read_bytes())
    assert read.name == "Overview and Scrutiny Commission"
    assert read.not_read == []
    by_id = {e.uid: e for e in read.events}
    july = by_id[UID.format(1234)]
    assert (july.date, july.start_time) == (datetime.date(2017, 7, 6), datetime.time(19, 15))
    assert july.location == "Committee Rooms C, D & E - Merton Civic Centre, London Road, Morden"
    assert july.summary == "Overview and Scrutiny Commission"
    assert not july.cancelled
    # GMT in winter; a UTC time in January is the same clock time in London.
    assert by_id[UID.format(1251)].start_time == datetime.time(19, 15)
    assert by_id[UID.format(1262)].start_time == datetime.time(19, 15)
    # Floating: taken as London's; all-day: no start time.
    assert by_id[UID.format(1270)].start_time == datetime.time(19, 0)
    away = by_id[UID.format(1275)]
    assert (away.date, away.start_time) == (datetime.date(2018, 3, 20), None)
    assert by_id[UID.format(1280)].cancelled


def test_a_utc_time_in_summer_is_an_hour_later_in_london(db):
    data = modern_gov_ics([Event(1, datetime.datetime(2017, 7, 6, 18, 15), utc=True)])
    (event,) = calendar.read_calendar(data).events
    assert event.start_time == datetime.time(19, 15)
    late = modern_gov_ics([Event(2, datetime.datetime(2017, 7, 6, 23, 30), utc=True)])
    (event,) = calendar.read_calendar(late).events
    assert (event.date, event.start_time) == (datetime.date(2017, 7, 7), datetime.time(0, 30))


def test_a_repeated_uid_keeps_the_newest_version(db):
    data = modern_gov_ics(
        [
            Event(5, london(2017, 9, 13, 19, 15), sequence=1),
            Event(5, london(2017, 9, 20, 19, 15), sequence=3),
            Event(5, london(2017, 9, 27, 19, 15), sequence=2),
        ]
    )
    (event,) = calendar.read_calendar(data).events
    assert event.date == datetime.date(2017, 9, 20)


def test_repeating_events_are_not_read_and_say_so(db):
    data = modern_gov_ics(
        [
            Event(6, london(2017, 9, 13, 19, 15), extra=("RRULE:FREQ=WEEKLY;COUNT=400",)),
            Event(7, london(2017, 9, 14, 19, 15)),
        ]
    )
    read = calendar.read_calendar(data)
    assert [e.uid for e in read.events] == [UID.format(7)]
    assert "repeats" in read.not_read[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"   \r\n", "The file is empty."),
        (b"Reference,Recommendation\r\nR1,That the council\r\n", "not an iCalendar"),
        (b"%PDF-1.7\x00\xff\xfe binary", "not an iCalendar"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Someone\r\nEND:VCARD\r\n", "not an iCalendar"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "not an iCalendar"),
    ],
)
def test_a_file_that_is_not_a_calendar_is_refused_in_words(db, data, message):
    with pytest.raises(calendar.CalendarError, match=message):
        calendar.read_calendar(data)


def test_an_event_without_a_readable_date_is_listed_not_read(db):
    data = modern_gov_ics([Event(8, london(2017, 9, 13, 19, 15))]).replace(
        b"DTSTART;TZID=Europe/London:20170913T191500", b"DTSTART:next Tuesday"
    )
    read = calendar.read_calendar(data)
    assert read.events == [] and "no start date" in read.not_read[0]


# --- the page: upload, confirm, save -------------------------------------------------------------


def test_new_meetings_are_shown_then_saved_with_history(officer, officer_user, committee):
    page = upload(officer, committee, FIXTURE.read_bytes(), "merton-osc.ics")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Check the changes from the calendar" in html
    assert "New meetings" in html
    assert "6 July 2017, 19:15, Committee Rooms C, D &amp; E" in html
    assert "Nothing is saved until you confirm" in html
    assert not Meeting.objects.exists(), "nothing is saved before the officer confirms"
    # The cancelled event was never recorded here: nothing to do with it.
    assert "25 April 2018" not in html

    response = confirm(officer, committee, page)
    assert response.status_code == 302
    assert response["Location"] == committee.get_absolute_url()
    meetings = {m.calendar_uid: m for m in Meeting.objects.filter(committee=committee)}
    assert len(meetings) == 6
    july = meetings[UID.format(1234)]
    assert (july.date, july.start_time) == (datetime.date(2017, 7, 6), datetime.time(19, 15))
    assert july.location.startswith("Committee Rooms C, D & E")
    assert meetings[UID.format(1275)].start_time is None
    row = july.history.get()
    assert row.history_type == "+"
    assert row.history_change_reason == ("From the committee's calendar file merton-osc.ics")
    assert row.history_user == officer_user
    messages = [str(m) for m in officer.get(committee.get_absolute_url()).context["messages"]]
    assert messages == ["Saved from the calendar: 6 meetings added."]


def test_only_the_ticked_changes_are_saved(officer, committee):
    page = upload(officer, committee, FIXTURE.read_bytes())
    response = confirm(officer, committee, page, new=[f"new:{UID.format(1234)}"])
    assert response.status_code == 302
    assert list(Meeting.objects.values_list("calendar_uid", flat=True)) == [UID.format(1234)]


def test_nothing_ticked_is_refused_and_saves_nothing(officer, committee):
    page = upload(officer, committee, FIXTURE.read_bytes())
    response = confirm(officer, committee, page, new=[])
    assert response.status_code == 200
    assert "Tick the changes to save" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_moved_meeting_is_shown_and_updated(officer, committee):
    meeting = Meeting(
        committee=committee,
        date=datetime.date(2017, 9, 13),
        start_time=datetime.time(19, 15),
        location="Committee Room B",
        calendar_uid=UID.format(1240),
    )
    meeting.save(reason="Entered earlier")
    data = modern_gov_ics(
        [Event(1240, london(2017, 9, 20, 18, 30), location="Council Chamber", sequence=3)]
    )
    page = upload(officer, committee, data, "osc-moved.ics")
    html = page.content.decode()
    assert "Moved or changed meetings" in html
    assert "Moved from 13 September 2017, 19:15 to 20 September 2017, 18:30" in html
    assert "place from Committee Room B to Council Chamber" in html
    assert confirm(officer, committee, page).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.start_time, meeting.location) == (
        datetime.date(2017, 9, 20),
        datetime.time(18, 30),
        "Council Chamber",
    )
    latest = meeting.history.first()
    assert latest.history_change_reason == "From the committee's calendar file osc-moved.ics"
    assert latest.prev_record.date == datetime.date(2017, 9, 13)


def test_a_meeting_entered_by_hand_is_linked_by_its_date(officer, committee):
    meeting = Meeting(committee=committee, date=datetime.date(2017, 7, 6))
    meeting.save(reason="Entered by hand")
    page = upload(officer, committee, modern_gov_ics([Event(1234, london(2017, 7, 6, 19, 15))]))
    html = page.content.decode()
    assert "Meetings already recorded, to be linked to the calendar" in html
    assert "6 July 2017: link to the calendar event" in html
    assert "6 July 2017: link to the calendar event; start time: 19:15" in html
    assert "Moved" not in html
    assert confirm(officer, committee, page).status_code == 302
    meeting.refresh_from_db()
    assert meeting.calendar_uid == UID.format(1234)
    assert meeting.start_time == datetime.time(19, 15)
    assert Meeting.objects.count() == 1


def test_reading_the_same_calendar_again_changes_nothing(officer, committee):
    data = FIXTURE.read_bytes()
    confirm(officer, committee, upload(officer, committee, data))
    state, rows = meetings_state(), history_count()
    again = upload(officer, committee, data)
    assert again.status_code == 200
    assert "There is nothing to change" in again.content.decode()
    assert calendar.plan_changes(committee, calendar.read_calendar(data).events).is_empty
    assert (meetings_state(), history_count()) == (state, rows)


def test_a_cancelled_meeting_with_records_attached_is_kept(officer, committee):
    meeting = Meeting(committee=committee, date=datetime.date(2018, 4, 25))
    meeting.calendar_uid = UID.format(1280)
    meeting.save(reason="From the feed")
    AgendaItem(meeting=meeting, reference="5", title="Work programme").save(reason="Agenda")
    page = upload(officer, committee, FIXTURE.read_bytes())
    html = page.content.decode()
    assert "Cancelled in the calendar, kept here" in html
    assert "it has agenda items" in html
    assert f"cancel:{UID.format(1280)}" not in html, "no box to remove it"
    # Even a forged submission cannot remove it.
    response = confirm(officer, committee, page, cancel=[f"cancel:{UID.format(1280)}"], new=[])
    assert response.status_code == 200
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_meeting_with_a_report_received_at_it_is_never_deleted(officer_user, committee):
    """The service checks again, holding the row: whatever the plan said."""
    meeting = Meeting(committee=committee, date=datetime.date(2018, 4, 25))
    meeting.calendar_uid = UID.format(1280)
    meeting.save()
    Review.objects.create(
        title="Libraries",
        review_type="task_group",
        commissioning_committee=committee,
        report_received_meeting=meeting,
        report_received_on=meeting.date,
    )
    event = calendar.CalendarEvent(uid=UID.format(1280), date=meeting.date, cancelled=True)
    change = calendar.Change(calendar.CANCEL, event, meeting)
    with pytest.raises(ValidationError, match="records attached"):
        services.meetings_apply_calendar(
            committee=committee, changes=[change], user=officer_user, source="a test"
        )
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert Meeting.attached_records([meeting]) == {meeting.pk: ["reviews"]}


def test_a_cancelled_meeting_without_records_is_removed_only_when_ticked(officer, committee):
    meeting = Meeting(committee=committee, date=datetime.date(2018, 4, 25))
    meeting.calendar_uid = UID.format(1280)
    meeting.save(reason="From the feed")
    data = modern_gov_ics([Event(1280, london(2018, 4, 25, 19, 15), status="CANCELLED")])
    page = upload(officer, committee, data, "cancelled.ics")
    form = page_form(page.content)
    assert f"cancel:{UID.format(1280)}" in form.choices("cancel")
    assert "cancel" not in form.data(), "removing a meeting is never ticked for the officer"
    assert confirm(officer, committee, page).status_code == 200  # nothing ticked
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    response = confirm(officer, committee, page, cancel=[f"cancel:{UID.format(1280)}"])
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    removed = Meeting.history.filter(id=meeting.pk).first()
    assert removed.history_type == "-"
    assert removed.history_change_reason == "From the committee's calendar file cancelled.ics"


def test_a_meeting_changed_after_the_page_was_shown_refuses_the_save(
    officer, officer_user, committee
):
    meeting = Meeting(committee=committee, date=datetime.date(2017, 9, 13))
    meeting.calendar_uid = UID.format(1240)
    meeting.save()
    feed = modern_gov_ics([Event(1240, london(2017, 9, 20, 19, 15), location="")])
    page = upload(officer, committee, feed)
    other = make_user("so2", "Scrutiny officers", first_name="Other", last_name="Officer")
    meeting.refresh_from_db()
    meeting.location = "Committee Room A"
    meeting.save(reason="Room booked")
    state = meetings_state()
    response = confirm(officer, committee, page)
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed by someone else" in html and "Nothing was saved" in html
    assert "Moved from 13 September 2017 to 20 September 2017, 19:15" in html
    assert meetings_state() == state
    # The page shown again carries the new version: confirming it now saves.
    assert confirm(officer, committee, response).status_code == 302
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2017, 9, 20)
    assert meeting.location == "Committee Room A", "the feed's blank place keeps ours"
    assert other  # (a second officer exists; the save above was made outside a request)


def test_a_meeting_removed_after_the_page_was_shown_refuses_the_save(officer, committee):
    meeting = Meeting(committee=committee, date=datetime.date(2017, 9, 13))
    meeting.calendar_uid = UID.format(1240)
    meeting.save()
    page = upload(officer, committee, modern_gov_ics([Event(1240, london(2017, 9, 20, 19, 15))]))
    meeting.delete(reason="Entered twice")
    response = confirm(officer, committee, page)
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    html = response.content.decode()
    # Worked out again, the event is now a new meeting: the move ticked is no longer offered.
    assert "A change you ticked is no longer offered" in html
    assert "New meetings" in html


def test_the_admin_page_of_a_committee_shows_the_feed_address_read_only(admin_user, committee):
    # The address is set on the committee's own form (below); the admin only shows it.
    committee.calendar_feed_url = "https://democracy.example.gov.uk/feed.ics"
    committee.save(reason="Test data")
    admin = Client()
    admin.force_login(admin_user)
    page = admin.get(reverse("admin:reviews_committee_change", args=[committee.pk]))
    assert page.status_code == 200
    assert "https://democracy.example.gov.uk/feed.ics" in page.content.decode()
    assert 'name="calendar_feed_url"' not in page.content.decode()


def test_the_service_refuses_a_stale_version(officer_user, committee):
    meeting = Meeting(committee=committee, date=datetime.date(2017, 9, 13))
    meeting.save()
    event = calendar.CalendarEvent(uid=UID.format(1), date=datetime.date(2017, 9, 14))
    change = calendar.Change(calendar.LINKED, event, meeting)
    with pytest.raises(StaleEdit):
        services.meetings_apply_calendar(
            committee=committee,
            changes=[change],
            user=officer_user,
            source="a test",
            versions={str(meeting.pk): meeting.version - 1},
        )
    meeting.refresh_from_db()
    assert meeting.calendar_uid == ""


def test_a_tampered_confirmation_is_refused(officer, committee):
    page = upload(officer, committee, FIXTURE.read_bytes())
    data = page_form(page.content).data()
    data["plan"] = data["plan"][:-4] + "AAAA"
    response = officer.post(url(committee), data)
    assert response.status_code == 200
    assert "out of date or was changed" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_confirmation_for_another_committee_is_refused(officer, committee, cabinet):
    page = upload(officer, committee, FIXTURE.read_bytes())
    response = officer.post(url(cabinet), page_form(page.content).data())
    assert "out of date or was changed" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"not a calendar at all", "not an iCalendar (.ics) file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not an iCalendar (.ics) file"),
    ],
)
def test_a_bad_upload_gives_a_clear_message_and_changes_nothing(officer, committee, data, message):
    Meeting(committee=committee, date=datetime.date(2017, 1, 1)).save()
    state, rows = meetings_state(), history_count()
    response = upload(officer, committee, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert (meetings_state(), history_count()) == (state, rows)


def test_a_huge_upload_is_refused_unread(officer, committee, settings):
    settings.CALENDAR_FEED_MAX_BYTES = 50_000
    huge = modern_gov_ics([Event(i, london(2017, 1, 1, 19, 0)) for i in range(200)])
    assert len(huge) > 50_000
    response = upload(officer, committee, huge)
    assert "The file is larger than 50 KB" in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_event_on_a_day_already_taken_is_listed_not_added(officer, committee):
    Meeting(committee=committee, date=datetime.date(2017, 7, 6), calendar_uid="other@x").save()
    page = upload(officer, committee, modern_gov_ics([Event(1234, london(2017, 7, 6, 19, 15))]))
    html = page.content.decode()
    assert "cannot be added: the committee already has a meeting that day" in html
    assert "There is nothing to change" in html


def test_the_committee_page_links_to_the_calendar_for_officers_only(
    officer, councillor_user, committee
):
    assert url(committee) in officer.get(committee.get_absolute_url()).content.decode()
    reader = Client()
    reader.force_login(councillor_user)
    assert url(committee) not in reader.get(committee.get_absolute_url()).content.decode()
    assert reader.get(url(committee)).status_code == 403


def test_only_an_administrator_sets_the_feed_address(officer, admin_user, committee):
    edit = reverse("committee_edit", args=[committee.pk])
    assert "calendar_feed_url" not in page_form(officer.get(edit).content).names()
    data = page_form(officer.get(edit).content).data()
    data["calendar_feed_url"] = "http://127.0.0.1:9/internal"
    assert officer.post(edit, data).status_code == 302
    committee.refresh_from_db()
    assert committee.calendar_feed_url == ""

    admin = Client()
    admin.force_login(admin_user)
    data = page_form(admin.get(edit).content).data()
    for bad in ("file:///etc/passwd", "ftp://example.org/x.ics", "webcal://example.org/x"):
        data["calendar_feed_url"] = bad
        response = admin.post(edit, data)
        assert response.status_code == 200, bad
        assert "Enter an address starting with https:// or http://." in response.content.decode()
    data["calendar_feed_url"] = "https://democracy.merton.gov.uk/mgCalendarMonthView.aspx?CId=147"
    assert admin.post(edit, data).status_code == 302
    committee.refresh_from_db()
    assert committee.calendar_feed_url.endswith("CId=147")


def test_a_start_time_is_typed_on_the_meeting_form(officer, committee):
    response = officer.post(
        reverse("meeting_create"),
        {
            "committee": committee.pk,
            "date_0": "6",
            "date_1": "7",
            "date_2": "2017",
            "start_time": "25:99",
        },
    )
    assert "Enter the start time on the 24-hour clock, like 19:15." in response.content.decode()
    assert not Meeting.objects.exists()


# --- feeds: served on loopback -------------------------------------------------------------------


class FeedServer:
    """An http.server on 127.0.0.1 serving ``routes``: path -> (status, headers, body)."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        self.requests: list[str] = []
        routes, requests = self.routes, self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                status, headers, body = routes.get(self.path, (404, {}, b"Not found"))
                self.send_response(status)
                for name, value in {"Content-Type": "text/calendar", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed_server(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def osc_with_feed(committee, feed_server):
    feed_server.routes["/mgCalendarMonthView.aspx?CId=147&ics=1"] = (
        200,
        {},
        FIXTURE.read_bytes(),
    )
    committee.short_name = "OSC"
    committee.calendar_feed_url = feed_server.url("/mgCalendarMonthView.aspx?CId=147&ics=1")
    committee.save()
    return committee


def test_check_the_feed_now_shows_the_changes(officer, osc_with_feed, feed_server):
    page = officer.post(url(osc_with_feed), {"step": "fetch"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "New meetings" in html and "6 July 2017, 19:15" in html
    assert feed_server.requests == ["/mgCalendarMonthView.aspx?CId=147&ics=1"]
    assert not Meeting.objects.exists()
    assert confirm(officer, osc_with_feed, page).status_code == 302
    meeting = Meeting.objects.get(calendar_uid=UID.format(1234))
    assert meeting.history.get().history_change_reason == (
        f"From the committee's calendar feed {osc_with_feed.calendar_feed_url}"
    )


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ((404, {}, b"Not found"), "HTTP 404"),
        ((302, {"Location": "file:///etc/passwd"}, b""), "redirected to an address that is not"),
        ((302, {"Location": "ftp://127.0.0.1/x.ics"}, b""), "redirected to an address that is not"),
        ((200, {}, b"<html>Sign in</html>"), "not an iCalendar"),
        ((200, {}, b""), "The file is empty."),
    ],
)
def test_a_feed_that_cannot_be_read_says_why(officer, osc_with_feed, feed_server, route, message):
    feed_server.routes["/mgCalendarMonthView.aspx?CId=147&ics=1"] = route
    response = officer.post(url(osc_with_feed), {"step": "fetch"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The feed could not be read." in html and message in html
    assert not Meeting.objects.exists()


def test_a_feed_larger_than_the_limit_is_refused(osc_with_feed, feed_server, settings):
    settings.CALENDAR_FEED_MAX_BYTES = 10_000
    feed_server.routes["/big.ics"] = (200, {}, b"X" * 20_000)
    with pytest.raises(calendar.CalendarError, match="larger than 10 KB"):
        calendar.fetch_feed(feed_server.url("/big.ics"))


def test_a_redirect_to_another_http_address_is_followed(feed_server):
    feed_server.routes["/old"] = (301, {"Location": feed_server.url("/new")}, b"")
    feed_server.routes["/new"] = (200, {}, b"BEGIN:VCALENDAR")
    assert calendar.fetch_feed(feed_server.url("/old")) == b"BEGIN:VCALENDAR"


def test_only_http_and_https_are_fetched(db):
    for address in ("file:///etc/passwd", "ftp://example.org/a.ics", "data:,hello", ""):
        with pytest.raises(calendar.CalendarError, match="must start with https://"):
            calendar.fetch_feed(address)


def test_a_committee_without_a_feed_is_told_so(officer, committee):
    response = officer.post(url(committee), {"step": "fetch"})
    assert "has no calendar feed address" in response.content.decode()


# --- the command -------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("sync_committee_calendars", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_lists_the_changes_and_saves_nothing(osc_with_feed):
    output = run()
    assert "Overview and Scrutiny Commission: 7 meetings in the feed." in output
    assert "  New: 6 July 2017, 19:15, Committee Rooms C, D & E" in output
    assert not Meeting.objects.exists()


def test_the_command_applies_new_and_moved_meetings_but_never_deletes(osc_with_feed):
    kept = Meeting(committee=osc_with_feed, date=datetime.date(2018, 4, 25))
    kept.calendar_uid = UID.format(1280)
    kept.save()
    moved = Meeting(committee=osc_with_feed, date=datetime.date(2017, 9, 6))
    moved.calendar_uid = UID.format(1240)
    moved.save()
    output = run("--apply", "--committee", "osc")
    assert "Cancelled in the feed (remove on the committee's page)" in output
    assert "Saved: 5 meetings added, 1 meeting moved or changed." in output
    moved.refresh_from_db()
    assert moved.date == datetime.date(2017, 9, 13)
    assert moved.history.first().history_user.username == "system"
    assert Meeting.objects.filter(pk=kept.pk).exists(), "the command never removes a meeting"
    assert Meeting.objects.count() == 7
    # Run again: nothing new.
    state = meetings_state()
    assert "Saved" not in run("--apply")
    assert meetings_state() == state


def test_the_command_reports_a_feed_it_cannot_read(osc_with_feed, feed_server):
    feed_server.routes.clear()
    with pytest.raises(CommandError, match="Feeds not read: Overview and Scrutiny Commission"):
        run()


def test_the_command_names_an_unknown_committee(db, committee):
    with pytest.raises(CommandError, match="no committee called 'XYZ'"):
        run("--committee", "XYZ")
    with pytest.raises(CommandError, match="has no calendar feed address"):
        run("--committee", committee.name)


def test_attached_records_are_found_through_every_relation(demo):
    """The demonstration's July 2017 meeting has an agenda item, updates reported to it and a
    closure; a meeting with nothing attached has none."""
    july = Meeting.objects.get(date=datetime.date(2017, 7, 6))
    empty = Meeting(committee=july.committee, date=datetime.date(2031, 1, 1))
    empty.save()
    found = Meeting.attached_records([july, empty])
    assert set(found) == {july.pk}
    assert {"agenda items", "updates"} <= set(found[july.pk])


def test_committees_from_the_fixture_have_no_feed_by_default(db):
    assert Committee.objects.create(name="Cabinet X", kind="executive").calendar_feed_url == ""
