"""Where a page's time goes: cProfile of requests through the Django test client, against a
council an earlier ``bench/pages.py --keep`` run kept.

    .venv/bin/python bench/profile_page.py --database-url sqlite:////tmp/bench-xxxx.sqlite3 \\
        "meeting page"
    .venv/bin/python bench/profile_page.py --database-url ... dashboard --top 40 --repeat 20
    .venv/bin/python bench/profile_page.py --database-url ... /recommendations/12/history/

A page is named as ``bench/pages.py`` names it (any page type containing the text) or given
as a URL (starting with ``/``). After a few warm-up requests, ``--repeat`` requests are
profiled together; the profile prints the top functions by cumulative time and by own time
(``tottime``), and per request the profile's total, the CPU time and the number of function
calls: on a busy machine the times vary, the calls do not. As in
``bench/pages.py``, the server runs with DEBUG off, signed in as the council's councillor.
``--save FILE`` also writes the raw profile (for snakeviz or pstats).
"""

import argparse
import cProfile
import io
import logging
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import choose_pages, council_client  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", help="page type names (or parts) or URLs")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="the database a bench/pages.py --keep run kept",
    )
    parser.add_argument("--repeat", type=int, default=20, help="profiled requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--top", type=int, default=30, help="functions listed in each order")
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--save", default="", help="write the raw profile to this file")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url names the database a bench/pages.py --keep run kept")
    # What council_client (bench/pages.py) reads: reuse the kept database as it is.
    args.reuse = True
    args.keep = True
    args.use_database_as_is = False
    return args


def urls_for(names: list[str]) -> list[tuple[str, str]]:
    pages = choose_pages()
    chosen = []
    for name in names:
        if name.startswith("/"):
            chosen.append((name, name))
            continue
        matching = [p for p in pages if name.lower() in p[0].lower()]
        if not matching:
            raise SystemExit(f"No page type contains {name!r}: {', '.join(p[0] for p in pages)}")
        chosen.extend(matching)
    return chosen


def profile(client, name: str, url: str, args) -> None:
    for _ in range(args.warmup):
        response = client.get(url)
    profiler = cProfile.Profile()
    started_cpu = time.process_time()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(url)
    profiler.disable()
    wall = (time.perf_counter() - started) * 1000 / args.repeat
    cpu = (time.process_time() - started_cpu) * 1000 / args.repeat
    stats = pstats.Stats(profiler, stream=(out := io.StringIO()))
    total = stats.total_tt * 1000 / args.repeat
    calls = stats.total_calls // args.repeat
    print(f"\n=== {name}: {url} (HTTP {response.status_code}, {len(response.content):,} bytes)")
    print(
        f"{args.repeat} requests profiled: {wall:.1f} ms each (under the profiler), "
        f"cpu {cpu:.1f} ms, profile total {total:.1f} ms, {calls:,} function calls (a figure "
        f"the machine's load does not change); load average {os.getloadavg()}"
    )
    for order in ("cumulative", "tottime"):
        out.seek(0)
        out.truncate()
        stats.sort_stats(order).print_stats(args.top)
        # The header pstats prints repeats what is above; keep the table.
        table = out.getvalue()
        table = table[table.find("   ncalls") :]
        print(f"\n--- top {args.top} by {order} (times are for all {args.repeat} requests)")
        print(table.rstrip())
    if args.save:
        stats.dump_stats(args.save)
        print(f"Saved the profile to {args.save}")


def main() -> int:
    args = parse_args()
    with council_client(args) as (_council, client):
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        for name, url in urls_for(args.pages):
            profile(client, name, url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
