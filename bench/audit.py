"""The audit trail's cost: time and queries per save with the hash chain, against the same
saves without it, and the time ``verify_audit`` takes.

    .venv/bin/python bench/audit.py                  # SQLite, a temporary folder
    .venv/bin/python bench/audit.py --database-url postgres://postgres@127.0.0.1:54331/postgres

It migrates a fresh database (SQLite: a temporary file; PostgreSQL: the named database, which
must be empty and is left with the benchmark's rows), then saves N committees and edits each
(``record_save``: the version check, validation, the record and its history row, in a
transaction), alternating rounds with the chain and without it (the history row's save
replaced by the plain one: what it cost before), and prints the median milliseconds and the
queries of one save each way, the CPU time, and the time to verify every chain. It always
exits 0 (it is a measurement).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--saves", type=int, default=300, help="saves per round")
    parser.add_argument("--rounds", type=int, default=4, help="rounds each way, alternating")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-audit-")
    os.environ["VAR_DIR"] = folder
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/audit.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, models
    from django.test.utils import CaptureQueriesContext

    from reviews.models import Committee
    from scrutiny.hashchain import verify
    from scrutiny.models import SealedHistory
    from scrutiny.services import record_save

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench")
    sealed_save = SealedHistory.save

    def plain_save(self, *a, **kw):  # what a history row's save was before the chain
        return models.Model.save(self, *a, **kw)

    made = [0]

    def one_round(chained: bool) -> list[float]:
        SealedHistory.save = sealed_save if chained else plain_save
        times = []
        for _ in range(args.saves):
            made[0] += 1
            start = time.perf_counter()
            committee = record_save(
                record=Committee(name=f"Panel {made[0]}", kind="scrutiny"), user=user
            )
            committee.short_name = f"P{made[0]}"
            record_save(record=committee, user=user, version=committee.version)
            times.append((time.perf_counter() - start) / 2 * 1000)
        return times

    def queries(chained: bool) -> int:
        SealedHistory.save = sealed_save if chained else plain_save
        made[0] += 1
        committee = Committee(name=f"Panel {made[0]}", kind="scrutiny")
        with CaptureQueriesContext(connection) as captured:
            record_save(record=committee, user=user)
        return len(captured)

    one_round(True)  # warm up
    results = {True: [], False: []}
    cpu = {True: 0.0, False: 0.0}
    for _ in range(args.rounds):
        for chained in (False, True):
            start = time.process_time()
            results[chained] += one_round(chained)
            cpu[chained] += time.process_time() - start
    counts = {chained: queries(chained) for chained in (False, True)}
    SealedHistory.save = sealed_save
    # The rows saved without the chain carry no hash: seal them, then time the verification.
    from scrutiny.hashchain import seal_table

    seal_table(Committee.history.model)
    start = time.perf_counter()
    report = verify()
    verified = time.perf_counter() - start

    n = args.saves * args.rounds
    print(f"database: {connection.vendor}; {n} saves each way; load average {os.getloadavg()}")
    print(f"{'':24}{'median ms':>10}{'p90 ms':>9}{'cpu ms':>9}{'queries':>9}")
    for label, chained in (("without the chain", False), ("with the chain", True)):
        times = sorted(results[chained])
        print(
            f"{label:24}{statistics.median(times):10.2f}{times[int(len(times) * 0.9)]:9.2f}"
            f"{cpu[chained] * 1000 / (2 * n):9.2f}{counts[chained]:9d}"
        )
    extra = statistics.median(results[True]) - statistics.median(results[False])
    print(f"the chain adds {extra:.2f} ms a save (median)")
    print(
        f"verify_audit: {report.rows} rows in {verified:.2f} s "
        f"({verified / max(report.rows, 1) * 1e6:.0f} µs a row); intact: {report.intact}"
    )


if __name__ == "__main__":
    main()
