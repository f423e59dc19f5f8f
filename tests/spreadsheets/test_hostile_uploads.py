"""Hostile uploads: every file up to the size limit is accepted or refused quickly, in bounded
memory, with a message for the person uploading; never a server error.

The files are the worst we could make (spreadsheets/hostile.py); `manage.py bench_uploads`
measures the same files in a fresh process each.
"""

import io
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recommendations.models import ProgressUpdate, Recommendation
from spreadsheets import files, hostile
from spreadsheets.importing import (
    PROGRESS_COLUMNS,
    plan_progress_import,
    plan_recommendation_import,
)
from tests.conftest import make_recommendation

TIME_LIMIT = 5  # seconds, on this 2-core machine
MEMORY_LIMIT = 300 * 1024 * 1024  # bytes Python allocated at the peak


def read(data, name):
    upload = io.BytesIO(data)
    upload.name = name
    return files.read_rows(upload, PROGRESS_COLUMNS)


@pytest.mark.parametrize("kind", list(hostile.HOSTILE_FILES))
def test_each_hostile_file_is_refused_in_bounded_time_and_memory(kind):
    make, name = hostile.HOSTILE_FILES[kind]
    data = make()
    assert len(data) <= files.MAX_UPLOAD_BYTES

    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(files.SpreadsheetError) as refusal:
            read(data, name)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert elapsed < TIME_LIMIT, f"{kind}: {elapsed:.1f} s"
    assert peak < MEMORY_LIMIT, f"{kind}: {peak // 2**20} MB"
    assert str(refusal.value)  # a message for the person uploading


@pytest.mark.parametrize("kind", list(hostile.LARGEST_FILES))
def test_each_file_just_inside_the_bounds_is_read_in_bounded_time(review, police, kind):
    make, name = hostile.LARGEST_FILES[kind]
    make_recommendation(review, police, number=1)
    upload = io.BytesIO(make())
    upload.name = name

    started = time.monotonic()
    try:
        plan_progress_import(review, police, upload)
    except files.SpreadsheetError:
        pass  # refused, as a file may be: in time is what counts here
    elapsed = time.monotonic() - started

    assert elapsed < TIME_LIMIT, f"{kind}: {elapsed:.1f} s"


def test_a_row_wider_than_a_row_may_be_is_refused_with_its_number():
    with pytest.raises(files.SpreadsheetError, match="Row 3 has more than"):
        read(hostile.wide_row_xlsx(cells=files.MAX_CELLS_PER_ROW + 1), "plan.xlsx")


def test_columns_the_header_does_not_name_are_not_read():
    data = hostile.workbook_bytes(
        [
            [*hostile.HEADER, None, None, "Other"],
            [1, "30/11/2016", "Green", "A position.", None, None, "=HYPERLINK(1)"],
        ]
    )

    rows = read(data, "plan.xlsx")

    assert list(rows[0].cells) == ["number", "date", "status", "narrative"]
    assert not any(cell.is_formula for cell in rows[0].cells.values())


def test_reading_gives_up_after_its_time_budget(monkeypatch):
    monkeypatch.setattr(files, "TIME_BUDGET_SECONDS", 0)

    with pytest.raises(files.SpreadsheetError, match="took too long"):
        read(hostile.workbook_bytes([hostile.HEADER, [1, "30/11/2016", "Green", "x"]]), "a.xlsx")


@pytest.mark.parametrize(
    "make",
    [hostile.malformed_xlsx, hostile.entities_xlsx, hostile.external_entity_xlsx],
    ids=["malformed XML", "nested entities", "external entity"],
)
def test_malformed_sheets_and_entities_are_file_errors_on_the_upload_page(
    client, review, police, police_editor, make
):
    make_recommendation(review, police, number=1)
    client.force_login(police_editor)

    response = client.post(
        f"/reviews/{review.slug}/my-agency/upload/",
        {"agency": police.pk, "file": SimpleUploadedFile("progress.xlsx", make())},
    )

    assert response.status_code == 400
    assert "The file is not a valid Excel workbook" in response.text
    assert "root:" not in response.text  # no /etc/passwd


def csv_upload(text, name="plan.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


RECOMMENDATION_HEADER = "Number,Short title,Recommendation,Lead agency\n"


@pytest.mark.parametrize("number", ["inf", "-inf", "nan", "1e400", "40000", "32768", "0", "1.5"])
def test_a_recommendation_number_out_of_range_is_a_row_error_in_the_preview(review, police, number):
    plan = plan_recommendation_import(
        review, csv_upload(RECOMMENDATION_HEADER + f"{number},Title,Wording,Police\n")
    )

    assert not plan.is_valid
    assert [(e.row, e.column) for e in plan.errors] == [(2, "Number")]
    assert "is not a whole number from 1 to" in plan.errors[0].reason
    assert not Recommendation.objects.exists()


def test_the_largest_recommendation_number_previews_and_saves(review, police, administrator):
    from spreadsheets.importing import MAX_NUMBER, apply_recommendation_import

    plan = plan_recommendation_import(
        review, csv_upload(RECOMMENDATION_HEADER + f"{MAX_NUMBER},Title,Wording,Police\n")
    )
    apply_recommendation_import(plan, user=administrator)

    assert Recommendation.objects.get().number == MAX_NUMBER


@pytest.mark.parametrize("number", ["inf", "1e400", "40000"])
def test_a_progress_row_with_a_number_out_of_range_is_a_row_error(
    review, police, police_editor, number
):
    make_recommendation(review, police, number=1)
    text = f"Number,Last update,Status,Latest narrative\n{number},30/11/2016,Green,Done.\n"

    plan = plan_progress_import(review, police, csv_upload(text))

    assert [(e.row, e.column) for e in plan.errors] == [(2, "Number")]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "value, message",
    [
        ("01/01/0001", "must be after 1 January 1900"),
        ("31/12/1899", "must be after 1 January 1900"),
        ("01/01/2999", "must be no more than 50 years from now"),
    ],
)
def test_a_target_date_out_of_a_sane_range_is_a_row_error(review, police, value, message):
    text = "Number,Short title,Recommendation,Lead agency,Target date\n"
    plan = plan_recommendation_import(
        review, csv_upload(text + f"1,Title,Wording,Police,{value}\n")
    )

    assert [(e.column, message in e.reason) for e in plan.errors] == [("Target date", True)]


@pytest.mark.parametrize(
    "cell, refused",
    [
        ("=1+2", True),
        ('=HYPERLINK("http://evil.example","x")', True),
        ("@SUM(A1:A2)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-A1+B2", True),
        ("'=1+2", False),  # our exports' neutralised text: imported as the text "=1+2"
        ("- trained 212 drivers", False),
        ("+44 1952 380000", False),
        ("@police on the panel", False),
    ],
)
def test_csv_and_xlsx_cells_that_look_like_formulas_are_refused_alike(
    review, police, cell, refused
):
    for upload in (
        csv_upload(RECOMMENDATION_HEADER + '1,Title,"' + cell.replace('"', '""') + '",Police\n'),
        _xlsx_upload([["Number", "Short title", "Recommendation", "Lead agency"]], cell),
    ):
        plan = plan_recommendation_import(review, upload)

        if refused:
            assert [(e.column, e.reason) for e in plan.errors] == [
                ("Recommendation", "contains a formula: enter the value itself")
            ], upload.name
        else:
            assert plan.is_valid, (upload.name, plan.errors)
            assert plan.rows[0].fields["text"] == cell.removeprefix("'")


def _xlsx_upload(header, cell):
    # Written as a text cell: openpyxl would store a value starting with "=" as a formula.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header[0])
    sheet.append([1, "Title", None, "Police"])
    sheet["C2"].value = cell
    sheet["C2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "plan.xlsx"
    return upload
