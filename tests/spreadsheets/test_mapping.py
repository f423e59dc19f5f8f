"""A council's own tracker, imported in its own layout: the administrator matches its columns
and status words to ours, the references are kept beside the numbers, and the latest
progress becomes dated updates. Bad files get a clear message each, and save nothing.
"""

import csv
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from recommendations.models import PartnerAgency, ProgressUpdate, Recommendation, Status, Theme
from spreadsheets.files import parse_date
from spreadsheets.mapping import derive_short_name, derive_short_title
from spreadsheets.models import ImportMapping
from tests.conftest import make_review

TITLE = "Children and Young People Scrutiny Committee: recommendations tracker"
HEADINGS = [
    "Reference",
    "Origin",
    "Date",
    "Area",
    "Recommendation",
    "Exec date",
    "Lead officer",
    "Action taken",
    "Status",
]
ORIGIN = "Scrutiny review of child exploitation"
ROWS = [
    [
        "SR (25/26) 01",
        ORIGIN,
        datetime.datetime(2025, 6, 12),
        "Raising awareness",
        "That every licensed taxi driver completes CSE awareness training before their "
        "licence is renewed. Training is refreshed every three years.",
        "31/03/2026",
        "Telford & Wrekin Council",
        "Training delivered to 212 drivers; attendance is now a licence condition.",
        "Complete",
    ],
    [
        "SR (25/26) 02",
        ORIGIN,
        datetime.datetime(2025, 6, 12),
        "Disruption",
        "That the police share intelligence on perpetrators with the council monthly.",
        datetime.datetime(2026, 9, 30),  # an Excel date cell
        "West Mercia Police",
        "Monthly intelligence meetings held since January.",
        "Ongoing",
    ],
    [
        "SR (25/26) 03",
        ORIGIN,
        datetime.datetime(2025, 6, 12),
        "Health",
        "That sexual health services offer drop-in sessions for young people in every "
        "secondary school in the borough, with a named nurse for each school.",
        46387,  # an Excel serial number: 31 December 2026
        "Director of Public Health",
        "Paused while the service is re-commissioned.",
        "Paused",
    ],
    [
        "SR (25/26) 04",
        ORIGIN,
        datetime.datetime(2025, 6, 12),
        "Raising awareness",
        "That primary schools teach healthy relationships from year 5.",
        "31 Mar 2027",
        "Telford & Wrekin Council",
        "",
        "Not started",
    ],
    [
        "SR (25/26) 05",
        ORIGIN,
        datetime.datetime(2025, 6, 12),
        "Health",
        "That young people can refer themselves to CAMHS.",
        "2027-06-30",
        "West Mercia Police",
        "Referral pathway agreed with CAMHS.",
        "  ONGOING ",
    ],
]
AS_AT = datetime.date(2026, 3, 31)
STATUSES = {
    "Complete": "blue",
    "Ongoing": "green",
    "Paused": "amber",
    "Not started": "not_started",
}
# The columns of HEADINGS as the administrator matches them (0 is column A).
COLUMNS = {
    "number": 0,
    "theme": 3,
    "text": 4,
    "target_date": 5,
    "lead_agency": 6,
    "progress": 7,
    "status": 8,
}


def council_xlsx(rows=ROWS, *, merge=None, name="tracker.xlsx"):
    """The tracker as the council keeps it: two title rows (one merged), headings on row 3."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.append(["Updated for the meeting of 14 April 2026"])
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A1:I1")
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def council_csv(rows=ROWS, name="tracker.csv"):
    """The same tracker saved as CSV: its dates as the text Excel writes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([TITLE])
    writer.writerow(["Updated for the meeting of 14 April 2026"])
    writer.writerow(HEADINGS)
    for row in rows:
        writer.writerow(
            [
                value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value
                for value in row
            ]
        )
    return SimpleUploadedFile(name, buffer.getvalue().encode())


@pytest.fixture
def council_review(db, police, council):
    return make_review(
        slug="council-review",
        title="Scrutiny Review of Child Exploitation 2025",
        publication_date=datetime.date(2025, 5, 20),
    )


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def counts():
    """How many rows the import would add to, table by table."""
    models = (Recommendation, Recommendation.history.model, ProgressUpdate, PartnerAgency, Theme)
    return {model.__name__: model.objects.count() for model in (*models, ImportMapping)}


def upload(client, review, file):
    """Upload a file; the page that matches its columns, with its token."""
    response = client.post(f"/reviews/{review.slug}/import/", {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith(f"/reviews/{review.slug}/import/columns/?token=")
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page, re.search(r"token=([0-9a-f-]+)", response["Location"]).group(1)


def mapping_data(page, *, columns=COLUMNS, statuses=STATUSES, as_at=AS_AT, header_row=3):
    """The mapping page's form, answered: every column, each status word and the date."""
    form = page.context["form"]
    data = {"token": form.initial["token"], "header_row": header_row}
    for key in ("number", "reference", "text", "short_title", "theme", "lead_agency"):
        data[f"column_{key}"] = ""
    for key in ("supporting_agencies", "lead_officer", "target_date", "target_date_reason"):
        data[f"column_{key}"] = ""
    data.update(column_status="", column_progress="")
    data.update({f"column_{key}": str(index) for key, index in columns.items()})
    for name, word in form.status_fields:
        if word.text.strip().title() in {w.title() for w in statuses}:
            chosen = {w.title(): s for w, s in statuses.items()}[word.text.strip().title()]
            data[name] = chosen
    if as_at:
        data.update(as_at_day=as_at.day, as_at_month=as_at.month, as_at_year=as_at.year)
    return data


def map_columns(client, review, page, **answers):
    return client.post(f"/reviews/{review.slug}/import/columns/", mapping_data(page, **answers))


def confirm(client, review, preview, agencies=("Director of Public Health",)):
    return client.post(
        f"/reviews/{review.slug}/import/confirm/",
        {"token": preview.context["token"], "create_agency": list(agencies)},
        follow=True,
    )


def import_tracker(client, review, file, **answers):
    page, _ = upload(client, review, file)
    preview = map_columns(client, review, page, **answers)
    assert preview.status_code == 200, preview.context["form"].errors if preview.context else ""
    return preview, confirm(client, review, preview)


@pytest.mark.parametrize("make_file", [council_xlsx, council_csv])
def test_a_council_tracker_is_imported_in_its_own_layout(
    admin_client, council_review, administrator, make_file
):
    page, _ = upload(admin_client, council_review, make_file())

    assert page.context["form"].header_row == 3  # after the two title rows
    assert "Exec date (column F)" in page.content.decode()
    preview = map_columns(admin_client, council_review, page)

    assert preview.status_code == 200
    text = preview.content.decode()
    assert (
        "5 to create, 0 to change, 0 unchanged, 4 progress updates to record as at 31 March 2026"
        in text
    )
    assert "Reference (column A) holds references" in text
    assert "Create “Director of Public Health”" in text
    assert not Recommendation.objects.filter(review=council_review).exists()

    saved = confirm(admin_client, council_review, preview)

    assert (
        "Import saved: 5 created, 0 changed, 4 progress updates recorded." in saved.content.decode()
    )
    recommendations = list(
        Recommendation.objects.filter(review=council_review).select_related("theme", "lead_agency")
    )
    assert [(r.number, r.reference) for r in recommendations] == [
        (1, "SR (25/26) 01"),
        (2, "SR (25/26) 02"),
        (3, "SR (25/26) 03"),
        (4, "SR (25/26) 04"),
        (5, "SR (25/26) 05"),
    ]
    first, second, third, fourth, fifth = recommendations
    assert first.short_title == (
        "That every licensed taxi driver completes CSE awareness training before their…"
    )
    assert second.short_title == (
        "That the police share intelligence on perpetrators with the council monthly"
    )
    assert [r.theme.name for r in recommendations] == [
        "Raising awareness",
        "Disruption",
        "Health",
        "Raising awareness",
        "Health",
    ]
    assert [r.target_date for r in recommendations] == [
        datetime.date(2026, 3, 31),
        datetime.date(2026, 9, 30),
        datetime.date(2026, 12, 31),
        datetime.date(2027, 3, 31),
        datetime.date(2027, 6, 30),
    ]
    assert third.lead_agency.name == "Director of Public Health"
    assert third.lead_agency.short_name == "Director of Public Health"
    updates = ProgressUpdate.objects.filter(recommendation__review=council_review)
    assert sorted(
        (u.recommendation.number, u.date, u.status, u.agency.name, u.author) for u in updates
    ) == [
        (1, AS_AT, Status.BLUE, "Telford & Wrekin Council", administrator),
        (2, AS_AT, Status.GREEN, "West Mercia Police", administrator),
        (3, AS_AT, Status.AMBER, "Director of Public Health", administrator),
        (5, AS_AT, Status.GREEN, "West Mercia Police", administrator),
    ]
    assert first.updates.get().narrative.startswith("Training delivered to 212 drivers")
    assert not fourth.updates.exists()  # not started, nothing done yet: nothing to record
    assert fifth.history.get().history_user == administrator
    dashboard = admin_client.get(f"/reviews/{council_review.slug}/").content.decode()
    assert "SR (25/26) 03" in dashboard
    page = admin_client.get(f"/reviews/{council_review.slug}/recommendations/3/").content.decode()
    assert "Recommendation 3, reference SR (25/26) 03" in page


def test_confirming_the_import_twice_saves_it_once(admin_client, council_review):
    page, _ = upload(admin_client, council_review, council_xlsx())
    preview = map_columns(admin_client, council_review, page)
    confirm(admin_client, council_review, preview)
    after = counts()

    again = confirm(admin_client, council_review, preview)

    assert "already been saved or has expired" in again.content.decode()
    assert counts() == after


def test_only_the_latest_preview_of_a_file_can_be_confirmed(admin_client, council_review):
    page, token = upload(admin_client, council_review, council_xlsx())
    first = map_columns(admin_client, council_review, page)
    # Back on the mapping page (the browser's back button), the theme is left out.
    second = map_columns(admin_client, council_review, page, columns={**COLUMNS, "theme": ""})
    before = counts()

    stale = confirm(admin_client, council_review, first)
    by_upload = admin_client.post(
        f"/reviews/{council_review.slug}/import/confirm/", {"token": token}, follow=True
    )

    assert "already been saved or has expired" in stale.content.decode()
    assert "already been saved or has expired" in by_upload.content.decode()
    assert counts() == before
    confirm(admin_client, council_review, second)
    assert not Theme.objects.filter(review=council_review).exists()


def test_the_same_headings_next_time_fill_in_the_mapping(admin_client, council_review):
    import_tracker(admin_client, council_review, council_xlsx())
    remembered = ImportMapping.objects.get()
    assert (remembered.review, remembered.headings) == (council_review, HEADINGS)
    assert remembered.mapping["statuses"] == {
        "complete": "blue",
        "ongoing": "green",
        "paused": "amber",
        "not started": "not_started",
    }

    # The CSV export of the same tracker has the same headings.
    page, _ = upload(admin_client, council_review, council_csv())

    form = page.context["form"]
    assert page.context["saved_mapping"] == remembered
    assert f"mapping {remembered.pk}" in page.content.decode()
    assert form.header_row == 3
    assert {key: form[f"column_{key}"].value() for key in COLUMNS} == {
        key: str(index) for key, index in COLUMNS.items()
    }
    assert {word.text: form[name].value() for name, word in form.status_fields} == {
        "Complete": "blue",
        "Ongoing": "green",
        "Paused": "amber",
        "Not started": "not_started",
    }
    assert form["as_at"].value() == AS_AT
    # Confirmed as filled in, the same rows change nothing and record nothing again.
    before = counts()
    preview = map_columns(admin_client, council_review, page)
    assert preview.context["to_save"] == 0
    assert "0 to create, 0 to change, 5 unchanged, 0 progress updates" in preview.content.decode()
    assert counts() == before


def test_a_re_import_matches_by_reference_and_numbers_new_rows_after_the_others(
    admin_client, council_review
):
    import_tracker(admin_client, council_review, council_xlsx())
    reworded = [*ROWS[1][:4], "That the police share intelligence weekly.", *ROWS[1][5:]]
    inserted = [
        "SR (25/26) 06",
        ORIGIN,
        None,
        "Disruption",
        "That hotels report concerns.",
        "",
        "West Mercia Police",
        "",
        "",
    ]

    page, _ = upload(
        admin_client, council_review, council_xlsx([ROWS[0], inserted, reworded, *ROWS[2:]])
    )
    preview = map_columns(admin_client, council_review, page)
    confirm(admin_client, council_review, preview)

    assert [(row.number, row.fields["reference"]) for row in preview.context["created"]] == [
        (6, "SR (25/26) 06")
    ]
    assert [row.number for row in preview.context["changed"]] == [2]
    assert Recommendation.objects.get(review=council_review, number=2).text == (
        "That the police share intelligence weekly."
    )
    assert Recommendation.objects.filter(review=council_review).count() == 6


def test_a_header_row_that_is_not_the_headings_is_a_clear_message(admin_client, council_review):
    page, token = upload(admin_client, council_review, council_xlsx())
    before = counts()

    wrong = admin_client.get(
        f"/reviews/{council_review.slug}/import/columns/?token={token}&header_row=1"
    )
    posted = map_columns(admin_client, council_review, page, header_row=1)

    message = (
        "Columns B, C, D, E, F have data but no heading in row 1: give each column a heading "
        "and upload the file again, or choose the row that holds the headings."
    )
    assert message in wrong.content.decode()
    assert posted.status_code == 400
    assert message in posted.content.decode()
    assert counts() == before


def test_duplicate_headings_are_a_clear_message(admin_client, council_review):
    workbook = Workbook()
    workbook.active.append(["Reference", "Recommendation", "Status", "Status"])
    workbook.active.append(["SR 1", "That it is done.", "Complete", "Complete"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    page, _ = upload(admin_client, council_review, SimpleUploadedFile("t.xlsx", buffer.getvalue()))

    assert (
        "Row 1 has the heading “Status” twice (columns C and D): rename one of them"
        in page.content.decode()
    )


def test_merged_cells_are_refused_naming_the_range(admin_client, council_review):
    page, _ = upload(admin_client, council_review, council_xlsx(merge="D5:D6"))
    before = counts()

    response = map_columns(admin_client, council_review, page)

    assert response.status_code == 400
    assert "The sheet has merged cells (D5:D6), so only the first row of each holds its value" in (
        response.content.decode()
    )
    assert "A1:I1" not in response.content.decode()  # the merged title above is harmless
    assert counts() == before


def test_duplicate_references_are_row_errors_and_nothing_is_saved(admin_client, council_review):
    twice = ["SR (25/26) 01", *ROWS[1][1:]]
    page, _ = upload(admin_client, council_review, council_xlsx([ROWS[0], twice, *ROWS[2:]]))
    before = counts()

    preview = map_columns(admin_client, council_review, page)

    assert preview.status_code == 400
    errors = [(e.row, e.cell, e.column, e.reason) for e in preview.context["plan"].errors]
    assert errors == [(5, "A5", "Reference", "“SR (25/26) 01” is already used on row 4")]
    assert 'name="token"' not in preview.content.decode()
    assert counts() == before


def test_a_status_word_left_unmapped_is_refused(admin_client, council_review):
    page, _ = upload(admin_client, council_review, council_xlsx())
    before = counts()

    response = map_columns(
        admin_client,
        council_review,
        page,
        statuses={k: v for k, v in STATUSES.items() if k != "Paused"},
    )

    assert response.status_code == 400
    assert "Choose the tracker&#x27;s status for “Paused”" in response.content.decode()
    assert counts() == before


def test_an_unknown_agency_not_ticked_is_refused_until_it_is(admin_client, council_review):
    page, _ = upload(admin_client, council_review, council_xlsx())
    preview = map_columns(admin_client, council_review, page)
    before = counts()

    refused = confirm(admin_client, council_review, preview, agencies=())

    assert refused.status_code == 400
    assert (
        "Row 6 (cell G6), Lead agency: “Director of Public Health” is not a known agency: tick "
        "it to create it, or correct the file"
    ) in refused.content.decode()
    assert counts() == before
    saved = confirm(admin_client, council_review, preview)
    assert "Import saved: 5 created" in saved.content.decode()
    assert PartnerAgency.objects.filter(name="Director of Public Health").exists()


@pytest.mark.parametrize(
    ("exec_date", "reason"),
    [
        ("31/02/2026", "“31/02/2026” is not a date: there is no such day."),
        ("03/31/2026", "“03/31/2026” is not a date: it reads as month/day/year"),
        ("March 2026", "“March 2026” is not a date: it has no day."),
    ],
)
def test_an_impossible_or_ambiguous_date_is_a_row_error_naming_the_cell(
    admin_client, council_review, exec_date, reason
):
    rows = [ROWS[0], [*ROWS[1][:5], exec_date, *ROWS[1][6:]], *ROWS[2:]]
    page, _ = upload(admin_client, council_review, council_csv(rows))

    preview = map_columns(admin_client, council_review, page)

    assert preview.status_code == 400
    [error] = preview.context["plan"].errors
    assert (error.row, error.cell, error.column) == (5, "F5", "Target date")
    assert error.reason.startswith(reason)
    assert not Recommendation.objects.filter(review=council_review).exists()


def test_a_status_without_progress_or_progress_without_status_is_a_row_error(
    admin_client, council_review
):
    rows = [[*ROWS[0][:7], "", "Complete"], [*ROWS[1][:8], ""], *ROWS[2:]]
    page, _ = upload(admin_client, council_review, council_xlsx(rows))

    preview = map_columns(admin_client, council_review, page)

    assert [(e.cell, e.reason.split(":")[0]) for e in preview.context["plan"].errors] == [
        ("H4", "is empty, but the status is “Complete”"),
        ("I5", "is empty, but the row has progress"),
    ]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("as_at", "message"),
    [
        (None, "Enter the date the latest progress is as at"),
        (datetime.date.today() + datetime.timedelta(days=30), "cannot be in the future"),
        (datetime.date(2025, 1, 1), "cannot be before the review was published on 20 May 2025"),
    ],
)
def test_the_as_at_date_is_needed_and_checked(admin_client, council_review, as_at, message):
    page, _ = upload(admin_client, council_review, council_xlsx())

    response = map_columns(admin_client, council_review, page, as_at=as_at)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_command_imports_a_tracker_with_a_saved_mapping(
    admin_client, council_review, tmp_path, capsys
):
    import_tracker(admin_client, council_review, council_xlsx())
    saved = ImportMapping.objects.get()
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(council_xlsx().read())
    args = ["import_recommendations", council_review.slug, str(path), "--mapping", str(saved.pk)]

    call_command(*args, "--as-at", "30/06/2026")
    assert ProgressUpdate.objects.count() == 4
    call_command(*args, "--as-at", "30/06/2026", "--user", "admin", "--apply")

    out = capsys.readouterr().out
    assert "0 to create, 0 to change, 5 unchanged, 4 progress updates to record, 0 errors." in out
    assert "Saved." in out
    assert ProgressUpdate.objects.filter(date=datetime.date(2026, 6, 30)).count() == 4


def test_the_command_refuses_a_file_whose_headings_differ_from_the_mapping(
    admin_client, council_review, tmp_path
):
    import_tracker(admin_client, council_review, council_xlsx())
    path = tmp_path / "other.csv"
    path.write_text("Ref,Wording\nA1,Text\n")

    with pytest.raises(CommandError, match="not those the column mapping was saved for"):
        call_command(
            "import_recommendations",
            council_review.slug,
            str(path),
            "--mapping",
            str(ImportMapping.objects.get().pk),
        )


def test_the_command_needs_leave_to_create_agencies(admin_client, council_review, tmp_path):
    import_tracker(admin_client, council_review, council_xlsx())
    other = make_review(slug="other-review", publication_date=datetime.date(2025, 5, 20))
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(council_xlsx([[*ROWS[0][:6], "Youth Service", *ROWS[0][7:]]]).read())
    args = ["import_recommendations", other.slug, str(path), "--as-at", "31/03/2026"]
    args += ["--mapping", str(ImportMapping.objects.get().pk), "--user", "admin", "--apply"]

    with pytest.raises(CommandError, match="Nothing was saved"):
        call_command(*args)
    call_command(*args, "--create-agencies")

    assert Recommendation.objects.get(review=other).lead_agency.name == "Youth Service"


def test_our_own_template_goes_straight_to_its_preview_and_keeps_references(
    admin_client, review, police
):
    text = "Number,Short title,Recommendation,Lead agency,Reference\n1,Taxis,That drivers are trained.,Police,SR 01\n"

    preview = admin_client.post(
        f"/reviews/{review.slug}/import/", {"file": SimpleUploadedFile("plan.csv", text.encode())}
    )

    assert preview.status_code == 200
    assert "Change how the columns are read" in preview.content.decode()
    admin_client.post(
        f"/reviews/{review.slug}/import/confirm/", {"token": preview.context["token"]}
    )
    assert Recommendation.objects.get(review=review, number=1).reference == "SR 01"
    exported = admin_client.get(f"/reviews/{review.slug}/action-plan.csv").content.decode(
        "utf-8-sig"
    )
    header, row = list(csv.reader(io.StringIO(exported)))
    assert row[header.index("Reference")] == "SR 01"
    again = admin_client.post(
        f"/reviews/{review.slug}/import/",
        {"file": SimpleUploadedFile("plan.csv", exported.encode())},
    )
    assert [r.action for r in again.context["plan"].rows] == ["unchanged"]
    assert not ImportMapping.objects.exists()  # our own layout needs no remembering


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("31/03/2017", datetime.date(2017, 3, 31)),
        ("31-03-2017", datetime.date(2017, 3, 31)),
        ("31 March 2017", datetime.date(2017, 3, 31)),
        ("31 Mar 2017", datetime.date(2017, 3, 31)),
        ("31st March 2017", datetime.date(2017, 3, 31)),
        ("2017-03-31", datetime.date(2017, 3, 31)),
        ("3/4/17", datetime.date(2017, 4, 3)),
        (42825, datetime.date(2017, 3, 31)),
        ("42825", datetime.date(2017, 3, 31)),
        (datetime.datetime(2017, 3, 31, 0, 0), datetime.date(2017, 3, 31)),
    ],
)
def test_uk_dates_and_excel_dates_are_read(text, date):
    assert parse_date(text) == date


def test_short_titles_and_short_names_are_derived():
    assert derive_short_title("Train all staff.") == "Train all staff"
    assert derive_short_title("x " * 60).endswith("…")
    assert len(derive_short_title("word " * 40)) <= 81
    assert derive_short_name("Youth Service", {"youth service"}) == "Youth Service (2)"
    assert len(derive_short_name("A very long agency name that goes on and on " * 2, set())) <= 40
