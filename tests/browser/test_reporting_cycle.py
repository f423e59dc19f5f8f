"""A board runs its next reporting cycle in real Chromium, on `make run`'s own set-up.

The development server and the report worker run as separate processes on one database
(SQLite, or PostgreSQL when the tests run there), with the demo loaded. The administrator
schedules the next interim report; the editors are reminded; an editor claims completion;
the administrator returns the claim; the editor sees it and posts again; the administrator
signs off and issues; the clerk downloads the PDF; an editor's back-dated update into the
issued period is refused. axe-core checks every page on the way.
"""

import datetime
import re

import pytest

from tests.browser.conftest import assert_accessible, loaded_html, new_page
from tests.reports.conftest import pdf_pages
from tests.stack import Stack

pytestmark = pytest.mark.browser

PASSWORD = "scrutiny-demo-2016"
REVIEW = "cse-scrutiny-review"
POLICE_RECOMMENDATION = 38  # led by West Mercia Police, on track at the end of the demo


def person(chromium, stack, username):
    """A browser of one's own, signed in."""
    page = new_page(chromium, stack.url, timeout=20_000)
    page.goto(f"{stack.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    return page


def fill_date(page, name, date):
    page.locator(f"#id_{name}_day").fill(str(date.day))
    page.locator(f"#id_{name}_month").fill(str(date.month))
    page.locator(f"#id_{name}_year").fill(str(date.year))


def post_update(page, stack, *, status, narrative, date=None):
    page.goto(f"{stack.url}/reviews/{REVIEW}/recommendations/{POLICE_RECOMMENDATION}/")
    page.get_by_role("button", name="Post a progress update").click()
    page.get_by_role("heading", level=1, name="Post a progress update").wait_for()
    if date is not None:
        fill_date(page, "date", date)
    page.get_by_label(status).check()
    page.get_by_label("Narrative").fill(narrative)
    page.get_by_role("button", name="Post update").click()


def decide(page, stack, decision, note):
    page.goto(f"{stack.url}/reviews/{REVIEW}/")
    page.get_by_role("link", name=re.compile(r"^Sign-off \(\d+")).click()
    page.get_by_role("heading", level=1, name="Claims of completion awaiting sign-off").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=f"Decide on recommendation {POLICE_RECOMMENDATION}").click()
    page.get_by_label(decision).check()
    page.get_by_label("Note").fill(note)
    assert_accessible(page)
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text(f"Completion {decision.lower()}.").wait_for()


def test_a_board_runs_its_next_reporting_cycle_in_the_browser(chromium, tmp_path):
    today = datetime.date.today()
    with Stack(tmp_path) as stack:
        # The administrator schedules the next interim report, true as at today.
        admin = person(chromium, stack, "admin")
        admin.goto(f"{stack.url}/reviews/{REVIEW}/reports/")
        admin.get_by_role("link", name="Schedule a report").click()
        admin.get_by_role("heading", level=1, name="Schedule a report to the committee").wait_for()
        assert_accessible(admin)
        admin.get_by_label("Interim progress report").check()
        admin.get_by_label("Title").fill(f"Interim Progress Report {today.year}")
        fill_date(admin, "meeting_date", today + datetime.timedelta(days=10))
        fill_date(admin, "as_at", today)
        fill_date(admin, "papers_due", today + datetime.timedelta(days=3))
        admin.get_by_role("button", name="Schedule the report").click()
        admin.get_by_text("has been scheduled").wait_for()
        assert_accessible(admin)

        # The editors are reminded (the daily command, as cron runs it).
        reminders = stack.manage("send_reminders").stdout
        when = f"{today.day} {today:%B %Y}"
        assert f"Subject: Progress updates due by {when}" in reminders
        assert "To: mark.lindley@example.org" in reminders  # editor.police
        assert stack.manage("send_reminders").stdout.count("Subject: Progress updates due") == 0

        # An editor claims completion; the administrator returns it.
        editor = person(chromium, stack, "editor.police")
        post_update(editor, stack, status="Blue (complete)", narrative="All staff trained.")
        editor.get_by_text("Your progress update has been posted").wait_for()
        decide(admin, stack, "Returned to the agency", "Send the training records.")
        assert f"Claim of completion returned: recommendation {POLICE_RECOMMENDATION}" in (
            stack.log("server")
        )

        # The editor sees the return on My agency, and posts again.
        editor.goto(f"{stack.url}/reviews/{REVIEW}/my-agency/")
        editor.get_by_role("heading", name="Returned by the board").wait_for()
        assert_accessible(editor)
        post_update(editor, stack, status="Blue (complete)", narrative="Training records attached.")
        editor.get_by_text("Your progress update has been posted").wait_for()

        # The administrator signs off, writes the Board's words into the report, and issues;
        # the worker prints while a page follows.
        decide(admin, stack, "Signed off", "Training records seen at the board.")
        admin.goto(f"{stack.url}/reviews/{REVIEW}/reports/")
        admin.get_by_role(
            "link",
            name=re.compile(rf"^Write the Board's words\W+in Interim Progress Report {today.year}"),
        ).click()
        assert_accessible(admin)
        admin.get_by_label("The Chair's summary").fill("Training now reaches every agency.")
        admin.get_by_label("Agenda item").fill("7")
        admin.get_by_role("button", name="Save the words").click()
        admin.get_by_text("have been saved").wait_for()
        assert "Training now reaches every agency." in loaded_html(admin)  # the preview
        admin.goto(f"{stack.url}/reviews/{REVIEW}/reports/")
        admin.get_by_role(
            "link",
            name=re.compile(rf"^Issue to the committee\W+Interim Progress Report {today.year}"),
        ).click()
        assert_accessible(admin)
        admin.get_by_role("button", name="Issue version 1").click()
        admin.get_by_role("heading", name="Version 1 has been issued").wait_for(timeout=120_000)
        assert_accessible(admin)

        # The clerk downloads the PDF.
        clerk = person(chromium, stack, "clerk")
        clerk.goto(f"{stack.url}/reviews/{REVIEW}/reports/")
        with clerk.expect_download() as download:
            clerk.get_by_role(
                "link",
                name=re.compile(
                    rf"^Download version 1 \(PDF\)\W+of Interim Progress Report {today.year}"
                ),
            ).click()
        issued = open(download.value.path(), "rb").read()
        assert issued[:5] == b"%PDF-"
        assert "Training now reaches every agency." in " ".join(pdf_text(issued).split())

        # An editor's back-dated update into the issued period is refused.
        post_update(
            editor,
            stack,
            status="Green (on track)",
            narrative="Back-dated.",
            date=today - datetime.timedelta(days=1),
        )
        editor.get_by_text("has been issued to the committee").first.wait_for()
        assert f"Post an update dated after {when} instead" in loaded_html(editor)
        assert_accessible(editor)

        log = stack.log("server") + stack.log("worker")
        assert "database is locked" not in log
        assert "Traceback" not in log


def pdf_text(data):
    return "\n".join(pdf_pages(data, layout=False))


def test_a_lead_agency_records_a_recovery_plan_that_the_next_report_shows(chromium, tmp_path):
    today = datetime.date.today()
    revised = today + datetime.timedelta(days=90)
    with Stack(tmp_path) as stack:
        # Recommendation 25 (West Mercia Police) is Red at the end of the demo.
        editor = person(chromium, stack, "editor.police")
        editor.goto(f"{stack.url}/reviews/{REVIEW}/recommendations/25/")
        editor.get_by_role("button", name="Record a recovery plan").click()
        editor.get_by_role("heading", level=1, name="Record a recovery plan").wait_for()
        assert_accessible(editor)
        editor.get_by_label("Recovery action").fill("Fund two advocates from the PCC reserve.")
        editor.get_by_label("Owner").fill("Detective Chief Inspector, Public Protection")
        fill_date(editor, "revised_target_date", revised)
        editor.get_by_role("button", name="Record the plan").click()
        # A moved date without a reason is refused, and what was typed stays.
        editor.get_by_text("There is a problem").wait_for()
        assert_accessible(editor)
        editor.get_by_label("Reason for moving the target date").fill("Funding decision in June.")
        editor.get_by_role("button", name="Record the plan").click()
        editor.get_by_text("The recovery plan has been recorded.").wait_for()
        page = " ".join(editor.locator("main").inner_text().split())
        assert "Fund two advocates from the PCC reserve." in page
        assert f"revised to {revised.day} {revised:%B %Y}" in page
        assert "Funding decision in June." in page
        assert_accessible(editor)

        # The administrator schedules a report as at today: its draft shows the plan.
        admin = person(chromium, stack, "admin")
        admin.goto(f"{stack.url}/reviews/{REVIEW}/reports/")
        admin.get_by_role("link", name="Schedule a report").click()
        admin.get_by_label("Full progress report").check()
        admin.get_by_label("Title").fill(f"Progress Report {today.year}")
        fill_date(admin, "meeting_date", today + datetime.timedelta(days=10))
        fill_date(admin, "as_at", today)
        admin.get_by_role("button", name="Schedule the report").click()
        admin.get_by_text("has been scheduled").wait_for()
        admin.get_by_role(
            "link", name=re.compile(rf"^Preview\W+Progress Report {today.year}")
        ).click()
        admin.get_by_text("Preview of the current draft").wait_for()
        preview = " ".join(admin.locator("main").inner_text().split())
        assert "Recovery action Fund two advocates from the PCC reserve." in preview
        assert f"revised to {revised.day} {revised:%B %Y} on {today.day} {today:%B %Y}" in preview
        assert "Funding decision in June." in preview
