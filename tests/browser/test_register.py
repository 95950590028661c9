"""Browser journeys on the read side: the dashboard, the recommendations register (filter,
search, sort, bad filters), a recommendation and its history, the register as it stood on a
date, a meeting, and the same journey with JavaScript switched off.

Every test signs in as a councillor through the real sign-in form. The live server's database
is flushed after each test (``live_demo`` is function-scoped), so a signed-in session cannot be
shared between tests; signing in straight to the page wanted (``?next=``) keeps it to one form
post per test.
"""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from .conftest import TIMEOUT_MS, sign_in_on_current_page

pytestmark = pytest.mark.browser

MERTON = "Shared and outsourced services in Merton"
HARROW = "Shared services scrutiny review (Harrow)"


def sign_in_at(page, url, path: str, username: str = "councillor"):
    """Sign in through the form and land on ``path`` (the form's ``next``)."""
    page.goto(url("/accounts/login/?" + urlencode({"next": path})))
    sign_in_on_current_page(page, username)
    expect(page).to_have_url(url(path))
    return page


def register_rows(page):
    return page.locator("table.app-register tbody tr")


def reference_links(page):
    """The references listed in the register, in order."""
    return [
        text.strip() for text in register_rows(page).locator("td:first-child a").all_inner_texts()
    ]


# --- the dashboard --------------------------------------------------------------------------


def test_dashboard_shows_overdue_responses_and_actions_the_status_figures_and_who_changed_what(
    page, signed_in
):
    signed_in(page, "councillor")  # the form sends a plain sign-in to the dashboard
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page).to_have_title(re.compile(r"^Dashboard \u2013 "))

    # The Harrow review's executive response is overdue.
    expect(page.get_by_role("heading", name="Overdue (1)", level=3)).to_be_visible()
    overdue = page.locator("#responses ~ ul").first.get_by_role("listitem")
    expect(overdue).to_have_count(1)
    expect(overdue.get_by_role("link")).to_have_text(HARROW)
    expect(overdue.locator(".govuk-tag")).to_have_text("Overdue")
    expect(overdue).to_contain_text("deadline 30 September 2021")

    # Four actions are past their target date.
    expect(page.get_by_role("heading", name="Overdue actions (4)", level=2)).to_be_visible()
    actions = page.get_by_role("table", name="Actions past their target date and not achieved")
    expect(actions.locator("tbody tr")).to_have_count(4)
    expect(actions.locator("tbody tr").first).to_contain_text("2016/17 R2")

    # The chart, with the same figures as text in a table.
    chart = page.get_by_role("img", name=re.compile(r"^Bar chart of 20 recommendations by status"))
    expect(chart).to_be_visible()
    figures_table = page.get_by_role("table", name=re.compile(r"^Recommendations by status"))
    expect(figures_table.locator("caption")).to_have_text("Recommendations by status (20 in all)")
    figures = {}
    for row in figures_table.locator("tbody tr").all():
        status, number = (cell.strip() for cell in row.locator("td").all_inner_texts())
        figures[status] = int(number)
    assert figures["Acceptable progress"] == 6, figures
    assert figures["Achieved"] == 1, figures
    assert figures["Not started"] == 13, figures
    assert sum(figures.values()) == 20, figures
    # Each status in the table opens the register filtered by it.
    expect(figures_table.get_by_role("link", name="Achieved")).to_have_attribute(
        "href", "/recommendations/?status=achieved"
    )

    # The councillor sits on Merton's Commission: what changed since it last met says who
    # made each change.
    expect(
        page.get_by_role("heading", name="Changed since your committee last met", level=2)
    ).to_be_visible()
    expect(page.locator("#recent-changes ~ ul").first).to_contain_text(
        "Merton Overview and Scrutiny Commission last met on 6 July 2017."
    )
    changes = page.locator("#recent-changes ~ ul.app-changes > li")
    expect(changes).not_to_have_count(0)
    for change in changes.all():
        expect(change).to_contain_text(re.compile(r"\b(created|changed|deleted) by System\b"))
    assert page.js_errors == []


# --- the recommendations register -----------------------------------------------------------


def test_filtering_the_register_by_status_puts_the_filter_in_a_url_that_reloads_the_same(page, url):
    sign_in_at(page, url, "/recommendations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendations")
    expect(page.locator("#result-count")).to_have_text("20 recommendations")

    page.get_by_label("Status", exact=True).select_option(label="Achieved")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"/recommendations/\?(.*&)?status=achieved(&|$)"))
    filtered_url = page.url

    def shows_only_r7():
        expect(page.locator("#result-count")).to_have_text(re.compile(r"^1 recommendation\b"))
        expect(register_rows(page)).to_have_count(1)
        expect(register_rows(page).first.get_by_role("link", name="2016/17 R7")).to_be_visible()
        expect(register_rows(page).first.locator(".govuk-tag").first).to_have_text("Achieved")
        # The form shows the filter that is applied.
        expect(page.get_by_label("Status", exact=True)).to_have_value("achieved")

    shows_only_r7()

    # The URL alone gives the same page: bookmarkable, shareable.
    response = page.goto(filtered_url)
    assert response.status == 200
    shows_only_r7()
    response = page.reload()
    assert response.status == 200
    shows_only_r7()

    # "Clear filters" goes back to the whole register.
    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(url("/recommendations/"))
    expect(page.locator("#result-count")).to_have_text("20 recommendations")
    assert page.js_errors == []


def test_searching_the_register_for_words_in_an_action(page, url):
    sign_in_at(page, url, "/recommendations/")
    page.get_by_label("Search", exact=True).fill("checklist")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]q=checklist(&|$)"))
    expect(page.get_by_label("Search", exact=True)).to_have_value("checklist")
    # 2016/17 R4 does not say "checklist" itself: its action does.
    expect(register_rows(page).get_by_role("link", name="2016/17 R4", exact=True)).to_be_visible()
    expect(page.locator("#result-count")).to_contain_text("match the filter")
    references = reference_links(page)
    assert "2016/17 R4" in references, references
    assert "2016/17 R1" not in references, references
    assert len(references) < 20, references


def test_sorting_the_register_by_latest_update(page, url):
    sign_in_at(page, url, "/recommendations/")
    header = page.get_by_role("columnheader", name="Latest update")
    expect(header).to_have_attribute("aria-sort", "none")

    header.get_by_role("link", name="Latest update").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=updated(&|$)"))
    header = page.get_by_role("columnheader", name="Latest update")
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("columnheader", name="Reference")).to_have_attribute(
        "aria-sort", "none"
    )
    expect(register_rows(page)).to_have_count(20)
    # The filter form keeps the sort order when a filter is applied.
    expect(page.locator("form.app-filter input[type=hidden][name=sort]")).to_have_value("updated")

    # A second click reverses it.
    header.get_by_role("link", name="Latest update").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=-updated(&|$)"))
    expect(page.get_by_role("columnheader", name="Latest update")).to_have_attribute(
        "aria-sort", "descending"
    )
    dates = [
        text.strip() for text in register_rows(page).locator("td:last-child").all_inner_texts()
    ]
    # The recommendations with an update sort together, apart from those with none (which end
    # goes first depends on how the database orders NULL).
    dated = [text != "None" for text in dates]
    assert len(set(dated)) == 2, dates
    assert dated in (sorted(dated), sorted(dated, reverse=True)), dates


def test_an_invalid_filter_in_the_url_shows_the_error_summary_and_no_results(page, url):
    sign_in_at(page, url, "/recommendations/")
    response = page.goto(url("/recommendations/?status=nonsense"))
    assert response.status == 400

    expect(page).to_have_title(re.compile(r"^Error: Recommendations"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(
        summary.get_by_role("heading", name="There is a problem with the filter")
    ).to_be_visible()
    expect(summary).to_be_focused()
    error_link = summary.get_by_role("link", name=re.compile(r"^Status: "))
    expect(error_link).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.locator("#result-count")).to_have_count(0)  # no count beside an error

    # The summary's link takes you to the field at fault.
    error_link.click()
    expect(page.get_by_label("Status", exact=True)).to_be_focused()
    assert page.js_errors == []


# --- a recommendation, its history and the past ---------------------------------------------


def test_opening_a_recommendation_its_history_and_how_it_stood_on_a_date(page, url):
    sign_in_at(page, url, "/recommendations/")
    register_rows(page).get_by_role("link", name="2016/17 R2", exact=True).click()

    expect(page).to_have_url(re.compile(r"/recommendations/\d+/$"))
    recommendation_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 2")
    expect(page.locator(".govuk-caption-l")).to_have_text(f"{MERTON}, 2016/17 R2")
    action = page.locator("#actions ~ .govuk-summary-card").first
    expect(action).to_contain_text("A set of guiding principles will be created")
    expect(action.locator(".govuk-summary-list__row", has_text="Timeline")).to_contain_text(
        "June 2017"
    )
    update_dates = page.locator(".moj-timeline__item time")
    expect(update_dates).to_have_text(["6 July 2017"])
    expect(update_dates.first).to_have_attribute("datetime", "2017-07-06")

    # The history: every change, with who made it.
    page.get_by_role("link", name="History of changes").click()
    expect(page).to_have_url(re.compile(r"/recommendations/\d+/history/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("History of changes")
    entries = page.locator(".app-history-entry h2")
    expect(entries.filter(has_text="created by System")).not_to_have_count(0)
    expect(
        entries.filter(has_text=re.compile(r"^Recommendation 2: created by System"))
    ).to_have_count(1)

    # Back, and as it stood on 5 July 2017: the day before the first update.
    page.go_back()
    expect(page).to_have_url(recommendation_url)
    page.get_by_label("Show as it stood on").fill("5/7/2017")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?as_at=5%2F7%2F2017$"))
    expect(page.get_by_role("region", name="Past position")).to_contain_text(
        "Position as at 5 July 2017"
    )
    expect(page).to_have_title(re.compile(r"^2016/17 R2 as at 5 July 2017 \u2013 "))
    expect(page.locator("#updates + p")).to_have_text("No updates yet.")
    expect(page.locator(".moj-timeline__item")).to_have_count(0)
    expect(page.get_by_label("Show as it stood on")).to_have_value("5/7/2017")

    # "Show as it is now" leaves the past.
    page.get_by_role("link", name="Show as it is now").first.click()
    expect(page.get_by_role("region", name="Past position")).to_have_count(0)
    expect(page.locator(".moj-timeline__item time")).to_have_text(["6 July 2017"])
    assert page.js_errors == []


def test_a_review_as_it_stood_on_6_july_2017(page, url):
    from reviews.models import Review

    review = Review.objects.get(title=MERTON)
    sign_in_at(page, url, f"/reviews/{review.pk}/?as_at=2017-07-06")

    expect(page.get_by_role("heading", level=1)).to_have_text(MERTON)
    expect(page.get_by_role("region", name="Past position")).to_contain_text(
        "Position as at 6 July 2017"
    )
    expect(page.get_by_role("heading", name="Recommendations (8)", level=2)).to_be_visible()
    cards = page.locator(".govuk-summary-card[id^=recommendation-]")
    expect(cards).to_have_count(8)
    latest = cards.locator(".govuk-summary-list__row", has_text="Latest update").locator("dd")
    expect(latest).to_have_count(8)
    expect(latest).to_have_text([re.compile(r"^6 July 2017: \S")] * 8)
    # Each recommendation opens as it stood on the same day.
    expect(cards.first.get_by_role("link", name="Recommendation 1")).to_have_attribute(
        "href", re.compile(r"/recommendations/\d+/\?as_at=2017-07-06$")
    )
    assert page.js_errors == []


# --- meetings -------------------------------------------------------------------------------


def test_the_meetings_list_leads_to_the_commission_meeting_of_6_july_2017(page, url):
    sign_in_at(page, url, "/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    row = page.get_by_role("row", name=re.compile(r"6 July 2017"))
    expect(row).to_contain_text("Merton Overview and Scrutiny Commission")
    page.get_by_role("link", name="6 July 2017", exact=True).click()

    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting of 6 July 2017")
    expect(page.locator(".govuk-caption-l")).to_have_text("Merton Overview and Scrutiny Commission")
    reported = page.get_by_role("heading", name="Updates reported (8)", level=3)
    expect(reported).to_be_visible()
    expect(page.locator("h3:text-is('Updates reported (8)') + ul > li")).to_have_count(8)
    expect(
        page.get_by_role(
            "heading", name=re.compile(r"^What changed since the previous meeting"), level=2
        )
    ).to_contain_text("(7 March 2017)")
    expect(page.get_by_role("heading", name="New updates (8)", level=3)).to_be_visible()
    assert page.js_errors == []


# --- without JavaScript ---------------------------------------------------------------------


def test_signing_in_filtering_and_opening_a_recommendation_work_without_javascript(browser, url):
    context = browser.new_context(
        java_script_enabled=False,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 390, "height": 844},
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(url("/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        sign_in_on_current_page(page, "councillor")
        expect(page).to_have_url(url("/"))
        # JavaScript really is off: GOV.UK Frontend's marker class was never added.
        expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))

        # On a phone-sized screen without JavaScript the menu is a plain list of links.
        menu = page.get_by_role("navigation", name="Menu")
        expect(menu.get_by_role("button", name="Menu")).to_be_hidden()
        menu.get_by_role("link", name="Recommendations").click()
        expect(page).to_have_url(url("/recommendations/"))

        page.get_by_label("Status", exact=True).select_option(label="Achieved")
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"[?&]status=achieved(&|$)"))
        expect(page.locator("#result-count")).to_have_text(re.compile(r"^1 recommendation\b"))

        register_rows(page).get_by_role("link", name="2016/17 R7", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 7")
        expect(page.locator(".moj-timeline__item time")).to_have_text(["6 July 2017"])

        page.get_by_label("Show as it stood on").fill("5/7/2017")
        page.get_by_role("button", name="Show", exact=True).click()
        expect(page.get_by_role("region", name="Past position")).to_contain_text(
            "Position as at 5 July 2017"
        )
        page.get_by_role("link", name="History of changes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("History of changes")
    finally:
        context.close()
