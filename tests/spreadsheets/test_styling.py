"""Every .xlsx the tracker writes reads like the action plan it replaces: a bold frozen
header, filters, sensible widths, wrapped long text, real dates and a list of statuses."""

import datetime
import io

import pytest
import time_machine
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from recommendations.models import Status
from spreadsheets.exporting import ACTION_PLAN_HEADER
from spreadsheets.files import write_xlsx
from tests.conftest import make_recommendation, make_update
from tests.reports.conftest import make_report

STATUS_WORDS = [
    "Not started",
    "Red (off track)",
    "Amber (at risk)",
    "Green (on track)",
    "Blue (complete)",
]
LONG = "That the board makes sure every agency trains its staff to spot exploitation. " * 3


@pytest.fixture
def plan(review, police, council, police_editor):
    """Two recommendations, one with a long text and an update, recorded before the
    report's cut-off (30 November 2016)."""
    with time_machine.travel(datetime.datetime(2016, 11, 30, 12, tzinfo=datetime.UTC)):
        first = make_recommendation(
            review, police, number=1, text=LONG, target_date=datetime.date(2017, 3, 31)
        )
        make_recommendation(review, council, number=2)
        make_update(
            first,
            police_editor,
            date=datetime.date(2016, 11, 30),
            status=Status.AMBER,
            narrative="Training planned for January.",
            evidence_of_impact="None yet.",
        )
    return review


def sheet_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def column(heading):
    return get_column_letter(ACTION_PLAN_HEADER.index(heading) + 1)


def the_dashboard_export(client, review, reader):
    client.force_login(reader)
    return sheet_of(client.get(f"/reviews/{review.slug}/action-plan.xlsx"))


def the_import_template(client, review, reader):
    client.force_login(reader)
    return sheet_of(client.get(f"/reviews/{review.slug}/import/template.xlsx"))


def a_reports_table(client, review, reader):
    report = make_report(review)
    client.force_login(reader)
    return sheet_of(client.get(f"/reviews/{review.slug}/reports/{report.pk}/table.xlsx"))


EVERY_XLSX = pytest.mark.parametrize(
    "download", [the_dashboard_export, the_import_template, a_reports_table]
)


@EVERY_XLSX
def test_the_header_is_bold_frozen_and_filtered_over_the_data(client, plan, reader, download):
    sheet = download(client, plan, reader)

    assert [cell.value for cell in sheet[1]] == ACTION_PLAN_HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    first_column, first_row, last_column, last_row = range_boundaries(sheet.auto_filter.ref)
    assert (first_column, first_row) == (1, 1)
    assert last_column == len(ACTION_PLAN_HEADER)
    assert last_row == sheet.max_row >= 2


@EVERY_XLSX
def test_the_status_column_offers_exactly_the_status_words(client, plan, reader, download):
    sheet = download(client, plan, reader)

    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1.strip('"').split(",") == STATUS_WORDS
    (cells,) = validation.sqref.ranges
    status = column("Status")
    assert (cells.min_col, cells.max_col) == (ACTION_PLAN_HEADER.index("Status") + 1,) * 2
    assert cells.min_row == 2
    assert cells.max_row >= sheet.max_row + 100  # spare rows, for updates added by hand
    assert sheet[f"{status}2"].value in STATUS_WORDS


@EVERY_XLSX
def test_columns_are_as_wide_as_their_content_within_bounds(client, plan, reader, download):
    sheet = download(client, plan, reader)

    widths = {
        heading: sheet.column_dimensions[column(heading)].width for heading in ACTION_PLAN_HEADER
    }
    assert all(8 <= width <= 60 for width in widths.values())
    assert widths["Number"] < widths["Short title"] < widths["Recommendation"] == 60


def test_long_text_is_wrapped_and_short_text_is_not(client, plan, reader):
    sheet = the_dashboard_export(client, plan, reader)

    assert sheet[f"{column('Recommendation')}2"].alignment.wrap_text
    assert not sheet[f"{column('Number')}2"].alignment.wrap_text
    assert not sheet[f"{column('Lead agency')}2"].alignment.wrap_text


def test_dates_are_real_dates_shown_day_first(client, plan, reader):
    sheet = the_dashboard_export(client, plan, reader)

    target, last_update = sheet[f"{column('Target date')}2"], sheet[f"{column('Last update')}2"]
    assert target.value == datetime.datetime(2017, 3, 31)
    assert last_update.value == datetime.datetime(2016, 11, 30)
    assert target.is_date and target.number_format == "DD/MM/YYYY"
    assert last_update.number_format == "DD/MM/YYYY"


def test_the_csv_export_is_unchanged_by_the_styling(client, plan, reader):
    client.force_login(reader)

    text = client.get(f"/reviews/{plan.slug}/action-plan.csv").content.decode("utf-8-sig")

    assert text.splitlines()[0] == ",".join(ACTION_PLAN_HEADER)
    assert ",31/03/2017,Amber (at risk),30/11/2016,Training planned for January.," in text


def test_further_sheets_are_styled_too_with_their_own_status_words():
    data = write_xlsx(
        ["Number", "Status"],
        [[1, "Green (on track)"]],
        title="Action plan",
        more_sheets=[
            ("Actions", ["Action", "Status"], [["Train staff", "Done"]], {"status_words": ["Done"]})
        ],
    )

    plan, actions = load_workbook(io.BytesIO(data)).worksheets
    assert (plan.title, actions.title) == ("Action plan", "Actions")
    assert actions["A1"].font.b and actions.freeze_panes == "A2"
    assert actions.auto_filter.ref == "A1:B2"
    (validation,) = actions.data_validations.dataValidation
    assert validation.formula1 == '"Done"'
