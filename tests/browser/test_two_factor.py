"""Setting up two-factor sign-in in a real browser, by keyboard-friendly, accessible pages."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import PASSWORD, assert_accessible
from tests.conftest import make_user, next_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sets_up_an_app_and_keeps_recovery_codes(page, transactional_db):
    administrator = make_user("admin", administrator=True)
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", level=1, name="Set up two-factor sign-in").wait_for()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    key = page.locator(".app-setup-key").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", key), "the key, as text, for typing into an app"
    assert_accessible(page)

    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Confirm").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)

    device = TOTPDevice.objects.get(user=administrator)
    device.throttle_reset()  # a second has passed
    page.get_by_label("Code", exact=True).fill(next_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", level=1, name="Your recovery codes").wait_for()
    assert page.locator(".app-recovery-codes li").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="I have kept my recovery codes").click()
    page.wait_for_url(re.compile(r"/$"))
