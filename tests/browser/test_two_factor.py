"""Setting up two-factor sign-in in a real browser, by keyboard-friendly, accessible pages."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from tests.accounts.mail_links import last_link
from tests.browser.conftest import PASSWORD, assert_accessible
from tests.conftest import make_user, next_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_password_alone_is_told_to_ask_for_a_set_up_link(page, transactional_db):
    make_user("admin", administrator=True)
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", level=1, name="Ask for a set-up link").wait_for()
    assert page.get_by_role("img", name="QR code for your authenticator app").count() == 0
    assert_accessible(page)


def test_an_administrator_sets_up_an_app_from_a_link_and_keeps_recovery_codes(
    page, transactional_db, settings, live_server
):
    settings.TRACKER_BASE_URL = live_server.url  # a link made away from any page: this site's
    administrator = make_user("admin", administrator=True)
    services.person_two_factor_reset(person=administrator, by=administrator)
    page.goto(last_link(to=administrator.email))
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

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
