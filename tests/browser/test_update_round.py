"""The update round in the browser (issue 12): the scrutiny officer opens a round from the
meeting page, adds an item for one owner and sends the requests; an owner with no account
replies through the link in their email (a draft, then both his items submitted); the officer
reminds the owner who has not replied; the scheduler (``send_round_reminders --date``, the
clock moved by the date given) reminds her on the committee's working days before the
deadline and chases her after it, once each, and never the owner who replied; the officer
accepts one return, which becomes the update reported to the meeting, and sends the other
back with a comment (the owner is emailed it); the meeting page and its tracker (the PDF's
text) then show the accepted update and list what was requested and not returned. The reply
page, the round's page and the meeting page are scanned by axe on the way."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from .axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

OSC = "Merton Overview and Scrutiny Commission"


def _link(message) -> str:
    return re.search(r"https?://\S+/reply/[\w-]+/", message.body).group(0)


def test_an_update_round_from_request_to_accepted_update(browser, page, url, signed_in, settings):
    from recommendations.models import Recommendation, Update
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

    # Ged is asked about one recommendation; the officer adds a second, R8 as a whole.
    r8 = Recommendation.objects.get(reference="2016/17 R8")
    ged = Officer.objects.get(name="Ged Curran")
    page.get_by_role("link", name="Add an item").click()
    page.get_by_label("Recommendation").select_option(str(r8.pk))
    page.get_by_label("Who to ask").select_option(str(ged.pk))
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_text("Added: 2016/17 R8")).to_be_visible()
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
    owner.get_by_label("Progress update").nth(1).fill("Nothing yet.")
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

    # The officer accepts Ged's return on R7 and sends back the one on R8, with a comment.
    page.get_by_role("link", name="Review the update on 2016/17 R7").click()
    page.get_by_label("Accept it as written").check()
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_text("Accepted: it is now the update reported to the meeting.")
    ).to_be_visible()
    update = Update.objects.get(text="The contract review is half done.")
    assert update.author.name == "Ged Curran" and update.reported_to == meeting
    mail.outbox = []
    page.get_by_role("link", name="Review the update on 2016/17 R8").click()
    page.get_by_label("Send it back to the owner").check()
    page.get_by_label("Comment for the owner").fill("Please say what has been done so far.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Sent back to Ged Curran, who is emailed.")).to_be_visible()
    (sent_back,) = mail.outbox
    assert sent_back.to == ["ged@merton.example"]
    assert sent_back.subject.startswith("Your update for")
    assert "Please say what has been done so far." in sent_back.body

    # The meeting page and its tracker: the accepted update, and what was not returned
    # (Sophie's seven items, and Ged's R8, sent back).
    page.goto(url(meeting.get_absolute_url()))
    expect(
        page.get_by_role("heading", name="Requested and not returned (8)", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Ged Curran")).to_contain_text(
        re.compile("2016/17 R8.*Sent back to the owner")
    )
    assert_no_axe_violations(page)
    response = page.request.get(url(reverse("documents_meeting_tracker", args=[meeting.pk])))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.body())).pages
    )
    assert "The contract review is half done." in text
    section = text.upper().split("UPDATES REQUESTED AND NOT RETURNED", 1)[1]
    assert "SOPHIE ELLIS" in section and "GED CURRAN" in section
    assert "SENT BACK TO THE OWNER" in section and "2016/17 R7" not in section
    assert page.js_errors == []
