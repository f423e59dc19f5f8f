"""The board's people in real Chromium: an invitation, a two-factor reset and a forgotten
password, each from the e-mail it sends. axe-core checks every page these journeys reach."""

import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from recommendations.models import ProgressUpdate
from tests.accounts.mail_links import last_link
from tests.browser.conftest import assert_accessible, loaded_html, new_page, sign_in
from tests.conftest import make_agency, make_recommendation, make_review, make_user, next_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EDITOR_PASSWORD = "blue kettle on a quiet hill"
NEW_PASSWORD = "seven lanterns over the river"


@pytest.fixture
def data(transactional_db):
    review = make_review("cse-review")
    police = make_agency("West Mercia Police", "West Mercia Police")
    make_recommendation(review, police, number=1, short_title="Disruption tactics")
    make_user("admin", administrator=True)
    return {"review": review, "police": police}


@pytest.fixture
def second_page(chromium, live_server):
    """Another browser, with its own cookies: the invited person's."""
    page = new_page(chromium, live_server.url)
    yield page
    page.context.close()


def set_up_app(page, user):
    """On the set-up page: the app shows a code for the key; recovery codes follow."""
    page.get_by_role("heading", level=1, name="Set up two-factor sign-in").wait_for()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code", exact=True).fill(next_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", level=1, name="Your recovery codes").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="I have kept my recovery codes").click()
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_an_invited_editor_sets_up_posts_is_reset_and_resets_a_forgotten_password(
    page, second_page, data
):
    # The administrator invites the new police lead.
    sign_in(page, "admin")
    page.wait_for_url(re.compile(r"/reviews/cse-review/$"))
    page.get_by_role("link", name="People").click()
    page.get_by_role("heading", level=1, name="People").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_role("heading", level=1, name="Invite a person").wait_for()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Dana Price")
    page.get_by_label("E-mail address").fill("dana.price@example.org")
    page.get_by_label("Editor", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Choose at least one agency for an editor" in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("West Mercia Police").check()
    page.get_by_role("button", name="Send invitation").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    assert "Invitation sent to dana.price@example.org" in loaded_html(page)
    assert "Invitations not yet accepted" in loaded_html(page)
    assert_accessible(page)
    editor = get_user_model().objects.get(email="dana.price@example.org")

    # The editor opens the e-mailed link, chooses a password and sets up the app.
    editor_page = second_page
    editor_page.goto(last_link(to="dana.price@example.org"))
    editor_page.get_by_role("heading", level=1, name="Choose your password").wait_for()
    assert_accessible(editor_page)
    editor_page.get_by_label("Choose a password").fill(EDITOR_PASSWORD)
    editor_page.get_by_label("Type the password again").fill(EDITOR_PASSWORD)
    editor_page.get_by_role("button", name="Continue").click()
    set_up_app(editor_page, editor)

    # ...and posts an update.
    editor_page.wait_for_url(re.compile(r"/reviews/cse-review/my-agency/$"))
    editor_page.get_by_role("link", name="Disruption tactics").first.click()
    editor_page.get_by_role("button", name="Post a progress update").click()
    editor_page.get_by_role("heading", level=1, name="Post a progress update").wait_for()
    editor_page.get_by_label("Green (on track)").check()
    editor_page.get_by_label("Narrative", exact=True).fill("Disruption plans agreed.")
    editor_page.get_by_role("button", name="Post update").click()
    editor_page.locator(".govuk-notification-banner--success").wait_for()
    assert ProgressUpdate.objects.get().author == editor
    assert_accessible(editor_page)

    # The editor loses their phone: the administrator resets their two-factor sign-in.
    page.goto(f"{page.base_url}/people/")
    page.get_by_role("link", name="Dana Price").click()
    page.get_by_role("heading", level=1, name="Dana Price").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert_accessible(page)

    # The editor sets it up again from the new link, with their password.
    editor_page.goto(last_link(to="dana.price@example.org"))
    editor_page.get_by_role("heading", level=1, name="Set up two-factor sign-in again").wait_for()
    assert_accessible(editor_page)
    editor_page.get_by_label("Your password").fill(EDITOR_PASSWORD)
    editor_page.get_by_role("button", name="Continue").click()
    device = set_up_app(editor_page, editor)

    # Later they forget their password, and reset it by e-mail.
    editor_page.context.clear_cookies()
    editor_page.goto(f"{editor_page.base_url}/accounts/login/")
    editor_page.get_by_role("link", name="Reset it by e-mail").click()
    editor_page.get_by_role("heading", level=1, name="Reset your password").wait_for()
    assert_accessible(editor_page)
    editor_page.get_by_label("Email").fill("dana.price@example.org")
    editor_page.get_by_role("button", name="Send the link").click()
    editor_page.get_by_role("heading", level=1, name="Check your e-mail").wait_for()
    assert_accessible(editor_page)
    editor_page.goto(last_link(to="dana.price@example.org"))
    editor_page.get_by_role("heading", level=1, name="Choose a new password").wait_for()
    assert_accessible(editor_page)
    editor_page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    editor_page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    editor_page.get_by_role("button", name="Change password").click()
    editor_page.get_by_role("heading", level=1, name="Password changed").wait_for()
    assert_accessible(editor_page)
    editor_page.get_by_role("link", name="Sign in").click()
    editor_page.get_by_label("Username").fill("dana.price@example.org")
    editor_page.get_by_label("Password").fill(NEW_PASSWORD)
    editor_page.get_by_role("button", name="Sign in").click()
    # Two-factor is still asked for after the reset.
    editor_page.get_by_role("heading", level=1, name="Enter your sign-in code").wait_for()
    editor_page.get_by_label("Code", exact=True).fill(next_code(device))
    editor_page.get_by_role("button", name="Continue").click()
    editor_page.wait_for_url(re.compile(r"/reviews/cse-review/my-agency/$"))


def test_the_administrator_adds_and_renames_an_agency(page, data):
    sign_in(page, "admin")
    page.goto(f"{page.base_url}/agencies/")
    page.get_by_role("heading", level=1, name="Partner agencies").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Add an agency").click()
    page.get_by_label("Full name").fill("Shropshire Fire and Rescue")
    page.get_by_label("Short name").fill("West Mercia Police")
    page.get_by_role("button", name="Add agency").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "Another agency already has this short name" in loaded_html(page)
    assert_accessible(page)
    page.get_by_label("Short name").fill("SFRS")
    page.get_by_role("button", name="Add agency").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    page.get_by_role("link", name="Rename Shropshire Fire and Rescue").click()
    page.get_by_label("Full name").fill("Shropshire Fire & Rescue Service")
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    assert "Shropshire Fire &amp; Rescue Service" in loaded_html(page)
    assert_accessible(page)
