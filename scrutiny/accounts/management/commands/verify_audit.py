"""Check every history table's hash chain; exit 1 naming the first row that does not match."""

from django.core.management.base import BaseCommand

from scrutiny.hashchain import verify


class Command(BaseCommand):
    help = (
        "Check that the audit trail is intact: every history row's hash, chained to the row "
        "before it. Exits 1 and names each table's first row that does not match."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        report = verify(using=database)
        if report.intact:
            self.stdout.write(
                f"The audit trail is intact ({report.rows} rows in {report.tables} history tables)."
            )
            return
        for broken in report.breaks:
            self.stderr.write(f"The audit trail does not match at {broken}.")
        self.stderr.write(
            f"{len(report.breaks)} of {report.tables} history tables do not match "
            f"({report.rows} rows checked up to the first mismatch of each)."
        )
        raise SystemExit(1)
