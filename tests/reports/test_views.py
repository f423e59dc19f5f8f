"""The reports pages as clerks and the board administrator use them."""

import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from reports.models import ReportVersion
from tests.conftest import make_user


def urls(report):
    slug, pk = report.review.slug, report.pk
    return {
        "list": reverse("reports:list", args=[slug]),
        "preview": reverse("reports:preview", args=[slug, pk]),
        "draft": reverse("reports:draft_pdf", args=[slug, pk]),
        "issue": reverse("reports:issue", args=[slug, pk]),
        "version": reverse("reports:version_pdf", args=[slug, pk, 1]),
    }


def issue(client, report, reason=""):
    """Confirm an issue as the page's form does, then let the report worker print it."""
    response = client.post(
        urls(report)["issue"], {"reason": reason, "submission_key": str(uuid.uuid4())}
    )
    call_command("db_worker", "--batch", "--no-startup-delay")
    return response


@pytest.fixture
def clerk(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def board_administrator(administrator):
    client = Client()
    client.force_login(administrator)
    return client


@pytest.mark.django_db(transaction=True)  # the worker runs here: see tests/reports/test_drafts.py
def test_a_reader_can_list_preview_and_download_but_not_issue(small_review, clerk):
    report = small_review["report"]
    page = urls(report)

    listing = clerk.get(page["list"])
    assert listing.status_code == 200
    assert report.title in listing.text
    assert page["issue"] not in listing.text

    preview = clerk.get(page["preview"])
    assert preview.status_code == 200
    assert "Disruption plan drafted." in preview.text
    assert "1. Purpose of the report" in preview.text

    assert clerk.get(page["draft"]).status_code == 302  # to the page following its render
    call_command("db_worker", "--batch", "--no-startup-delay")
    draft = clerk.get(page["draft"])
    assert draft.status_code == 200
    assert draft["Content-Type"] == "application/pdf"
    assert draft.content.startswith(b"%PDF-")
    assert draft["Content-Disposition"] == (
        'attachment; filename="test-review-interim-progress-report-2016-12-draft.pdf"'
    )
    assert "no-store" in draft["Cache-Control"]

    assert clerk.get(page["issue"]).status_code == 403
    assert clerk.post(page["issue"], {"reason": "Because."}).status_code == 403
    assert not ReportVersion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_administrator_issues_and_everyone_downloads_exactly_the_issued_bytes(
    small_review, board_administrator, clerk
):
    report = small_review["report"]
    page = urls(report)
    assert board_administrator.get(page["issue"]).status_code == 200

    response = issue(board_administrator, report)

    assert response.status_code == 302  # to the page following the issue
    version = ReportVersion.objects.get(report=report)
    status = board_administrator.get(response["Location"])
    assert "Version 1 has been issued" in status.text
    download = clerk.get(page["version"])
    assert download.content == bytes(version.pdf)
    assert download["Content-Disposition"] == (
        'attachment; filename="test-review-interim-progress-report-2016-12-v1.pdf"'
    )
    assert "Download version 1" in clerk.get(page["list"]).text


@pytest.mark.django_db(transaction=True)
def test_issuing_again_without_a_reason_shows_an_error_and_issues_nothing(
    small_review, board_administrator
):
    issue(board_administrator, small_review["report"])

    response = issue(board_administrator, small_review["report"])

    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert "Say why the report is issued again" in response.text
    assert ReportVersion.objects.count() == 1


def test_an_issue_without_a_csrf_token_is_refused(small_review, administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)

    response = client.post(urls(small_review["report"])["issue"], {"reason": ""})

    assert response.status_code == 403
    assert not ReportVersion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_user_gets_nothing(small_review, board_administrator, client):
    issue(board_administrator, small_review["report"])

    for name, url in urls(small_review["report"]).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
        assert b"%PDF" not in response.content
    assert client.post(urls(small_review["report"])["issue"]).status_code == 302
    assert ReportVersion.objects.count() == 1


def test_an_editor_cannot_issue(small_review, police):
    client = Client()
    client.force_login(make_user("another.editor", agencies=[police]))

    assert client.post(urls(small_review["report"])["issue"]).status_code == 403
    assert not ReportVersion.objects.exists()
