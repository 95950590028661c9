import datetime

from django.core.management.base import BaseCommand, CommandError

from ...rounds.schedule import rounds_send_due_reminders


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date written YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "The update rounds' day: open the rounds that open themselves, send the reminders and "
        "chasers due, and tell the scrutiny officer when every return is in. Run it once a day "
        "(cron or a systemd timer). Safe to run again: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=iso_date,
            help="Act as if today were this day, YYYY-MM-DD (for testing; default: today).",
        )

    def handle(self, *args, date=None, **options):
        report = rounds_send_due_reminders(today=date)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"{len(report.opened)} round(s) opened, {len(report.sent)} email(s) sent."
        )
