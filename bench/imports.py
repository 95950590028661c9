"""Tracker import benchmark: a council's ten-year tracker read, previewed and imported.

    .venv/bin/python bench/imports.py                    # SQLite, a temporary file
    .venv/bin/python bench/imports.py --recommendations 500 --database-url postgres://...

It writes an .xlsx tracker of ``--recommendations`` recommendations (by default 2,000, ten to
a review, each with two rows: two actions, each with an update and a status) with openpyxl,
in a fresh database (as ``bench/pages.py`` makes one, files under a temporary ``VAR_DIR``),
then times, with the CPU time of this process beside each:

1. reading the sheet (``read_sheet``: openpyxl read-only, values and formulas);
2. the preview (``build_plan``: every row checked against the register);
3. the import (``tracker_import``: every record through the services, with history);
4. the same file again: read, preview and import, which changes nothing.

Then the preview page for the upload through the Django test client (a scrutiny officer) and
its size; its confirmation, which (more rows than ``IMPORT_SYNC_MAX_ROWS``) only hands the
import to the background task, and the worker (``db_worker --batch``) that saves it; and the
round trip's reading: the register exported as the workbook, read back whole (its three sheets
joined) and previewed. It always exits 0: a measurement.
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--use-database-as-is", action="store_true")
    parser.add_argument("--recommendations", type=int, default=2000)
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    args.reuse = False
    return args


def tracker(recommendations: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Tracker")
    sheet.append(["Scrutiny recommendations tracker"])
    sheet.append(
        [
            "Rec No", "Review", "Committee", "Date agreed", "Recommendation", "Decision",
            "Cabinet date", "Responsible officer", "Action agreed", "Timescale", "Target date",
            "Progress", "RAG",
        ]
    )  # fmt: skip
    for n in range(recommendations):
        review, number = divmod(n, 10)
        agreed = datetime.date(2015, 6, 1) + datetime.timedelta(days=36 * review)
        for action in (1, 2):
            sheet.append(
                [
                    f"T{review:03d} R{number + 1}",
                    f"Task group review {review}",
                    "Overview and Scrutiny Commission" if review % 3 else "Health Scrutiny Panel",
                    agreed,
                    f"That the council acts on finding {n}:\n• first point\n• second point",
                    "Accepted" if n % 7 else "Rejected: the cost is too high",
                    agreed + datetime.timedelta(days=60),
                    f"Officer {n % 150}",
                    f"Action {action} on finding {n}",
                    "Late 2018" if action == 1 else "Ongoing",
                    agreed + datetime.timedelta(days=300) if action == 1 else "TBC",
                    f"Progress on action {action} of finding {n}.",
                    ["Complete", "Amber", "Red", "On hold (budget)"][n % 4],
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(label: str, work):
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    print(
        f"{label:<34} {time.perf_counter() - started:7.2f} s"
        f"   (CPU {time.process_time() - cpu:6.2f} s)"
    )
    return result


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
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from recommendations.imports import build_plan, find_layout, guess_mapping, read_sheet
        from recommendations.models import ActionPlanItem, Recommendation, TrackerImport, Update
        from recommendations.services import tracker_import
        from scrutiny import roles
        from tests.conftest import make_user

        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        print(f"Database: {connection.vendor} ({database.describe()})")
        call_command("migrate", verbosity=0)
        user = make_user("bench-officer", roles.SCRUTINY_OFFICER)
        data = timed("writing the tracker (openpyxl)", lambda: tracker(args.recommendations))
        path = Path(settings.VAR_DIR) / "bench-tracker.xlsx"
        path.write_bytes(data)
        print(f"Tracker: {args.recommendations:,} recommendations, {len(data) / 1e6:.1f} MB")

        def preview():
            sheet = read_sheet(path, path.name)
            layout = find_layout(sheet.rows)
            return build_plan(sheet, layout, guess_mapping(layout))

        sheet = timed("1. reading the sheet", lambda: read_sheet(path, path.name))
        layout = find_layout(sheet.rows)
        plan = timed("2. the preview", lambda: build_plan(sheet, layout, guess_mapping(layout)))
        print(
            f"   rows {len(plan.rows):,}, to save {len(plan.saved_rows):,}, "
            f"refused {len(plan.refused_rows)}"
        )
        result = timed("3. the import", lambda: tracker_import(plan=plan, user=user))
        print(f"   {result.in_words()}")
        print(
            f"   in the register: {Recommendation.objects.count():,} recommendations, "
            f"{ActionPlanItem.objects.count():,} actions, {Update.objects.count():,} updates"
        )
        again = timed("4. read and preview again", preview)
        result = timed("   import again", lambda: tracker_import(plan=again, user=user))
        print(f"   {result.in_words()}")

        batch = TrackerImport(filename="bench-tracker.xlsx", uploaded_by=user)
        batch.directory.mkdir(parents=True, exist_ok=True)
        batch.path.write_bytes(data)
        batch.mapping = guess_mapping(layout)
        batch.save()
        client = Client()
        client.force_login(user)
        response = timed("5. the preview page (web)", lambda: client.get(batch.get_absolute_url()))
        print(f"   HTTP {response.status_code}, {len(response.content) / 1e6:.1f} MB of HTML")
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        form = {f"col_{i}": name for i, name in enumerate(batch.mapping)}
        response = timed(
            "6. confirming (web): to the background",
            lambda: client.post(batch.get_absolute_url(), {**form, "step": "import"}),
        )
        batch.refresh_from_db()
        print(f"   HTTP {response.status_code}, the upload {batch.get_state_display().lower()}")
        timed(
            "   the worker saves it",
            lambda: call_command(
                "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
            ),
        )
        batch.refresh_from_db()
        print(f"   the upload {batch.get_state_display().lower()}: {batch.summary}")

        from django.utils import timezone

        from recommendations.exports import recommendation_sheets, workbook_file

        today = timezone.localdate()
        exported = Path(settings.VAR_DIR) / "bench-export.xlsx"

        def export():
            with workbook_file(
                recommendation_sheets(Recommendation.objects.for_register(today), today)
            ) as out:
                exported.write_bytes(out.read())

        timed("7. the round trip: exporting the register", export)
        sheet = timed("   reading the export back", lambda: read_sheet(exported, exported.name))
        layout = find_layout(sheet.rows)
        plan = timed("   the preview", lambda: build_plan(sheet, layout, guess_mapping(layout)))
        print(
            f"   rows {len(plan.rows):,} (recommendations, actions, updates), "
            f"matched {plan.recommendations_matched:,}, new {plan.recommendations_new}"
        )
        print(f"Load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        database.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
