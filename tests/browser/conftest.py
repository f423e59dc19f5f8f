"""Real Chromium (Debian's, never a downloaded one) driven by Playwright against a live server.

Where Chromium is missing the browser tests are skipped with a message saying so, except
when REQUIRE_BROWSER=1 (CI): then a missing browser is a failure, so that the tests can
never silently stop running.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
PASSWORD = "a-long-test-password"


def _unavailable(reason):
    message = (
        f"Browser tests need Chromium: {reason}. Install Debian's chromium "
        "(apt-get install chromium) or set CHROMIUM_PATH."
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} REQUIRE_BROWSER=1 is set, so this is a failure.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(
        CHROMIUM
    ):
        _unavailable(f"no executable at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    # Playwright's sync API runs an event loop in this thread; the test's own database
    # set-up is synchronous and safe, so Django's async guard is relaxed for these tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            except Exception as error:  # the binary exists but cannot start here
                _unavailable(f"{CHROMIUM} did not start ({error})")
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server):
    page = new_page(chromium, live_server.url)
    yield page
    page.context.close()


def new_page(chromium, base_url, *, timeout=10_000):
    """A page in a browser context of its own (its own cookies), at 1280 px, en-GB."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(timeout)
    page.base_url = base_url
    return page


def loaded_html(page):
    """The page's HTML once the whole document has arrived. A banner or heading near the top
    shows while the rest of a long page is still coming, so waiting for it is not enough."""
    page.wait_for_load_state("load")
    return page.content()


def assert_accessible(page):
    """axe-core finds no violation on the whole page (all rules axe runs by default)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def sign_in(page, username):
    page.goto(f"{page.base_url}/accounts/login/")
    assert_accessible(page)
    sign_in_here(page, username)


def sign_in_here(page, username):
    """Sign in on the sign-in page shown; editors and administrators then type their code."""
    from django.contrib.auth import get_user_model

    from accounts.two_factor import required
    from tests.conftest import enrol_second_factor, next_code

    user = get_user_model().objects.get(username=username)
    device = enrol_second_factor(user) if required(user) else None
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.get_by_role("heading", level=1, name="Enter your sign-in code").wait_for()
        page.get_by_label("Code", exact=True).fill(next_code(device))
        page.get_by_role("button", name="Continue").click()
