from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scrutiny.audit import command_user

from ...demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demonstration data (real reviews from Merton, Harrow and a county council) "
        "and one demonstration account per role. Safe to run again: it changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", help="The username recorded on history rows (default: the system user)."
        )

    def handle(self, *args, user=None, **options):
        if not settings.DEVELOPMENT:
            # The demonstration accounts have published passwords (one is a superuser): they
            # must never reach a live system.
            raise CommandError(
                "load_demo refuses to run on a production configuration (DEBUG is not true): "
                "its accounts have published passwords. On a development machine set "
                "DEBUG=true (make run does)."
            )
        report = load_demo(user=command_user(user))
        self.stdout.write(
            f"Demonstration data: {report.created} created, {report.changed} changed, "
            f"{report.unchanged} already up to date."
        )
        self.stdout.write(
            self.style.WARNING(
                "Demonstration accounts, for demonstration only (never on a live system):"
            )
        )
        for account in report.accounts:
            self.stdout.write(
                f"  {account['role']:<18} username {account['username']:<12} "
                f"password {account['password']}"
            )
