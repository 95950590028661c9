"""Export benchmark: the recommendations register of a ten-year council as Excel and CSV.

    .venv/bin/python bench/exports.py                 # SQLite, a temporary file
    .venv/bin/python bench/exports.py --database-url postgres://...   # as bench/pages.py

It builds the council of ``bench/pages.py`` (``bench/council.py``: about 200 reviews, 2,000
recommendations, 6,000 actions and 20,000 updates) in a fresh database, then downloads the
whole recommendations register through the Django test client, signed in as a councillor:
the workbook (three sheets), and each list as CSV, the streamed body read to its end; then
it times one full backup (``export_backup``'s zip, made in memory and thrown away). For
each it prints the seconds (median of ``--repeat`` runs), the CPU seconds of this process, the
rows written, the bytes and the queries; and the load average before and after. Target: the
workbook within a few seconds (``TARGET_SECONDS``). It always exits 0 (a measurement) and
prints MISSED for an export over the target.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 5.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--use-database-as-is", action="store_true")
    parser.add_argument("--reviews", type=int, default=200)
    parser.add_argument("--recommendations-per-review", type=int, default=10)
    parser.add_argument("--actions-per-recommendation", type=int, default=3)
    parser.add_argument("--updates-per-recommendation", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    return parser.parse_args()


def download(client, url: str) -> tuple[bytes, int]:
    """The body of ``url`` read to its end, and the queries it took."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response.streaming_content)
    return body, len(captured.captured_queries)


def rows_in(url: str, body: bytes) -> str:
    if url.endswith(".xlsx"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        counts = [f"{ws.title} {sum(1 for _ in ws.iter_rows()) - 1:,}" for ws in book.worksheets]
        return ", ".join(counts)
    import csv

    return f"{sum(1 for _ in csv.reader(io.StringIO(body.decode('utf-8-sig')))) - 1:,}"


def main() -> int:
    args = parse_args()
    from bench.pages import council_client

    with council_client(args) as (council, client):
        exports = [
            ("workbook (.xlsx), 3 sheets", "/recommendations/export.xlsx"),
            ("CSV, recommendations", "/recommendations/export.csv"),
            ("CSV, actions", "/recommendations/export.csv?list=actions"),
            ("CSV, updates", "/recommendations/export.csv?list=updates"),
            ("reviews workbook (.xlsx)", "/reviews/export.xlsx"),
        ]
        print(f"\nLoad average (1, 5, 15 min) before measuring: {os.getloadavg()}")
        print(f"Median of {args.repeat} runs after one warm-up; target {TARGET_SECONDS:.0f} s\n")
        header = f"{'export':<28} {'seconds':>8} {'cpu s':>6} {'queries':>7} {'bytes':>11}  rows"
        print(header)
        print("-" * len(header))
        missed = 0
        for name, url in exports:
            body, queries = download(client, url)
            times, cpu = [], []
            for _ in range(args.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                body, _ = download(client, url)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            seconds = statistics.median(times)
            verdict = "" if seconds <= TARGET_SECONDS else "  MISSED"
            missed += bool(verdict)
            print(
                f"{name:<28} {seconds:>8.2f} {statistics.median(cpu):>6.2f} {queries:>7} "
                f"{len(body):>11,}  {rows_in(url, body)}{verdict}",
                flush=True,
            )
        # The full backup (issue 14, point 4): every table and its history, as a zip of CSVs.
        from recommendations.backup import backup_chunks

        started, started_cpu = time.perf_counter(), time.process_time()
        size = sum(len(chunk) for chunk in backup_chunks())
        print(
            f"{'full backup (.zip of CSVs)':<28} {time.perf_counter() - started:>8.2f} "
            f"{time.process_time() - started_cpu:>6.2f} {'-':>7} {size:>11,}  "
            f"{sum(council.counts.values()) + sum(council.history_counts.values()):,} "
            "records and history rows (and the accounts)"
        )
        print(f"\nLoad average (1, 5, 15 min) at the end: {os.getloadavg()}")
        print("All exports within the target." if not missed else f"{missed} MISSED.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
