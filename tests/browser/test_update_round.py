"""The update round in the browser (issue 12): the scrutiny officer opens a round from the
meeting page and sends the requests; an owner with no account replies through the link in
their email (a draft, then submitted); the officer reminds the owner who has not replied;
the scheduler (``send_round_reminders --date``, the clock moved by the date given) reminds
her on the committee's working days before the deadline and chases her after it, once each,
and never the owner who replied; the officer accepts the return, which becomes the update
reported to the meeting. The reply page and the round's page are scanned by axe on the way."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from .axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

OSC = "Merton Overview and Scrutiny Commission"


def _link(message) -> str:
    return re.search(r"https?://\S+/reply/[\w-]+/", message.body).group(0)


def test_an_update_round_from_request_to_accepted_update(browser, page, url, signed_in, settings):
    from recommendations.models import Update
    from reviews.models import Committee, Meeting, Officer

    meeting = Meeting.objects.create(
        committee=Committee.objects.get(name=OSC),
        date=timezone.localdate() + datetime.timedelta(days=40),
    )
    for name, email in [
        ("Sophie Ellis", "sophie@merton.example"),
        ("Ged Curran", "ged@merton.example"),
    ]:
        Officer.objects.filter(name=name).update(email=email)  # test data, no history needed
    settings.SITE_URL = url("").rstrip("/")
    mail.outbox = []

    signed_in(page, "officer")
    page.goto(url(meeting.get_absolute_url()))
    page.get_by_role("link", name="Open an update round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open an update round")
    page.get_by_label("Covering message").fill("Please reply before the agenda is published.")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update round")
    page.get_by_role("button", name="Send the requests not yet sent").click()
    expect(page.locator(".govuk-notification-banner, .govuk-body")).not_to_have_count(0)
    assert sorted(m.to[0] for m in mail.outbox) == ["ged@merton.example", "sophie@merton.example"]
    assert_no_axe_violations(page)

    # Ged has no account: his link opens his items, a draft, then he submits.
    ged_mail = next(m for m in mail.outbox if m.to == ["ged@merton.example"])
    assert "Please reply before the agenda is published." in ged_mail.body
    owner = browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()
    owner.goto(_link(ged_mail))
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Your update for")
    assert_no_axe_violations(owner)
    owner.get_by_label("Progress update").first.fill("The contract review has started.")
    owner.get_by_role("button", name="Save as draft").click()
    expect(owner.get_by_text("Your draft is saved.")).to_be_visible()
    expect(owner.get_by_label("Progress update").first).to_have_value(
        "The contract review has started."
    )
    owner.get_by_label("Progress update").first.fill("The contract review is half done.")
    owner.get_by_role("button", name="Submit").click()
    expect(owner.get_by_text("Thank you: your update has been sent")).to_be_visible()
    owner.context.close()

    # Sophie has not replied: remind her now.
    page.reload()
    mail.outbox = []
    page.get_by_role("button", name="Remind now Sophie Ellis").click()
    expect(page.get_by_text("Reminder sent to Sophie Ellis.")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["sophie@merton.example"]]
    assert mail.outbox[0].subject.startswith("Reminder:")

    # The scheduler, days later: reminders 5 and 1 working days before the deadline and the
    # chaser after it go to Sophie only (Ged has submitted), each once though run twice a day.
    from django.core.management import call_command

    from recommendations.rounds.schedule import next_working_day
    from reviews.dates import working_days_before

    update_round = meeting.update_round
    deadline = update_round.deadline
    due = {working_days_before(deadline, n): "Reminder:" for n in (5, 1)}
    due[next_working_day(deadline)] = "Overdue:"
    quiet = working_days_before(deadline, 6)
    for day in [quiet, *sorted(due)]:
        mail.outbox = []
        for _ in range(2):
            call_command("send_round_reminders", "--date", day.isoformat(), stdout=io.StringIO())
        if day == quiet:
            assert mail.outbox == []
            continue
        assert [m.to for m in mail.outbox] == [["sophie@merton.example"]]
        assert mail.outbox[0].subject.startswith(due[day])
    page.reload()
    expect(page.get_by_role("cell", name="Chaser", exact=True)).to_have_count(1)

    # The officer accepts Ged's return.
    page.get_by_role("link", name=re.compile("^Review the update on")).click()
    page.get_by_label("Accept it as written").check()
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_text("Accepted: it is now the update reported to the meeting.")
    ).to_be_visible()
    update = Update.objects.get(text="The contract review is half done.")
    assert update.author.name == "Ged Curran" and update.reported_to == meeting
    assert page.js_errors == []
