"""First browser journeys: signing in and out, the reviews list and a review page."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import sign_in_on_current_page

pytestmark = pytest.mark.browser

MERTON = "Shared and outsourced services in Merton"


def test_stylesheet_and_scripts_load(page, url):
    """The live server serves the compiled GOV.UK CSS (static/build/app.css) and JS."""
    with page.expect_response(re.compile(r"/static/build/app\.css$")) as css:
        response = page.goto(url("/accounts/login/"))
    assert response.ok
    assert css.value.ok, f"app.css: HTTP {css.value.status}"
    # GOV.UK Frontend puts the font on its typography classes, not on <body>.
    font = page.get_by_role("heading", level=1).evaluate("h => getComputedStyle(h).fontFamily")
    assert "arial" in font.lower(), f"app.css did not apply: h1 font-family is {font!r}"
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))


def test_sign_in_from_the_home_page_then_sign_out(page, url):
    page.goto(url("/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    sign_in_on_current_page(page, "councillor")
    expect(page).to_have_url(url("/"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(url("/reviews/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/reviews/$"))


def test_wrong_password_shows_the_error_summary(page, url):
    page.goto(url("/accounts/login/"))
    sign_in_on_current_page(page, "councillor", "not-the-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).not_to_have_count(0)
    # GOV.UK Frontend's error summary moves focus to itself when the page loads.
    expect(summary).to_be_focused()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_reviews_list_and_a_review_page(page, url, signed_in):
    signed_in(page, "councillor")
    page.goto(url("/reviews/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")
    expect(page.get_by_role("table")).to_be_visible()

    page.get_by_role("link", name=MERTON).click()
    expect(page).to_have_url(re.compile(r"/reviews/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MERTON)
    expect(page.locator("#response-deadline")).to_contain_text("13 January 2017")
    assert page.js_errors == []


# The axe-core scans of every page type are in test_accessibility.py.
