"""A committee's calendar read from an iCalendar feed or file (issue 14, point 3).

Councils keep their committee calendar in a committee management system; most use Modern.gov,
which publishes each committee's meetings as an iCalendar feed. Reading it has three steps:

1. :func:`read_calendar` turns the bytes of a feed or an uploaded ``.ics`` file into
   :class:`CalendarEvent` values (or refuses the file with a :class:`CalendarError` saying
   why, in words). :func:`fetch_feed` gets the bytes of a feed over http(s).
2. :func:`plan_changes` compares the events with the committee's meetings and lists what
   would change: new meetings, moved meetings, meetings already recorded that the feed will
   now be linked to, meetings the feed has cancelled, and what cannot be done. Nothing is
   written: the officer sees the list and ticks what to save.
3. ``reviews.services.meetings_apply_calendar`` saves the ticked changes, with history.

Matching: an event is the meeting that carries its UID (``Meeting.calendar_uid``); an event
whose UID no meeting carries is the committee's meeting on the same day that carries no UID
yet (a meeting entered by hand before the feed was read), or else a new meeting.

Time: a start time in a named zone (``TZID=Europe/London``, or a Windows name such as
"GMT Standard Time") or in UTC is turned into the time in London; a floating time (no zone),
or one in a zone nobody knows, is taken as London's; an all-day event (``VALUE=DATE``) is a
meeting with no start time.

Repeating events (``RRULE``, ``RDATE``, or a changed occurrence with ``RECURRENCE-ID``) are not
read: Modern.gov publishes each meeting as an event of its own, and a rule could make hundreds
of meetings out of one line. They are listed as not read, so the officer can add those
meetings by hand. Events whose UID appears twice are read once: the one with the highest
``SEQUENCE``, then the latest ``LAST-MODIFIED`` (the organiser's newest version).

A meeting the feed no longer lists is left alone: a feed shows a window of dates, so an
absent meeting is not a cancelled one. A meeting the feed marks ``STATUS:CANCELLED`` is
offered for removal only when nothing is attached to it (``Meeting.attached_records``);
otherwise it is shown, marked, and left for the officer to decide.
"""

import datetime
import re
import urllib.error
import urllib.request
import zoneinfo
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core import signing

from scrutiny.formats import british_date

from .models import Committee, Meeting

LONDON = zoneinfo.ZoneInfo("Europe/London")
SIGNING_SALT = "reviews.calendar.plan"
PLAN_MAX_AGE = 24 * 60 * 60  # seconds a confirmation page stays good for
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CalendarError(ValueError):
    """The feed or file cannot be read; the message says why, for the officer."""


@dataclass(frozen=True)
class CalendarEvent:
    """One meeting as the calendar gives it."""

    uid: str
    date: datetime.date
    start_time: datetime.time | None = None
    summary: str = ""
    location: str = ""
    cancelled: bool = False
    sequence: int = 0
    last_modified: str = ""  # ISO 8601 in UTC, so it sorts

    @property
    def key(self) -> str:
        """What names the event on the confirmation page: its UID, else its day."""
        return self.uid or f"@{self.date.isoformat()}"

    @property
    def when(self) -> str:
        return when_text(self.date, self.start_time)

    def as_data(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        data["start_time"] = self.start_time.strftime("%H:%M") if self.start_time else None
        return data

    @classmethod
    def from_data(cls, data: dict) -> "CalendarEvent":
        start = data.get("start_time")
        return cls(
            **{
                **data,
                "date": datetime.date.fromisoformat(data["date"]),
                "start_time": datetime.time.fromisoformat(start) if start else None,
            }
        )


@dataclass
class CalendarRead:
    """What a feed or file gave: its events, and the events not read with the reason."""

    events: list[CalendarEvent]
    not_read: list[str] = field(default_factory=list)
    name: str = ""  # the calendar's own name (X-WR-CALNAME), when it gives one


def when_text(day: datetime.date, start: datetime.time | None) -> str:
    """ "6 July 2017, 19:15", or the date alone when the time is not known."""
    return f"{british_date(day)}, {start:%H:%M}" if start else british_date(day)


def max_bytes() -> int:
    return settings.CALENDAR_FEED_MAX_BYTES


def _size_text(size: int) -> str:
    return f"{size / 1_000_000:g} MB" if size >= 1_000_000 else f"{size / 1000:g} KB"


def read_error_too_large() -> str:
    return (
        f"The file is larger than {_size_text(max_bytes())}: a committee's calendar is much "
        "smaller. Check that it is the right file."
    )


# --- reading -----------------------------------------------------------------------------------


def read_calendar(data: bytes) -> CalendarRead:
    """The events of an iCalendar feed or file. Raises :class:`CalendarError` for an empty
    file, one larger than ``CALENDAR_FEED_MAX_BYTES``, or one that is not iCalendar."""
    if not data or not data.strip():
        raise CalendarError("The file is empty.")
    if len(data) > max_bytes():
        raise CalendarError(read_error_too_large())
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError, UnicodeError):
        raise CalendarError(
            "The file is not an iCalendar (.ics) file: it should begin with BEGIN:VCALENDAR."
        ) from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise CalendarError(
            "The file is not an iCalendar (.ics) file: it should begin with BEGIN:VCALENDAR."
        )
    read = CalendarRead(events=[], name=_text(calendar.get("X-WR-CALNAME"), 200))
    by_uid: dict[str, CalendarEvent] = {}
    for component in calendar.walk("VEVENT"):
        event, problem = _event(component)
        if problem:
            read.not_read.append(problem)
            continue
        if event.uid and event.uid in by_uid:
            kept = by_uid[event.uid]
            if (event.sequence, event.last_modified) <= (kept.sequence, kept.last_modified):
                continue
            read.events.remove(kept)
        if event.uid:
            by_uid[event.uid] = event
        read.events.append(event)
    read.events.sort(key=lambda e: (e.date, e.start_time or datetime.time.min, e.uid))
    return read


def _text(value, limit: int) -> str:
    """A property as one line of plain text, without control characters, at most ``limit``
    characters (a database cannot hold a NUL)."""
    if value is None:
        return ""
    text = _CONTROL.sub("", " ".join(str(value).split()))
    return text[:limit].strip()


def _moment(component, name: str):
    """The date or date-time of property ``name``; None when it is missing or cannot be
    read (icalendar keeps a broken value, and raises when it is read)."""
    try:
        return component.get(name).dt
    except (AttributeError, ValueError, TypeError):
        return None


def _event(component) -> tuple[CalendarEvent | None, str]:
    """One VEVENT as a :class:`CalendarEvent`, or the reason it is not read."""
    summary = _text(component.get("SUMMARY"), 200)
    uid = _text(component.get("UID"), 1000)
    named = f'"{summary}"' if summary else "An event"
    if len(uid) > 255:
        return None, f"{named} has an identifier (UID) longer than 255 characters."
    if any(name in component for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
        return None, (
            f"{named} repeats (a recurring event): repeating events are not read. Add those "
            "meetings by hand."
        )
    value = _moment(component, "DTSTART")
    if not isinstance(value, datetime.date):
        return None, f"{named} has no start date that can be read."
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(LONDON)
        day, start_time = value.date(), value.time().replace(second=0, microsecond=0)
    else:
        day, start_time = value, None
    if not 1900 <= day.year <= 2100:
        return None, f"{named} is dated {day.year}, outside the years a meeting can have."
    status = _text(component.get("STATUS"), 40).upper()
    try:
        sequence = int(str(component.get("SEQUENCE", 0)).strip() or 0)
    except ValueError:
        sequence = 0
    modified = _moment(component, "LAST-MODIFIED")
    if isinstance(modified, datetime.datetime):
        if modified.tzinfo is None:
            modified = modified.replace(tzinfo=datetime.UTC)
        modified = modified.astimezone(datetime.UTC).isoformat()
    else:
        modified = ""
    event = CalendarEvent(
        uid=uid,
        date=day,
        start_time=start_time,
        summary=summary,
        location=_text(component.get("LOCATION"), 200),
        cancelled=status == "CANCELLED",
        sequence=max(0, min(sequence, 2**31)),
        last_modified=modified,
    )
    return event, ""


# --- fetching ----------------------------------------------------------------------------------


_NOT_HTTP_REDIRECT = "The feed redirected to an address that is not http or https."


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another http(s) address (never file:, ftp: or data:)."""

    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in {"http", "https"}:
            raise CalendarError(_NOT_HTTP_REDIRECT)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    """An opener that speaks http and https only (the default one also reads files, FTP and
    data: URLs), with the environment's proxy settings."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _SafeRedirects(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def fetch_feed(url: str) -> bytes:
    """The bytes of the feed at ``url`` (http or https), read with a timeout
    (``CALENDAR_FEED_TIMEOUT`` seconds) and at most ``CALENDAR_FEED_MAX_BYTES``. Raises
    :class:`CalendarError` saying what went wrong."""
    if urlsplit(url or "").scheme.lower() not in {"http", "https"}:
        raise CalendarError("The feed address must start with https:// or http://.")
    timeout = settings.CALENDAR_FEED_TIMEOUT
    request = urllib.request.Request(
        url,
        headers={"User-Agent": "scrutiny-tracker calendar reader", "Accept": "text/calendar"},
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            data = response.read(max_bytes() + 1)
    except CalendarError:
        raise
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:  # urllib refused a redirect to file:, data: or the like
            raise CalendarError(_NOT_HTTP_REDIRECT) from None
        raise CalendarError(
            f"The feed answered with an error (HTTP {error.code} {error.reason})."
        ) from None
    except TimeoutError:
        raise CalendarError(f"The feed did not answer within {timeout} seconds.") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise CalendarError(f"The feed did not answer within {timeout} seconds.") from None
        raise CalendarError(f"The feed could not be reached ({error.reason}).") from None
    except (OSError, ValueError) as error:
        raise CalendarError(f"The feed could not be read ({error}).") from None
    if len(data) > max_bytes():
        raise CalendarError(
            f"The feed is larger than {_size_text(max_bytes())}: check the address."
        )
    return data


def source_for_feed(committee: Committee) -> str:
    return f"the committee's calendar feed {committee.calendar_feed_url}"


def source_for_file(name: str) -> str:
    return f"the committee's calendar file {_text(name, 200) or '(unnamed)'}"


# --- planning ----------------------------------------------------------------------------------

NEW, MOVED, LINKED, CANCEL = "new", "moved", "linked", "cancel"


@dataclass
class Change:
    """One change the feed asks for: ``kind`` is one of NEW, MOVED (the date, time or place
    changed), LINKED (a meeting entered by hand, now linked to its event) or CANCEL (remove a
    meeting the feed cancelled, which has nothing attached)."""

    kind: str
    event: CalendarEvent
    meeting: Meeting | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.event.key}"

    def description(self) -> str:
        event, meeting = self.event, self.meeting
        title = f" ({event.summary})" if event.summary else ""
        if self.kind == NEW:
            place = f", {event.location}" if event.location else ""
            return f"{event.when}{place}{title}"
        if self.kind == CANCEL:
            return f"{meeting.when}{title}: remove the meeting (nothing is attached to it)"
        parts = []
        if event.date == meeting.date and meeting.start_time is None and event.start_time:
            parts.append(f"start time: {event.start_time:%H:%M}")  # known at last, not moved
        elif _when(meeting) != _when_of(event, meeting):
            parts.append(f"Moved from {meeting.when} to {when_text(*_when_of(event, meeting))}")
        if event.location and event.location != meeting.location:
            parts.append(
                f"place from {meeting.location} to {event.location}"
                if meeting.location
                else f"place: {event.location}"
            )
        if self.kind == LINKED:
            parts.insert(0, f"{meeting.when}: link to the calendar event")
        elif parts and not parts[0].startswith("Moved"):
            parts[0] = parts[0][0].upper() + parts[0][1:]
        return "; ".join(parts) + title


def _when(meeting: Meeting) -> tuple:
    return (meeting.date, meeting.start_time)


def _when_of(event: CalendarEvent, meeting: Meeting) -> tuple:
    """The event's date and time; an all-day event keeps the meeting's time."""
    return (event.date, event.start_time or meeting.start_time)


def _differs(event: CalendarEvent, meeting: Meeting) -> bool:
    return _when(meeting) != _when_of(event, meeting) or bool(
        event.location and event.location != meeting.location
    )


@dataclass
class Plan:
    """What reading the calendar would change for one committee."""

    committee: Committee
    changes: list[Change] = field(default_factory=list)
    kept: list[tuple[CalendarEvent, Meeting, list[str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def versions(self) -> dict[str, int]:
        """The version of each meeting a change touches, as the officer is shown it."""
        return {str(c.meeting.pk): c.meeting.version for c in self.changes if c.meeting}


def plan_changes(committee: Committee, events: list[CalendarEvent]) -> Plan:
    """Compare ``events`` with ``committee``'s meetings (two queries, and one for each kind of
    record that can be attached to a meeting when the feed cancels some)."""
    plan = Plan(committee=committee)
    meetings = list(Meeting.objects.filter(committee=committee).order_by("date", "pk"))
    by_uid = {m.calendar_uid: m for m in meetings if m.calendar_uid}
    by_date = {m.date: m for m in meetings}
    taken_dates = {m.date for m in meetings}
    claimed: set[int] = set()
    matched: list[tuple[CalendarEvent, Meeting | None]] = []
    for event in events:
        meeting = by_uid.get(event.uid) if event.uid else None
        if meeting is None:
            candidate = by_date.get(event.date)
            if candidate is not None and not candidate.calendar_uid:
                meeting = candidate
        if meeting is not None and meeting.pk in claimed:
            plan.problems.append(
                f"{_named(event)} on {event.when} is the same meeting as another event in the "
                "calendar: it is not read."
            )
            continue
        if meeting is not None:
            claimed.add(meeting.pk)
        matched.append((event, meeting))
    cancelled = [(e, m) for e, m in matched if e.cancelled and m is not None]
    attached = Meeting.attached_records([m for _, m in cancelled]) if cancelled else {}
    for event, meeting in matched:
        if event.cancelled:
            if meeting is None:
                continue  # never recorded here: nothing to do
            if meeting.pk in attached:
                plan.kept.append((event, meeting, attached[meeting.pk]))
            else:
                plan.changes.append(Change(CANCEL, event, meeting))
            continue
        if meeting is None:
            if event.date in taken_dates:
                other = by_date[event.date]
                plan.problems.append(
                    f"{_named(event)} on {event.when} cannot be added: the committee already "
                    f"has a meeting that day, linked to another calendar event ({other.when})."
                )
                continue
            taken_dates.add(event.date)
            plan.changes.append(Change(NEW, event))
            continue
        if event.date != meeting.date and event.date in taken_dates:
            plan.problems.append(
                f"{_named(event)} has moved from {meeting.when} to {event.when}, but the "
                "committee already has a meeting that day: change one of them by hand."
            )
            continue
        if event.date != meeting.date:
            taken_dates.discard(meeting.date)
            taken_dates.add(event.date)
        if meeting.calendar_uid != event.uid:
            plan.changes.append(Change(LINKED, event, meeting))
        elif _differs(event, meeting):
            plan.changes.append(Change(MOVED, event, meeting))
    return plan


def done_text(done: dict[str, int]) -> str:
    """What was saved, in words: "2 meetings added, 1 meeting moved or changed"."""
    words = {
        NEW: ("meeting added", "meetings added"),
        MOVED: ("meeting moved or changed", "meetings moved or changed"),
        LINKED: ("meeting linked to the calendar", "meetings linked to the calendar"),
        CANCEL: ("cancelled meeting removed", "cancelled meetings removed"),
    }
    return ", ".join(
        f"{done[kind]} {words[kind][done[kind] != 1]}" for kind in words if done.get(kind)
    )


def _named(event: CalendarEvent) -> str:
    return f'"{event.summary}"' if event.summary else "An event"


# --- the confirmation page's memory --------------------------------------------------------------


def sign_plan(*, committee: Committee, events: list[CalendarEvent], source: str, plan: Plan) -> str:
    """The events read, the source and the versions of the meetings shown, signed: the
    confirmation page carries them, so nothing is stored between reading and saving, and
    nobody can change what the page says the feed said."""
    return signing.dumps(
        {
            "committee": committee.pk,
            "source": source,
            "events": [e.as_data() for e in events],
            "versions": plan.versions(),
        },
        salt=SIGNING_SALT,
        compress=True,
    )


@dataclass
class SignedPlan:
    source: str
    events: list[CalendarEvent]
    versions: dict[str, int]


def unsign_plan(token: str, committee: Committee) -> SignedPlan:
    """What :func:`sign_plan` signed, or :class:`CalendarError` if it was changed, is for
    another committee or is older than a day."""
    try:
        data = signing.loads(token or "", salt=SIGNING_SALT, max_age=PLAN_MAX_AGE)
        if data["committee"] != committee.pk:
            raise ValueError
        return SignedPlan(
            source=str(data["source"]),
            events=[CalendarEvent.from_data(e) for e in data["events"]],
            versions={str(k): int(v) for k, v in data["versions"].items()},
        )
    except (signing.BadSignature, ValueError, KeyError, TypeError, AttributeError):
        raise CalendarError(
            "This confirmation page is out of date or was changed. Read the calendar again."
        ) from None
