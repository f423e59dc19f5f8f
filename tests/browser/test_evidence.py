"""Evidence documents in real Chromium, on `make run`'s own set-up: an editor attaches a PDF
to an update, the administrator and a clerk download it, and a browser that is not signed
in gets the sign-in page instead. axe-core checks the pages on the way."""

import re

import pytest

from tests.browser.conftest import assert_accessible, new_page
from tests.browser.test_reporting_cycle import POLICE_RECOMMENDATION, REVIEW, person
from tests.evidence.conftest import pdf_bytes
from tests.stack import Stack

pytestmark = pytest.mark.browser

TITLE = "Q4 report to the Board"


def test_an_editor_attaches_a_pdf_that_the_board_and_a_clerk_download(chromium, tmp_path):
    data = pdf_bytes(2)
    (tmp_path / "q4-report.pdf").write_bytes(data)
    stack = Stack(tmp_path)
    stack.env["EVIDENCE_ROOT"] = str(tmp_path / "evidence")  # not the checkout's var/
    with stack:
        recommendation = f"{stack.url}/reviews/{REVIEW}/recommendations/{POLICE_RECOMMENDATION}/"

        # West Mercia Police's editor attaches the PDF to its latest update.
        editor = person(chromium, stack, "editor.police")
        editor.goto(recommendation)
        editor.get_by_role(
            "link", name=re.compile(r"^Add evidence to the update of 28 April 2017")
        ).click()
        editor.get_by_role("heading", level=1, name="Add evidence").wait_for()
        assert_accessible(editor)
        editor.get_by_role("button", name="Attach evidence").click()  # nothing chosen
        editor.get_by_text("There is a problem").wait_for()
        assert_accessible(editor)
        editor.locator("#id_title_1").fill(TITLE)
        editor.locator("#id_file_1").set_input_files(str(tmp_path / "q4-report.pdf"))
        editor.get_by_role("button", name="Attach evidence").click()
        editor.get_by_text(f"Evidence attached: “{TITLE}”.").wait_for()
        link = re.compile(rf"^{re.escape(TITLE)} \(PDF, ")
        editor.get_by_role("link", name=link).wait_for()
        assert_accessible(editor)

        # The administrator opens it from the recommendation's page.
        admin = person(chromium, stack, "admin")
        admin.goto(recommendation)
        with admin.expect_download() as download:
            admin.get_by_role("link", name=link).click()
        assert download.value.suggested_filename == "q4-report.pdf"
        assert open(download.value.path(), "rb").read() == data

        # The clerk (a reader) downloads it too.
        clerk = person(chromium, stack, "clerk")
        clerk.goto(recommendation)
        assert clerk.get_by_role("link", name=re.compile("^Add evidence")).count() == 0
        with clerk.expect_download() as download:
            clerk.get_by_role("link", name=link).click()
        assert open(download.value.path(), "rb").read() == data
        address = clerk.get_by_role("link", name=link).get_attribute("href")

        # A browser that is not signed in gets the sign-in page, not the file.
        anonymous = new_page(chromium, stack.url, timeout=20_000)
        response = anonymous.goto(f"{stack.url}{address}")
        assert response.headers["content-type"].startswith("text/html")
        anonymous.get_by_role("button", name="Sign in").wait_for()
        assert "/accounts/login/" in anonymous.url

        assert [path.read_bytes() for path in (tmp_path / "evidence").rglob("*.pdf")] == [data]
        assert "Traceback" not in stack.log("server")
