"""Update round benchmark: opening a round for a large council, sending its requests, and the
pages while the worker sends them.

    .venv/bin/python bench/rounds.py                      # SQLite, a temporary file
    .venv/bin/python bench/rounds.py --keep               # ... kept afterwards, for --reuse
    .venv/bin/python bench/rounds.py --reuse --database-url sqlite:////tmp/bench-....sqlite3
    .venv/bin/python bench/rounds.py --profile-page       # cProfile one GET of the round page
    .venv/bin/python bench/rounds.py --database-url postgres://postgres@127.0.0.1:54331/postgres

It makes a fresh database (as ``bench/pages.py`` does: a temporary SQLite file, or a
throwaway PostgreSQL database; files under a temporary ``VAR_DIR``), migrates it and builds a
scrutiny committee monitoring reviews whose accepted recommendations have, by default, 3,000
open actions owned by 500 officers, every record saved through ``save()`` (history rows and
all). Then, signed in as a scrutiny officer, through the Django test client:

1. the web time of opening the round (the POST to the meeting's "Open an update round"): one
   request per owner, one item per action, every row with its history row;
2. the round's page (median), and with ``--profile-page`` a cProfile of one request to it;
3. the dashboard, the recommendations register and the round's page with no worker running
   (medians);
4. the web time of "Send requests" (``round_send_all``): one task queued per owner, on the
   database task backend, as in production (on a reused database whose requests are all sent,
   a reminder to every owner instead);
5. a worker (``manage.py db_worker --batch``, a subprocess on the same database, the console
   email backend writing to a null stream: nothing leaves the machine) sending them, while
   this process times the same three pages again and again: emails per second, and each
   page's median beside its median with no worker, with the load averages.

The CPU time of this process (Python and, on SQLite, the database) is printed beside each
web time: steadier than the elapsed time when other work shares the machine.

Targets (issue 12): opening and queuing in under 2 s of web time each; the round's page at
500 owners within 150 ms. It always exits 0 (a measurement) and prints MISSED for a figure
over its target.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 2.0
PAGE_TARGET_MS = 150


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--use-database-as-is", action="store_true")
    parser.add_argument("--owners", type=int, default=500)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--actions-per-recommendation", type=int, default=3)
    parser.add_argument("--recommendations-per-review", type=int, default=10)
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--profile", action="store_true", help="cProfile the opening")
    parser.add_argument(
        "--profile-page", action="store_true", help="cProfile one request of the round's page"
    )
    parser.add_argument("--repeat", type=int, default=7, help="requests per page median")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the database a --keep run kept (--database-url): no building, no opening",
    )
    return parser.parse_args()


def build(owners: int, items: int, per_rec: int, per_review: int):
    """The council: a scrutiny committee, its reviews, recommendations and actions (each saved
    through ``save()``), the owners, a meeting 40 days ahead and a scrutiny officer."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from recommendations.models import ActionPlanItem, Recommendation
    from reviews.models import Committee, CommitteeKind, Meeting, Officer, Review
    from scrutiny import roles
    from scrutiny.audit import acting_as, system_user

    with acting_as(system_user()):
        committee = Committee.objects.create(
            name="Overview and Scrutiny Commission", kind="scrutiny"
        )
        cabinet = Committee.objects.create(name="Cabinet", kind=CommitteeKind.EXECUTIVE)
        people = [
            Officer.objects.create(name=f"Owner {n:03d}", email=f"owner{n:03d}@council.example")
            for n in range(owners)
        ]
        n_recs = -(-items // per_rec)
        made = 0
        review = None
        for r in range(n_recs):
            if r % per_review == 0:
                review = Review.objects.create(
                    title=f"Review {r // per_review + 1}",
                    review_type="task_group",
                    commissioning_committee=committee,
                )
            rec = Recommendation.objects.create(
                review=review,
                number=r % per_review + 1,
                text=f"That the council improves service {r + 1}.",
                responsible_body=cabinet,
                decision="accepted",
                lead_officer=people[r % owners],
            )
            for a in range(per_rec):
                if made == items:
                    break
                ActionPlanItem.objects.create(
                    recommendation=rec,
                    number=a + 1,
                    action=f"Action {a + 1} on recommendation {r + 1}.",
                    owner=people[made % owners],
                )
                made += 1
        meeting = Meeting.objects.create(
            committee=committee, date=timezone.localdate() + datetime.timedelta(days=40)
        )
    officer = User.objects.create_user("bench-officer", password="bench-password-9")
    officer.groups.add(Group.objects.get_or_create(name=roles.SCRUTINY_OFFICER)[0])
    return meeting, officer


def timed_post(client, url, data=None):
    """(elapsed seconds, CPU seconds of this process, response) of one POST."""
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.post(url, data or {})
    return time.perf_counter() - started, time.process_time() - started_cpu, response


def page_ms(client, url, repeat=5) -> float:
    return median([time_get(client, url) for _ in range(repeat)])


def time_get(client, url) -> float:
    """Milliseconds of one GET of ``url`` (which must answer 200)."""
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def median(values) -> float:
    values = sorted(values)
    return values[len(values) // 2] if values else float("nan")


def profile_get(client, url) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)


def worker_command() -> list[str]:
    return [
        sys.executable,
        str(ROOT / "manage.py"),
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
    ]


def pages_under_worker(client, pages: dict, env: dict) -> tuple[float, dict, list, int]:
    """Run a worker (a subprocess) until it has sent every queued email, timing ``pages`` in
    turn meanwhile. (its elapsed seconds, {page: [ms]}, load averages seen, its exit code)."""
    import subprocess

    timings = {name: [] for name in pages}
    loads = []
    started = time.perf_counter()
    worker = subprocess.Popen(
        worker_command(),
        cwd=ROOT,
        env=env,
        # At the priority the production worker runs at (deploy/scrutiny-worker.service:
        # Nice=10; `make run` too), so the web requests come first.
        preexec_fn=lambda: os.nice(10),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # the console email backend: every message, to nowhere
        stderr=subprocess.DEVNULL,
    )
    try:
        while worker.poll() is None:
            for name, url in pages.items():
                timings[name].append(time_get(client, url))
            loads.append(os.getloadavg()[0])
        code = worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
    return time.perf_counter() - started, timings, loads, code


def open_round(client, meeting, args):
    """POST the meeting's "Open an update round" form, timed (and profiled with --profile)."""
    from django.urls import reverse

    from recommendations.rounds.models import RequestItem, UpdateRound

    deadline = meeting.date - datetime.timedelta(days=14)
    form = {
        "deadline_0": str(deadline.day),
        "deadline_1": str(deadline.month),
        "deadline_2": str(deadline.year),
        "covering_text": "Please send your updates.",
    }
    open_url = reverse("round_open", args=[meeting.pk])
    # The officer sees the form first (which also loads the bank holidays once, as any web
    # process that has served a page with a working-day date has done).
    print(f"The form (GET, first): {page_ms(client, open_url, repeat=1):.0f} ms")
    print(f"Load average (1, 5, 15 min) before opening: {os.getloadavg()}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    seconds, cpu, response = timed_post(client, open_url, form)
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(
            "recommendations|scrutiny|simple_history", 30
        )
    update_round = UpdateRound.objects.get(meeting=meeting)
    items = RequestItem.objects.filter(request__round=update_round).count()
    print(
        f"Open the round (web):     {seconds:6.2f} s ({cpu:.2f} s CPU)  [{verdict(seconds)}]  "
        f"status {response.status_code}, {update_round.requests.count()} requests, "
        f"{items} items"
    )
    return update_round


def time_reminders(update_round, officer):
    """Queue a reminder to every owner (as "Remind now" would, in one transaction), timed:
    the worker's load on a reused database whose requests were all sent."""
    from django.db import transaction

    from recommendations.rounds.models import EmailKind
    from recommendations.rounds.services import request_send

    started, started_cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        for request in update_round.requests.select_related("owner", "round").exclude(
            state="forwarded"
        ):
            request_send(request=request, user=officer, kind=EmailKind.REMINDER)
    return time.perf_counter() - started, time.process_time() - started_cpu, None


def verdict(seconds: float, target: float = TARGET_SECONDS) -> str:
    return "ok" if seconds <= target else "MISSED"


def main() -> int:
    args = parse_args()
    from bench.pages import Database

    database = Database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    # The development configuration (DEBUG is turned off for the measured requests).
    os.environ.setdefault("DEBUG", "true")
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from django_tasks_db.models import DBTaskResult

        from recommendations.rounds.models import EmailSent, UpdateRound
        from reviews.models import Meeting

        settings.DEBUG = False
        print(f"Database: {connection.vendor} ({database.describe()})")
        if args.reuse:
            meeting = Meeting.objects.get()
            officer = User.objects.get(username="bench-officer")
        else:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            meeting, officer = build(
                args.owners,
                args.items,
                args.actions_per_recommendation,
                args.recommendations_per_review,
            )
            print(
                f"Built {args.owners} owners and {args.items} actions in "
                f"{time.perf_counter() - started:.1f} s"
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        client = Client(SERVER_NAME="localhost")
        client.force_login(officer)
        update_round = UpdateRound.objects.filter(meeting=meeting).first()
        if update_round is None:
            update_round = open_round(client, meeting, args)
        else:
            print(f"The round is open already ({update_round.requests.count()} requests)")
        round_url = update_round.get_absolute_url()
        pages = {
            "dashboard": reverse("dashboard"),
            "recommendations register": reverse("recommendation_list"),
            "round's page": round_url,
        }
        for url in pages.values():
            client.get(url)  # warm the per-process caches (the status key, content types)
        if args.profile_page:
            profile_get(client, round_url)
        cpu_started = time.process_time()
        round_ms = page_ms(client, round_url, args.repeat)
        cpu_ms = (time.process_time() - cpu_started) * 1000 / args.repeat
        print(
            f"The round's page: {round_ms:.0f} ms (median of {args.repeat}; {cpu_ms:.0f} ms CPU "
            f"on average)  [{verdict(round_ms, PAGE_TARGET_MS)}]"
        )

        # The pages with no worker running, then while one sends the requests.
        idle_loads = [os.getloadavg()[0]]
        idle = {name: page_ms(client, url, args.repeat) for name, url in pages.items()}
        idle_loads.append(os.getloadavg()[0])
        already = EmailSent.objects.filter(round=update_round).count()
        if update_round.requests.filter(state="draft").exists():
            seconds, cpu, _ = timed_post(client, reverse("round_send", args=[update_round.pk]))
            what = "the requests"
        else:  # a reused database: every owner was sent the request; remind them all
            seconds, cpu, _ = time_reminders(update_round, officer)
            what = "a reminder to every owner"
        queued = DBTaskResult.objects.filter(status="READY").count()
        print(
            f"Queue {what} (web): {seconds:6.2f} s ({cpu:.2f} s CPU)  [{verdict(seconds)}]  "
            f"{queued} tasks queued"
        )
        env = {
            **os.environ,
            "EMAIL_DELIVERY": "console",
            "DJANGO_SETTINGS_MODULE": "scrutiny.settings",
        }
        seconds, busy, loads, code = pages_under_worker(client, pages, env)
        sent = EmailSent.objects.filter(round=update_round).count() - already
        print(
            f"Worker (a subprocess, console backend to a null stream) sent {sent} emails in "
            f"{seconds:.1f} s: {sent / seconds:.0f} emails per second (exit code {code})"
        )
        print(f"\n{'Page':26} {'no worker':>10} {'worker sending':>15}  (median ms, samples)")
        for name in pages:
            print(
                f"{name:26} {idle[name]:10.0f} {median(busy[name]):15.0f}  "
                f"({args.repeat}, {len(busy[name])})"
            )
        print(
            f"Load average (1 min): {median(idle_loads):.2f} with no worker, "
            f"{median(loads):.2f} while it sent (median of {len(loads)} readings)"
        )
    finally:
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
