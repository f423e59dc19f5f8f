import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from recommendations.models import ProgressUpdate, Recommendation, Status
from spreadsheets.files import SpreadsheetError
from spreadsheets.importing import (
    apply_progress_import,
    apply_recommendation_import,
    plan_progress_import,
    plan_recommendation_import,
)
from tests.conftest import make_recommendation

HEADER = [
    "Number",
    "Short title",
    "Recommendation",
    "Theme",
    "Lead agency",
    "Supporting agencies",
    "Lead officer",
    "Target date",
]
ROW_1 = [
    "1",
    "Awareness",
    "That all staff are trained.",
    "Awareness",
    "Police",
    "Council",
    "Inspector",
    "31/03/2017",
]
ROW_2 = ["2", "Data", "That data is shared monthly.", "Data", "Council", "", "Analyst", ""]


def csv_file(rows, name="plan.csv"):
    lines = [",".join(f'"{cell}"' for cell in row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def xlsx_file(rows, name="plan.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def agencies(police, council):
    return police, council


def import_file(review, upload, user=None):
    plan = plan_recommendation_import(review, upload)
    if plan.is_valid:
        apply_recommendation_import(plan, user=user)
    return plan


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_a_good_file_creates_the_recommendations_with_owners_and_dates(
    review, agencies, administrator, make_file
):
    plan = import_file(review, make_file([HEADER, ROW_1, ROW_2]), administrator)

    assert [row.action for row in plan.rows] == ["create", "create"]
    first = Recommendation.objects.get(review=review, number=1)
    assert first.lead_agency.short_name == "Police"
    assert [a.short_name for a in first.supporting_agencies.all()] == ["Council"]
    assert first.target_date == datetime.date(2017, 3, 31)
    assert first.theme.name == "Awareness"
    assert first.history.get().history_user == administrator


def test_nothing_is_saved_until_the_import_is_applied(review, agencies):
    plan = plan_recommendation_import(review, csv_file([HEADER, ROW_1]))

    assert plan.rows[0].action == "create"
    assert not Recommendation.objects.exists()


def test_importing_the_same_file_again_changes_nothing(review, agencies):
    import_file(review, csv_file([HEADER, ROW_1, ROW_2]))
    history = Recommendation.history.count()

    plan = import_file(review, csv_file([HEADER, ROW_1, ROW_2]))

    assert [row.action for row in plan.rows] == ["unchanged", "unchanged"]
    assert Recommendation.history.count() == history


def test_new_wording_updates_the_recommendation_by_number_with_history(
    review, agencies, administrator
):
    import_file(review, csv_file([HEADER, ROW_1]))
    reworded = [*ROW_1[:2], "That all frontline staff complete CSE training.", *ROW_1[3:]]

    plan = import_file(review, csv_file([HEADER, reworded]), administrator)

    assert plan.rows[0].changes == [
        (
            "Recommendation",
            "That all staff are trained.",
            "That all frontline staff complete CSE training.",
        )
    ]
    recommendation = Recommendation.objects.get(number=1)
    assert recommendation.text == "That all frontline staff complete CSE training."
    assert [h.text for h in recommendation.history.order_by("history_date")] == [
        "That all staff are trained.",
        "That all frontline staff complete CSE training.",
    ]


def test_a_column_left_out_keeps_what_the_recommendation_had(review, agencies):
    import_file(review, csv_file([HEADER, ROW_1]))

    plan = import_file(review, csv_file([["Number", "Lead officer"], ["1", "Chief Inspector"]]))

    recommendation = Recommendation.objects.get(number=1)
    assert plan.rows[0].changes == [("Lead officer", "Inspector", "Chief Inspector")]
    assert recommendation.target_date == datetime.date(2017, 3, 31)
    assert recommendation.text == "That all staff are trained."
    assert [a.short_name for a in recommendation.supporting_agencies.all()] == ["Council"]


def test_a_row_moving_a_set_target_date_without_a_reason_is_an_error(review, agencies):
    import_file(review, csv_file([HEADER, ROW_1]))

    plan = import_file(review, csv_file([["Number", "Target date"], ["1", "30 June 2017"]]))

    assert [(e.row, e.column, e.reason) for e in plan.errors] == [
        (
            2,
            "Target date",
            "moves the target date from 31 March 2017 to 30 June 2017: give the reason in "
            "the column “Reason for target date change”",
        )
    ]
    recommendation = Recommendation.objects.get(number=1)
    assert recommendation.target_date == datetime.date(2017, 3, 31)
    assert not recommendation.target_date_revisions.exists()


def test_a_row_moving_the_target_date_with_its_reason_applies_and_keeps_a_revision(
    review, agencies, administrator
):
    import_file(review, csv_file([HEADER, ROW_1]))
    reason = "The tender is being re-run after one compliant bid."

    plan = import_file(
        review,
        csv_file(
            [
                ["Number", "Target date", "Reason for target date change"],
                ["1", "30/06/2017", reason],
            ]
        ),
        administrator,
    )

    assert plan.is_valid
    assert plan.rows[0].changes == [
        ("Target date", "31/03/2017", "30/06/2017"),
        ("Reason for target date change", "", reason),
    ]
    recommendation = Recommendation.objects.get(number=1)
    assert recommendation.target_date == datetime.date(2017, 6, 30)
    revision = recommendation.target_date_revisions.get()
    assert (revision.previous_date, revision.revised_date, revision.reason) == (
        datetime.date(2017, 3, 31),
        datetime.date(2017, 6, 30),
        reason,
    )
    assert revision.recorded_by == administrator


def test_a_first_target_date_or_an_unchanged_one_needs_no_reason(review, agencies):
    import_file(review, csv_file([HEADER, ROW_1, ROW_2]))

    plan = import_file(
        review, csv_file([["Number", "Target date"], ["1", "31/03/2017"], ["2", "30/09/2017"]])
    )

    assert plan.is_valid
    assert [row.action for row in plan.rows] == ["unchanged", "update"]
    assert Recommendation.objects.get(number=2).target_date == datetime.date(2017, 9, 30)
    assert not Recommendation.objects.get(number=2).target_date_revisions.exists()


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["x", *ROW_1[1:]], "Number", "“x” is not a whole number from 1 to 32767"),
        (["0", *ROW_1[1:]], "Number", "“0” is not a whole number from 1 to 32767"),
        (
            [*ROW_1[:4], "Fire Service", *ROW_1[5:]],
            "Lead agency",
            "“Fire Service” is not a known agency",
        ),
        (
            [*ROW_1[:5], "Council; Ambulance", *ROW_1[6:]],
            "Supporting agencies",
            "“Ambulance” is not a known agency",
        ),
        (
            [*ROW_1[:5], "Police", *ROW_1[6:]],
            "Supporting agencies",
            "Police is the lead agency, so it cannot also support",
        ),
        ([*ROW_1[:7], "31/02/2017"], "Target date", "“31/02/2017” is not a date"),
        ([ROW_1[0], "", *ROW_1[2:]], "Short title", "is needed for a new recommendation"),
        ([*ROW_1[:2], "x" * 5001, *ROW_1[3:]], "Recommendation", "is longer than 5000 characters"),
    ],
)
def test_each_row_error_names_the_row_the_column_and_the_reason(
    review, agencies, row, column, reason
):
    plan = import_file(review, csv_file([HEADER, ROW_2, row]))

    assert len(plan.errors) == 1
    error = plan.errors[0]
    assert (error.row, error.column) == (3, column)
    assert error.reason.startswith(reason)
    assert not Recommendation.objects.exists()  # the good row 2 is not saved either


def test_a_number_used_twice_in_the_file_is_an_error(review, agencies):
    plan = import_file(review, csv_file([HEADER, ROW_1, ROW_1]))

    assert [(e.row, e.column, e.reason) for e in plan.errors] == [
        (3, "Number", "1 is already used on row 2")
    ]
    assert not Recommendation.objects.exists()


def test_a_formula_cell_is_refused(review, agencies):
    plan = import_file(
        review, xlsx_file([HEADER, [*ROW_1[:2], '=HYPERLINK("http://x","y")', *ROW_1[3:]]])
    )

    assert [(e.row, e.column) for e in plan.errors] == [(2, "Recommendation")]
    assert "formula" in plan.errors[0].reason
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("plan.pdf", b"%PDF-1.7 ..."),
            "must be a CSV file or an Excel workbook",
        ),
        (SimpleUploadedFile("plan.xlsx", b"not a workbook"), "not a valid Excel workbook"),
        (SimpleUploadedFile("plan.xlsx", b"PK\x03\x04broken zip"), "not a valid Excel workbook"),
        (SimpleUploadedFile("plan.csv", b""), "The file is empty"),
        (SimpleUploadedFile("plan.csv", b"Title,Text\nA,B\n"), "Missing: Number"),
        (SimpleUploadedFile("plan.csv", b"Number\n" + b"1\n" * 3_000_000), "larger than 2 MB"),
        (SimpleUploadedFile("plan.csv", b"Number\n" + b"1\n" * 3000), "more than 2000 rows"),
    ],
)
def test_a_file_that_is_not_a_usable_spreadsheet_is_refused_cleanly(review, upload, message):
    with pytest.raises(SpreadsheetError, match=message):
        plan_recommendation_import(review, upload)

    assert not Recommendation.objects.exists()


def test_the_command_previews_then_applies(review, agencies, tmp_path, capsys):
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_file([HEADER, ROW_1, ROW_2]).read())

    call_command("import_recommendations", review.slug, str(path))
    assert not Recommendation.objects.exists()
    call_command("import_recommendations", review.slug, str(path), "--apply")

    assert Recommendation.objects.count() == 2
    assert "2 to create, 0 to change, 0 unchanged, 0 errors. Saved." in capsys.readouterr().out


def test_the_command_saves_nothing_from_a_file_with_errors(review, agencies, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_file([HEADER, ROW_1, ["2", "Data", "Text", "", "Nobody"]]).read())

    with pytest.raises(CommandError, match="Nothing was saved"):
        call_command("import_recommendations", review.slug, str(path), "--apply")

    assert not Recommendation.objects.exists()


PROGRESS_HEADER = ["Number", "Last update", "Status", "Latest narrative", "Evidence of impact"]


@pytest.fixture
def owned(review, police, council):
    """Police lead 1 and support 2; the council leads 2 and 3."""
    return (
        make_recommendation(review, police, number=1),
        make_recommendation(review, council, number=2, supporting_agencies=[police]),
        make_recommendation(review, council, number=3),
    )


def import_progress(review, agency, author, upload):
    plan = plan_progress_import(review, agency, upload)
    if plan.is_valid:
        apply_progress_import(plan, agency=agency, author=author)
    return plan


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_an_agency_uploads_its_updates_in_the_export_layout(
    review, owned, police, police_editor, make_file
):
    rows = [
        PROGRESS_HEADER,
        ["1", "30/11/2016", "Blue (complete)", "Training delivered to 212 drivers.", "212 drivers"],
        ["2", "28 November 2016", "green", "Sharing protocol signed.", ""],
    ]

    plan = import_progress(review, police, police_editor, make_file(rows))

    assert plan.errors == []
    first, second = (r.updates.get() for r in owned[:2])
    assert (first.status, first.date, first.author) == (
        Status.BLUE,
        datetime.date(2016, 11, 30),
        police_editor,
    )
    assert first.history.get().history_user == police_editor
    assert (second.status, second.agency) == (Status.GREEN, police)


def test_uploading_the_same_updates_again_records_nothing_new(review, owned, police, police_editor):
    rows = [PROGRESS_HEADER, ["1", "30/11/2016", "Green", "Training booked.", ""]]
    import_progress(review, police, police_editor, csv_file(rows))

    plan = import_progress(review, police, police_editor, csv_file(rows))

    assert [row.action for row in plan.rows] == ["unchanged"]
    assert ProgressUpdate.objects.count() == 1


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            ["3", "30/11/2016", "Green", "Done.", ""],
            "Number",
            "Police does not own recommendation 3",
        ),
        (
            ["9", "30/11/2016", "Green", "Done.", ""],
            "Number",
            "Police does not own recommendation 9",
        ),
        (["1", "30/11/2016", "Purple", "Done.", ""], "Status", "“Purple” is not a status"),
        (["1", "next week", "Green", "Done.", ""], "Last update", "“next week” is not a date"),
        (
            ["1", "01/01/2016", "Green", "Done.", ""],
            "Last update",
            "The date of the update cannot be before",
        ),
        (
            ["1", "01/01/2070", "Green", "Done.", ""],
            "Last update",
            "The date of the update cannot be in the future",
        ),
        (["1", "30/11/2016", "Green", "", ""], "Latest narrative", "is missing"),
    ],
)
def test_each_progress_row_error_is_reported_and_nothing_is_saved(
    review, owned, police, police_editor, row, column, reason
):
    good = ["2", "30/11/2016", "Green", "On track.", ""]

    plan = import_progress(review, police, police_editor, csv_file([PROGRESS_HEADER, good, row]))

    assert [(e.row, e.column) for e in plan.errors] == [(3, column)]
    assert plan.errors[0].reason.startswith(reason)
    assert not ProgressUpdate.objects.exists()
