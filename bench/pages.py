"""Page benchmark: server time and query count of every page type on a large council.

    .venv/bin/python bench/pages.py                       # SQLite, a temporary file
    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:54331/postgres

It makes a fresh database, migrates it, builds a council of ten years (``bench/council.py``:
about 200 reviews, 2,000 recommendations, 6,000 actions and 20,000 updates), then requests each
page type through the Django test client, signed in as a councillor: a few warm-up requests,
one request with its queries captured (the query count), then N timed requests (median and
90th percentile of the time spent in ``client.get``). Targets: median at most 50 ms and at
most 15 queries. The "cpu ms" column is the median CPU time of this process per request (Python
and, on SQLite, the database; not the PostgreSQL server's): a steadier figure than the elapsed
time when other work shares the machine, as the load averages printed show. It always exits 0
(it is a measurement) and prints MISSED for a page over a target.

Databases:

- SQLite (default): a temporary file, deleted afterwards (``--keep`` keeps it).
- ``--reuse --database-url URL`` measures a database an earlier ``--keep`` run kept, without
  building again (SQLite: ``sqlite:////tmp/bench-xxxx.sqlite3``).
- PostgreSQL: ``--database-url`` (or ``DATABASE_URL``) names a server and a database the user
  can connect to; the benchmark creates a throwaway database ``bench_<random>`` next to it and
  drops it afterwards. With ``--use-database-as-is`` it uses the named database itself, which
  must then be empty.

Building saves every record (about 150,000 queries): one to two minutes on SQLite. On
PostgreSQL each is a round trip to the server, so a busy machine slows it down most: 12 to 15
minutes at a load average of 6 to 9 on two cores. ``--keep``, then ``--reuse``, measures again
without building.

The server runs as configured (DEBUG on, as without environment), except that DEBUG is
switched off once Django has started, so queries are not logged and templates carry no debug
information: as in production. Database connections persist between requests
(``--conn-max-age``, 600 s by default; 0 opens a connection per request, the settings' default).
"""

import argparse
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 50.0
TARGET_QUERIES = 15


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL server to use (a throwaway database is created on it). "
        "Default: DATABASE_URL, else a temporary SQLite file.",
    )
    parser.add_argument(
        "--use-database-as-is",
        action="store_true",
        help="Use the database named in --database-url itself (it must be empty).",
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--reviews", type=int, default=200)
    parser.add_argument("--recommendations-per-review", type=int, default=10)
    parser.add_argument("--actions-per-recommendation", type=int, default=3)
    parser.add_argument("--updates-per-recommendation", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database in --database-url, kept by an earlier --keep run, without "
        "building a council (it is migrated, and kept)",
    )
    parser.add_argument("--only", default="", help="only page types containing this text")
    parser.add_argument(
        "--show-queries", action="store_true", help="print each page's SQL (the captured run)"
    )
    return parser.parse_args()


# --- a fresh database -------------------------------------------------------------------------


class Database:
    """Sets DATABASE_URL (before Django starts) to a fresh database; removes it at the end."""

    def __init__(self, args):
        self.args = args
        self.sqlite_path = None
        self.pg_admin_url = None
        self.pg_name = None
        url = args.database_url
        if args.reuse:
            if not url:
                raise SystemExit("--reuse needs --database-url (the database a --keep run kept).")
            self.url = url
            if url.startswith("sqlite:///"):
                self.sqlite_path = url.removeprefix("sqlite:///")
            args.keep = True
        elif not url or url.startswith("sqlite"):
            fd, path = tempfile.mkstemp(prefix="bench-", suffix=".sqlite3")
            os.close(fd)
            os.unlink(path)
            self.sqlite_path = path
            self.url = f"sqlite:///{path}"
        elif args.use_database_as_is:
            self.url = url
        else:
            import psycopg

            parts = urlsplit(url)
            self.pg_name = f"bench_{uuid.uuid4().hex[:8]}"
            self.pg_admin_url = url
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
            self.url = urlunsplit(parts._replace(path=f"/{self.pg_name}"))
        os.environ["DATABASE_URL"] = self.url
        os.environ["CONN_MAX_AGE"] = str(args.conn_max_age)
        # The app's own files (the documents cache) go to a temporary folder, not var/.
        os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-var-"))

    def describe(self) -> str:
        if self.sqlite_path:
            return self.sqlite_path
        parts = urlsplit(self.url)
        return f"{parts.hostname}:{parts.port or 5432}{parts.path}"

    def drop(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.args.keep:
            print(f"Kept the database: {self.url}")
            return
        if self.sqlite_path:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.sqlite_path + suffix)
        elif self.pg_name:
            import psycopg

            with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')


# --- the council ------------------------------------------------------------------------------


def prepare_council(args, database: Database):
    """After ``django.setup()``: migrate the database and build the council in it (or, with
    ``--reuse``, read the one an earlier run kept), printing what it holds. Shared by the
    benchmarks that measure a ten-year council (pages, exports)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.council import Council, build_council, count_rows

    # As in production: no query log (which also makes the build faster) and no template
    # debug data. The query counts are captured explicitly (CaptureQueriesContext).
    settings.DEBUG = False

    print(f"Database: {connection.vendor} ({database.describe()})")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated in {time.perf_counter() - started:.1f} s")
    if args.reuse:
        from django.contrib.auth.models import User

        council = Council(councillor_user=User.objects.get(username="bench-councillor"))
        council.counts, council.history_counts = count_rows()
        print("Reused the council built by an earlier run:")
    else:
        council = build_council(
            reviews=args.reviews,
            recommendations_per_review=args.recommendations_per_review,
            actions_per_recommendation=args.actions_per_recommendation,
            updates_per_recommendation=args.updates_per_recommendation,
            seed=args.seed,
        )
        print(f"Built the council in {council.seconds:.1f} s:")
    for name, count in council.counts.items():
        history = council.history_counts.get(name)
        extra = f" ({history:,} history rows)" if history is not None else ""
        print(f"  {count:>7,} {name}{extra}")
    if connection.vendor == "postgresql":
        # Autovacuum would have analysed the new tables on a live server; SQLite is left
        # as Django leaves it: nothing runs ANALYZE there.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return council


@contextlib.contextmanager
def council_client(args):
    """What each benchmark of a ten-year council starts from: a fresh database (dropped at the
    end, unless kept), Django set up, the council built (or reused) in it, and a test client
    signed in as its councillor. Yields (council, client)."""
    database = Database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    # The development configuration (DEBUG is turned off for the measured requests).
    os.environ.setdefault("DEBUG", "true")
    try:
        import django

        django.setup()
        from django.test import Client

        council = prepare_council(args, database)
        client = Client(SERVER_NAME="localhost")
        client.force_login(council.councillor_user)
        yield council, client
    finally:
        database.drop()


# --- the pages --------------------------------------------------------------------------------


def choose_pages() -> list[tuple[str, str]]:
    """Page types and their URLs, picked from the built council."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from recommendations.models import Recommendation
    from reviews.models import Committee, CommitteeKind, Meeting, Review, ReviewStatus

    # A review with ten recommendations and the executive's response, the one with most
    # updates (being monitored or closed): the heaviest ordinary review page.
    review = (
        Review.objects.filter(response_given_on__isnull=False)
        .annotate(
            n_recs=Count("recommendations", distinct=True),
            n_updates=Count("recommendations__updates"),
        )
        .filter(n_recs=10)
        .order_by("-n_updates", "pk")
        .first()
    ) or Review.objects.annotate(n=Count("recommendations")).order_by("-n").first()
    # Half-way between the response and today: some actions done, some revised, some not.
    today = timezone.localdate()
    responded = review.response_given_on or review.report_agreed_on or today
    as_at = responded + (today - responded) / 2
    # Its recommendation with the most updates and actions.
    rec = (
        Recommendation.objects.filter(review=review)
        .annotate(n=Count("updates", distinct=True) + Count("actions", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    # The municipal year with the most reviews being monitored.
    year = (
        Review.objects.filter(status=ReviewStatus.MONITORING)
        .values("municipal_year")
        .annotate(n=Count("pk"))
        .order_by("-n", "-municipal_year")
        .first()
    )
    year = year["municipal_year"] if year else ""
    # A word of the recommendations, their actions and updates ("housing" where there is).
    word = "housing"
    if not Recommendation.objects.filter(
        Q(text__icontains=word) | Q(actions__action__icontains=word)
    ).exists():
        word = (Recommendation.objects.values_list("text", flat=True).first() or "the").split()[-1]
    # The scrutiny meeting with the most updates reported to it.
    meeting = (
        Meeting.objects.filter(committee__kind=CommitteeKind.SCRUTINY, date__lte=today)
        .annotate(n=Count("updates"))
        .order_by("-n", "pk")
        .first()
    )
    committee = (
        Committee.objects.filter(kind=CommitteeKind.SCRUTINY)
        .annotate(n=Count("meetings"))
        .order_by("-n", "pk")
        .first()
    )
    rec_url = f"/recommendations/{rec.pk}/"
    review_url = f"/reviews/{review.pk}/"
    return [
        ("dashboard", "/"),
        ("reviews register", "/reviews/"),
        ("reviews register, filtered", f"/reviews/?year={year}&status=monitoring"),
        ("review page", review_url),
        ("review page as at a date", f"{review_url}?as_at={as_at:%Y-%m-%d}"),
        ("review history", f"{review_url}history/"),
        ("recommendations register", "/recommendations/"),
        (
            "recommendations, search+filters",
            f"/recommendations/?q={word}&status=on_track&sort=-updated",
        ),
        ("recommendations, page 20", "/recommendations/?page=20"),
        ("recommendation page", rec_url),
        ("recommendation as at a date", f"{rec_url}?as_at={as_at:%Y-%m-%d}"),
        ("recommendation history", f"{rec_url}history/"),
        ("meetings list", "/meetings/"),
        ("meeting page (scrutiny)", f"/meetings/{meeting.pk}/"),
        ("committee page", f"/committees/{committee.pk}/"),
    ]


def measure(client, url: str, repeat: int, warmup: int, show_queries: bool) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(url)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = list(captured.captured_queries)  # read now: the next request resets the log
    if show_queries:
        print(f"\n--- {url}: {len(queries)} queries")
        for q in queries:
            print(f"[{q['time']}] {q['sql']}")
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
    return {
        "median": statistics.median(times),
        "p90": p90,
        "cpu": statistics.median(cpu),
        "queries": len(queries),
        "status": response.status_code,
        "bytes": len(response.content),
    }


def main() -> int:
    args = parse_args()
    with council_client(args) as (_council, client):
        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # errors: one line below
        pages = choose_pages()
        if args.only:
            pages = [p for p in pages if args.only.lower() in p[0].lower()]
        print(f"\nLoad average (1, 5, 15 min) before measuring: {os.getloadavg()}")
        print(
            f"{args.repeat} timed requests per page after {args.warmup} warm-up, "
            f"signed in as a councillor; CONN_MAX_AGE={args.conn_max_age}; "
            f"targets: median <= {TARGET_MS:.0f} ms, <= {TARGET_QUERIES} queries\n"
        )
        header = (
            f"{'page type':<32} {'median ms':>9} {'p90 ms':>8} {'cpu ms':>6} {'queries':>7} "
            f"{'status':>6}  {'verdict':<24} url"
        )
        print(header)
        print("-" * len(header))
        missed = 0
        for name, url in pages:
            try:
                result = measure(client, url, args.repeat, args.warmup, args.show_queries)
            except Exception as exc:  # a page that fails is reported, and the run goes on
                missed += 1
                message = f"{type(exc).__name__}: {exc}".splitlines()[0][:100]
                print(
                    f"{name:<32} {'-':>9} {'-':>8} {'-':>6} {'-':>7} {'500':>6}  "
                    f"{'MISSED (error)':<24} {url}\n{'':<34}{message}",
                    flush=True,
                )
                continue
            problems = []
            if result["median"] > TARGET_MS:
                problems.append("time")
            if result["queries"] > TARGET_QUERIES:
                problems.append("queries")
            if result["status"] != 200:
                problems.append(f"HTTP {result['status']}")
            verdict = f"MISSED ({', '.join(problems)})" if problems else "ok"
            missed += bool(problems)
            print(
                f"{name:<32} {result['median']:>9.1f} {result['p90']:>8.1f} {result['cpu']:>6.1f} "
                f"{result['queries']:>7} {result['status']:>6}  {verdict:<24} {url}",
                flush=True,
            )
        print(f"\nLoad average (1, 5, 15 min) at the end: {os.getloadavg()}")
        print(
            f"{len(pages) - missed} of {len(pages)} page types meet the targets"
            + (f"; {missed} MISSED." if missed else ".")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
