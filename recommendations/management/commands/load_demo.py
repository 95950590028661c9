from django.core.management.base import BaseCommand

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
