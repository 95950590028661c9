"""Accessibility: axe-core (WCAG 2.0/2.1 A and AA, 2.2 AA) on every page type, each its own
test case, signed in as a councillor (the sign-in page signed out); the dashboard and the
register again at a phone's width; and a layout check that pages reflow without clipping,
sideways scrolling or words broken mid-word.

Every case first checks it is on the page it means to scan (heading, HTTP status, error
state), so a redirect to the sign-in page or a 404 cannot pass for an accessible page.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from .axe import assert_no_axe_violations
from .conftest import sign_in_on_current_page

pytestmark = pytest.mark.browser

MERTON = "Shared and outsourced services in Merton"
OSC = "Merton Overview and Scrutiny Commission"
MOBILE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


# Primary keys differ from test to test (the live database is flushed, not reset), so paths
# are looked up when the test runs.


def _review_pk() -> int:
    from reviews.models import Review

    return Review.objects.get(title=MERTON).pk


def _recommendation_pk(reference: str = "2016/17 R2") -> int:
    from recommendations.models import Recommendation

    return Recommendation.objects.get(reference=reference).pk


def _committee_pk() -> int:
    from reviews.models import Committee

    return Committee.objects.get(name=OSC).pk


def _meeting_pk() -> int:
    from reviews.models import Meeting

    return Meeting.objects.get(committee__name=OSC, date=datetime.date(2017, 7, 6)).pk


@dataclass(frozen=True)
class PageCase:
    path: Callable[[], str]
    heading: str
    status: int = 200
    error_summary: str | None = None  # the error summary's title, for error states
    past_position: str | None = None  # the "as at" banner's text, for past positions


SIGNED_IN_PAGES = {
    "dashboard": PageCase(lambda: "/", "Dashboard"),
    "reviews": PageCase(lambda: "/reviews/", "Reviews"),
    "reviews-filtered": PageCase(lambda: f"/reviews/?committee={_committee_pk()}", "Reviews"),
    "reviews-invalid-filter": PageCase(
        lambda: "/reviews/?status=nonsense",
        "Reviews",
        status=400,
        error_summary="There is a problem with the filter",
    ),
    "review": PageCase(lambda: f"/reviews/{_review_pk()}/", MERTON),
    "review-as-at": PageCase(
        lambda: f"/reviews/{_review_pk()}/?as_at=2017-07-06",
        MERTON,
        past_position="Position as at 6 July 2017",
    ),
    "review-invalid-as-at": PageCase(
        lambda: f"/reviews/{_review_pk()}/?as_at=nonsense",
        MERTON,
        status=400,
        error_summary="There is a problem",
    ),
    "review-history": PageCase(lambda: f"/reviews/{_review_pk()}/history/", "History of changes"),
    "recommendations": PageCase(lambda: "/recommendations/", "Recommendations"),
    "recommendations-filtered": PageCase(
        lambda: "/recommendations/?status=achieved", "Recommendations"
    ),
    "recommendations-invalid-filter": PageCase(
        lambda: "/recommendations/?status=nonsense",
        "Recommendations",
        status=400,
        error_summary="There is a problem with the filter",
    ),
    "recommendation": PageCase(
        lambda: f"/recommendations/{_recommendation_pk()}/", "Recommendation 2"
    ),
    "recommendation-as-at": PageCase(
        lambda: f"/recommendations/{_recommendation_pk()}/?as_at=2017-07-05",
        "Recommendation 2",
        past_position="Position as at 5 July 2017",
    ),
    "recommendation-invalid-as-at": PageCase(
        lambda: f"/recommendations/{_recommendation_pk()}/?as_at=31/2/2017",
        "Recommendation 2",
        status=400,
        error_summary="There is a problem",
    ),
    "recommendation-history": PageCase(
        lambda: f"/recommendations/{_recommendation_pk()}/history/", "History of changes"
    ),
    "meetings": PageCase(lambda: "/meetings/", "Meetings"),
    "meeting": PageCase(lambda: f"/meetings/{_meeting_pk()}/", "Meeting of 6 July 2017"),
    "committees": PageCase(lambda: "/committees/", "Committees and bodies"),
    "committee": PageCase(lambda: f"/committees/{_committee_pk()}/", OSC),
    "officers": PageCase(lambda: "/officers/", "Officers and partners' contacts"),
    "partners": PageCase(lambda: "/partners/", "Partner organisations"),
    "councillors": PageCase(lambda: "/councillors/", "Councillors"),
    "officer-history": PageCase(
        lambda: f"/officers/{_officer_pk()}/history/", "History of changes"
    ),
}


def _officer_pk() -> int:
    from reviews.models import Officer

    return Officer.objects.get(name="Ged Curran").pk


def open_signed_in(page, url, case: PageCase, username: str = "councillor"):
    """Sign in through the form straight to the case's page, and check it is that page."""
    path = case.path()
    target = url(path)
    page.goto(url("/accounts/login/?" + urlencode({"next": path})))
    with page.expect_response(
        lambda r: r.request.is_navigation_request() and r.url == target
    ) as landed:
        sign_in_on_current_page(page, username)
    assert landed.value.status == case.status, f"{path}: HTTP {landed.value.status}"
    expect(page).to_have_url(target)
    expect(page.get_by_role("heading", level=1)).to_have_text(case.heading)
    summary = page.locator(".govuk-error-summary")
    if case.error_summary:
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(summary.get_by_role("heading", level=2)).to_have_text(case.error_summary)
    else:
        expect(summary).to_have_count(0)
    banner = page.get_by_role("region", name="Past position")
    if case.past_position:
        expect(banner).to_contain_text(case.past_position)
    else:
        expect(banner).to_have_count(0)
    return page


# --- axe: every page type -------------------------------------------------------------------


def test_axe_helper_reports_violations(page):
    """The helper really runs axe: a page with known faults fails, with a readable list."""
    page.set_content('<html><body><img src="x.png"><a href="#"></a></body></html>')
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page)
    message = str(failure.value)
    for rule in ("image-alt", "html-has-lang", "link-name"):
        assert f"- {rule} (" in message, message
    assert "target: img" in message and '<img src="x.png">' in message, message


@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
def test_axe_signed_in_page(page, url, name):
    open_signed_in(page, url, SIGNED_IN_PAGES[name])
    assert_no_axe_violations(page)
    assert page.js_errors == []


# The sign-in page needs no demonstration data, only the live server.


def test_axe_sign_in_page(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert_no_axe_violations(page)
    assert page.js_errors == []


@pytest.mark.parametrize(
    ("username", "password", "field_errors"),
    [
        pytest.param("councillor", "not-the-password", 0, id="wrong-password"),
        pytest.param("", "", 2, id="nothing-entered"),
    ],
)
def test_axe_sign_in_page_with_errors(page, live_server, username, password, field_errors):
    page.goto(live_server.url + "/accounts/login/")
    sign_in_on_current_page(page, username, password)
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-message")).to_have_count(field_errors)
    assert_no_axe_violations(page)
    assert page.js_errors == []


# --- axe at a phone's width -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "recommendations"])
def test_axe_signed_in_page_on_a_phone(page, url, name):
    page.set_viewport_size(MOBILE)
    open_signed_in(page, url, SIGNED_IN_PAGES[name])
    # GOV.UK Frontend folds the service navigation behind a "Menu" button on a small screen.
    menu_button = page.get_by_role("button", name="Menu")
    expect(menu_button).to_be_visible()
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    assert_no_axe_violations(page)
    # And with the menu open.
    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Meetings")
    ).to_be_visible()
    assert_no_axe_violations(page)
    assert page.js_errors == []


# --- layout: reflow without sideways scrolling or words broken mid-word ---------------------

# Each word (text between spaces, hyphens, slashes and dashes, where a line may break) that
# the browser has split over two lines, and how wide the page is against the window.
_LAYOUT = r"""
() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (element.closest(".govuk-visually-hidden, svg, [hidden]") || !element.checkVisibility()) {
      continue;
    }
    const word = /[^\s\-\/\u2013\u2014]+/g;
    let match;
    while ((match = word.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set(
        [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))
      );
      if (lines.size > 1) {
        const cell = element.closest("th, td");
        broken.push(cell ? `${match[0]} (in "${cell.innerText.trim().slice(0, 40)}")` : match[0]);
      }
    }
  }
  return {broken, pageWidth: document.documentElement.scrollWidth, windowWidth: window.innerWidth};
}
"""


def layout_problems(page) -> list[str]:
    result = page.evaluate(_LAYOUT)
    problems = []
    if result["pageWidth"] > result["windowWidth"]:
        problems.append(
            f"the page is {result['pageWidth']}px wide in a {result['windowWidth']}px window "
            "(it scrolls sideways)"
        )
    if result["broken"]:
        shown = sorted(set(result["broken"]))
        problems.append(
            f"{len(result['broken'])} word(s) broken mid-word over two lines, e.g. "
            + "; ".join(shown[:8])
        )
    return problems


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(("dashboard",), id="dashboard"),
        pytest.param(("recommendations",), id="recommendations"),
        pytest.param(("reviews",), id="reviews"),
        pytest.param(
            ("recommendation", "review", "meeting", "recommendation-history"), id="detail-pages"
        ),
    ],
)
def test_layout_reflows_without_sideways_scrolling_or_broken_words(page, url, names):
    """At a phone's width and a desktop's, nothing overflows and no word is split."""
    problems = {}
    for index, name in enumerate(names):
        page.set_viewport_size(MOBILE)
        if index == 0:
            open_signed_in(page, url, SIGNED_IN_PAGES[name])
        else:
            page.goto(url(SIGNED_IN_PAGES[name].path()))
            expect(page.get_by_role("heading", level=1)).to_have_text(SIGNED_IN_PAGES[name].heading)
        for label, viewport in (("phone", MOBILE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            found = layout_problems(page)
            if found:
                problems[f"{name} ({label}, {viewport['width']}px)"] = found
    assert problems == {}
