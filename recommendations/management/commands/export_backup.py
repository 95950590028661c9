import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...backup import backup_chunks


class Command(BaseCommand):
    help = (
        "Write a full backup of the register (every record and its history, the accounts and "
        "roles, the published PDFs) as a zip of CSV files with a manifest: see the README, "
        '"Backup and restore". restore_backup loads it into an empty database.'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="The zip file to write, such as backup.zip."
        )

    def handle(self, *args, output, **options):
        path = Path(output)
        if path.is_dir():
            raise CommandError(f"{path} is a folder: give the name of the zip file to write.")
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as out:
                for chunk in backup_chunks():
                    out.write(chunk)
        except OSError as problem:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Could not write {path}: {problem.strerror}.") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, path)  # the name appears only when the whole file is written
        self.stdout.write(f"Wrote the backup to {path} ({path.stat().st_size:,} bytes).")
