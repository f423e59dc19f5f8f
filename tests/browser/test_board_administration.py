"""The board administrator's journeys in real Chromium: import, sign-off, reports.

axe-core checks every page these journeys reach.
"""

import datetime
import re

import pytest

from recommendations.models import Recommendation, Status
from reports.models import Report
from tests.browser.conftest import assert_accessible, loaded_html, sign_in
from tests.conftest import make_agency, make_recommendation, make_review, make_update, make_user
from tests.reports.conftest import make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Number,Short title,Recommendation,Theme,Lead agency,Supporting agencies,Lead officer,Target date\n"


@pytest.fixture
def data(transactional_db):
    review = make_review("cse-review")
    police = make_agency("West Mercia Police", "West Mercia Police")
    claimed = make_recommendation(review, police, number=1, short_title="Disruption tactics")
    editor = make_user("editor.police", agencies=[police])
    make_update(
        claimed,
        editor,
        date=datetime.date(2016, 11, 1),
        status=Status.BLUE,
        evidence_of_impact="40 disruption plans in place.",
    )
    make_user("admin", administrator=True)
    make_report(review)
    return {"review": review}


def upload(page, name, text):
    page.get_by_label("Upload a spreadsheet").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Check the file").click()


def test_the_administrator_imports_recommendations_after_a_failed_first_try(page, data):
    sign_in(page, "admin")
    page.goto(f"{page.base_url}/reviews/cse-review/")
    page.get_by_role("link", name="Import recommendations from a spreadsheet").click()
    page.get_by_role("heading", level=1, name="Import recommendations").wait_for()
    assert_accessible(page)

    upload(
        page, "plan.csv", HEADER + "2,Taxi training,That drivers are trained.,,Fire Service,,,\n"
    )
    page.get_by_role("heading", level=1, name="The file cannot be imported").wait_for()
    assert "“Fire Service” is not a known agency" in loaded_html(page)
    assert_accessible(page)

    page.get_by_role("button", name="Upload a corrected file").click()
    upload(
        page,
        "plan.csv",
        HEADER + "2,Taxi training,That drivers are trained.,,West Mercia Police,,,31/03/2017\n",
    )
    page.get_by_role("heading", level=1, name="Check before saving").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Save 1 change").click()

    page.get_by_text("Import saved: 1 created, 0 changed.").wait_for()
    assert Recommendation.objects.get(number=2).target_date == datetime.date(2017, 3, 31)


def test_the_administrator_signs_off_a_completion(page, data):
    sign_in(page, "admin")
    page.goto(f"{page.base_url}/reviews/cse-review/recommendations/1/")
    page.get_by_text("Awaiting sign-off").first.wait_for()
    page.get_by_role("button", name="Sign off or return this completion").click()
    page.get_by_role("heading", level=1, name="Sign off or return this completion").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Record the decision").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)

    page.get_by_label("Signed off").check()
    page.get_by_label("Note").fill("Audit of the 40 plans seen by the Board.")
    page.get_by_role("button", name="Record the decision").click()

    page.get_by_role("heading", name="Completion signed off by the board").wait_for()
    assert "Awaiting sign-off" not in loaded_html(page)
    assert_accessible(page)


def test_reports_reminders_and_upload_pages_pass_axe(page, data):
    sign_in(page, "admin")
    page.wait_for_url(re.compile(r"/reviews/cse-review/$"))
    report = Report.objects.get()
    for path, heading in [
        ("/reviews/cse-review/reports/", None),
        (f"/reviews/cse-review/reports/{report.pk}/", None),
        (f"/reviews/cse-review/reports/{report.pk}/issue/", None),
        ("/reviews/cse-review/my-agency/upload/", "Upload progress updates"),
        ("/account/reminders/", "Reminder e-mails"),
    ]:
        page.goto(f"{page.base_url}{path}")
        page.get_by_role("heading", level=1, name=heading).wait_for() if heading else page.locator(
            "h1"
        ).wait_for()
        assert_accessible(page)
