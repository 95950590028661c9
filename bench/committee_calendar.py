"""Committee calendar benchmark: reading a large Modern.gov-shaped feed and saving it.

    .venv/bin/python bench/committee_calendar.py                     # SQLite, a temporary file
    .venv/bin/python bench/committee_calendar.py --events 2000
    .venv/bin/python bench/committee_calendar.py --database-url postgres://postgres@127.0.0.1:54331/postgres

A fresh database (as ``bench/pages.py`` makes it), a scrutiny committee with ten years of
meetings already recorded (``--recorded``, half of them linked to the feed, every third with
an agenda item), and a feed of ``--events`` meetings (the recorded ones, a tenth of them moved
and a twentieth cancelled, and new ones) served by an http.server on 127.0.0.1: nothing
leaves the machine. Through the Django test client, signed in as a scrutiny officer:

1. "Check the feed now" (fetch, read, compare, show the confirmation page);
2. "Save the ticked changes" (every new, moved and linked meeting, with history);
3. "Check the feed now" again (nothing new: only the cancellations the officer did not tick);

then ``sync_committee_calendars`` (listing) from the command line. Prints the time of each,
with this process's CPU time, and the queries of each web request. Always exits 0.
"""

import argparse
import datetime
import http.server
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--use-database-as-is", action="store_true")
    parser.add_argument("--events", type=int, default=600, help="meetings in the feed")
    parser.add_argument("--recorded", type=int, default=100, help="meetings already recorded")
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    args.reuse = False
    return args


def serve(body: bytes):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build(recorded: int, events: int):
    """The committee, its recorded meetings and the feed's events."""
    from reviews.models import AgendaItem, Committee, Meeting
    from tests.fixtures.modern_gov import HOST, Event, london

    committee = Committee(name="Overview and Scrutiny Commission", short_name="OSC")
    committee.kind = "scrutiny"
    committee.save()
    first = datetime.date(2016, 5, 5)
    feed = []
    for i in range(events):
        day = first + datetime.timedelta(days=7 * i)
        if i < recorded:
            meeting = Meeting(committee=committee, date=day, location="Committee Room B")
            if i % 2:
                meeting.calendar_uid = f"mgMeeting{i}@{HOST}"
            meeting.save(reason="Entered by hand")
            if i % 3 == 0:
                AgendaItem(meeting=meeting, reference="1", title="Minutes").save()
        moved = i % 10 == 5
        when = london(day.year, day.month, day.day, 19, 15)
        if moved:
            when += datetime.timedelta(days=1)
        status = "CANCELLED" if i % 20 == 3 else "CONFIRMED"
        feed.append(Event(i, when, status=status))
    return committee, feed


def timed(client, url, data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu, started = time.process_time(), time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    return (
        time.perf_counter() - started,
        time.process_time() - cpu,
        len(ctx.captured_queries),
        response,
    )


def main() -> int:
    args = parse_args()
    from bench.pages import Database

    database = Database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    # The development configuration (DEBUG is turned off for the measured requests).
    os.environ.setdefault("DEBUG", "true")
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.contrib.auth.models import Group, User
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from reviews.models import Meeting
        from scrutiny import roles
        from tests.fixtures.modern_gov import modern_gov_ics
        from tests.test_permissions import page_form

        settings.DEBUG = False
        print(f"Database: {connection.vendor} ({database.describe()})")
        call_command("migrate", verbosity=0)
        committee, events = build(args.recorded, args.events)
        body = modern_gov_ics(events)
        server = serve(body)
        committee.calendar_feed_url = f"http://127.0.0.1:{server.server_port}/calendar.ics"
        committee.save()
        officer = User.objects.create_user("bench-officer")
        officer.groups.add(Group.objects.get_or_create(name=roles.SCRUTINY_OFFICER)[0])
        client = Client(SERVER_NAME="localhost")
        client.force_login(officer)
        url = reverse("committee_calendar", args=[committee.pk])
        print(
            f"Feed: {len(events)} meetings, {len(body) / 1000:.0f} KB; "
            f"{args.recorded} meetings already recorded"
        )
        print(f"Load average (1, 5, 15 min) before: {os.getloadavg()}")

        seconds, cpu, queries, page = timed(client, url, {"step": "fetch"})
        form = page_form(page.content).data()
        ticked = sum(len(v) for k, v in form.items() if k in {"new", "moved", "linked"})
        print(
            f"Check the feed now:   {seconds:6.2f} s ({cpu:.2f} s CPU), {queries} queries, "
            f"status {page.status_code}, {ticked} changes ticked"
        )
        before = Meeting.history.count()
        seconds, cpu, queries, response = timed(client, url, form)
        print(
            f"Save the changes:     {seconds:6.2f} s ({cpu:.2f} s CPU), {queries} queries, "
            f"status {response.status_code}, {Meeting.history.count() - before} history rows"
        )
        seconds, cpu, queries, page = timed(client, url, {"step": "fetch"})
        left = page_form(page.content).choices("cancel") if b'name="cancel"' in page.content else []
        others = {"new", "moved", "linked"} & set(page_form(page.content).names())
        print(
            f"Check again:          {seconds:6.2f} s ({cpu:.2f} s CPU), {queries} queries, "
            f"new, moved or linked: {sorted(others) or 'none'}; cancellations offered "
            f"(unticked): {len(left)}"
        )
        cpu, started = time.process_time(), time.perf_counter()
        with open(os.devnull, "w") as sink:
            call_command("sync_committee_calendars", stdout=sink)
        print(
            f"The command (listing): {time.perf_counter() - started:5.2f} s "
            f"({time.process_time() - cpu:.2f} s CPU)"
        )
        print(f"Load average (1, 5, 15 min) after: {os.getloadavg()}")
        server.shutdown()
    finally:
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
