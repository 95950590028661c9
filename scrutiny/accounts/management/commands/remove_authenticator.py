"""Remove the authenticator app of someone who lost it (their phone, say), with the reason: an
account event. At their next sign-in they set up a new one before any page."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from scrutiny.audit import command_user

from ...services import account_authenticator_remove


class Command(BaseCommand):
    help = (
        "Remove the authenticator app of USERNAME (an administrator who lost their phone): "
        "they set up a new one at their next sign-in. Recorded as an account event with "
        "--reason and --user (default: the system user)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="Whose authenticator app to remove.")
        parser.add_argument(
            "--reason", required=True, help='Why, e.g. "Phone lost, reported by phone 29/11".'
        )
        parser.add_argument(
            "--user", help="Who is removing it, recorded with the event (default: the system user)."
        )

    def handle(self, *args, username, reason, user=None, **options):
        if not reason.strip():
            raise CommandError("Give the reason for removing the authenticator app (--reason).")
        User = get_user_model()
        try:
            account = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user called {username!r}.") from None
        try:
            removed = account_authenticator_remove(
                user=account, by=command_user(user), reason=reason
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not removed:
            raise CommandError(f"{username} has no authenticator app: nothing was changed.")
        self.stdout.write(
            f"Removed the authenticator app of {username}. At their next sign-in they will be "
            "asked to set up a new one before any page; any session verified with the old one "
            "must give a code from the new one."
        )
