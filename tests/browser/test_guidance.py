"""The footer's pages in real Chromium, for someone not signed in: reachable from the
sign-in page, no axe-core violations, and no sideways scroll at 1280 or 320 pixels."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 320])
def test_the_statement_privacy_notice_and_help_read_well_at_any_width(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    for link in ("Accessibility statement", "Privacy notice", "Help for editors"):
        page.goto(f"{page.base_url}/accounts/login/")
        page.locator("footer").get_by_role("link", name=link).click()
        page.get_by_role("heading", level=1).wait_for()
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, link
