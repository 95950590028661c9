"""The registers at 320 CSS pixels wide (a phone, or a 1280-pixel window zoomed to 400%):
the rows stack, each cell labelled with its column's heading, the page never scrolls sideways,
and "Skip to results" moves the keyboard's focus past the filters to the results."""

import pytest
from playwright.sync_api import expect

from .axe import assert_no_axe_violations
from .test_accessibility import layout_problems
from .test_register import sign_in_at

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


def page_overflow(page) -> int:
    """How far the page reaches beyond the window, sideways, in CSS pixels (0: no scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    ("path", "first_label"),
    [("/recommendations/", "Reference"), ("/reviews/", "Review")],
)
def test_a_register_at_320_pixels_stacks_its_rows_and_skips_to_the_results(
    page, url, path, first_label
):
    page.set_viewport_size(NARROW)
    sign_in_at(page, url, path)

    assert page_overflow(page) <= 0

    # Each row is a block of labelled lines, one above the other.
    first_row = page.locator("table.app-register tbody tr").first
    cells = first_row.locator("td")
    label = cells.first.locator(".app-stack-table__label")
    expect(label).to_be_visible()
    expect(label).to_have_text(first_label)
    top = cells.nth(0).bounding_box()
    below = cells.nth(1).bounding_box()
    assert below["y"] >= top["y"] + top["height"] - 1  # stacked, not side by side
    assert below["x"] == top["x"]

    # "Skip to results" is the second stop of the keyboard (after "Skip to main content"),
    # shows when focused, and moves the focus to the results, past the filter form.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to results")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    page.keyboard.press("Tab")
    focused_in_results = page.evaluate(
        "document.getElementById('results').contains(document.activeElement)"
    )
    assert focused_in_results, "the next Tab stays in the results, not the filter form"


def test_a_wide_window_shows_the_register_as_a_table(page, url):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_at(page, url, "/recommendations/")
    expect(page.locator("table.app-register thead")).to_be_visible()
    expect(page.locator(".app-stack-table__label").first).to_be_hidden()
    assert page_overflow(page) <= 0


@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [
        ("councillor", "/recommendations/", "Recommendations"),
        ("councillor", "/", "Dashboard"),
        ("leadofficer", "/my-actions/", "My actions"),
    ],
)
def test_stacked_pages_pass_axe_and_reflow_at_320_pixels(page, url, username, path, heading):
    """Stacked rows, their labels and the skip link pass axe; no word is broken mid-word
    and nothing scrolls sideways (the layout check of test_accessibility)."""
    page.set_viewport_size(NARROW)
    sign_in_at(page, url, path, username)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_no_axe_violations(page)
    assert layout_problems(page) == []
    assert page.js_errors == []


def test_my_actions_links_each_action_to_an_update(page, url):
    sign_in_at(page, url, "/", "leadofficer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    page.get_by_role("link", name="Post an update on 2016/17 R1, action 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post an update")
    from recommendations.models import ActionPlanItem

    action = ActionPlanItem.objects.get(recommendation__reference="2016/17 R1", number=1)
    expect(page.get_by_label("Action", exact=True)).to_have_value(str(action.pk))
    page.get_by_label("Update", exact=True).fill("Reported from my actions.")
    page.get_by_role("button", name="Post the update").click()
    expect(page).to_have_url(url("/my-actions/"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Posted")


def test_revising_a_target_date_offers_the_timeline_as_the_date_is_typed(page, url):
    from recommendations.models import ActionPlanItem

    action = ActionPlanItem.objects.get(recommendation__reference="2016/17 R1", number=1)
    path = f"/actions/{action.pk}/target/"
    sign_in_at(page, url, path, "officer")
    timeline = page.get_by_label("Timeline (as the action plan will print it)")
    expect(timeline).to_have_value(action.timeline)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2027")
    expect(timeline).to_have_value("By 31 March 2027")
    page.get_by_label("Reason the target date has to change").fill("The partner needs longer.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Revised")
    action.refresh_from_db()
    assert action.timeline == "By 31 March 2027"
