"""Reports in the admin: the schedule's rules hold there too; issued versions are records."""

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import Report, ReportVersion
from reports.services import report_issue


@pytest.fixture
def admin_client_(administrator):
    client = Client()
    client.force_login(administrator)
    return client


def test_an_issued_report_and_its_versions_are_read_only_in_the_admin(
    small_review, administrator, admin_client_
):
    report = small_review["report"]
    report_issue(report=report, user=administrator)
    version = ReportVersion.objects.get()

    change = reverse("admin:reports_report_change", args=[report.pk])
    response = admin_client_.post(change, {"title": "Changed in the admin"})
    assert response.status_code == 403
    assert (
        admin_client_.post(
            reverse("admin:reports_report_delete", args=[report.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        admin_client_.post(
            reverse("admin:reports_reportversion_delete", args=[version.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        admin_client_.get(
            reverse("admin:reports_reportversion_change", args=[version.pk])
        ).status_code
        == 200
    )
    report.refresh_from_db()
    assert report.title != "Changed in the admin"
    assert ReportVersion.objects.filter(pk=version.pk).exists()


def test_the_admin_applies_the_schedule_rules(small_review, admin_client_):
    response = admin_client_.post(
        reverse("admin:reports_report_add"),
        {
            "review": small_review["review"].pk,
            "kind": "full",
            "title": "Cut-off after the meeting",
            "committee": "Committee",
            "meeting_date": "2017-05-18",
            "as_at": "2017-06-30",
            "author_line": "Report of the Chair",
        },
    )

    assert response.status_code == 200
    assert "The cut-off date must be on or before the meeting date" in response.text
    assert not Report.objects.filter(title="Cut-off after the meeting").exists()
