"""Every role's main pages in real Chromium, on the demo: at 320 px no page scrolls sideways
(WCAG 1.4.10: wide tables scroll inside a region of their own), the header and footer span
the width, the service navigation is there, and axe-core finds nothing at 320 or 1280 px."""

import io

import pytest
from django.core.management import call_command

from reports.models import Report
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "scrutiny-demo-2016"
REVIEW = "/reviews/cse-scrutiny-review"
POLICE_RECOMMENDATION = 38  # led by West Mercia Police

EVERYONE = ["dashboard", "recommendation", "my agency", "reports", "report preview"]
EVERYONE_AFTER = ["reminders", "password", "help"]
PAGES = {
    "admin": [*EVERYONE, "issue", "sign-off", "people", "security", *EVERYONE_AFTER],
    "clerk": [*EVERYONE, *EVERYONE_AFTER],
    "editor.police": [*EVERYONE, "post an update", *EVERYONE_AFTER],
}


@pytest.fixture
def demo_with_reports(demo):
    call_command("load_demo_reports", stdout=io.StringIO())
    return Report.objects.get(review=demo, as_at__year=2017)


def paths(report):
    preview = f"{REVIEW}/reports/{report.pk}/"
    return {
        "dashboard": f"{REVIEW}/",
        "recommendation": f"{REVIEW}/recommendations/{POLICE_RECOMMENDATION}/",
        "my agency": f"{REVIEW}/my-agency/",
        "reports": f"{REVIEW}/reports/",
        "report preview": preview,
        "issue": f"{preview}issue/",
        "post an update": f"{REVIEW}/recommendations/{POLICE_RECOMMENDATION}/updates/new/",
        "sign-off": f"{REVIEW}/sign-off/",
        "people": "/people/",
        "security": "/security/",
        "reminders": "/account/reminders/",
        "password": "/accounts/password_change/",
        "help": "/help/",
    }


def sign_in_to_demo(page, username):
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


@pytest.mark.parametrize("username", PAGES)
def test_every_main_page_reflows_at_320_px_and_passes_axe_at_both_widths(
    page, demo_with_reports, username
):
    sign_in_to_demo(page, username)
    where = paths(demo_with_reports)
    for name in PAGES[username]:
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(f"{page.base_url}{where[name]}")
            assert response.status == 200, name
            page.locator("h1").first.wait_for()
            assert page.locator("nav[aria-label='Menu']").count() == 1, f"{name}: no menu"
            assert_accessible(page)
            if width == 320:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                assert scroll_width <= 320, f"{name} is {scroll_width} px wide at 320 px"
                for part in ("header", "footer"):
                    box = page.locator(part).first.bounding_box()
                    assert box["width"] == 320, f"{name}: the {part} is {box['width']} px wide"


def test_a_wide_table_scrolls_in_a_focusable_region_named_by_its_caption(page, demo_with_reports):
    sign_in_to_demo(page, "admin")
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(f"{page.base_url}{REVIEW}/")
    region = page.get_by_role("region", name="All recommendations")
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    region.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)  # scrolling by key is smooth, not instant
    assert region.evaluate("element => element.scrollLeft") > 0
