"""What an editor types is not lost when their session ends before they post it."""

import re

import pytest
from django.contrib.sessions.models import Session

from recommendations.models import ProgressUpdate
from tests.browser.conftest import assert_accessible, sign_in, sign_in_here
from tests.browser.test_progress_journey import data  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARRATIVE = "Disruption plans agreed for 3 known perpetrators; hotel checks in place."


def test_text_typed_before_the_session_expired_is_back_after_signing_in_again(page, data):  # noqa: F811
    sign_in(page, "editor.police")
    page.wait_for_url(re.compile(r"/reviews/cse-review/my-agency/$"))
    form_url = f"{page.base_url}/reviews/cse-review/recommendations/1/updates/new/"
    page.goto(form_url)
    page.get_by_label("Amber (at risk)").check()
    page.get_by_label("Narrative", exact=True).fill(NARRATIVE)
    page.get_by_label("Evidence of impact (optional)").fill("Two operations disrupted.")

    # The session ends on the server (30 minutes without a request) while they write.
    Session.objects.all().delete()
    page.get_by_role("button", name="Post update").click()

    page.get_by_role("heading", level=1, name="Sign in").wait_for()
    assert not ProgressUpdate.objects.filter(recommendation=data["disruption"]).exists()
    sign_in_here(page, "editor.police")

    page.wait_for_url(form_url)
    assert page.get_by_label("Narrative", exact=True).input_value() == NARRATIVE
    assert page.get_by_label("Amber (at risk)").is_checked()
    assert page.get_by_label("Evidence of impact (optional)").input_value() == (
        "Two operations disrupted."
    )
    assert "put back what you typed" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Post update").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    assert ProgressUpdate.objects.get(recommendation=data["disruption"]).narrative == NARRATIVE

    # Posted: the draft is gone, and the form starts empty again.
    page.goto(form_url)
    assert page.get_by_label("Narrative", exact=True).input_value() == ""
    assert page.locator("[data-draft-restored]").count() == 0


def test_a_draft_is_dropped_on_cancel(page, data):  # noqa: F811
    sign_in(page, "editor.police")
    page.wait_for_url(re.compile(r"/reviews/cse-review/my-agency/$"))
    form_url = f"{page.base_url}/reviews/cse-review/recommendations/1/updates/new/"
    page.goto(form_url)
    page.get_by_label("Narrative", exact=True).fill("Half a thought.")

    page.goto(f"{page.base_url}/reviews/cse-review/")
    page.goto(form_url)
    assert page.get_by_label("Narrative", exact=True).input_value() == "Half a thought."
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("heading", level=1, name="Disruption tactics").wait_for()
    page.goto(form_url)
    assert page.get_by_label("Narrative", exact=True).input_value() == ""
