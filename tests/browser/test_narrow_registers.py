"""The registers at 320 CSS pixels wide (a phone, or a 1280-pixel window zoomed to 400%):
the rows stack, each cell labelled with its column's heading, the page never scrolls sideways,
and "Skip to results" moves the keyboard's focus past the filters to the results."""

import pytest
from playwright.sync_api import expect

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
