"""Issuing a report to the committee: the bytes are a record, and what they include is locked."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recommendations import services as recommendation_services
from recommendations.models import ProgressUpdate, Status
from reports.models import ReportVersion
from reports.services import report_issue
from tests.conftest import make_update
from tests.reports.conftest import at


def test_an_issued_version_keeps_its_bytes_after_the_data_changes_and_a_reissue_adds_version_2(
    small_review, administrator, police_editor
):
    report = small_review["report"]
    first = report_issue(report=report, user=administrator)
    issued = bytes(ReportVersion.objects.get(pk=first.pk).pdf)
    with at(2016, 12, 2):
        make_update(
            small_review["first"],
            administrator,
            date=datetime.date(2016, 11, 29),
            status=Status.RED,
            narrative="A late, worse position.",
            late_reason="The police update was sent by e-mail before the cut-off.",
        )

    second = report_issue(report=report, user=administrator, reason="Late police update.")

    stored = ReportVersion.objects.get(pk=first.pk)
    assert bytes(stored.pdf) == issued
    assert stored.sha256 == hashlib.sha256(issued).hexdigest() == first.sha256
    assert (first.number, second.number) == (1, 2)
    assert second.reason == "Late police update."
    assert bytes(second.pdf) != issued
    assert list(report.versions.values_list("number", flat=True)) == [1, 2]


def test_issuing_again_without_a_reason_is_refused_and_keeps_one_version(
    small_review, administrator
):
    report_issue(report=small_review["report"], user=administrator)

    with pytest.raises(ValidationError):
        report_issue(report=small_review["report"], user=administrator, reason="  ")

    assert small_review["report"].versions.count() == 1


def test_only_a_board_administrator_can_issue(small_review, reader, police_editor):
    for user in (reader, police_editor):
        with pytest.raises(PermissionDenied):
            report_issue(report=small_review["report"], user=user)

    assert not ReportVersion.objects.exists()


def correct(update, user):
    return recommendation_services.progress_update_correct(
        update=update,
        user=user,
        expected_version=update.version,
        date=update.date,
        status=update.status,
        narrative="Corrected.",
    )


def test_an_update_in_an_issued_report_can_no_longer_be_corrected(
    small_review, administrator, police_editor
):
    update = small_review["first"].updates.get()
    assert not recommendation_services.progress_update_is_locked(update)  # a draft locks nothing

    report_issue(report=small_review["report"], user=administrator)

    update = ProgressUpdate.objects.get(pk=update.pk)  # as the next request reads it
    assert recommendation_services.progress_update_is_locked(update)
    with pytest.raises(recommendation_services.LockedUpdateError):
        correct(update, police_editor)
    update.refresh_from_db()
    assert update.narrative == "Disruption plan drafted."


def test_an_update_dated_after_the_issued_cut_off_can_still_be_corrected(
    small_review, administrator, police_editor
):
    report_issue(report=small_review["report"], user=administrator)
    with at(2016, 12, 15):
        later = make_update(small_review["first"], police_editor, date=datetime.date(2016, 12, 1))

        assert correct(later, police_editor).narrative == "Corrected."
