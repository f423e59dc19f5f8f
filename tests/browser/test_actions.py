"""Actions in real Chromium: the administrator adds an action to a recommendation, its owning
agency's editor posts an update of it, the recommendation's page shows the roll-up, and the
report's preview lists the action under its recommendation. axe-core checks each page."""

import re

import pytest
from django.utils import timezone

from recommendations.models import ActionUpdate
from reports.models import ReportKind
from tests.browser.conftest import assert_accessible, loaded_html, new_page, sign_in
from tests.conftest import make_agency, make_recommendation, make_review, make_user
from tests.reports.conftest import make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(transactional_db):
    review = make_review("inquiry")
    police = make_agency("West Mercia Police", "West Mercia Police")
    council = make_agency("Council", "Telford & Wrekin Council")
    recommendation = make_recommendation(
        review, police, number=12, short_title="Licensed drivers", supporting_agencies=[council]
    )
    make_user("admin", administrator=True)
    make_user("editor.council", agencies=[council])
    report = make_report(review, kind=ReportKind.FULL, as_at=timezone.localdate())
    return {"review": review, "recommendation": recommendation, "report": report}


def test_an_action_is_added_updated_rolled_up_and_previewed(chromium, live_server, page, data):
    detail = f"{live_server.url}/reviews/inquiry/recommendations/12/"

    # The administrator breaks recommendation 12 down: action 12.1, owned by the council.
    sign_in(page, "admin")
    page.goto(detail)
    page.get_by_role("link", name="Add an action to recommendation 12").click()
    page.get_by_role("heading", level=1, name="Add an action").wait_for()
    assert page.get_by_label("Number").input_value() == "12.1"
    assert_accessible(page)
    page.get_by_label("Action", exact=True).fill("Brief every licensed taxi driver on CSE.")
    page.get_by_label("Owning agency").select_option(label="Telford & Wrekin Council")
    page.locator("#id_target_date_day").fill("31")
    page.locator("#id_target_date_month").fill("3")
    page.locator("#id_target_date_year").fill(str(timezone.localdate().year + 1))
    page.get_by_role("button", name="Add the action").click()
    page.get_by_text("Action 12.1 has been added.").wait_for()
    actions = page.locator("table.app-actions")
    assert "Brief every licensed taxi driver on CSE." in actions.inner_text()
    assert "Not started" in actions.inner_text()
    assert_accessible(page)

    # The council's editor posts an update of it.
    editor = new_page(chromium, live_server.url)
    try:
        sign_in(editor, "editor.council")
        editor.goto(detail)
        editor.get_by_role("link", name="Post an update of action 12.1").click()
        editor.get_by_role("heading", level=1, name="Post an update of action 12.1").wait_for()
        assert_accessible(editor)
        editor.get_by_label("Green (on track)").check()
        editor.get_by_label("Narrative").fill("180 of 212 drivers briefed.")
        editor.get_by_role("button", name="Post update").click()
        editor.get_by_text("Your update of action 12.1 has been posted.").wait_for()
        editor.wait_for_url(re.compile(r"/recommendations/12/#action-\d+$"))

        # The page shows the roll-up; the recommendation's status is still its own.
        assert "Of the 1 action: 1 on track." in loaded_html(editor)
        rollup = editor.locator(".app-action-rollup")
        assert re.search(r"Green \(on track\)\s+1 action\b", rollup.inner_text())
        assert "Current status" in editor.inner_text("main")
        assert_accessible(editor)
    finally:
        editor.context.close()
    assert ActionUpdate.objects.get().status == "green"

    # The report's preview lists the action under recommendation 12, and counts it.
    page.goto(f"{live_server.url}/reviews/inquiry/reports/{data['report'].pk}/")
    main = " ".join(page.locator("main").inner_text().split())
    assert "delivered through 1 action" in main
    assert "Actions as at" in main
    assert "12.1 Brief every licensed taxi driver on CSE." in main
    assert_accessible(page)
