"""Browser tests: Playwright (sync API) driving Debian's Chromium against ``live_server``."""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread, so Django sees an async context
# and refuses ORM calls from the test (fixtures, assertions). This is the documented way
# to combine Playwright with pytest-django.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Never let Playwright fetch a browser: there is no internet, and we use Debian's Chromium.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APP_CSS = Path(__file__).resolve().parents[2] / "static" / "build" / "app.css"
TIMEOUT_MS = 10_000

DEMO_PASSWORDS = {
    "officer": "demo-officer-2026",
    "leadofficer": "demo-lead-2026",
    "councillor": "demo-councillor-2026",
    "admin": "demo-admin-2026",
}


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser must carry the browser marker (set by pytestmark)."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents and not item.get_closest_marker(
            "browser"
        ):
            raise pytest.UsageError(
                f"{item.nodeid} is in tests/browser but lacks pytestmark = pytest.mark.browser"
            )


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `apt-get update && apt-get install -y chromium`.",
            pytrace=False,
        )
    if not APP_CSS.exists():
        pytest.fail(
            f"{APP_CSS} is missing: build the front end once with `npm run build`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh context (no cookies) and page for each test."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    # The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) must break no page: a
    # script or style it refused fails the test.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


@pytest.fixture
def live_demo(live_server, transactional_db):
    """The demonstration data in the database the live server reads.

    ``transactional_db`` flushes every table after each test, including the role groups
    that migration reviews/0002 created, so they are put back before loading. The data is
    loaded as ``manage.py load_demo`` loads it: recorded on history as the system user.
    """
    from django.contrib.auth.models import Group

    from recommendations.demo.loader import load_demo
    from scrutiny import roles
    from scrutiny.audit import system_user

    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)
    load_demo(user=system_user())
    return live_server


@pytest.fixture
def url(live_demo):
    """``url("/reviews/")`` -> the absolute address on the live server."""
    return lambda path="/": live_demo.url + path


def sign_in_on_current_page(page, username: str, password: str | None = None) -> None:
    """Fill in and submit the sign-in form the page is showing."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(
        password if password is not None else DEMO_PASSWORDS[username]
    )
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def signed_in(url):
    """``signed_in(page, "councillor")`` signs in through the real form; returns the page."""

    def sign_in(page, username: str, password: str | None = None):
        page.goto(url("/accounts/login/"))
        sign_in_on_current_page(page, username, password)
        from playwright.sync_api import expect

        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        return page

    return sign_in
