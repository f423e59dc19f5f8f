"""An editor keeps progress current in a real browser; a reader cannot change it.

axe-core checks every page these journeys reach.
"""

import datetime
import re

import pytest
from django.utils import timezone

from recommendations.models import ProgressUpdate, Status
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_agency, make_recommendation, make_review, make_update, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(transactional_db):
    review = make_review("cse-review")
    police = make_agency("West Mercia Police", "West Mercia Police")
    council = make_agency("Council", "Telford & Wrekin Council")
    disruption = make_recommendation(
        review, police, number=1, short_title="Disruption tactics", supporting_agencies=[council]
    )
    taxi = make_recommendation(review, council, number=2, short_title="Taxi driver training")
    editor = make_user("editor.police", agencies=[police])
    council_editor = make_user("editor.council", agencies=[council])
    make_update(
        taxi,
        council_editor,
        date=timezone.localdate() - datetime.timedelta(days=10),
        status=Status.GREEN,
    )
    make_user("clerk")
    return {"review": review, "disruption": disruption, "taxi": taxi, "editor": editor}


def test_an_editor_posts_corrects_and_sees_progress(page, data):
    sign_in(page, "editor.police")

    # Editors land on what their agency owes; the dashboard is one link away.
    page.wait_for_url(re.compile(r"/reviews/cse-review/my-agency/$"))
    page.get_by_role("link", name="Dashboard").first.click()

    # The dashboard, filtered to the editor's agency: a link that can be shared.
    page.wait_for_url(re.compile(r"/reviews/cse-review/$"))
    assert_accessible(page)
    page.get_by_label("Only recommendations my agency owns").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"mine=1"))
    table = page.locator("table.app-dashboard")
    assert table.get_by_role("link", name="Disruption tactics").is_visible()
    assert table.get_by_role("link", name="Taxi driver training").count() == 0
    assert_accessible(page)

    table.get_by_role("link", name="Disruption tactics").click()
    page.get_by_role("heading", level=1, name="Disruption tactics").wait_for()
    assert_accessible(page)

    # A mistake: no narrative. The error summary says so and nothing is saved.
    page.get_by_role("button", name="Post a progress update").click()
    page.get_by_role("heading", level=1, name="Post a progress update").wait_for()
    assert_accessible(page)
    page.get_by_label("Amber (at risk)").check()
    page.get_by_label("Evidence of impact (optional)").fill("Two operations disrupted.")
    page.get_by_role("button", name="Post update").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter a narrative of what has been done" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert ProgressUpdate.objects.filter(recommendation=data["disruption"]).count() == 0
    assert_accessible(page)

    # The error summary links to the field; the answer is typed and posted by keyboard.
    summary.get_by_role("link", name="Enter a narrative of what has been done").click()
    narrative = page.get_by_label("Narrative", exact=True)
    assert narrative.evaluate("element => element === document.activeElement")
    page.keyboard.type("Disruption plans agreed for 3 known perpetrators.")
    page.get_by_role("button", name="Post update").focus()
    page.keyboard.press("Enter")

    banner = page.locator(".govuk-notification-banner--success")
    banner.wait_for()
    assert "Your progress update has been posted." in banner.inner_text()
    first = page.locator(".app-timeline__item").first
    assert "Disruption plans agreed for 3 known perpetrators." in first.inner_text()
    assert "Amber (at risk)" in first.inner_text()
    assert_accessible(page)

    # A correction: the status was in fact Green. It shows, and the history keeps both.
    page.get_by_role("link", name=re.compile("Correct this update")).click()
    page.get_by_role("heading", level=1, name=re.compile("Correct the update")).wait_for()
    assert_accessible(page)
    page.get_by_label("Green (on track)").check()
    page.get_by_role("button", name="Save correction").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    assert "Green (on track)" in page.locator(".app-timeline__item").first.inner_text()
    history = page.locator(".app-history").inner_text()
    assert "Amber (at risk)" in history and "Green (on track)" in history
    assert_accessible(page)

    # Its new status on the dashboard.
    page.get_by_role("link", name="Dashboard").first.click()
    row = page.locator("#recommendation-1")
    row.wait_for()
    assert "Green (on track)" in row.inner_text()

    # The agency's own page.
    page.get_by_role("link", name="My agency").click()
    page.get_by_role("heading", level=1, name="My agency").wait_for()
    assert_accessible(page)


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, data):
    sign_in(page, "editor.police")
    page.wait_for_url(re.compile(r"/reviews/cse-review/my-agency/$"))

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main-content"


def test_a_reader_sees_no_way_to_post_and_is_refused_if_they_try(page, data):
    make_update(
        data["disruption"],
        data["editor"],
        date=timezone.localdate() - datetime.timedelta(days=3),
        narrative="Position agreed.",
    )
    sign_in(page, "clerk")
    page.wait_for_url(re.compile(r"/reviews/cse-review/$"))
    assert_accessible(page)
    assert page.get_by_label("Only recommendations my agency owns").count() == 0

    page.get_by_role("link", name="Disruption tactics").click()
    page.get_by_role("heading", level=1, name="Disruption tactics").wait_for()
    assert page.get_by_text("Position agreed.").is_visible()
    assert page.get_by_role("button", name="Post a progress update").count() == 0
    assert page.get_by_role("link", name=re.compile("Correct this update")).count() == 0
    assert_accessible(page)

    response = page.goto(f"{page.base_url}/reviews/cse-review/recommendations/1/updates/new/")
    assert response.status == 403
    page.get_by_role("heading", level=1, name="You cannot do this").wait_for()
    assert_accessible(page)
    assert ProgressUpdate.objects.count() == 2


def test_signing_out_returns_to_the_sign_in_page(page, data):
    sign_in(page, "clerk")
    page.wait_for_url(re.compile(r"/reviews/cse-review/$"))

    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("heading", level=1, name="Sign in").wait_for()
    assert page.url.endswith("/accounts/login/")


def test_two_people_correcting_the_same_update_lose_nothing(page, data):
    from recommendations import services

    update = make_update(
        data["disruption"],
        data["editor"],
        date=timezone.localdate() - datetime.timedelta(days=3),
        narrative="First wording.",
    )
    sign_in(page, "editor.police")
    page.wait_for_url(re.compile(r"/reviews/cse-review/my-agency/$"))
    page.goto(f"{page.base_url}/updates/{update.pk}/correct/")
    page.get_by_label("Narrative", exact=True).fill("The editor's wording.")
    # Meanwhile, the board administrator corrects the same update.
    services.progress_update_correct(
        update=update,
        user=make_user("admin", administrator=True),
        expected_version=1,
        date=update.date,
        status=Status.RED,
        narrative="The administrator's wording.",
    )

    page.get_by_role("button", name="Save correction").click()

    page.locator("#changed-meanwhile").wait_for()
    changed = page.locator("#changed-meanwhile").inner_text()
    assert "The administrator's wording." in changed and "Red (off track)" in changed
    assert page.get_by_label("Narrative", exact=True).input_value() == "The editor's wording."
    update.refresh_from_db()
    assert update.narrative == "The administrator's wording."
    assert_accessible(page)


def test_the_remaining_pages_pass_axe(page, data):
    make_review("second-review", title="Review of missing children")
    sign_in(page, "clerk")
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("heading", level=1, name="Reviews").wait_for()
    assert_accessible(page)

    for path, heading in [
        (
            "/reviews/cse-review/?status=purple&q=taxi",
            "Scrutiny Review of Child Sexual Exploitation",
        ),
        ("/reviews/cse-review/my-agency/", "My agency"),
        ("/accounts/password_change/", "Change your password"),
        ("/reviews/cse-review/recommendations/99/", "Page not found"),
    ]:
        page.goto(f"{page.base_url}{path}")
        page.get_by_role("heading", level=1, name=heading).wait_for()
        assert_accessible(page)

    page.goto(f"{page.base_url}/accounts/password_change/")
    page.get_by_role("button", name="Change password").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
