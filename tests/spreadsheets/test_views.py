import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from recommendations.models import ProgressUpdate, Recommendation, Status
from tests.conftest import make_recommendation

HEADER = "Number,Short title,Recommendation,Theme,Lead agency,Supporting agencies,Lead officer,Target date\n"
GOOD = (
    HEADER
    + '1,Awareness,"That all staff are trained.",Awareness,Police,Council,Inspector,31/03/2017\n'
)
BAD = GOOD + "2,Data,That data is shared.,Data,Fire Service,,Analyst,\n"


def upload(text, name="plan.csv"):
    return SimpleUploadedFile(name, text.encode())


def test_the_administrator_previews_then_confirms_an_import(
    client, review, police, council, administrator
):
    client.force_login(administrator)
    url = f"/reviews/{review.slug}/import/"

    preview = client.post(url, {"file": upload(GOOD)})

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "1 to create, 0 to change, 0 unchanged" in page and "Nothing has been saved yet" in page
    assert not Recommendation.objects.exists()
    token = preview.context["token"]
    saved = client.post(f"{url}confirm/", {"token": token}, follow=True)
    assert "Import saved: 1 created, 0 changed." in saved.content.decode()
    assert Recommendation.objects.get(number=1).history.get().history_user == administrator
    again = client.post(f"{url}confirm/", {"token": token}, follow=True)
    assert "already been saved or has expired" in again.content.decode()
    assert Recommendation.objects.count() == 1


def test_a_file_with_errors_shows_each_row_problem_and_offers_no_save(
    client, review, police, council, administrator
):
    client.force_login(administrator)

    response = client.post(f"/reviews/{review.slug}/import/", {"file": upload(BAD)})

    page = response.content.decode()
    assert response.status_code == 400
    assert "nothing has been saved" in page
    assert "“Fire Service” is not a known agency" in page
    assert 'name="token"' not in page
    assert not Recommendation.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_gets_a_field_error(client, review, administrator):
    client.force_login(administrator)

    response = client.post(
        f"/reviews/{review.slug}/import/", {"file": upload("%PDF-1.7", "plan.pdf")}
    )

    assert response.status_code == 400
    assert "must be a CSV file or an Excel workbook" in response.content.decode()


@pytest.mark.parametrize("who", ["reader", "police_editor"])
def test_only_the_administrator_may_import_recommendations(
    client, review, police, council, who, request
):
    client.force_login(request.getfixturevalue(who))

    page = client.get(f"/reviews/{review.slug}/import/")
    post = client.post(f"/reviews/{review.slug}/import/", {"file": upload(GOOD)})

    assert (page.status_code, post.status_code) == (403, 403)
    assert not Recommendation.objects.exists()


def test_an_editor_uploads_progress_for_their_agency(
    client, review, police, council, police_editor
):
    make_recommendation(review, police, number=1)
    client.force_login(police_editor)
    url = f"/reviews/{review.slug}/my-agency/upload/"
    text = "Number,Last update,Status,Latest narrative,Evidence of impact\n1,30/11/2016,Blue,Delivered.,Audit of 40 cases\n"

    preview = client.post(url, {"agency": police.pk, "file": upload(text)})
    client.post(f"{url}confirm/", {"token": preview.context["token"]})

    update = ProgressUpdate.objects.get()
    assert (update.agency, update.author, update.status) == (police, police_editor, Status.BLUE)


def test_an_editor_cannot_upload_progress_in_another_agencys_name(
    client, review, police, council, council_editor
):
    make_recommendation(review, police, number=1)
    make_recommendation(review, council, number=2)
    client.force_login(council_editor)
    text = "Number,Last update,Status,Latest narrative\n1,30/11/2016,Blue,Delivered.\n"

    response = client.post(
        f"/reviews/{review.slug}/my-agency/upload/", {"agency": police.pk, "file": upload(text)}
    )

    assert response.status_code == 400
    assert "Choose one of your agencies" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_reader_cannot_upload_progress(client, review, police, reader):
    make_recommendation(review, police, number=1)
    client.force_login(reader)

    assert client.get(f"/reviews/{review.slug}/my-agency/upload/").status_code == 403


def test_an_import_moving_a_target_date_needs_its_reason_and_the_page_shows_it(
    client, review, police, council, administrator
):
    client.force_login(administrator)
    url = f"/reviews/{review.slug}/import/"
    client.post(
        f"{url}confirm/", {"token": client.post(url, {"file": upload(GOOD)}).context["token"]}
    )
    moved = "Number,Target date,Reason for target date change\n1,30/06/2017,{}\n"

    refused = client.post(url, {"file": upload(moved.format(""))})
    preview = client.post(url, {"file": upload(moved.format("Trainers recruited late."))})
    client.post(f"{url}confirm/", {"token": preview.context["token"]})

    assert refused.status_code == 400
    assert "moves the target date from 31 March 2017 to 30 June 2017" in refused.text
    assert "Reason for target date change" in client.get(url).text
    recommendation = Recommendation.objects.get(number=1)
    assert recommendation.target_date == datetime.date(2017, 6, 30)
    page = client.get(f"/reviews/{review.slug}/recommendations/1/").text
    assert "31 March 2017, revised to 30 June 2017: Trainers recruited late." in page


def test_the_template_shows_the_expected_columns(client, review, reader):
    client.force_login(reader)

    response = client.get(f"/reviews/{review.slug}/import/template.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:8] == HEADER.strip().split(",")
    assert sheet["H2"].value == datetime.datetime(2017, 3, 31)
    assert sheet["H2"].number_format == "DD/MM/YYYY"


def test_the_dashboard_export_respects_its_filters_and_neutralises_formulas(
    client, review, police, council, reader
):
    make_recommendation(review, police, number=1, short_title='=HYPERLINK("http://x")')
    make_recommendation(review, council, number=2, short_title="Care pathway")
    client.force_login(reader)

    response = client.get(f"/reviews/{review.slug}/action-plan.xlsx?lead_agency={police.pk}")

    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{review.slug}-action-plan-'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [1]
    assert rows[0][1] == '\'=HYPERLINK("http://x")'
    assert sheet["B2"].data_type == "s"


def test_exporting_then_importing_the_demo_changes_nothing(client, demo, settings):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    client.force_login(admin)
    for fmt in ("csv", "xlsx"):
        exported = client.get(f"/reviews/{demo.slug}/action-plan.{fmt}").content
        history = Recommendation.history.count()

        preview = client.post(
            f"/reviews/{demo.slug}/import/", {"file": SimpleUploadedFile(f"plan.{fmt}", exported)}
        )

        plan = preview.context["plan"]
        assert plan.errors == []
        assert len(plan.rows_to("unchanged")) == 38
        assert Recommendation.history.count() == history


def test_an_agency_uploading_its_own_export_records_nothing_new(client, demo):
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.get(username="editor.police")
    police = editor.agencies.get()
    client.force_login(editor)
    exported = client.get(f"/reviews/{demo.slug}/action-plan.csv?mine=1").content
    count = ProgressUpdate.objects.count()

    preview = client.post(
        f"/reviews/{demo.slug}/my-agency/upload/",
        {"agency": police.pk, "file": SimpleUploadedFile("mine.csv", exported)},
    )

    plan = preview.context["plan"]
    assert plan.errors == [] and plan.rows and not plan.rows_to("create")
    assert ProgressUpdate.objects.count() == count


def test_a_reports_table_exports_the_position_as_at_its_cut_off(client, demo, settings):
    from django.core.management import call_command

    from reports.models import Report

    settings.DEMO_MODE = True
    call_command("load_demo_reports")
    interim = Report.objects.get(review=demo, kind="interim")
    client.force_login(get_user_model().objects.get(username="clerk"))

    response = client.get(f"/reviews/{demo.slug}/reports/{interim.pk}/table.csv")

    assert "interim-progress-report-2016-12-draft-table.csv" in response["Content-Disposition"]
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert [row[0] for row in rows] == [str(n) for n in range(1, 39)]
    assert sum(row[header.index("Status")] == "Blue (complete)" for row in rows) == 17
    last_updates = [
        datetime.datetime.strptime(row[header.index("Last update")], "%d/%m/%Y") for row in rows
    ]
    assert max(last_updates) <= datetime.datetime(2016, 11, 30)
