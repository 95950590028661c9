"""Where a page's time goes: cProfile of requests to one page type of a kept ten-year council.

    .venv/bin/python bench/pages.py --keep            # once: builds the council, prints its URL
    .venv/bin/python bench/profile_page.py --database-url sqlite:////tmp/bench-xxxx.sqlite3 \\
        "recommendations register"                    # a page type of bench/pages.py (or part
                                                      # of its name), or a URL ("/reviews/?q=x")

It signs in as the council's councillor (as ``bench/pages.py`` does), requests the page a few
times untimed, then profiles ``--repeat`` requests and prints, per request: the total, the
time in a few places worth watching (template rendering, SQL, building model instances, the
filter form), then the top functions by cumulative time and by own time. The figures of a
profile are inflated by the profiler itself (every Python call costs more), so compare one
profile with another, not with ``bench/pages.py``'s medians.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Functions whose cumulative time a profile summarises: (label, file ending, function name).
WATCHED = (
    ("whole request (handler)", "django/core/handlers/base.py", "get_response"),
    ("template rendering", "django/template/backends/django.py", "render"),
    ("SQL (execute, not fetch)", "django/db/backends/utils.py", "_execute"),
    ("SQL to text (compiler)", "django/db/models/sql/compiler.py", "as_sql"),
    ("model instances from rows", "django/db/models/base.py", "from_db"),
    ("filter form (FilterSet.is_valid)", "django_filters/filterset.py", "is_valid"),
    ("URL reversing", "django/urls/base.py", "reverse"),
    ("HTML escaping", "django/utils/html.py", "conditional_escape"),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="a page type of bench/pages.py (or part of it), or a URL")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="the database a `bench/pages.py --keep` run kept",
    )
    parser.add_argument("--repeat", type=int, default=20, help="profiled requests")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--limit", type=int, default=30, help="functions listed in each table")
    parser.add_argument(
        "--sort",
        default="cumulative,tottime",
        help="the tables to print, comma-separated pstats sort keys",
    )
    parser.add_argument(
        "--strip-dirs", action="store_true", help="print file names without their folders"
    )
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) names the kept database")
    # The page benchmark's machinery: reuse the kept database as it is, connections kept.
    args.reuse, args.keep, args.use_database_as_is, args.conn_max_age = True, True, False, 600
    return args


def find_url(page: str) -> tuple[str, str]:
    """The page type and URL of ``page``: a URL as given, else the first page type of
    ``bench/pages.py`` whose name contains it."""
    if page.startswith("/"):
        return page, page
    from bench.pages import choose_pages

    pages = choose_pages()
    for name, url in pages:
        if page.lower() == name.lower():
            return name, url
    for name, url in pages:
        if page.lower() in name.lower():
            return name, url
    names = "\n  ".join(name for name, _ in pages)
    raise SystemExit(f"No page type matches {page!r}. The page types:\n  {names}")


def watched(stats: pstats.Stats, repeat: int) -> list[tuple[str, float, int]]:
    """The cumulative milliseconds per request (and calls per request) of each watched
    function; the outermost call only, as cProfile counts a recursive function's time once."""
    found = []
    for label, filename, function in WATCHED:
        total, calls = 0.0, 0
        for (file, _line, name), (_cc, nc, _tt, ct, _callers) in stats.stats.items():
            if name == function and file.replace(os.sep, "/").endswith(filename):
                total += ct
                calls += nc
        found.append((label, total * 1000 / repeat, round(calls / repeat)))
    return found


def main() -> int:
    args = parse_args()
    from bench.pages import council_client

    with council_client(args) as (_council, client):
        name, url = find_url(args.page)
        for _ in range(args.warmup):
            response = client.get(url)
        print(f"\n{name}: {url} (HTTP {response.status_code}, {len(response.content):,} bytes)")
        print(f"Load average (1, 5, 15 min): {os.getloadavg()}")
        profiler = cProfile.Profile()
        started, started_cpu = time.perf_counter(), time.process_time()
        profiler.enable()
        for _ in range(args.repeat):
            client.get(url)
        profiler.disable()
        elapsed = (time.perf_counter() - started) * 1000 / args.repeat
        cpu = (time.process_time() - started_cpu) * 1000 / args.repeat
        stats = pstats.Stats(profiler)
        print(
            f"{args.repeat} profiled requests: {elapsed:.1f} ms each, {cpu:.1f} ms of CPU "
            "(profiler included)"
        )
        for label, ms, calls in watched(stats, args.repeat):
            print(f"  {label:<40} {ms:>7.1f} ms  {calls:>6} calls per request")
        if args.strip_dirs:
            stats.strip_dirs()
        for key in filter(None, args.sort.split(",")):
            print(f"\n--- by {key} (all {args.repeat} requests) ---")
            stats.sort_stats(key).print_stats(args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
