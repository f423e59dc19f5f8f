"""Evidence in the committee's reports: an appendix listing the titles of the documents
attached by the cut-off, by recommendation and update date; never the documents."""

import datetime
import re
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence import services
from recommendations.models import Status
from reports.assembly import record_fingerprint, report_content
from reports.models import Report, ReportKind
from reports.rendering import render_report_pdf
from tests.conftest import make_agency, make_recommendation, make_review, make_update, make_user
from tests.evidence.conftest import image_bytes, pdf_bytes, upload
from tests.reports.conftest import AS_AT, at, make_report, pdf_pages

pytestmark = pytest.mark.django_db


def attach(update, user, *titles):
    return services.evidence_attach(
        update=update,
        user=user,
        files_with_titles=[
            (title, upload(f"{n}.pdf", pdf_bytes())) for n, title in enumerate(titles)
        ],
    )


@pytest.fixture
def board(folder):
    police = make_agency("Police", "West Mercia Police")
    with at(2016, 5, 19):
        review = make_review()
        first = make_recommendation(review, police, number=1, short_title="Disrupt perpetrators")
        make_recommendation(review, police, number=2, short_title="Taxi drivers")
    editor = make_user("editor.police", agencies=[police])
    with at(2016, 11, 20):
        update = make_update(first, editor, date=datetime.date(2016, 11, 15), status=Status.GREEN)
    with at(2016, 11, 25):
        [register] = attach(update, editor, "Training register, November 2016")
    with at(2016, 11, 26):
        [draft] = attach(update, editor, "Disruption plan (draft)")
    with at(2016, 11, 28):  # replaced before the cut-off: the report lists the new version
        services.evidence_replace(
            document=draft,
            user=editor,
            title="Disruption plan",
            upload=upload("p.pdf", pdf_bytes()),
        )
    report = make_report(review, as_at=AS_AT)
    return {
        "review": review,
        "update": update,
        "editor": editor,
        "report": report,
        "register": register,
    }


def after_the_cut_off(board):
    with at(2016, 12, 5):
        attach(board["update"], board["editor"], "Attached in December")
    with at(2016, 12, 6):
        services.evidence_replace(
            document=board["register"],
            user=board["editor"],
            title="Register, replaced in December",
            upload=upload("r.png", image_bytes("PNG")),
        )


def test_the_content_lists_the_titles_attached_and_current_by_the_end_of_the_cut_off(board):
    before = report_content(board["report"])
    after_the_cut_off(board)

    content = report_content(board["report"])

    [first] = content.documented
    assert first.number == 1
    [update] = first.documented_updates
    assert update.date == datetime.date(2016, 11, 15)
    assert update.documents == ("Training register, November 2016", "Disruption plan")
    assert first.latest_update.documents == update.documents
    assert content.appendices == ("Appendix A. Evidence documents",)
    assert content == before
    assert record_fingerprint(content) == record_fingerprint(before)


def test_a_report_without_evidence_has_no_evidence_appendix(db, folder):
    police = make_agency("Police")
    with at(2016, 5, 19):
        review = make_review()
        make_recommendation(review, police, number=1)
    full = make_report(review, kind=ReportKind.FULL, as_at=AS_AT)

    content = report_content(full)

    assert content.documented == ()
    assert content.appendices == ("Appendix A. Completed recommendations",)


def test_the_pdf_lists_the_evidence_in_its_appendix_on_the_cover_and_in_the_contents(board):
    after_the_cut_off(board)
    full = make_report(
        board["review"], kind=ReportKind.FULL, as_at=datetime.date(2016, 12, 31), title="Full"
    )

    interim = pdf_pages(render_report_pdf(board["report"]), layout=False)
    pages = pdf_pages(render_report_pdf(full), layout=False)

    interim_text = " ".join("\n".join(interim).split())
    assert "Appendices Appendix A. Evidence documents" in interim_text
    appendix = next(page for page in interim if "The documents the agencies had attached" in page)
    flat = " ".join(appendix.split())
    assert "1 15 Nov 2016, West Mercia Police Training register, November 2016 Disruption plan" in (
        flat
    )
    assert "Disruption plan" in flat and "(draft)" not in flat
    assert "December" not in flat
    full_text = " ".join("\n".join(pages).split())
    assert "Appendix A. Completed recommendations" in full_text
    assert re.search(r"Appendix B\. Evidence documents \.* ?\d+", " ".join(pages[0].split()))
    assert "Attached in December" in full_text
    assert "Register, replaced in December" in full_text
    assert "Training register, November 2016" not in full_text


def test_a_document_attached_while_the_cut_off_day_lasts_changes_the_fingerprint(board):
    before = record_fingerprint(report_content(board["report"]))
    with at(2016, 11, 30):
        attach(board["update"], board["editor"], "Attached on the cut-off day")

    assert record_fingerprint(report_content(board["report"])) != before


def test_the_appendix_costs_one_query_however_many_documents(board, settings):
    settings.EVIDENCE_MAX_FILES_PER_UPDATE = 50
    report = Report.objects.select_related("review").get(pk=board["report"].pk)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            report_content(report)
        return len(captured)

    few = queries()
    with at(2016, 11, 29):
        attach(board["update"], board["editor"], *[f"Minutes {n}" for n in range(20)])

    assert queries() == few


def test_the_appendix_wraps_a_long_title_and_the_pdf_passes_the_pdf_ua_checker(board, tmp_path):
    from tests.reports.test_long_words import FURNITURE, word

    title = word(200)
    with at(2016, 11, 29):
        attach(board["update"], board["editor"], title)
    pdf = render_report_pdf(board["report"])
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)

    joined = "".join(
        "".join(line.split())
        for page in pdf_pages(pdf, layout=False)
        for line in page.splitlines()
        if not FURNITURE.match(line.strip())
    )
    checked = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", str(path)], capture_output=True, text=True
    )

    assert title in joined
    assert checked.returncode == 0, checked.stdout
    assert "errors=0 warnings=0" in checked.stdout
