"""Actions in the spreadsheets: the .xlsx export gains an Actions sheet when the review has
actions, and the template import reads that sheet back, adding and changing actions."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from recommendations.models import Action, Status
from spreadsheets.importing import apply_recommendation_import, plan_recommendation_import
from tests.conftest import make_recommendation
from tests.recommendations.test_actions import make_action, make_action_update

pytestmark = pytest.mark.django_db

ACTIONS_HEADER = ["Recommendation", "Number", "Action", "Owner", "Target date"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2017, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def with_actions(review, police, council, police_editor, administrator):
    first = make_recommendation(review, police, number=1, supporting_agencies=[council])
    make_recommendation(review, council, number=2)
    briefing = make_action(
        first,
        police,
        text="Brief every driver.",
        target_date=datetime.date(2017, 6, 30),
        user=administrator,
    )
    make_action(first, council, text="Audit the files.", user=administrator)
    make_action_update(
        briefing,
        police_editor,
        date=datetime.date(2017, 4, 2),
        status=Status.AMBER,
        narrative="Half briefed.",
    )
    return review


def export(client, review, fmt):
    response = client.get(f"/reviews/{review.slug}/action-plan.{fmt}")
    assert response.status_code == 200
    return response.content


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_xlsx_export_has_an_actions_sheet_when_the_review_has_actions(with_actions, reader):
    workbook = load_workbook(io.BytesIO(export(signed_in(reader), with_actions, "xlsx")))

    assert workbook.sheetnames == ["Action plan", "Actions"]
    rows = list(workbook["Actions"].iter_rows(values_only=True))
    assert rows[0] == (
        "Recommendation",
        "Number",
        "Action",
        "Owner",
        "Target date",
        "Status",
        "Last update",
        "Latest narrative",
    )
    assert rows[1][:6] == (
        1,
        "1.1",
        "Brief every driver.",
        "West Mercia Police",
        datetime.datetime(2017, 6, 30),
        "Amber (at risk)",
    )
    assert rows[1][6:] == (datetime.datetime(2017, 4, 2), "Half briefed.")
    assert rows[2][:6] == (
        1,
        "1.2",
        "Audit the files.",
        "Telford & Wrekin Council",
        None,
        "Not started",
    )
    assert len(rows) == 3


def test_a_review_without_actions_and_the_csv_export_are_as_they_were(
    review, police, reader, with_actions
):
    client = signed_in(reader)
    other = make_recommendation(
        type(review).objects.create(
            slug="plain",
            title="Plain",
            committee="C",
            responsible_board="B",
            publication_date=review.publication_date,
        ),
        police,
        number=1,
    )

    plain = load_workbook(io.BytesIO(export(client, other.review, "xlsx")))
    csv_text = export(client, with_actions, "csv").decode("utf-8-sig")

    assert plain.sheetnames == ["Action plan"]
    assert "Brief every driver." not in csv_text and "1.1" not in csv_text


def workbook_file(plan_rows, action_rows=None, name="plan.xlsx"):
    workbook = Workbook()
    workbook.active.title = "Action plan"
    for row in plan_rows:
        workbook.active.append(row)
    if action_rows is not None:
        sheet = workbook.create_sheet("Actions")
        for row in action_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


PLAN = [
    ["Number", "Short title", "Recommendation", "Lead agency"],
    [1, "Recommendation 1", "That the board ensures recommendation 1 is delivered.", "Police"],
]


def test_exporting_then_importing_changes_no_action(with_actions, administrator):
    exported = export(signed_in(administrator), with_actions, "xlsx")
    history = Action.history.count()

    plan = plan_recommendation_import(with_actions, SimpleUploadedFile("plan.xlsx", exported))

    assert plan.errors == []
    assert [(a.number, a.action) for a in plan.actions] == [
        ("1.1", "unchanged"),
        ("1.2", "unchanged"),
    ]
    apply_recommendation_import(plan, user=administrator)
    assert Action.history.count() == history


def test_the_template_import_adds_and_changes_actions(with_actions, council, administrator):
    upload = workbook_file(
        PLAN,
        [
            ACTIONS_HEADER,
            [1, "1.1", "Brief every licensed driver.", "Police", "31/07/2017"],
            [2, "2.1", "Share the data monthly.", "Council", None],
            [
                None,
                "1.3",
                "Publish the audit.",
                "Telford & Wrekin Council",
                datetime.date(2018, 1, 31),
            ],
        ],
    )

    plan = plan_recommendation_import(with_actions, upload)

    assert plan.errors == []
    assert [(a.number, a.action) for a in plan.actions] == [
        ("1.1", "update"),
        ("2.1", "create"),
        ("1.3", "create"),
    ]
    assert ("Action", "Brief every driver.", "Brief every licensed driver.") in plan.actions[
        0
    ].changes
    apply_recommendation_import(plan, user=administrator)
    changed = Action.objects.get(number="1.1")
    assert changed.text == "Brief every licensed driver."
    assert changed.target_date == datetime.date(2017, 7, 31)
    assert changed.owner.short_name == "Police"
    assert Action.objects.get(number="2.1").recommendation.number == 2
    assert Action.objects.get(number="1.3").target_date == datetime.date(2018, 1, 31)
    assert Action.objects.get(number="1.2").text == "Audit the files."  # not in the file: kept
    assert changed.history.order_by("-history_id").first().history_change_reason == (
        "Imported from a spreadsheet"
    )


def test_a_file_without_an_actions_sheet_imports_as_before(with_actions, administrator):
    plan = plan_recommendation_import(with_actions, workbook_file(PLAN))

    assert plan.errors == [] and plan.actions == []
    assert [row.action for row in plan.rows] == ["unchanged"]


@pytest.mark.parametrize(
    "row, column, reason",
    [
        (
            [1, "1", "An action.", "Police", None],
            "Number (Actions sheet)",
            "is not an action number",
        ),
        ([1, "1.0", "An action.", "Police", None], "Number (Actions sheet)", "is not an action"),
        ([2, "1.4", "An action.", "Police", None], "Recommendation (Actions sheet)", "is “2”"),
        (
            [9, "9.1", "An action.", "Police", None],
            "Number (Actions sheet)",
            "recommendation 9 is not",
        ),
        ([1, "1.4", "An action.", "Fire Service", None], "Owner (Actions sheet)", "not a known"),
        ([1, "1.4", None, "Police", None], "Action (Actions sheet)", "is needed for a new action"),
        ([1, "1.4", "An action.", None, None], "Owner (Actions sheet)", "is needed for a new"),
        (
            [1, "1.4", "An action.", "Police", "31/02/2017"],
            "Target date (Actions sheet)",
            "no such day",
        ),
        ([1, "1.4", "=HYPERLINK(1)", "Police", None], "Action (Actions sheet)", "formula"),
        ([1, "1.4", "A\x85break", "Police", None], "Action (Actions sheet)", "control character"),
        ([1, "1.1", "Twice.", "Police", None], "Number (Actions sheet)", "already used on row 2"),
    ],
)
def test_a_bad_action_row_is_an_error_and_the_import_saves_nothing(
    with_actions, administrator, row, column, reason
):
    rows = [ACTIONS_HEADER, [1, "1.1", "Brief every driver.", "Police", None], row]

    plan = plan_recommendation_import(with_actions, workbook_file(PLAN, rows))

    assert [(e.row, e.column) for e in plan.errors] == [(3, column)], plan.errors
    assert reason in plan.errors[0].reason
    assert plan.errors[0].cell.endswith("3")


def test_an_actions_sheet_without_a_number_column_is_refused(with_actions):
    from spreadsheets.files import SpreadsheetError

    with pytest.raises(SpreadsheetError, match="Actions sheet"):
        plan_recommendation_import(
            with_actions, workbook_file(PLAN, [["Action", "Owner"], ["Do it.", "Police"]])
        )


def test_the_import_pages_preview_and_save_the_actions(with_actions, administrator):
    client = signed_in(administrator)
    url = f"/reviews/{with_actions.slug}/import/"
    upload = workbook_file(
        PLAN, [ACTIONS_HEADER, [1, "1.3", "Publish the audit.", "Council", None]]
    )

    preview = client.post(url, {"file": upload})

    page = preview.content.decode()
    assert preview.status_code == 200, page[:3000]
    assert "Actions, from the Actions sheet (1)" in page and "Publish the audit." in page
    assert "Save 1 change" in page
    saved = client.post(f"{url}confirm/", {"token": preview.context["token"]})
    assert saved.status_code == 302
    assert Action.objects.get(number="1.3").history.get().history_user == administrator
