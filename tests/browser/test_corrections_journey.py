"""The main corrections in the browser (issue 11, point 3), each with its reason, each shown
on the record, with an axe scan of the pages on the way.

A scrutiny officer corrects an update (first forgetting the reason), then withdraws it; closes
a recommendation and reopens it; withdraws a document published to the July 2017 meeting and
publishes its replacement. A lead officer rewords an action of the agreed plan and is asked for
the reason. The UI is driven through labels, link and button names; the database is read only
to find the starting pages and to check that refusals saved nothing.
"""

import re

import pytest
from playwright.sync_api import expect

from ..test_permissions import fake_published
from .axe import assert_no_axe_violations
from .conftest import sign_in_on_current_page

pytestmark = pytest.mark.browser

CORRECTED = "The shared service went live in June 2017, not May: the register is published."
REASON_EDIT = "The month of going live was wrong."
REASON_WITHDRAW = "Posted on the wrong recommendation."
REASON_REOPEN = "The committee deferred the closure to its next meeting."
REASON_DOCUMENT = "It showed an update posted on the wrong recommendation."
REWORDED = "Publish the register of shared services, with the cost of each, on the website."


def _success(page):
    return page.locator(".govuk-notification-banner--success")


def _problem(page):
    return page.locator(".govuk-error-summary")


def _sign_in(page, url, username: str) -> None:
    page.goto(url("/accounts/login/"))
    sign_in_on_current_page(page, username)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_corrections_with_reasons(page, url):
    from django.contrib.auth.models import User

    from recommendations.models import Recommendation, Update
    from reviews.models import Meeting

    rec = Recommendation.objects.get(reference="2016/17 R1")
    update = rec.updates.get()
    original = update.text
    meeting = Meeting.objects.get(date="2017-07-06")
    document = fake_published(
        User.objects.get(username="officer"),
        meeting,
        parameters="appendix=Appendix+1",
        appendix_label="Appendix 1",
    )

    # --- the scrutiny officer corrects an update, forgetting the reason at first -----------
    _sign_in(page, url, "officer")
    page.goto(url(rec.get_absolute_url()))
    page.get_by_role("link", name=re.compile(r"^Correct the update of")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct an update")
    page.get_by_label("Update", exact=True).fill(CORRECTED)
    page.get_by_role("button", name="Save the correction").click()
    expect(_problem(page)).to_contain_text("Give the reason for the correction.")
    assert Update.objects.get(pk=update.pk).text == original  # the refusal saved nothing
    assert_no_axe_violations(page)
    page.get_by_label("Reason for the correction").fill(REASON_EDIT)
    page.get_by_role("button", name="Save the correction").click()
    expect(_success(page)).to_contain_text("Corrected the update.")
    updates = page.locator("#updates + .moj-timeline")
    expect(updates).to_contain_text(CORRECTED)
    expect(updates).to_contain_text(re.compile(r"Edited on \d+ \w+ \d{4}: " + REASON_EDIT))

    # --- then withdraws it: gone from the page, noted with the reason ---------------------
    page.get_by_role("link", name=re.compile(r"^Withdraw the update of")).click()
    page.get_by_label("Why is this update being withdrawn?").fill(REASON_WITHDRAW)
    page.get_by_role("button", name="Withdraw the update").click()
    expect(_success(page)).to_contain_text("The history keeps it.")
    expect(page.locator("main")).not_to_contain_text(CORRECTED)
    expect(page.locator("main")).to_contain_text("No updates yet.")
    expect(page.get_by_role("heading", name="Withdrawn updates")).to_be_visible()
    expect(page.locator("main")).to_contain_text(REASON_WITHDRAW)
    assert_no_axe_violations(page)

    # --- closes the recommendation, then reopens it with the reason -----------------------
    page.get_by_role("link", name="Close the recommendation").click()
    page.get_by_label("Meeting at which the committee agreed to close it").select_option(
        label="Merton Overview and Scrutiny Commission, 6 July 2017"
    )
    page.get_by_label("Minute reference").fill("Minute 7/17")
    page.get_by_role("button", name="Close the recommendation").click()
    expect(_success(page)).to_contain_text("Closed recommendation 1.")
    page.get_by_role("link", name="Reopen the recommendation").click()
    expect(page.locator("main")).to_contain_text("Minute 7/17")
    page.get_by_role("button", name="Reopen the recommendation").click()
    expect(_problem(page)).to_contain_text("Give the reason the recommendation is reopened.")
    assert Recommendation.objects.get(pk=rec.pk).is_closed
    page.get_by_label("Why is this recommendation being reopened?").fill(REASON_REOPEN)
    page.get_by_role("button", name="Reopen the recommendation").click()
    expect(_success(page)).to_contain_text("Reopened recommendation 1.")
    expect(page.locator("#closure + p")).to_have_text(
        "Open: the committee has not agreed to close it."
    )
    expect(page.locator("#reopened")).to_contain_text(REASON_REOPEN)
    expect(page.locator("#reopened")).to_contain_text(re.compile(r"^Reopened on \d+ \w+ \d{4} by"))
    page.get_by_role("link", name="History of changes", exact=True).click()
    expect(page.locator("main")).to_contain_text(REASON_REOPEN)
    expect(page.locator("main")).to_contain_text("Withdrawn: " + REASON_WITHDRAW)
    expect(page.locator("main")).to_contain_text("Edited: " + REASON_EDIT)

    # --- withdraws the document published to the meeting and publishes its replacement ----
    page.goto(url(meeting.get_absolute_url()))
    published = page.locator(f"#published-document-{document.pk}")
    published.get_by_role("link", name=re.compile(r"^Withdraw")).click()
    page.get_by_label("Why is this document being withdrawn?").fill(REASON_DOCUMENT)
    page.get_by_role("button", name="Withdraw the document").click()
    expect(_success(page)).to_contain_text("Publish its replacement from the meeting page.")
    expect(published).to_contain_text("Withdrawn")
    expect(published).to_contain_text(REASON_DOCUMENT)
    expect(published).to_contain_text(document.sha256)
    assert_no_axe_violations(page)
    published.get_by_role("link", name=re.compile(r"^Publish its replacement")).click()
    expect(page.locator("#replacing")).to_contain_text(REASON_DOCUMENT)
    expect(page.get_by_label("Appendix label")).to_have_value("Appendix 1")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Publish the replacement").click()
    expect(_success(page)).to_contain_text("replacing the version published on")
    expect(page.locator("main")).to_contain_text("Replaces the version published on")
    expect(published).to_contain_text("Replaced by the version published on")
    expect(page.get_by_role("link", name=re.compile(r"^Publish its replacement"))).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    # --- a lead officer rewords an action of the agreed plan: the reason is asked for -----
    _sign_in(page, url, "leadofficer")
    page.goto(url(rec.get_absolute_url()))
    page.get_by_role("link", name="Edit action 1").click()
    page.get_by_label("Action agreed").fill(REWORDED)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(_problem(page)).to_contain_text("Give the reason for changing the wording")
    assert rec.actions.get(number=1).action != REWORDED
    assert_no_axe_violations(page)
    page.get_by_label("Reason for the change").fill("The service now covers its costs.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(_success(page)).to_contain_text("Saved action 1.")
    expect(page.locator("main")).to_contain_text(REWORDED)
    assert not page.js_errors, page.js_errors
