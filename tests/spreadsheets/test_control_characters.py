"""Control characters: refused wherever text is stored, and stripped from every export of
text stored before that rule, so that no export fails for everyone on one narrative."""

import csv
import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from recommendations.models import ProgressUpdate, Recommendation, Status
from spreadsheets.importing import plan_progress_import, plan_recommendation_import
from tests.conftest import make_recommendation, make_review, make_update
from tests.reports.conftest import at, make_report

STORED = "Escape\x1b[31m red\x01, vertical\x0btab\x7f and C1\x85 end.\tTab\r\nNew line"
CLEAN = "Escape[31m red, verticaltab and C1 end.\tTab\r\nNew line"
DATE = datetime.date(2016, 11, 1)


@pytest.fixture
def stored_before_the_rule(police, police_editor):
    """A review whose text holds control characters, as stored before they were refused
    (written straight to the rows and their history, as a report reads it as at a date)."""
    with at(2016, 5, 19):
        review = make_review()
        recommendation = make_recommendation(review, police, number=1)
    with at(2016, 11, 2):
        update = make_update(recommendation, police_editor, date=DATE, status=Status.GREEN)
    for model, pk, field in (
        (ProgressUpdate, update.pk, "narrative"),
        (Recommendation, recommendation.pk, "lead_officer"),
    ):
        model.objects.filter(pk=pk).update(**{field: STORED})
        model.history.filter(id=pk).update(**{field: STORED})
    return review


def export_urls(review):
    report = make_report(review, as_at=datetime.date(2016, 11, 30))
    for fmt in ("xlsx", "csv"):
        yield f"/reviews/{review.slug}/action-plan.{fmt}"
        yield f"/reviews/{review.slug}/reports/{report.pk}/table.{fmt}"


def exported_rows(response):
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_every_export_strips_control_characters_already_stored(
    client, reader, stored_before_the_rule
):
    review = stored_before_the_rule
    client.force_login(reader)

    for url in export_urls(review):
        response = client.get(url)

        assert response.status_code == 200, url
        header, row = exported_rows(response)
        assert lines(row[header.index("Latest narrative")]) == lines(CLEAN), url
        assert lines(row[header.index("Lead officer")]) == lines(CLEAN), url


def lines(text):
    # XML reads a stored CR LF back as LF: the line break is kept either way.
    return text.replace("\r\n", "\n")


@pytest.mark.parametrize("character", ["\x01", "\x0b", "\x1b", "\x7f", "\x9f"])
def test_posting_an_update_with_a_control_character_shows_a_clear_error(
    client, review, police, police_editor, character
):
    make_recommendation(review, police, number=1)
    client.force_login(police_editor)

    response = client.post(
        f"/reviews/{review.slug}/recommendations/1/updates/new/",
        {
            "agency": police.pk,
            "date_day": "1",
            "date_month": "11",
            "date_year": "2016",
            "status": "green",
            "narrative": f"Training{character} delivered.",
            "submission_key": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 400
    assert f"contains a control character (U+{ord(character):04X})" in response.text
    assert not ProgressUpdate.objects.exists()


def test_tab_and_new_lines_are_kept(review, police, police_editor):
    recommendation = make_recommendation(review, police, number=1)

    update = make_update(recommendation, police_editor, date=DATE, narrative="A\tB\r\nC\nD")

    assert update.narrative == "A\tB\r\nC\nD"


def test_an_import_with_control_characters_is_a_row_error_in_the_preview(review, police):
    text = "Number,Short title,Recommendation,Lead agency,Lead officer\n"
    upload = SimpleUploadedFile(
        "plan.csv", (text + "1,Title,Wording,Police,Officer\x1b\n").encode()
    )

    plan = plan_recommendation_import(review, upload)

    assert [e.column for e in plan.errors] == ["Lead officer"]
    assert plan.errors[0].reason.startswith("contains a control character (U+001B)")


def test_a_progress_upload_with_control_characters_is_a_row_error(review, police):
    make_recommendation(review, police, number=1)
    text = "Number,Last update,Status,Latest narrative\n1,30/11/2016,Green,Done\x01.\n"

    plan = plan_progress_import(review, police, SimpleUploadedFile("p.csv", text.encode()))

    assert [e.column for e in plan.errors] == ["Latest narrative"]
    assert "control character (U+0001)" in plan.errors[0].reason
