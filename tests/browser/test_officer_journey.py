"""The whole journey through the officers' forms, in the browser, as the issue describes it.

A scrutiny officer signs in, sets up a review, pastes its recommendations, adds the Cabinet
meeting and records receipt by it, records the executive's responses (first forgetting a
reason) and the action plan, and revises a target date. A lead officer then posts an update
on an action they own and finds they cannot edit an action someone else owns. Last, a
councillor sees the update on the dashboard and the recommendation and finds no way to edit.

The journey is one test function: its steps depend on each other, and each test must stand
alone. The UI is driven through labels, link and button names only; the database is read
only to check that a refused submission saved nothing.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import TIMEOUT_MS, sign_in_on_current_page

pytestmark = pytest.mark.browser

MERTON = "Shared and outsourced services in Merton"
TITLE = "Libraries run through the shared service with Sutton"
OSC = "Merton Overview and Scrutiny Commission"
CABINET = "Merton Cabinet"

# As the report prints them: "Recommendation N (paragraph X)" headings, the body after a tab
# (as copied from the report's table), a bulleted sub-list inside the second item.
PASTED = (
    "List of the task group's recommendations\n"
    "Recommendation 1 (paragraph 4)\n"
    "That the council publishes a register of every shared and outsourced library service, "
    "with the date each agreement ends and the officer accountable for it.\tMerton Cabinet\n"
    "\n"
    "Recommendation 2 (paragraph 9)\n"
    "That Cabinet asks the shared service to report to the Commission each year on:\n"
    "• opening hours kept against those agreed\n"
    "• visits and loans at each library\tMerton Cabinet\n"
    "\n"
    "Recommendation 3 (paragraph 15)\n"
    "That the Corporate Management Team reviews the cost of the library management system "
    "before the agreement is renewed.\tMerton Corporate Management Team\n"
)
CORRECTED_TEXT = (
    "That the council publishes a register of every shared and outsourced library service, "
    "with the date each agreement ends, its yearly cost and the officer accountable for it."
)
ACTION_TEXT = "Publish the register of shared library services on the council's website."
OTHER_ACTION_TEXT = "Compare the cost of the library management system with two others."
UPDATE_TEXT = (
    "The CMT challenge sessions have started: two service reviews were challenged in October."
)
REJECTION_REASON = "The Commission already receives the shared service's annual report."


def _card(page, heading: str):
    """The GOV.UK summary card whose title is ``heading``, or ``heading`` and what follows a
    colon (a pasted item's title names the reference it will be given: "Item 1: 2025/26 R1")."""
    escaped = re.escape(heading).replace("/", r"\/")  # Playwright sends it as /.../
    title = re.compile(rf"^{escaped}(: .+)?$")
    return page.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", name=title))


def _choose(select, starts_with: str) -> None:
    """Choose the option of a <select> whose text starts with ``starts_with``."""
    options = select.locator("option").all_text_contents()
    matches = [o for o in options if o.strip().startswith(starts_with)]
    assert matches, f"no option starting {starts_with!r} in {options}"
    select.select_option(label=matches[0].strip())


def _fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def _success(page):
    return page.locator(".govuk-notification-banner--success")


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def _open_review(page, title: str) -> None:
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def _sign_in(page, username: str) -> None:
    sign_in_on_current_page(page, username)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_officer_sets_up_a_review_lead_officer_updates_councillor_reads(page, url):
    from django.utils import timezone

    from recommendations.models import Recommendation

    # --- the scrutiny officer signs in and sets up a review -------------------------------
    page.goto(url("/"))
    _sign_in(page, "officer")
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.get_by_role("link", name="Set up a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a review")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Review type").select_option(label="Task group")
    page.get_by_label("Commissioning committee").select_option(label=OSC)
    _choose(page.get_by_label("Scrutiny officer (optional)"), "Julia Regan")
    members = page.get_by_role("group", name="Members")
    members.get_by_label("Councillor Hamish Badenoch").check()
    members.get_by_label("Councillor Suzanne Grocott").check()
    page.get_by_label("Chair (optional)").select_option(label="Councillor Peter Southgate")
    _fill_date(page, "Report agreed on (optional)", "3", "11", "2026")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(_success(page)).to_contain_text(f"Saved the review “{TITLE}”.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    review_url = page.url
    assert re.search(r"/reviews/\d+/$", review_url), review_url
    expect(page.locator("main")).to_contain_text("Task group, " + OSC)
    expect(page.locator("main")).to_contain_text("Councillor Peter Southgate (Chair)")
    expect(page.locator("main")).to_contain_text("Councillor Hamish Badenoch")
    expect(page.locator("main")).to_contain_text("Councillor Suzanne Grocott")
    expect(page.locator("#key-dates")).to_contain_text("3 November 2026")

    # --- pastes its recommendations, checks what was understood, corrects one -----------
    page.get_by_role("link", name="Paste recommendations from the report").click()
    page.get_by_label("Paste the recommendations from the report").fill(PASTED)
    page.get_by_role("button", name="Check what was understood").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the pasted recommendations")
    expect(page.locator("main")).to_contain_text("3 recommendations understood.")
    for n in (1, 2, 3):
        expect(_card(page, f"Item {n}")).to_have_count(1)
    expect(_card(page, "Item 4")).to_have_count(0)

    item1, item2, item3 = (_card(page, f"Item {n}") for n in (1, 2, 3))
    expect(item1.get_by_label("Paragraph reference")).to_have_value("paragraph 4")
    expect(item3.get_by_label("Paragraph reference")).to_have_value("paragraph 15")
    # The body written after the tab is matched to a known committee.
    chosen = "s => s.options[s.selectedIndex].text"
    assert item1.get_by_label("Responsible body").evaluate(chosen) == CABINET
    assert item3.get_by_label("Responsible body").evaluate(chosen) == (
        "Merton Corporate Management Team"
    )
    text2 = item2.get_by_label("Recommendation", exact=True).input_value()
    assert "- opening hours kept against those agreed" in text2, text2
    assert "- visits and loans at each library" in text2, text2
    for item in (item1, item2, item3):
        expect(item.get_by_label("Add this recommendation")).to_be_checked()
    item1.get_by_label("Recommendation", exact=True).fill(CORRECTED_TEXT)
    page.get_by_role("button", name="Add these recommendations").click()

    expect(_success(page)).to_contain_text("Added 3 recommendations: ")
    expect(page).to_have_url(review_url)
    expect(page.get_by_role("heading", name="Recommendations (3)")).to_be_visible()
    for n in (1, 2, 3):
        expect(_card(page, f"Recommendation {n} (2026/27 R{n})")).to_have_count(1)
    expect(_card(page, "Recommendation 1 (2026/27 R1)")).to_contain_text(CORRECTED_TEXT)

    # --- adds the Cabinet meeting, then records receipt of the report by it --------------
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Add a meeting").click()
    page.get_by_label("Committee").select_option(label=CABINET)
    _fill_date(page, "Date", "16", "11", "2026")
    page.get_by_label("Location (optional)").fill("Merton Civic Centre, Committee Room C")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(_success(page)).to_contain_text(f"Saved the meeting: {CABINET}, 16 November 2026.")

    _open_review(page, TITLE)
    page.get_by_role("link", name="Record receipt by the executive").click()
    page.get_by_label("Meeting at which the executive received the report").select_option(
        label=f"{CABINET}, 16 November 2026"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(_success(page)).to_contain_text(
        "Recorded: the executive received the report. The response is due on 15 January 2027."
    )
    expect(page.locator("#response-deadline")).to_contain_text("15 January 2027")
    expect(page.locator("main")).to_contain_text("Awaiting response")

    # --- records the executive's response: a rejection without a reason is refused -------
    page.get_by_role("link", name="Record the executive response").click()
    # The receipt's meeting is not chosen for the officer: the response may come later.
    expect(page.get_by_label("Meeting at which the executive responded")).to_have_value("")
    page.get_by_label("Meeting at which the executive responded").select_option(
        label=f"{CABINET}, 16 November 2026"
    )
    _card(page, "Recommendation 1").get_by_label("Accepted", exact=True).check()
    _card(page, "Recommendation 2").get_by_label("Rejected", exact=True).check()
    _card(page, "Recommendation 3").get_by_label("Accepted", exact=True).check()
    page.get_by_role("button", name="Save the responses").click()

    expect(page).to_have_title(re.compile(r"^Error: Record the executive response"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_text(
        "Recommendation 2: Give the executive's reason: “rejected” needs one."
    )
    rec2 = _card(page, "Recommendation 2")
    expect(rec2.locator(".govuk-error-message")).to_have_text(
        "Error: Give the executive's reason: “rejected” needs one."
    )
    expect(_card(page, "Recommendation 1").locator(".govuk-error-message")).to_have_count(0)
    # What was chosen is kept, and nothing was saved.
    expect(rec2.get_by_label("Rejected", exact=True)).to_be_checked()
    expect(_card(page, "Recommendation 1").get_by_label("Accepted", exact=True)).to_be_checked()
    assert not Recommendation.objects.filter(review__title=TITLE).exclude(decision="").exists()
    # GOV.UK Frontend focuses the summary; its link takes the officer to the box for the reason.
    expect(summary).to_be_focused(timeout=TIMEOUT_MS)
    summary.get_by_role("link").click()
    expect(rec2.get_by_label("Response, and the reason if not fully accepted")).to_be_focused(
        timeout=TIMEOUT_MS
    )
    rec2.get_by_label("Response, and the reason if not fully accepted").fill(REJECTION_REASON)
    page.get_by_role("button", name="Save the responses").click()

    expect(_success(page)).to_contain_text("Saved the executive's response (3 changed).")
    expect(page).to_have_url(review_url)
    expect(_card(page, "Recommendation 1 (2026/27 R1)")).to_contain_text("Accepted")
    expect(_card(page, "Recommendation 2 (2026/27 R2)")).to_contain_text(
        f"Rejected: {REJECTION_REASON}"
    )
    expect(page.locator("#key-dates")).to_contain_text(f"{CABINET}, 16 November 2026")

    # --- the action plan: an action owned by Sophie Ellis, its target date revised -------
    page.get_by_role("link", name="Recommendation 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 1")
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action agreed").fill(ACTION_TEXT)
    page.get_by_label("Timeline (as the council wrote it) (optional)").fill("March 2027")
    _fill_date(page, "Target date (optional)", "31", "3", "2027")
    _choose(page.get_by_label("Owner (optional)"), "Sophie Ellis")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(_success(page)).to_contain_text("Added action 1.")
    rec1_url = page.url
    action1 = _card(page, "Action 1")
    expect(action1).to_contain_text(ACTION_TEXT)
    expect(action1).to_contain_text("Sophie Ellis")
    expect(action1).to_contain_text("March 2027")
    expect(action1).to_contain_text("31 March 2027")

    action1.get_by_role("link", name="Revise the target date of action 1").click()
    _fill_date(page, "New target date", "30", "6", "2027")
    page.get_by_label("Reason the target date has to change").fill(
        "The website is being rebuilt; the register goes on the new site."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(_success(page)).to_contain_text("Revised the target date of action 1.")
    action1 = _card(page, "Action 1")
    expect(action1).to_contain_text("30 June 2027")
    expect(action1).to_contain_text(
        "Target revised once, 3 months later than first agreed (first agreed 31 March 2027)"
    )
    expect(action1).to_contain_text(
        "31 March 2027 to 30 June 2027: The website is being rebuilt; the register goes on "
        "the new site."
    )

    # An action on recommendation 3 owned by someone else (Ged Curran).
    page.get_by_role("link", name=TITLE).click()  # the breadcrumb
    page.get_by_role("link", name="Recommendation 3", exact=True).click()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action agreed").fill(OTHER_ACTION_TEXT)
    page.get_by_label("Timeline (as the council wrote it) (optional)").fill("Spring 2027")
    _choose(page.get_by_label("Owner (optional)"), "Ged Curran")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(_success(page)).to_contain_text("Added action 1.")
    rec3_url = page.url
    other_edit = _card(page, "Action 1").get_by_role("link", name="Edit action 1")
    other_edit_url = url(other_edit.get_attribute("href"))
    assert re.search(r"/actions/\d+/edit/$", other_edit_url), other_edit_url
    _sign_out(page)

    # --- the lead officer posts an update on an action they own --------------------------
    _sign_in(page, "leadofficer")
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.get_by_role("link", name=MERTON).click()
    page.get_by_role("link", name="Recommendation 3", exact=True).click()
    expect(page.locator(".govuk-caption-l")).to_contain_text("2016/17 R3")
    merton_r3_url = page.url
    # They own action 1 but keep no register: no editing of the recommendation itself.
    expect(page.get_by_role("link", name="Edit the recommendation")).to_have_count(0)
    expect(page.get_by_role("link", name="Add an action")).to_have_count(0)
    _card(page, "Action 1").get_by_role("link", name="Post an update on action 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post an update")
    expect(page.get_by_label("Action", exact=True)).to_have_value(re.compile(r"^\d+$"))
    page.get_by_label("Update", exact=True).fill(UPDATE_TEXT)
    page.get_by_label("Progress (optional)").select_option(label="Acceptable progress")
    page.get_by_role("button", name="Post the update").click()
    expect(_success(page)).to_contain_text("Posted the update.")
    expect(page).to_have_url(re.compile(re.escape(merton_r3_url) + "#updates$"))
    timeline = page.locator(".moj-timeline__item").filter(has_text=UPDATE_TEXT)
    expect(timeline).to_contain_text("Acceptable progress on action 1")
    expect(timeline).to_contain_text("by Sophie Ellis")
    expect(_card(page, "Action 1")).to_contain_text("Acceptable progress")

    # On the action they own (recommendation 1 of the new review) they may edit ...
    _open_review(page, TITLE)
    page.get_by_role("link", name="Recommendation 1", exact=True).click()
    expect(_card(page, "Action 1").get_by_role("link", name="Edit action 1")).to_be_visible()
    expect(_card(page, "Action 1").get_by_role("link", name="Remove action 1")).to_have_count(0)
    # ... on the one Ged Curran owns, there is no way to edit, and the address is refused.
    page.get_by_role("link", name=TITLE).click()  # the breadcrumb
    page.get_by_role("link", name="Recommendation 3", exact=True).click()
    expect(page).to_have_url(rec3_url)
    other = _card(page, "Action 1")
    expect(other).to_contain_text("Ged Curran")
    expect(other.get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^Edit"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^Post an update"))).to_have_count(0)
    response = page.goto(other_edit_url)
    assert response.status == 403, f"{other_edit_url}: HTTP {response.status}"
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do that")
    response = page.goto(other_edit_url.replace("/edit/", "/target/"))
    assert response.status == 403, f"revise target: HTTP {response.status}"
    page.goto(url("/"))  # the 403 page has no header, so no "Sign out" button
    _sign_out(page)

    # --- the councillor sees the update and finds no way to edit --------------------------
    _sign_in(page, "councillor")
    expect(page).to_have_url(url("/"))
    # The demonstration data was recorded by the system user: only the lead officer's update
    # is by Sophie Ellis. It is dated today (the form's default).
    today = timezone.localdate()
    # The councillor sits on Merton's Commission: the update is among what changed since
    # it last met.
    recent = page.get_by_role("heading", name="Changed since your committee last met").locator(
        "xpath=.."
    )
    by_sophie = (
        recent.get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=f"Update: Update of {today.day} {today:%B %Y}"))
        .filter(has_text="by Sophie Ellis")
    )
    expect(by_sophie).to_have_count(1)
    by_sophie.get_by_role("link").click()
    expect(page).to_have_url(re.compile(re.escape(merton_r3_url)))
    posted = page.locator(".moj-timeline__item").filter(has_text=UPDATE_TEXT)
    expect(posted).to_have_count(1)
    expect(posted).to_contain_text("Acceptable progress on action 1")
    expect(posted).to_contain_text("by Sophie Ellis")
    for name in ("Edit the recommendation", "Add an action", "Post an update"):
        expect(page.get_by_role("link", name=re.compile("^" + name))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^(Edit|Remove|Revise)"))).to_have_count(0)
    page.get_by_role("link", name=MERTON).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MERTON)
    for name in (
        "Edit the review",
        "Add a recommendation",
        "Paste recommendations from the report",
        "Record receipt by the executive",
        "Record the executive response",
    ):
        expect(page.get_by_role("link", name=name)).to_have_count(0)

    for path in (
        other_edit_url,
        review_url + "edit/",
        rec1_url + "edit/",
        rec3_url + "actions/new/",
        merton_r3_url + "updates/new/",
        review_url + "responses/",
    ):
        response = page.goto(path)
        assert response.status == 403, f"{path}: HTTP {response.status} for a councillor"
    assert page.js_errors == []


# --- a refused change is explained on the form, never a server error -------------------------
#
# Each case makes a change the register must refuse (or, for the corrected receipt, accept),
# through the forms, and expects the form back with the GOV.UK error summary: never HTTP 500.

HARROW = "Shared services scrutiny review (Harrow)"


def _receipt_before_the_report_was_agreed(page) -> None:
    # Harrow's report was agreed on 20 April 2021; the only executive meeting is in 2016, so
    # the form offers none. A tampered request sends that meeting all the same.
    from reviews.models import Meeting

    _open_review(page, HARROW)
    page.get_by_role("link", name="Record receipt by the executive").click()
    choice = page.get_by_label("Meeting at which the executive received the report")
    expect(choice.locator("option")).to_have_count(1)  # only the empty choice
    meeting = Meeting.objects.get(committee__name=CABINET)
    choice.evaluate(
        "(select, pk) => { select.add(new Option('Tampered', pk)); select.value = pk; }",
        str(meeting.pk),
    )


def _receipt_corrected_to_another_meeting(page) -> None:
    # Merton's report was recorded as received on 14 November 2016; the officer corrects it
    # to a later Cabinet meeting.
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Add a meeting").click()
    page.get_by_label("Committee").select_option(label=CABINET)
    _fill_date(page, "Date", "5", "12", "2016")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(_success(page)).to_be_visible()
    _open_review(page, MERTON)
    page.get_by_role("link", name="Record receipt by the executive").click()
    page.get_by_label("Meeting at which the executive received the report").select_option(
        label=f"{CABINET}, 5 December 2016"
    )


def _report_agreed_after_it_was_received(page) -> None:
    _open_review(page, MERTON)
    page.get_by_role("link", name="Edit the review").click()
    page.get_by_label("Report agreed meeting (optional)").select_option(index=0)
    _fill_date(page, "Report agreed on (optional)", "1", "12", "2016")


def _recommendation_number_taken(page) -> None:
    _open_review(page, MERTON)
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Number", exact=True).fill("3")
    page.get_by_label("Recommendation", exact=True).fill("That the council ...")


def _reference_taken(page) -> None:
    _open_review(page, HARROW)
    page.get_by_role("link", name="Add a recommendation").click()
    # The reference of Merton's recommendation 3.
    page.get_by_label("Reference (optional)", exact=True).fill("2016/17 R3")
    page.get_by_label("Recommendation", exact=True).fill("That the council ...")


def _action_number_taken(page) -> None:
    _open_review(page, MERTON)
    page.get_by_role("link", name="Recommendation 1", exact=True).click()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Number", exact=True).fill("1")
    page.get_by_label("Action agreed").fill("Report progress to the Commission.")


REFUSALS = {
    "receipt-before-the-report-was-agreed": (
        _receipt_before_the_report_was_agreed,
        "Save",
        "The executive cannot receive the report before the committee agreed it.",
    ),
    "receipt-after-the-response": (
        # Merton's response was given on 14 November 2016: a receipt on 5 December would
        # put the response before the receipt.
        _receipt_corrected_to_another_meeting,
        "Save",
        "The response cannot come before the executive received the report.",
    ),
    "report-agreed-after-it-was-received": (
        _report_agreed_after_it_was_received,
        "Save",
        "The executive cannot receive the report before the committee agreed it.",
    ),
    "recommendation-number-taken": (
        _recommendation_number_taken,
        "Save",
        "This review already has a recommendation with that number.",
    ),
    "reference-taken": (
        _reference_taken,
        "Save",
        "2016/17 R3 is already the reference of recommendation 3 of",
    ),
    "action-number-taken": (
        _action_number_taken,
        "Save",
        "This recommendation already has an action with that number.",
    ),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_a_change_the_register_refuses_is_explained_not_a_server_error(page, url, name):
    fill, submit, message = REFUSALS[name]
    page.goto(url("/"))
    _sign_in(page, "officer")
    fill(page)
    with page.expect_response(
        lambda r: r.request.is_navigation_request() and r.request.method == "POST"
    ) as posted:
        page.get_by_role("button", name=submit, exact=True).click()
    page.wait_for_load_state()
    status = posted.value.status
    assert status != 500, f"{name}: the server failed (HTTP 500) instead of answering the form"
    assert status == 200, f"{name}: HTTP {status}"
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
