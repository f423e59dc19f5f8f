"""An editor's upload of several updates: rows with errors save nothing unless the editor
chooses to save the valid rows and skip the rows listed, and a cell left as exported is
never posted again as part of a new update."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from recommendations.models import ProgressUpdate, Status
from spreadsheets.exporting import ACTION_PLAN_HEADER
from tests.conftest import make_recommendation, make_update

HEADER = "Number,Last update,Status,Latest narrative,Evidence of impact\n"
GOOD_1 = "1,30/11/2016,Green,Training delivered.,40 staff trained\n"
BAD_2 = "2,30/11/2016,Purple,Protocol signed.,\n"
GOOD_3 = "3,30/11/2016,Amber,Audit started.,\n"
BAD_4 = "4,next week,Green,Panel met.,\n"


@pytest.fixture
def owned(review, police):
    return [make_recommendation(review, police, number=number) for number in (1, 2, 3, 4)]


def url(review):
    return f"/reviews/{review.slug}/my-agency/upload/"


def preview(client, review, agency, text, name="progress.csv"):
    content = text if isinstance(text, bytes) else text.encode()
    return client.post(
        url(review), {"agency": agency.pk, "file": SimpleUploadedFile(name, content)}
    )


def test_a_file_with_a_bad_row_saves_nothing_but_offers_to_skip_the_rows_listed(
    client, review, owned, police, police_editor
):
    client.force_login(police_editor)

    response = preview(client, review, police, HEADER + GOOD_1 + BAD_2 + GOOD_3 + BAD_4)

    assert response.status_code == 400
    page = response.text
    assert "2 errors: nothing has been saved" in page
    assert "“Purple” is not a status" in page and "“next week” is not a date" in page
    assert "Save the 2 valid updates and skip the 2 rows listed" in page
    assert "skip rows 3 and 5" in page  # the spreadsheet's row numbers, header on row 1
    assert 'name="skip_rows" value="3,5"' in page
    assert not ProgressUpdate.objects.exists()


def test_confirming_without_choosing_to_skip_saves_nothing(
    client, review, owned, police, police_editor
):
    client.force_login(police_editor)
    token = preview(client, review, police, HEADER + GOOD_1 + BAD_2).context["token"]

    response = client.post(f"{url(review)}confirm/", {"token": token})

    assert response.status_code == 400
    assert "nothing has been saved" in response.text
    assert not ProgressUpdate.objects.exists()


def test_the_editor_saves_the_valid_rows_and_is_told_which_were_skipped(
    client, review, owned, police, police_editor
):
    client.force_login(police_editor)
    token = preview(client, review, police, HEADER + GOOD_1 + BAD_2 + GOOD_3 + BAD_4).context[
        "token"
    ]

    response = client.post(
        f"{url(review)}confirm/", {"token": token, "skip_rows": "3,5"}, follow=True
    )

    assert (
        "Import saved: 2 progress updates recorded, 2 rows skipped. Rows 3 and 5 had errors "
        "and were not saved: correct them and upload them again."
    ) in response.text
    assert sorted(u.recommendation.number for u in ProgressUpdate.objects.all()) == [1, 3]
    again = client.post(f"{url(review)}confirm/", {"token": token, "skip_rows": "3,5"}, follow=True)
    assert "already been saved or has expired" in again.text
    assert ProgressUpdate.objects.count() == 2


def test_rows_are_skipped_only_as_the_preview_listed_them(
    client, review, owned, police, police_editor
):
    client.force_login(police_editor)
    token = preview(client, review, police, HEADER + GOOD_1 + BAD_2 + BAD_4).context["token"]

    for skip in ("3", "3,4,5", "5,3,x", "4"):
        response = client.post(f"{url(review)}confirm/", {"token": token, "skip_rows": skip})
        assert response.status_code == 400
        assert 'name="skip_rows" value="3,4"' in response.text

    assert not ProgressUpdate.objects.exists()


def test_a_valid_file_cannot_be_saved_with_rows_skipped(
    client, review, owned, police, police_editor
):
    client.force_login(police_editor)
    token = preview(client, review, police, HEADER + GOOD_1).context["token"]

    response = client.post(f"{url(review)}confirm/", {"token": token, "skip_rows": "3"})

    assert response.status_code == 200  # the preview again, to be confirmed as it is
    assert not ProgressUpdate.objects.exists()


def test_no_skip_is_offered_when_no_row_is_valid(client, review, owned, police, police_editor):
    client.force_login(police_editor)

    response = preview(client, review, police, HEADER + BAD_2 + BAD_4)

    assert response.status_code == 400
    assert "skip_rows" not in response.text and 'name="token"' not in response.text


# An editor's own export, uploaded back.


@pytest.fixture
def reported(review, owned, police, police_editor):
    """Recommendations 1 and 2 with an update each, evidence of impact on the first."""
    make_update(
        owned[0],
        police_editor,
        date=datetime.date(2016, 10, 31),
        status=Status.AMBER,
        narrative="Training planned.",
        evidence_of_impact="Course booked for 40 staff.",
    )
    make_update(
        owned[1],
        police_editor,
        date=datetime.date(2016, 10, 31),
        status=Status.GREEN,
        narrative="Protocol drafted.",
    )
    return owned


def own_export(client, review):
    response = client.get(f"/reviews/{review.slug}/action-plan.xlsx?mine=1")
    return load_workbook(io.BytesIO(response.content))


def edited(workbook, number, **cells):
    """The workbook's bytes with the row of recommendation `number` changed."""
    sheet = workbook.active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == number)
    for heading, value in cells.items():
        row[ACTION_PLAN_HEADER.index(heading)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_export_uploaded_back_unchanged_posts_nothing_and_says_so(
    client, review, reported, police, police_editor
):
    client.force_login(police_editor)
    data = edited(own_export(client, review), 1)

    response = preview(client, review, police, data, "mine.xlsx")

    assert response.status_code == 200
    assert "No rows have changed" in response.text
    assert "Save " not in response.text
    assert ProgressUpdate.objects.count() == 2


def test_only_the_changed_narrative_is_posted_not_the_evidence_left_as_exported(
    client, review, reported, police, police_editor
):
    client.force_login(police_editor)
    data = edited(
        own_export(client, review),
        1,
        **{
            "Last update": datetime.date(2016, 11, 30),
            "Status": "Green (on track)",
            "Latest narrative": "Training delivered to 40 staff.",
        },
    )

    response = preview(client, review, police, data, "mine.xlsx")
    assert "(as already recorded: not repeated)" in response.text
    client.post(f"{url(review)}confirm/", {"token": response.context["token"]})

    assert ProgressUpdate.objects.count() == 3
    latest = reported[0].updates.order_by("-date").first()
    assert (latest.date, latest.status, latest.narrative, latest.evidence_of_impact) == (
        datetime.date(2016, 11, 30),
        Status.GREEN,
        "Training delivered to 40 staff.",
        "",
    )


def test_changed_evidence_is_posted_with_the_changed_narrative(
    client, review, reported, police, police_editor
):
    client.force_login(police_editor)
    data = edited(
        own_export(client, review),
        1,
        **{"Latest narrative": "Training delivered.", "Evidence of impact": "40 staff trained."},
    )

    token = preview(client, review, police, data, "mine.xlsx").context["token"]
    client.post(f"{url(review)}confirm/", {"token": token})

    latest = reported[0].updates.order_by("-recorded_at", "-pk").first()
    assert (latest.narrative, latest.evidence_of_impact) == (
        "Training delivered.",
        "40 staff trained.",
    )


@pytest.mark.parametrize(
    "cells",
    [
        {"Status": "Green (on track)"},
        {"Last update": datetime.date(2016, 11, 30)},
        {"Evidence of impact": "Course held."},
    ],
    ids=["status", "date", "evidence"],
)
def test_a_row_changed_but_for_its_narrative_is_a_row_error(
    client, review, reported, police, police_editor, cells
):
    client.force_login(police_editor)
    data = edited(own_export(client, review), 1, **cells)

    response = preview(client, review, police, data, "mine.xlsx")

    assert response.status_code == 400
    assert "is the narrative already recorded for recommendation 1" in response.text
    assert ProgressUpdate.objects.count() == 2
