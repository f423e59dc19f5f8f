"""Issuing off the request path, and the reported periods it closes.

The administrator confirms, the report worker prints and stores, a page follows it. The
stored PDF and the record always agree: while a report is printed for issue, changes that
would alter it are refused, and once issued, nothing may be dated into its period except an
administrator's late correction, which the reports page then flags.
"""

import datetime
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from recommendations import services as record
from recommendations.models import ProgressUpdate, Status
from reports import issuing, pdf
from reports.models import IssueRequest, ReportVersion
from tests.conftest import make_update
from tests.reports.conftest import at

# The worker closes a connection it finds inside a transaction: see test_drafts.py.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay")


@pytest.fixture
def board(administrator):
    client = Client()
    client.force_login(administrator)
    return client


def printing(report, administrator, *, since):
    """An issue of `report` the worker has been printing since `since`."""
    request = issuing.issue_request(
        report=report, user=administrator, submission_key=uuid.uuid4(), enqueue=False
    )
    IssueRequest.objects.filter(pk=request.pk).update(
        state=IssueRequest.State.RUNNING, started_at=since
    )
    return request


def issue_url(report):
    return reverse("reports:issue", args=[report.review.slug, report.pk])


def test_the_issue_is_printed_by_the_worker_while_a_page_follows_it(small_review, board):
    report = small_review["report"]

    response = board.post(issue_url(report), {"reason": "", "submission_key": uuid.uuid4()})

    assert not ReportVersion.objects.exists()  # nothing printed inside the request
    status = board.get(response["Location"])
    assert "Waiting for the report worker" in status.text
    assert "Check again" in status.text
    assert board.get(response["Location"], {"format": "json"}).json()["state"] == "queued"
    run_worker()
    assert board.get(response["Location"], {"format": "json"}).json()["state"] == "issued"
    done = board.get(response["Location"])
    assert "Version 1 has been issued" in done.text
    version = ReportVersion.objects.get()
    assert bytes(version.pdf).startswith(b"%PDF-")
    assert version.record_sha256


def test_posting_the_same_form_twice_makes_one_version(small_review, board):
    report = small_review["report"]
    form = {"reason": "", "submission_key": uuid.uuid4()}

    first = board.post(issue_url(report), form)
    second = board.post(issue_url(report), form)
    run_worker()
    third = board.post(issue_url(report), form)  # a late third click, after it was issued

    assert first["Location"] == second["Location"] == third["Location"]
    assert IssueRequest.objects.count() == 1
    assert ReportVersion.objects.count() == 1


def test_two_administrators_issuing_at_once_make_one_version(
    small_review, administrator, database_file
):
    other = type(administrator).objects.get(pk=administrator.pk)
    report = small_review["report"]
    barrier = threading.Barrier(2)
    results = []

    def ask(user):
        try:
            barrier.wait()
            results.append(
                issuing.issue_request(report=report, user=user, submission_key=uuid.uuid4()).pk
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(user,)) for user in (administrator, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_worker()

    assert len(results) == 2 and results[0] == results[1]
    assert ReportVersion.objects.count() == 1


def test_while_a_report_is_printed_changes_that_would_alter_it_are_refused(
    small_review, administrator, police_editor
):
    printing(small_review["report"], administrator, since=timezone.now())
    update = ProgressUpdate.objects.get(recommendation=small_review["first"])

    with at(2016, 12, 2):
        with pytest.raises(ValidationError, match="being issued to the committee right now"):
            make_update(small_review["first"], police_editor, date=datetime.date(2016, 11, 29))
        with pytest.raises(ValidationError, match="being issued to the committee right now"):
            record.progress_update_correct(
                update=update,
                user=police_editor,
                expected_version=update.version,
                date=update.date,
                status=Status.RED,
                narrative="Worse.",
            )
        later = make_update(small_review["first"], police_editor, date=datetime.date(2016, 12, 1))

    assert later.pk  # after the cut-off: not in the report, so not held up
    assert ProgressUpdate.objects.get(pk=update.pk).narrative == "Disruption plan drafted."


def test_a_worker_that_died_mid_print_does_not_hold_the_record_up(
    small_review, administrator, police_editor, board, settings
):
    report = small_review["report"]
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.DRAFT_RENDER_STALE_AFTER + 1)
    request = printing(report, administrator, since=long_ago)

    assert make_update(small_review["first"], police_editor, date=datetime.date(2016, 11, 29))
    status = board.get(
        reverse("reports:issue_status", args=[report.review.slug, report.pk, request.pk])
    )
    assert "The report worker stopped while printing this report" in status.text
    assert "Try again" in status.text


def test_a_change_that_slipped_in_while_printing_makes_the_worker_print_again(
    small_review, administrator, police_editor, monkeypatch
):
    """A write already past its check when printing began commits before the version is
    stored: the worker sees the document changed, prints again, and stores what is true."""
    report = small_review["report"]
    real_print = pdf.html_to_pdf
    prints = []

    def print_and_meanwhile_an_update_commits(html):
        prints.append(html)
        if len(prints) == 1:
            ProgressUpdate.objects.create(  # as a write that passed its checks earlier
                recommendation=small_review["first"],
                agency=small_review["first"].lead_agency,
                author=police_editor,
                date=datetime.date(2016, 11, 29),
                status=Status.RED,
                narrative="Slipped in while printing.",
                recorded_at=timezone.now(),
            )
        return real_print(html)

    monkeypatch.setattr(pdf, "html_to_pdf", print_and_meanwhile_an_update_commits)
    request = issuing.issue_request(report=report, user=administrator, submission_key=uuid.uuid4())
    version = issuing.issue_print(request_id=request.pk)

    assert len(prints) == 2
    assert "Slipped in while printing." not in prints[0]
    assert "Slipped in while printing." in prints[1]
    assert ReportVersion.objects.get().pk == version.pk


def test_once_issued_an_editor_cannot_post_or_correct_into_the_reported_period(
    small_review, administrator, police_editor
):
    from reports.services import report_issue

    report_issue(report=small_review["report"], user=administrator)
    editor = Client()
    editor.force_login(police_editor)
    url = reverse("recommendations:update_create", args=["test-review", 1])
    with at(2016, 12, 5):
        form = editor.get(url).context["form"]
        response = editor.post(
            url,
            {
                "agency": small_review["first"].lead_agency_id,
                "date_day": "29",
                "date_month": "11",
                "date_year": "2016",
                "status": "green",
                "narrative": "Back-dated into the issued period.",
                "submission_key": form.initial["submission_key"],
            },
        )
        later = make_update(small_review["first"], police_editor, date=datetime.date(2016, 12, 2))
        with pytest.raises(ValidationError, match="cannot be dated on or before 30 November 2016"):
            record.progress_update_correct(
                update=later,
                user=police_editor,
                expected_version=later.version,
                date=datetime.date(2016, 11, 30),
                status=later.status,
                narrative=later.narrative,
            )

    assert response.status_code == 400
    assert "has been issued to the committee" in response.text
    assert "Post an update dated after 30 November 2016 instead" in response.text
    assert not ProgressUpdate.objects.filter(narrative="Back-dated into the issued period.")
    assert ProgressUpdate.objects.get(pk=later.pk).date == datetime.date(2016, 12, 2)


def test_the_administrators_late_correction_needs_a_reason_and_flags_the_issued_version(
    small_review, administrator, board
):
    from reports.services import report_issue

    report_issue(report=small_review["report"], user=administrator)
    listing = reverse("reports:list", args=["test-review"])
    assert "no longer matches the record" not in board.get(listing).text
    update = ProgressUpdate.objects.get(recommendation=small_review["first"])

    with pytest.raises(ValidationError, match="say why this late entry"):
        record.progress_update_correct(
            update=update,
            user=administrator,
            expected_version=update.version,
            date=update.date,
            status=Status.RED,
            narrative="Corrected late.",
        )
    record.progress_update_correct(
        update=update,
        user=administrator,
        expected_version=update.version,
        date=update.date,
        status=Status.RED,
        narrative="Corrected late.",
        late_reason="The police sent the wrong position.",
    )

    page = board.get(listing).text
    assert "Version 1 no longer matches the record" in page
    assert "Issue it again" in page
    history = ProgressUpdate.history.filter(id=update.pk).order_by("history_date").last()
    assert history.history_change_reason.startswith("Late entry into a reported period")


def test_the_administrator_corrects_an_issued_update_on_its_page_giving_a_reason(
    small_review, administrator, police_editor, board
):
    from reports.services import report_issue

    report_issue(report=small_review["report"], user=administrator)
    update = ProgressUpdate.objects.get(recommendation=small_review["first"])
    url = reverse("recommendations:update_correct", args=[update.pk])
    editor = Client()
    editor.force_login(police_editor)
    assert "kept as reported" in editor.get(url).text  # the editor sees why it is locked

    form = board.get(url)
    assert "Reason for a late entry" in form.text
    fields = {
        "date_day": "15",
        "date_month": "11",
        "date_year": "2016",
        "status": "red",
        "narrative": "Corrected late by the board.",
        "evidence_of_impact": "",
        "version": str(update.version),
    }
    refused = board.post(url, fields)
    answered = board.post(url, {**fields, "late_reason": "The police reported the wrong status."})

    assert refused.status_code == 400
    assert "say why this late entry" in refused.text
    assert answered.status_code == 302
    assert ProgressUpdate.objects.get(pk=update.pk).narrative == "Corrected late by the board."
