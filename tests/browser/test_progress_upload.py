"""An editor uploads several updates at once in real Chromium, one row of them bad: they see
the row's problem, choose to save the valid rows and skip it, and are told what happened.

axe-core checks the upload page, the preview with its error and the result.
"""

import datetime

import pytest

from recommendations.models import ProgressUpdate
from tests.browser.conftest import assert_accessible, loaded_html, sign_in
from tests.conftest import make_agency, make_recommendation, make_review, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = (
    "Number,Last update,Status,Latest narrative,Evidence of impact\n"
    "1,15/12/2016,Green,Training delivered to 40 staff.,40 staff trained\n"
    "2,15/12/2016,Purple,Protocol signed.,\n"
    "3,15/12/2016,Amber,Audit started.,\n"
)


@pytest.fixture
def data(transactional_db):
    review = make_review("cse-review")
    police = make_agency("West Mercia Police", "West Mercia Police")
    for number in (1, 2, 3):
        make_recommendation(review, police, number=number)
    make_user("editor.police", agencies=[police])
    return review


def test_an_editor_saves_the_valid_rows_and_skips_the_bad_one(page, data):
    sign_in(page, "editor.police")
    page.goto(f"{page.base_url}/reviews/cse-review/my-agency/upload/")
    page.get_by_role("heading", level=1, name="Upload progress updates").wait_for()
    assert_accessible(page)

    page.get_by_label("Upload a spreadsheet").set_input_files(
        {"name": "progress.csv", "mimeType": "text/csv", "buffer": FILE.encode()}
    )
    page.get_by_role("button", name="Check the file").click()

    page.get_by_role("heading", level=1, name="The file cannot be imported").wait_for()
    html = loaded_html(page)
    assert "“Purple” is not a status" in html
    assert "nothing has been saved" in html
    assert_accessible(page)
    page.get_by_role("button", name="Save the 2 valid updates and skip the 1 row listed").click()

    page.get_by_text(
        "Import saved: 2 progress updates recorded, 1 row skipped. Row 3 had errors and was "
        "not saved: correct it and upload it again."
    ).wait_for()
    assert_accessible(page)
    assert sorted((u.recommendation.number, u.date) for u in ProgressUpdate.objects.all()) == [
        (1, datetime.date(2016, 12, 15)),
        (3, datetime.date(2016, 12, 15)),
    ]
