"""Generated input posted to every form of the tracker: never a server error, and nothing
saved from input the form refuses.

Hypothesis makes the input: text with NUL bytes, control characters and any Unicode, very
long text, dates that are not dates, and forged hidden fields (other agencies, versions and
keys out of every range). The suite runs on SQLite and on PostgreSQL (CI runs both), where
the database itself refuses what SQLite lets through.
"""

import csv
import datetime
import io
import uuid
from xml.sax.saxutils import escape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts import access
from recommendations import services
from recommendations.models import (
    NARRATIVE_MAX_LENGTH,
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    Status,
    Theme,
)
from reports.models import ReportVersion
from spreadsheets import hostile
from tests.accounts.test_access_policy import tracked_tables
from tests.conftest import (
    enrol_second_factor,
    make_agency,
    make_recommendation,
    make_review,
    make_update,
    make_user,
)
from tests.reports.conftest import make_report

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FAKE_PDF = b"%PDF-1.7 fuzz test"

# Text of every kind a browser, a script or a pasted document can send.
nasty_text = st.one_of(
    st.text(max_size=60),
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.text(st.sampled_from("\x00\x01\x7f\u200b\u202e\ufeff\U0001f600 é\r\n<>&'\"%"), max_size=40),
    st.integers(NARRATIVE_MAX_LENGTH - 2, NARRATIVE_MAX_LENGTH + 2).map(lambda n: "x" * n),
    st.integers(0, 100_000).map(lambda n: "ü" * n),
    st.sampled_from(["", " ", "\x00", "null", "None", "<script>alert(1)</script>", "'; --"]),
)
# An integer as a form sends it, from every range a database column has, and not quite one.
number_text = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["2147483648", "9223372036854775808", "-0", "1e3", "0x10", "٣", "１", ""]),
    nasty_text,
)
date_part = st.one_of(number_text, st.integers(0, 10_000).map(str))
uuid_text = st.one_of(st.uuids().map(str), nasty_text, st.just(str(uuid.UUID(int=0))))
status_text = st.one_of(st.sampled_from(Status.values), nasty_text)


def date_fields(prefix="date"):
    return st.fixed_dictionaries(
        {f"{prefix}_day": date_part, f"{prefix}_month": date_part, f"{prefix}_year": date_part}
    )


def post_and_check(client, url, data, *, success):
    """Post `data`; the response is no server error, and a refusal changes nothing."""
    before = tracked_tables()
    response = client.post(url, data)
    assert response.status_code < 500, response.status_code
    if not success(response):
        assert tracked_tables() == before, f"refused ({response.status_code}) but saved"
    return response


def redirect_to(prefix):
    return lambda response: response.status_code == 302 and response["Location"].startswith(prefix)


@pytest.fixture
def world(db, monkeypatch):
    # Issuing may print in the request or in the report worker: never for real here.
    monkeypatch.setattr(
        "reports.services.render_report_pdf", lambda *a, **k: FAKE_PDF, raising=False
    )
    review = make_review()
    police, council, health = (make_agency(n) for n in ("Police", "Council", "Health"))
    editor = make_user("editor.police", agencies=[police, council])
    administrator = make_user("admin", administrator=True)
    recommendation = make_recommendation(review, police, number=1, supporting_agencies=[council])
    update = make_update(
        recommendation, editor, date=datetime.date(2016, 11, 1), status=Status.BLUE
    )
    report = make_report(review)
    return {
        "review": review,
        "agencies": [police, council, health],
        "editor": editor,
        "administrator": administrator,
        "recommendation": recommendation,
        "update": update,
        "report": report,
    }


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def agency_choice(world):
    pks = [str(agency.pk) for agency in world["agencies"]]
    return st.one_of(st.sampled_from(pks), number_text)


@FUZZ
@given(data=st.data())
def test_posting_a_progress_update_never_fails_and_saves_nothing_refused(world, data):
    client = signed_in(world["editor"])
    url = reverse("recommendations:update_create", kwargs={"slug": "test-review", "number": 1})
    fields = data.draw(
        st.fixed_dictionaries(
            {
                "agency": agency_choice(world),
                "status": status_text,
                "narrative": nasty_text,
                "evidence_of_impact": nasty_text,
                "submission_key": uuid_text,
            }
        )
    )
    fields.update(data.draw(date_fields()))

    post_and_check(client, url, fields, success=redirect_to("/reviews/test-review/"))


@FUZZ
@given(data=st.data())
def test_correcting_an_update_never_fails_and_saves_nothing_refused(world, data):
    client = signed_in(world["editor"])
    update = ProgressUpdate.objects.get(pk=world["update"].pk)
    url = reverse("recommendations:update_correct", kwargs={"pk": update.pk})
    fields = data.draw(
        st.fixed_dictionaries(
            {
                "status": status_text,
                "narrative": nasty_text,
                "evidence_of_impact": nasty_text,
                "version": st.one_of(st.just(str(update.version)), number_text),
            }
        )
    )
    fields.update(data.draw(date_fields()))

    post_and_check(client, url, fields, success=redirect_to("/reviews/test-review/"))


@pytest.fixture
def exception(world):
    """Recommendation 2: led by the police, Red and past its target date, so it takes a plan."""
    recommendation = make_recommendation(
        world["review"], world["agencies"][0], number=2, target_date=datetime.date(2016, 12, 31)
    )
    make_update(recommendation, world["editor"], date=datetime.date(2016, 11, 1), status=Status.RED)
    return recommendation


@FUZZ
@given(data=st.data())
def test_recording_a_recovery_plan_never_fails_and_saves_nothing_refused(world, exception, data):
    client = signed_in(world["editor"])
    url = reverse("recommendations:recovery_plan", kwargs={"slug": "test-review", "number": 2})
    fields = data.draw(
        st.fixed_dictionaries(
            {
                "action": nasty_text,
                "owner": nasty_text,
                "target_date_reason": nasty_text,
                "submission_key": uuid_text,
            }
        )
    )
    fields.update(data.draw(date_fields("revised_target_date")))

    post_and_check(client, url, fields, success=redirect_to("/reviews/test-review/"))


@FUZZ
@given(data=st.data())
def test_signing_off_a_completion_never_fails_and_saves_nothing_refused(world, data):
    client = signed_in(world["administrator"])
    url = reverse("recommendations:completion_decision", kwargs={"pk": world["update"].pk})
    fields = data.draw(
        st.fixed_dictionaries(
            {
                "decision": st.one_of(st.sampled_from(["signed_off", "returned"]), nasty_text),
                "note": nasty_text,
            }
        )
    )

    post_and_check(client, url, fields, success=redirect_to("/reviews/test-review/"))


@FUZZ
@given(reason=nasty_text, extra=st.dictionaries(nasty_text, nasty_text, max_size=3))
def test_issuing_a_report_never_fails_and_saves_nothing_refused(world, reason, extra):
    client = signed_in(world["administrator"])
    report = world["report"]
    if not ReportVersion.objects.filter(report=report).exists():
        client.post(reverse("reports:issue", kwargs={"slug": "test-review", "pk": report.pk}))
    url = reverse("reports:issue", kwargs={"slug": "test-review", "pk": report.pk})

    post_and_check(client, url, {**extra, "reason": reason}, success=redirect_to("/reviews/"))


@FUZZ
@given(
    username=st.one_of(st.sampled_from(["editor.police", "admin"]), nasty_text),
    password=nasty_text,
    next_url=st.one_of(
        st.sampled_from(["/", "//evil.example/", "https://evil.example/", "javascript:alert(1)"]),
        nasty_text,
    ),
)
@example(username="x" * 5000, password="0", next_url="/")  # axes' column is 255 long
@example(username="admin\x00", password="\x00", next_url="/\x00")
@example(username="editor.police", password="a-long-test-password", next_url="//evil.example/")
def test_signing_in_never_fails_and_never_sends_anyone_off_the_site(
    world, username, password, next_url
):
    client = Client()
    response = post_and_check(
        client,
        reverse("login"),
        {"username": username, "password": password, "next": next_url},
        success=lambda response: response.status_code == 302,
    )

    if response.status_code == 302:
        assert response["Location"].startswith("/") and not response["Location"].startswith("//")


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=400),
        nasty_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.lists(st.lists(nasty_text, max_size=12), max_size=4).map(
            lambda rows: "\n".join(",".join(row) for row in rows).encode("utf-8", "replace")
        ),
    ),
    name=st.one_of(st.sampled_from(["progress.csv", "progress.xlsx", "x"]), nasty_text),
    agency=st.one_of(st.just(None), number_text),
    kind=st.sampled_from(["progress_upload", "recommendation_import"]),
)
def test_uploading_a_spreadsheet_never_fails_and_saves_nothing(world, content, name, agency, kind):
    administrator = kind == "recommendation_import"
    client = signed_in(world["administrator" if administrator else "editor"])
    url = reverse(f"spreadsheets:{kind}", kwargs={"slug": "test-review"})
    upload = io.BytesIO(content)
    upload.name = name.replace("\x00", "") or "unnamed"
    fields = {"file": upload}
    if agency is not None:
        fields["agency"] = agency
    elif not administrator:
        fields["agency"] = str(world["agencies"][0].pk)

    # The upload only previews: nothing is saved until it is confirmed, valid or not.
    post_and_check(client, url, fields, success=lambda response: False)


# An XML cell as a workbook may hold it, or not: every cell type, text escaped or raw (raw
# text with < or & is malformed XML), references that are odd, missing or out of range.
cell_xml = st.builds(
    lambda kind, text, raw, reference: (
        f'<c{reference} t="{kind}"><is><t>{text if raw else escape(text)}</t></is>'
        f"<v>{text if raw else escape(text)}</v></c>"
    ),
    st.sampled_from(["inlineStr", "s", "n", "b", "str", "e", "d", "x"]),
    nasty_text,
    st.booleans(),
    st.one_of(
        st.just(""),
        st.sampled_from([' r="A1"', ' r="XFD1048576"', ' r="A0"', ' r="1A"', ' r=""']),
        nasty_text.map(lambda text: f' r="{escape(text, {chr(34): "&quot;"})}"'),
    ),
)
row_xml = st.builds(
    lambda number, cells, repeat: f"<row{number}>{''.join(cells) * repeat}</row>",
    st.one_of(st.just(""), st.integers(-5, 10**12).map(lambda n: f' r="{n}"')),
    st.lists(cell_xml, max_size=6),
    st.sampled_from([1, 1, 1, 100, 600]),  # now and then wider than a row may be
)
sheet_prolog = st.sampled_from([b"", hostile.ENTITY_PROLOG, b"<!DOCTYPE worksheet>"])
sheet_header = st.sampled_from(
    [
        hostile.header_row(),
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Number</t></is></c></row>',
        b"",
    ]
)


@FUZZ
@given(
    header=sheet_header,
    rows=st.lists(row_xml, max_size=8),
    prolog=sheet_prolog,
    dimension=st.sampled_from(["", '<dimension ref="A1:XFD1048576"/>']),
    kind=st.sampled_from(["progress_upload", "recommendation_import"]),
)
def test_uploading_a_workbook_of_any_shape_never_fails_and_saves_nothing(
    world, header, rows, prolog, dimension, kind
):
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + prolog
        + f"<worksheet {hostile.MAIN}>{dimension}<sheetData>".encode()
        + header
        + "".join(rows).encode("utf-8", "surrogatepass")
        + b"</sheetData></worksheet>"
    )
    data = hostile.with_members(hostile.workbook_bytes([hostile.HEADER]), {hostile.SHEET: sheet})
    administrator = kind == "recommendation_import"
    client = signed_in(world["administrator" if administrator else "editor"])
    upload = io.BytesIO(data)
    upload.name = "upload.xlsx"
    fields = {"file": upload}
    if not administrator:
        fields["agency"] = str(world["agencies"][0].pk)

    post_and_check(
        client,
        reverse(f"spreadsheets:{kind}", kwargs={"slug": "test-review"}),
        fields,
        success=lambda response: False,
    )


# A board's own tracker, in its own layout: its columns are matched on the mapping page.
OWN_TRACKER = (
    "Tracker of the review's recommendations\n"
    "Ref,Recommendation,Agency,Target,Progress,Status\n"
    "SR 01,That it is done.,Youth Service,31/03/2017,Training delivered.,Finished\n"
    "SR 02,That it is shared.,Police,31 Mar 2017,Protocol signed.,On track\n"
)
MAPPED = {"number": "0", "text": "1", "lead_agency": "2", "target_date": "3"}
MAPPED |= {"progress": "4", "status": "5"}
MAPPING_FIELDS = [
    "number",
    "reference",
    "text",
    "short_title",
    "theme",
    "lead_agency",
    "supporting_agencies",
    "lead_officer",
    "target_date",
    "target_date_reason",
    "status",
    "progress",
]


def mapping_page(client):
    """Upload OWN_TRACKER: (the mapping page's URL, the page, with its form)."""
    upload = io.BytesIO(OWN_TRACKER.encode())
    upload.name = "tracker.csv"
    url = reverse("spreadsheets:recommendation_import", kwargs={"slug": "test-review"})
    response = client.post(url, {"file": upload})
    assert response.status_code == 302, response.status_code
    return response["Location"].split("?")[0], client.get(response["Location"])


def answered(page):
    """The mapping page's form, answered as an administrator would."""
    form = page.context["form"]
    data = {"token": form.initial["token"], "header_row": "2"}
    data |= {f"column_{key}": MAPPED.get(key, "") for key in MAPPING_FIELDS}
    data |= {name: "blue" for name, _ in form.status_fields}
    return data | {"as_at_day": "15", "as_at_month": "12", "as_at_year": "2016"}


column_choice = st.one_of(st.sampled_from(["", "0", "1", "2", "5", "6"]), number_text)


@FUZZ
@given(data=st.data())
def test_matching_the_columns_never_fails_and_saves_nothing(world, data):
    client = signed_in(world["administrator"])
    url, page = mapping_page(client)
    fields = answered(page)
    for name in fields:
        if data.draw(st.booleans()):  # now and then, every field at once
            fields[name] = data.draw(
                column_choice if name.startswith(("column_", "header_row")) else nasty_text
            )
    fields.update(data.draw(st.one_of(st.just({}), date_fields("as_at"))))
    fields["token"] = data.draw(st.one_of(st.just(fields["token"]), uuid_text))

    # Matching only previews: nothing is saved until the preview is confirmed.
    post_and_check(client, url, fields, success=lambda response: False)


@FUZZ
@given(ticked=st.lists(st.one_of(st.just("Youth Service"), nasty_text), max_size=4))
def test_confirming_a_mapped_import_with_any_agencies_ticked_never_fails(world, ticked):
    client = signed_in(world["administrator"])
    url, page = mapping_page(client)
    preview = client.post(url, answered(page))
    assert preview.status_code == 200, preview.content.decode()[:3000]
    confirm = reverse("spreadsheets:recommendation_import_confirm", kwargs={"slug": "test-review"})

    post_and_check(
        client,
        confirm,
        {"token": preview.context["token"], "create_agency": ticked},
        success=lambda response: (
            response.status_code == 302 and response["Location"] == "/reviews/test-review/"
        ),
    )


# Text as it may have been stored before control characters were refused, or by a script
# (no NUL or lone surrogates: PostgreSQL can store neither).
stored_text = st.one_of(
    nasty_text,
    st.text(st.characters(codec="utf-8", categories=["Cc", "Co", "Zl", "Zp"]), max_size=30),
    st.text(st.sampled_from("\x01\x0b\x0c\x1b\x7f\x85\x9f\ufffe\uffff=+-@\t\r\na"), max_size=30),
).map(lambda text: text.replace("\x00", "") or "x")


short_stored_text = stored_text.map(lambda text: text[:40])  # what the columns hold


@pytest.fixture
def dated_world(world):
    """The world as at the report's cut-off: its recommendation recorded in May 2016."""
    Recommendation.history.update(
        history_date=timezone.make_aware(datetime.datetime(2016, 5, 19, 12))
    )
    world["theme"] = Theme.objects.create(review=world["review"], name="Theme")
    return world


@FUZZ
@given(
    narrative=stored_text,
    evidence=stored_text,
    title=short_stored_text,
    officer=short_stored_text,
    theme=short_stored_text,
    agency=short_stored_text,
)
def test_every_export_of_any_stored_text_is_a_readable_file(
    dated_world, narrative, evidence, title, officer, theme, agency
):
    world = dated_world
    recommendation = world["recommendation"]
    theme_row = world["theme"]
    Theme.objects.filter(pk=theme_row.pk).update(name=theme)
    PartnerAgency.objects.filter(pk=recommendation.lead_agency_id).update(name=agency)
    fields = {"short_title": title, "lead_officer": officer, "theme_id": theme_row.pk}
    Recommendation.objects.filter(pk=recommendation.pk).update(**fields)
    Recommendation.history.filter(id=recommendation.pk).update(**fields)
    ProgressUpdate.objects.update(narrative=narrative, evidence_of_impact=evidence)
    client = signed_in(world["editor"])
    report = world["report"]

    for fmt in ("xlsx", "csv"):
        for url in (
            reverse("spreadsheets:dashboard_export", args=["test-review", fmt]),
            reverse("reports:table_export", args=["test-review", report.pk, fmt]),
        ):
            response = client.get(url)

            assert response.status_code == 200, url
            if fmt == "xlsx":
                rows = list(load_workbook(io.BytesIO(response.content)).active.values)
            else:
                rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
            assert len(rows) == 2, url  # the header and the one recommendation


@FUZZ
@given(token=uuid_text, kind=st.sampled_from(["progress_upload", "recommendation_import"]))
def test_confirming_a_forged_import_never_fails_and_saves_nothing(world, token, kind):
    client = signed_in(world["administrator"])
    url = reverse(f"spreadsheets:{kind}_confirm", kwargs={"slug": "test-review"})

    post_and_check(client, url, {"token": token}, success=lambda response: False)


@FUZZ
@given(
    code=st.one_of(nasty_text, st.integers(-1, 10**8).map(str)),
    view=st.sampled_from(["two_factor_verify", "two_factor_setup"]),
    next_url=st.one_of(st.just("//evil.example/"), nasty_text),
)
def test_second_factor_codes_never_fail_and_change_nothing(world, code, view, next_url):
    enrol_second_factor(world["editor"])  # the administrator has no app yet: set-up
    username = "editor.police" if view == "two_factor_verify" else "admin"
    client = Client()
    client.post(reverse("login"), {"username": username, "password": "a-long-test-password"})

    response = post_and_check(
        client, reverse(view), {"code": code, "next": next_url}, success=lambda r: False
    )
    assert response.status_code in (302, 400), response.status_code


@pytest.fixture
def action(world):
    """Action 1.1 of recommendation 1, owned by the council (the editor's second agency)."""
    return services.action_save(
        recommendation=world["recommendation"],
        number="1.1",
        text="Brief every taxi driver.",
        owner=world["agencies"][1],
        user=world["administrator"],
    )


action_number_text = st.one_of(
    st.sampled_from(["1.1", "1.2", "1.10", "2.1", "1.0", "1", "01.1", "1.99999", "32768.1"]),
    number_text,
)


@FUZZ
@given(data=st.data(), edit=st.booleans())
def test_adding_or_changing_an_action_never_fails_and_saves_nothing_refused(
    world, action, data, edit
):
    client = signed_in(world["administrator"])
    kwargs = {"slug": "test-review", "number": 1}
    url = reverse(
        "recommendations:action_edit" if edit else "recommendations:action_create",
        kwargs={**kwargs, "action": 1} if edit else kwargs,
    )
    fields = data.draw(
        st.fixed_dictionaries(
            {"number": action_number_text, "text": nasty_text, "owner": agency_choice(world)}
        )
    )
    fields.update(data.draw(date_fields("target_date")))

    post_and_check(client, url, fields, success=redirect_to("/reviews/test-review/"))


@FUZZ
@given(data=st.data())
def test_posting_an_action_update_never_fails_and_saves_nothing_refused(world, action, data):
    client = signed_in(world["editor"])
    url = reverse(
        "recommendations:action_update_create",
        kwargs={"slug": "test-review", "number": 1, "action": 1},
    )
    fields = data.draw(
        st.fixed_dictionaries(
            {"status": status_text, "narrative": nasty_text, "submission_key": uuid_text}
        )
    )
    fields.update(data.draw(date_fields()))

    post_and_check(client, url, fields, success=redirect_to("/reviews/test-review/"))


def test_every_form_the_policy_lets_someone_post_to_is_fuzzed():
    fuzzed = {
        "login",
        "recommendations:update_create",
        "recommendations:update_correct",
        "recommendations:completion_decision",
        "recommendations:recovery_plan",
        "recommendations:action_create",
        "recommendations:action_edit",
        "recommendations:action_update_create",
        "spreadsheets:progress_upload",
        "spreadsheets:progress_upload_confirm",
        "spreadsheets:recommendation_import",
        "spreadsheets:recommendation_import_mapping",
        "spreadsheets:recommendation_import_confirm",
        "reports:issue",
        "two_factor_setup",
        "two_factor_verify",
        # tests/accounts/test_people_fuzz.py
        "accounts:person_invite",
        "accounts:person",
        "agencies:create",
        "agencies:rename",
        "accounts:link_use",
        "accounts:password_reset",
        "accounts:password_reset_confirm",
        # tests/evidence/test_upload_fuzz.py
        "evidence:add",
        "evidence:replace",
        # tests/reports/test_schedule_fuzz.py
        "reports:schedule_add",
        "reports:schedule_edit",
        "reports:schedule_plan",
        "reports:schedule_remove",
        "reports:words",
        # tests/recommendations/test_reviews.py
        "recommendations:review_create",
    }
    # Forms with nothing to type (sign-out, the buttons on a person's page) or covered by
    # Django's own (password change) and the reminder preference (a yes/no choice) are
    # left to their own tests.
    not_fuzzed = {
        "logout",
        "password_change",
        "reminders:preferences",
        "accounts:person_deactivate",
        "accounts:person_reactivate",
        "accounts:person_two_factor_reset",
        "accounts:person_invitation_resend",
    }
    posted = {name for name, rule in access.POLICY.items() if rule.post}

    assert posted - fuzzed - not_fuzzed == set()


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("1", "1", "0001", "The date must be after 1 January 1900"),
        ("1", "1", "1000", "The date must be after 1 January 1900"),
        ("31", "12", "1899", "The date must be after 1 January 1900"),
        ("1", "1", "9999", "The date must be no more than 50 years from now"),
        ("1", "2147483648", "2016", "The date must be a real date"),  # past C's int
    ],
)
def test_a_date_out_of_a_sane_range_is_a_form_error_on_the_page(world, day, month, year, message):
    client = signed_in(world["editor"])
    url = reverse("recommendations:update_create", kwargs={"slug": "test-review", "number": 1})
    fields = {"date_day": day, "date_month": month, "date_year": year, "status": "green"}
    fields.update(narrative="A position.", submission_key=str(uuid.uuid4()))
    fields.update(agency=str(world["agencies"][0].pk))

    response = post_and_check(client, url, fields, success=lambda r: False)

    assert response.status_code == 400
    assert message in response.text


@pytest.mark.parametrize(
    "forged", ["9223372036854775808", "-9223372036854775809", "\x00", "1" * 5000]
)
def test_forged_hidden_fields_out_of_every_range_are_form_errors(world, forged):
    client = signed_in(world["editor"])
    update = world["update"]
    fields = {"date_day": "1", "date_month": "11", "date_year": "2016", "status": "green"}
    fields.update(narrative="A position.", submission_key=str(uuid.uuid4()))
    create = reverse("recommendations:update_create", kwargs={"slug": "test-review", "number": 1})
    correct = reverse("recommendations:update_correct", kwargs={"pk": update.pk})

    for url, field in ((create, "agency"), (create, "submission_key"), (correct, "version")):
        response = post_and_check(client, url, {**fields, field: forged}, success=lambda r: False)
        # A version nobody read is stale (409: what changed is shown); the rest are errors.
        assert response.status_code in (400, 409), (url, field)
