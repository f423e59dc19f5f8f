"""A board imports a council's own tracker, in its own layout, in real Chromium.

On `make run`'s own set-up (the demo loaded, a new review added), the administrator uploads
the council's .xlsx tracker (two title rows, its own headings, references and status
words), matches its columns and words to ours, ticks the one agency the tracker does not
have, confirms, and sees the recommendations with their references. axe-core checks the
mapping page and the preview.
"""

import datetime
import io
import re

import pytest
from openpyxl import Workbook

from tests.browser.conftest import assert_accessible
from tests.browser.test_reporting_cycle import person
from tests.spreadsheets.test_mapping import HEADINGS, ROWS, TITLE
from tests.stack import Stack

pytestmark = pytest.mark.browser

REVIEW = "council-review"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The demo's agencies, by the names the council's tracker gives them.
AGENCIES = {"Telford & Wrekin Council": "TWC Licensing"}


def tracker_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.append(["Updated for the committee"])
    sheet.append(HEADINGS)
    for row in ROWS:
        sheet.append([AGENCIES.get(value, value) for value in row])
    sheet.merge_cells("A1:I1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_administrator_imports_a_council_tracker_in_its_own_layout(chromium, tmp_path):
    today = datetime.date.today()
    as_at = today - datetime.timedelta(days=7)
    with Stack(tmp_path) as stack:
        stack.manage(
            "shell",
            "-c",
            "import datetime; from tests.conftest import make_review; "
            f"make_review(slug='{REVIEW}', title='Scrutiny Review of Child Exploitation', "
            "publication_date=datetime.date.today() - datetime.timedelta(days=365))",
        )
        admin = person(chromium, stack, "admin")
        admin.goto(f"{stack.url}/reviews/{REVIEW}/import/")
        admin.get_by_label("Upload a spreadsheet").set_input_files(
            {"name": "council-tracker.xlsx", "mimeType": XLSX, "buffer": tracker_xlsx()}
        )
        admin.get_by_role("button", name="Check the file").click()

        # The mapping page: the headings found on row 3, below the titles.
        admin.get_by_role("heading", level=1, name="Match the columns of your file").wait_for()
        assert admin.get_by_label("Which row holds the column headings?").input_value() == "3"
        assert_accessible(admin)
        for question, column in (
            ("Reference or number", "0"),
            ("Recommendation text", "4"),
            ("Theme or area", "3"),
            ("Lead agency", "6"),
            ("Lead officer (optional)", ""),
            ("Target date", "5"),
            ("Status", "8"),
            ("Latest progress (optional)", "7"),
        ):
            admin.get_by_label(question, exact=True).select_option(column)
        for word, status in (
            ("Complete", "Blue (complete)"),
            ("Ongoing", "Green (on track)"),
            ("Paused", "Amber (at risk)"),
            ("Not started", "Not started"),
        ):
            admin.get_by_label(word, exact=True).select_option(label=status)
        admin.locator("#id_as_at_day").fill(str(as_at.day))
        admin.locator("#id_as_at_month").fill(str(as_at.month))
        admin.locator("#id_as_at_year").fill(str(as_at.year))
        admin.get_by_role("button", name="Check the import").click()

        # The preview: what will be created and recorded, and the agency to create.
        admin.get_by_role("heading", level=1, name="Check before saving").wait_for()
        main = " ".join(admin.locator("main").inner_text().split())
        assert "5 to create, 0 to change, 0 unchanged, 4 progress updates to record" in main
        assert "SR (25/26) 03" in main
        assert_accessible(admin)
        admin.get_by_label("Create “Director of Public Health”").check()
        admin.get_by_role("button", name=re.compile(r"^Save \d+ changes")).click()

        # The dashboard: the recommendations, each with its reference beside its number.
        admin.get_by_text(
            "Import saved: 5 created, 0 changed, 4 progress updates recorded."
        ).wait_for()
        assert admin.url.rstrip("/").endswith(f"/reviews/{REVIEW}")
        table = " ".join(admin.locator("table.app-dashboard").inner_text().split())
        for number in range(1, 6):
            assert f"{number} SR (25/26) 0{number}" in table
        assert "Blue (complete)" in table and "Amber (at risk)" in table
        assert_accessible(admin)

        log = stack.log("server")
        assert "Traceback" not in log
