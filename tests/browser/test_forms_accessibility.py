"""Accessibility of the officers' forms: axe-core (WCAG 2.0/2.1 A and AA, 2.2 AA) on every
form page, once as it opens and once showing its validation errors (one test case per form
scans both states and reports the violations of each); the 409 pages shown when someone else
saved first; and the lead officer's forms. Each scan also looks for empty or duplicate ids
and for labels, hints and errors tied to ids that are not on the page, which axe no longer
reports under WCAG 2.2.

Every case first checks it is on the form it means to scan (HTTP status, heading, and for the
error state the title, the focused error summary with the expected messages, the inline
messages and that every link of the summary leads to a field on the page), so a redirect, a
403 or a page that saved instead of refusing cannot pass for an accessible form.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from .axe import assert_no_axe_violations
from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

MERTON = "Shared and outsourced services in Merton"
OSC = "Merton Overview and Scrutiny Commission"
COUNTY = "Shared services review group (county council)"  # a review with no recommendations
REQUIRED = "This field is required."

PASTED = (
    "1. That the council publishes a register of its shared services.\tMerton Cabinet\n"
    "2. That Cabinet reports each year on:\n"
    "- opening hours kept\n"
    "- visits and loans\n"
    "3. That the Corporate Management Team reviews the cost of the library system.\n"
)


# Primary keys differ from test to test (the live database is flushed, not reset), so paths
# are looked up when the test runs.


def _review(title: str = MERTON):
    from reviews.models import Review

    return Review.objects.get(title=title)


def _recommendation(number: int = 1):
    from recommendations.models import Recommendation

    return Recommendation.objects.get(review__title=MERTON, number=number)


def _action(number: int = 1):
    """Action 1 of a Merton 2016 recommendation (owned by Sophie Ellis, the lead officer)."""
    return _recommendation(number).actions.get(number=1)


def _committee():
    from reviews.models import Committee

    return Committee.objects.get(name=OSC)


def _meeting():
    from reviews.models import Meeting

    return Meeting.objects.get(committee__name=OSC, date=datetime.date(2017, 7, 6))


# --- how each form is made invalid ------------------------------------------------------------


def _date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def _clear(*labels: str) -> Callable:
    def invalidate(page):
        for label in labels:
            page.get_by_label(label, exact=True).fill("")

    return invalidate


def _nothing(page) -> None:
    pass


def _review_form_invalid(page) -> None:
    page.get_by_label("Title", exact=True).fill("")
    _date(page, "Scope agreed on (optional)", "31", "2", "2016")


def _meeting_invalid(page) -> None:
    _date(page, "Date", "", "7", "2017")


def _receipt_invalid(page) -> None:
    page.get_by_label("Meeting at which the executive received the report").select_option(index=0)


def _extension_invalid(page) -> None:
    _date(page, "New response deadline", "14", "13", "2017")


def _update_invalid(page) -> None:
    _date(page, "Date of the update", "", "", "")
    page.get_by_label("Update", exact=True).fill("")


def _revise_invalid(page) -> None:
    _date(page, "New target date", "31", "6", "17")


def _responses_invalid(page) -> None:
    card = page.locator("#recommendation-2")
    card.get_by_label("Rejected", exact=True).check()
    card.get_by_label("Response, and the reason if not fully accepted").fill("")


def _preview_invalid(page) -> None:
    item = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name="Item 2", exact=True)
    )
    item.get_by_label("Recommendation", exact=True).fill("")
    third = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name="Item 3", exact=True)
    )
    third.get_by_label("Number", exact=True).fill("1")


# --- how each form is opened -----------------------------------------------------------------


def _goto(path: Callable[[], str]) -> Callable:
    return lambda page, url: page.goto(url(path()))


def _open_preview(page, url) -> None:
    page.goto(url(f"/reviews/{_review(COUNTY).pk}/recommendations/paste/"))
    page.get_by_label("Paste the recommendations from the report").fill(PASTED)
    page.get_by_role("button", name="Check what was understood").click()


def _open_restore(page, url) -> None:
    """Archive Merton's recommendation 1 through its form, then open the form to restore it."""
    page.goto(url(f"/recommendations/{_recommendation().pk}/archive/"))
    page.get_by_label("Why is this recommendation being archived?").fill("Entered twice.")
    page.get_by_role("button", name="Archive the recommendation").click()
    page.get_by_role("link", name="Restore the recommendation").click()


def _open_import_preview(page, url) -> None:
    """Upload a council's tracker (issue 14) and reach the check of its rows."""
    from tests.test_permissions import tracker_workbook

    page.goto(url("/recommendations/import/"))
    page.get_by_label("Upload the tracker").set_input_files(
        files=[
            {
                "name": "tracker.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": tracker_workbook(),
            }
        ]
    )
    page.get_by_role("button", name="Upload and check").click()


def _import_mapping_invalid(page) -> None:
    """No column holds the recommendations or their references."""
    page.get_by_label("Column A: “Rec No”").select_option("")
    page.get_by_label("Column D: “Recommendation”").select_option("")


@dataclass(frozen=True)
class FormCase:
    path: Callable[[], str]
    heading: str
    invalidate: Callable  # fills the form so that submitting it is refused
    errors: tuple[str, ...]  # messages the error summary must show
    submit: str = "Save"
    user: str = "officer"
    open: Callable | None = None  # how to reach the form, if not by its address


FORMS = {
    "review-create": FormCase(
        lambda: "/reviews/new/",
        "Set up a review",
        _nothing,
        (REQUIRED, REQUIRED, REQUIRED),
    ),
    "review-edit": FormCase(
        lambda: f"/reviews/{_review().pk}/edit/",
        "Edit the review",
        _review_form_invalid,
        (REQUIRED, "The date must be a real date."),
    ),
    "receipt": FormCase(
        lambda: f"/reviews/{_review().pk}/receipt/",
        "Record receipt by the executive",
        _receipt_invalid,
        (REQUIRED,),
    ),
    "extension": FormCase(
        lambda: f"/reviews/{_review().pk}/extension/",
        "Extend the response deadline",
        _extension_invalid,
        ("The date must be a real date.", REQUIRED),
    ),
    "committee-create": FormCase(
        lambda: "/committees/new/",
        "Add a committee or body",
        _nothing,
        (REQUIRED, REQUIRED),
    ),
    "committee-edit": FormCase(
        lambda: f"/committees/{_committee().pk}/edit/",
        f"Edit {OSC}",
        _clear("Name"),
        (REQUIRED,),
    ),
    "meeting-create": FormCase(
        lambda: "/meetings/new/",
        "Add a meeting",
        _nothing,
        (REQUIRED, REQUIRED),
    ),
    "meeting-edit": FormCase(
        lambda: f"/meetings/{_meeting().pk}/edit/",
        f"Edit the meeting of {OSC}, 6 July 2017",
        _meeting_invalid,
        ("The date must include a day.",),
    ),
    "recommendation-create": FormCase(
        lambda: f"/reviews/{_review().pk}/recommendations/new/",
        "Add a recommendation",
        _nothing,
        (REQUIRED,),
    ),
    "recommendation-edit": FormCase(
        lambda: f"/recommendations/{_recommendation().pk}/edit/",
        "Edit recommendation 1",
        _clear("Recommendation"),
        (REQUIRED,),
    ),
    "paste": FormCase(
        lambda: f"/reviews/{_review().pk}/recommendations/paste/",
        "Paste recommendations",
        _nothing,
        (REQUIRED,),
        submit="Check what was understood",
    ),
    "paste-preview": FormCase(
        lambda: f"/reviews/{_review(COUNTY).pk}/recommendations/paste/",
        "Check the pasted recommendations",
        _preview_invalid,
        (f"Item 2: {REQUIRED}", "Item 3: Number 1 is used twice."),
        submit="Add these recommendations",
        open=_open_preview,
    ),
    "responses": FormCase(
        lambda: f"/reviews/{_review().pk}/responses/",
        "Record the executive response",
        _responses_invalid,
        ("Recommendation 2: Give the executive's reason: “rejected” needs one.",),
        submit="Save the responses",
    ),
    "close": FormCase(
        lambda: f"/recommendations/{_recommendation().pk}/close/",
        "Close recommendation 1",
        _nothing,
        (REQUIRED, REQUIRED),
        submit="Close the recommendation",
    ),
    "archive": FormCase(
        lambda: f"/recommendations/{_recommendation().pk}/archive/",
        "Archive recommendation 1",
        _nothing,
        (REQUIRED,),
        submit="Archive the recommendation",
    ),
    "restore": FormCase(
        lambda: f"/recommendations/{_recommendation().pk}/archive/",
        "Restore recommendation 1",
        _nothing,
        (REQUIRED,),
        submit="Restore the recommendation",
        open=_open_restore,
    ),
    "action-create": FormCase(
        lambda: f"/recommendations/{_recommendation().pk}/actions/new/",
        "Add an action",
        _nothing,
        (REQUIRED,),
    ),
    "action-edit": FormCase(
        lambda: f"/actions/{_action().pk}/edit/",
        "Edit action 1",
        _clear("Action agreed"),
        (REQUIRED,),
    ),
    "revise-target": FormCase(
        lambda: f"/actions/{_action().pk}/target/",
        "Revise the target date of action 1",
        _revise_invalid,
        ("The year must have 4 numbers, for example 2017.", REQUIRED),
    ),
    "remove-action": FormCase(
        lambda: f"/actions/{_action().pk}/remove/",
        "Remove action 1",
        _nothing,
        (REQUIRED,),
        submit="Remove the action",
    ),
    "update-create": FormCase(
        lambda: f"/recommendations/{_recommendation().pk}/updates/new/",
        "Post an update",
        _update_invalid,
        (REQUIRED, REQUIRED),
        submit="Post the update",
    ),
    # The lead officer (Sophie Ellis) owns action 1 of every Merton 2016 recommendation.
    "lead-officer-update-create": FormCase(
        lambda: f"/recommendations/{_recommendation(3).pk}/updates/new/",
        "Post an update",
        _update_invalid,
        (REQUIRED, REQUIRED),
        submit="Post the update",
        user="leadofficer",
    ),
    "officer-create": FormCase(
        lambda: "/officers/new/", "Add an officer or a partner's contact", _nothing, (REQUIRED,)
    ),
    "partner-create": FormCase(
        lambda: "/partners/new/", "Add a partner organisation", _nothing, (REQUIRED,)
    ),
    "councillor-create": FormCase(
        lambda: "/councillors/new/", "Add a councillor", _nothing, (REQUIRED,)
    ),
    "agenda-item-create": FormCase(
        lambda: f"/meetings/{_meeting().pk}/agenda-items/new/",
        "Add an agenda item",
        _nothing,
        (REQUIRED,),
    ),
    "import-upload": FormCase(
        lambda: "/recommendations/import/",
        "Import a tracker from a spreadsheet",
        _nothing,
        ("Choose the spreadsheet to upload.",),
        submit="Upload and check",
    ),
    "import-preview": FormCase(
        lambda: "/recommendations/import/",
        "Check the tracker before importing",
        _import_mapping_invalid,
        ("Choose the column that holds the recommendations (or their references).",),
        submit="Import 1 row",
        open=_open_import_preview,
    ),
    "lead-officer-action-edit": FormCase(
        lambda: f"/actions/{_action(3).pk}/edit/",
        "Edit action 1",
        _clear("Action agreed"),
        (REQUIRED,),
        user="leadofficer",
    ),
}


def _sign_in_by_cookie(page, url, username: str) -> None:
    """Give the page's browser context a signed-in session of ``username``.

    Signing in through the form costs two page loads; these cases are about the forms, and
    the sign-in form is exercised by test_journeys.py and test_officer_journey.py.
    """
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": url("/"),
            }
        ]
    )


def _open(page, url, case: FormCase) -> None:
    _sign_in_by_cookie(page, url, case.user)
    if case.open:
        case.open(page, url)
    else:
        path = case.path()
        response = page.goto(url(path))
        assert response.status == 200, f"{path}: HTTP {response.status}"
        expect(page).to_have_url(url(path))
    expect(page.get_by_role("heading", level=1)).to_have_text(case.heading)


def _check_error_state(page, case: FormCase) -> None:
    """The page shows the refusal as GOV.UK does: title, summary, messages by the fields."""
    expect(page.get_by_role("heading", level=1)).to_have_text(case.heading)
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_have_count(1)
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    expect(summary).to_be_focused(timeout=TIMEOUT_MS)  # GOV.UK Frontend focuses it
    expect(summary.get_by_role("listitem")).to_have_text(list(case.errors))
    inline = page.locator("main .govuk-error-message")
    expect(inline).to_have_count(len(case.errors))
    # Every link of the summary leads to a field on the page.
    for link in summary.get_by_role("link").all():
        href = link.get_attribute("href")
        assert href and href.startswith("#") and len(href) > 1, f"summary link to {href!r}"
        target = page.locator(f"[id='{href[1:]}']")
        assert target.count() == 1, f"the summary links to {href}, which is not on the page"
        assert target.evaluate("e => ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName)"), (
            f"the summary links to {href}, which is not a field"
        )


_ID_PROBLEMS = """
() => {
  const problems = [];
  const seen = new Map();
  // (Chromium's '[id=""]' selector matches nothing, so filter.)
  const empty = [...document.querySelectorAll('[id]')].filter(e => e.id === '');
  if (empty.length) problems.push(
    `${empty.length} element(s) have an empty id attribute (id=""), such as `
    + empty[0].outerHTML.replace(/\\s+/g, ' ').slice(0, 140));
  for (const e of document.querySelectorAll('[id]')) {
    if (e.id) seen.set(e.id, (seen.get(e.id) || 0) + 1);
  }
  for (const [id, n] of seen) if (n > 1) problems.push(`id "${id}" is used ${n} times`);
  for (const e of document.querySelectorAll('[aria-describedby], [aria-labelledby], label[for]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby', 'for']) {
      for (const id of (e.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(
          `${attr}="${e.getAttribute(attr)}" on <${e.tagName.toLowerCase()} `
          + `name="${e.getAttribute('name') || ''}"> refers to a missing id "${id}"`);
      }
    }
  }
  return problems;
}
"""


def _id_problems(page) -> list[str]:
    """Duplicate ids and references to missing ids (axe no longer checks either for WCAG
    2.2, which dropped 4.1.1, but a hint or error tied to nothing is not announced)."""
    return page.evaluate(_ID_PROBLEMS)


@pytest.mark.parametrize("name", list(FORMS))
def test_axe_form_as_opened_and_with_its_errors(page, url, name):
    """Scan the form as it opens, then submit it invalid and scan it with its errors.

    Both states are scanned before the test fails, so one run reports the violations of
    each (one case per form keeps the run short: loading the demonstration data for each
    test is most of its cost).
    """
    case = FORMS[name]
    failures = []

    def scan(state: str) -> None:
        try:
            assert_no_axe_violations(page)
        except AssertionError as violations:
            failures.append(f"[{name}, {state}] {violations}")
        for problem in _id_problems(page):
            failures.append(f"[{name}, {state}] {problem}")

    _open(page, url, case)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    scan("as opened")

    case.invalidate(page)
    with page.expect_response(
        lambda r: r.request.is_navigation_request() and r.request.method == "POST"
    ) as posted:
        page.get_by_role("button", name=case.submit, exact=True).click()
    page.wait_for_load_state()
    assert posted.value.status == 200, f"{name}: HTTP {posted.value.status}"
    _check_error_state(page, case)
    scan("with its validation errors")

    assert not failures, "\n\n".join(failures)
    assert page.js_errors == []


# --- 409: someone else saved first ------------------------------------------------------------


def _second_user_saves(browser, url, path: str, change: Callable, submit: str) -> None:
    """In a separate browser context, the administrator opens ``path``, changes it, saves."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        other = context.new_page()
        _sign_in_by_cookie(other, url, "admin")
        other.goto(url(path))
        change(other)
        other.get_by_role("button", name=submit, exact=True).click()
        expect(other.locator(".govuk-notification-banner--success")).to_be_visible()
    finally:
        context.close()


def _change_scope(page) -> None:
    page.get_by_label("Scope (optional)").fill("Scope rewritten by the administrator.")


def _mine_review(page) -> None:
    page.get_by_label("Objectives (optional)").fill("Objectives rewritten by the officer.")


def _revise_to(day: str) -> Callable:
    def revise(page):
        _date(page, "New target date", day, "3", "2018")
        page.get_by_label("Reason the target date has to change").fill(f"Moved to {day} March.")

    return revise


def _respond_rec_1(text: str) -> Callable:
    def respond(page):
        page.locator("#recommendation-1").get_by_label(
            "Response, and the reason if not fully accepted"
        ).fill(text)

    return respond


CONFLICTS = {
    # edit_record: a model form
    "review-edit": (
        lambda: f"/reviews/{_review().pk}/edit/",
        _change_scope,
        _mine_review,
        "Edit the review: someone else saved first",
        "Save",
    ),
    # render_conflict from a plain form
    "revise-target": (
        lambda: f"/actions/{_action().pk}/target/",
        _revise_to("30"),
        _revise_to("31"),
        "Revise the target date of action 1: someone else saved first",
        "Save",
    ),
    # the responses page keeps the officer's input and marks what changed
    "responses": (
        lambda: f"/reviews/{_review().pk}/responses/",
        _respond_rec_1("Accepted, as the administrator recorded it."),
        _respond_rec_1("Accepted, as the officer recorded it."),
        "Record the executive response",
        "Save the responses",
    ),
}


@pytest.mark.parametrize("name", list(CONFLICTS))
def test_axe_conflict_page(page, browser, url, name):
    path_of, theirs, mine, heading, submit = CONFLICTS[name]
    path = path_of()
    _sign_in_by_cookie(page, url, "officer")
    page.goto(url(path))
    # Someone else saves the same record after the officer opened the form.
    _second_user_saves(browser, url, path, theirs, submit)
    mine(page)
    with page.expect_response(
        lambda r: r.request.is_navigation_request() and r.request.method == "POST"
    ) as posted:
        page.get_by_role("button", name=submit, exact=True).click()
    page.wait_for_load_state()
    assert posted.value.status == 409, f"{name}: HTTP {posted.value.status}, not 409"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    if name == "responses":
        changed = page.locator("#recommendation-1")
        expect(changed).to_contain_text("Changed by someone else")
        expect(changed).to_contain_text("Saved now: Accepted: Accepted, as the administrator")
        expect(
            changed.get_by_label("Response, and the reason if not fully accepted")
        ).to_have_value("Accepted, as the officer recorded it.")
    else:
        expect(page.locator("#comparison")).to_contain_text("Different")
    failures = []
    try:
        assert_no_axe_violations(page)
    except AssertionError as violations:
        failures.append(str(violations))
    failures += _id_problems(page)
    assert page.js_errors == []

    # Like every refusal, it must say so first: "Error: " in the title and an error summary
    # (role="alert", focused) at the top, as the other 409 pages (forms/conflict.html) do.
    title = page.title()
    summary = page.locator(".govuk-error-summary")
    if not (title.startswith("Error: ") and summary.count() == 1):
        failures.append(
            f"The 409 page does not present itself as an error: title {title!r}, "
            f"{summary.count()} error summary; the refusal is only in a notification banner: "
            f"{page.locator('.govuk-notification-banner').all_inner_texts()}"
        )
    else:
        expect(summary).to_be_focused(timeout=TIMEOUT_MS)  # GOV.UK Frontend focuses it
    assert not failures, f"[{name} conflict] " + "\n\n".join(failures)
