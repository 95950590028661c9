from django.core.management.base import BaseCommand, CommandError

from ...backup import BackupRefused, restore


class Command(BaseCommand):
    help = (
        "Load a backup made by export_backup into this database, which must be new (migrated, "
        "nothing added): every record with its primary key and its history, in one "
        "transaction. Refuses a database that holds records, and a file that is not such a "
        "backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup's zip file.")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as opened:
                restored = restore(opened, name=file)
        except FileNotFoundError:
            raise CommandError(f"There is no file {file}.") from None
        except IsADirectoryError:
            raise CommandError(f"{file} is a folder: give the backup's zip file.") from None
        except BackupRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Restored {restored.rows:,} rows into {restored.tables} tables from {file}."
        )
