"""Read each committee's calendar feed, for cron: list what it would change, or (--apply)
save the new and moved meetings. Never removes a meeting: a cancellation is listed for an
officer to decide on the committee's calendar page."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from scrutiny.audit import command_user

from ... import calendar, services
from ...models import Committee

APPLIED_BY_THE_COMMAND = (calendar.NEW, calendar.MOVED, calendar.LINKED)


class Command(BaseCommand):
    help = (
        "Read the calendar feed of each committee that has one (or of --committee CODE) and "
        "list the new, moved and cancelled meetings; --apply saves the new and moved ones, "
        "with history. No meeting is ever removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--committee",
            metavar="CODE",
            help="Only this committee: its short name (such as OSC), its full name or its id.",
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Save the new and moved meetings (without it, only list them).",
        )
        parser.add_argument(
            "--user", help="The username recorded on history rows (default: the system user)."
        )

    def handle(self, *args, committee=None, apply=False, user=None, **options):
        committees = Committee.objects.exclude(calendar_feed_url="")
        if committee:
            match = Q(short_name__iexact=committee) | Q(name__iexact=committee)
            if committee.isdigit():
                match |= Q(pk=int(committee))
            committees = Committee.objects.filter(match)
            if not committees:
                raise CommandError(f"There is no committee called {committee!r}.")
            if not any(c.calendar_feed_url for c in committees):
                raise CommandError(f"{committees[0]} has no calendar feed address.")
        acting = command_user(user) if apply else None
        failed = []
        for each in committees:
            if not each.calendar_feed_url:
                continue
            try:
                self._one(each, apply=apply, user=acting)
            except calendar.CalendarError as problem:
                failed.append(each.name)
                self.stderr.write(f"{each.name}: the feed could not be read. {problem}")
        if failed:
            raise CommandError(f"Feeds not read: {', '.join(failed)}.")

    def _one(self, committee: Committee, *, apply: bool, user) -> None:
        read = calendar.read_calendar(calendar.fetch_feed(committee.calendar_feed_url))
        plan = calendar.plan_changes(committee, read.events)
        out = self.stdout.write
        out(f"{committee.name}: {len(read.events)} meetings in the feed.")
        for change in plan.changes:
            word = {
                calendar.NEW: "New",
                calendar.MOVED: "Changed",
                calendar.LINKED: "Linked",
                calendar.CANCEL: "Cancelled in the feed (remove on the committee's page)",
            }[change.kind]
            out(f"  {word}: {change.description()}")
        for _event, meeting, kinds in plan.kept:
            out(f"  Cancelled in the feed, kept (it has {', '.join(kinds)}): {meeting.when}")
        for problem in [*plan.problems, *read.not_read]:
            out(f"  Not read: {problem}")
        if not plan.changes and not plan.kept:
            out("  Nothing to change.")
        if not apply:
            return
        changes = [c for c in plan.changes if c.kind in APPLIED_BY_THE_COMMAND]
        if not changes:
            return
        done = services.meetings_apply_calendar(
            committee=committee,
            changes=changes,
            user=user,
            source=calendar.source_for_feed(committee),
        )
        out(f"  Saved: {calendar.done_text(done)}.")
