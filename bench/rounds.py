"""Update round benchmark: opening a round for a large council and sending its requests.

    .venv/bin/python bench/rounds.py                      # SQLite, a temporary file
    .venv/bin/python bench/rounds.py --database-url postgres://postgres@127.0.0.1:54331/postgres

It makes a fresh database (as ``bench/pages.py`` does: a temporary SQLite file, or a
throwaway PostgreSQL database; files under a temporary ``VAR_DIR``), migrates it and builds a
scrutiny committee monitoring reviews whose accepted recommendations have, by default, 3,000
open actions owned by 500 officers, every record saved through ``save()`` (history rows and
all). Then, signed in as a scrutiny officer, through the Django test client:

1. the web time of opening the round (the POST to the meeting's "Open an update round"): one
   request per owner, one item per action, every row with its history row;
2. the web time of "Send requests" (``round_send_all``): one task queued per owner, on the
   database task backend, as in production;
3. the worker (``db_worker --batch``) sending them, with Django's locmem email backend (nothing
   leaves the machine): emails per second;
4. the round's page (median of five requests) before and after, and the load averages.

The CPU time of this process (Python and, on SQLite, the database) is printed beside each
web time: steadier than the elapsed time when other work shares the machine.

Target (issue 12): opening and queuing in under 2 s of web time each. It always exits 0 (a
measurement) and prints MISSED for a figure over its target.
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
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    args.reuse = False
    return args


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
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


def verdict(seconds: float) -> str:
    return "ok" if seconds <= TARGET_SECONDS else "MISSED"


def main() -> int:
    args = parse_args()
    from bench.pages import Database

    database = Database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core import mail
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from recommendations.rounds.models import EmailSent, RequestItem, UpdateRound

        settings.DEBUG = False
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        mail.outbox = []
        print(f"Database: {connection.vendor} ({database.describe()})")
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
        deadline = meeting.date - datetime.timedelta(days=14)
        form = {
            "deadline_0": str(deadline.day),
            "deadline_1": str(deadline.month),
            "deadline_2": str(deadline.year),
            "covering_text": "Please send your updates.",
        }
        open_url = reverse("round_open", args=[meeting.pk])
        # The officer sees the form first (which also loads the bank holidays once, as any
        # web process that has served a page with a working-day date has done).
        get_ms = page_ms(client, open_url, repeat=1)
        print(f"The form (GET, first): {get_ms:.0f} ms")
        print(f"\nLoad average (1, 5, 15 min) before: {os.getloadavg()}")
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
        round_url = update_round.get_absolute_url()
        before_ms = page_ms(client, round_url)
        seconds, cpu, response = timed_post(client, reverse("round_send", args=[update_round.pk]))
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.count()
        print(
            f"Queue the requests (web): {seconds:6.2f} s ({cpu:.2f} s CPU)  [{verdict(seconds)}]  "
            f"status {response.status_code}, {queued} tasks queued"
        )
        started = time.perf_counter()
        call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
        seconds = time.perf_counter() - started
        sent = EmailSent.objects.filter(round=update_round).count()
        print(
            f"Worker sent {len(mail.outbox)} emails ({sent} logged) in {seconds:.1f} s: "
            f"{len(mail.outbox) / seconds:.0f} emails per second (one worker, locmem backend)"
        )
        after_ms = page_ms(client, round_url)
        print(
            f"The round's page: {before_ms:.0f} ms before sending, {after_ms:.0f} ms after "
            f"(median of 5)"
        )
        print(f"Load average (1, 5, 15 min) after: {os.getloadavg()}")
    finally:
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
