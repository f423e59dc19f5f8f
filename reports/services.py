"""Writes of the reports app: saving a report's details and issuing it to the committee."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from recommendations.roles import is_board_administrator

from . import issuing
from .models import Report


@transaction.atomic
def report_save(*, review, kind, as_at, user=None, **fields):
    """Create the report of `review` of this kind and cut-off, or bring its details up to date."""
    report = Report.objects.filter(review=review, kind=kind, as_at=as_at).first()
    report = report or Report(review=review, kind=kind, as_at=as_at)
    changed = report.pk is None
    for name, value in fields.items():
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed = True
    if changed:
        report.full_clean()
        report._history_user = user
        report.save()
    return report


def report_issue(*, report, user, reason=""):
    """Issue `report` now, in this process, and return the version (scripts and tests; the
    pages ask the report worker: `issuing.issue_request`). The same rules and the same
    printing as the worker's: see reports/issuing.py."""
    request = issuing.issue_request(
        report=report, user=user, reason=reason, submission_key=uuid.uuid4(), enqueue=False
    )
    return issuing.issue_print(request_id=request.pk)


SCHEDULE_FIELDS = (
    "kind",
    "title",
    "committee",
    "meeting_date",
    "as_at",
    "papers_due",
    "author_line",
    "contact_officer",
)


@transaction.atomic
def report_schedule(*, review, user, report=None, **fields):
    """Add a report to the review's schedule, or change one not yet issued."""
    _administrator(user)
    if report is None:
        report = Report(review=review)
    else:
        report = Report.objects.select_for_update().get(pk=report.pk, review=review)
        if report.is_issued():
            raise ValidationError(
                "This report has been issued to the committee, so its details are kept as "
                "issued. Schedule a new report instead."
            )
    return _save(report, fields, SCHEDULE_FIELDS, user=user)


def _save(report, fields, names, *, user):
    """Set those of `fields` that are `names` on `report`, validate, and save with history."""
    for name in names:
        if name in fields:
            setattr(report, name, fields[name])
    report.full_clean()
    report._history_user = user
    report.save()
    return report


class ScheduleErrors(Exception):
    """What was wrong with each report of a batch (None where nothing was); nothing saved."""

    def __init__(self, errors):
        super().__init__("Some reports could not be scheduled.")
        self.errors = errors


def report_schedule_many(*, review, user, reports):
    """Schedule several reports (the next year's plan): all of them, or none."""
    with transaction.atomic():
        saved, errors = [], []
        for fields in reports:
            try:
                with transaction.atomic():
                    saved.append(report_schedule(review=review, user=user, **fields))
                errors.append(None)
            except ValidationError as error:
                errors.append(error)
        if any(errors):
            transaction.set_rollback(True)
    if any(errors):
        raise ScheduleErrors(errors)
    return saved


@transaction.atomic
def report_unschedule(*, report, user):
    """Remove a report from the schedule: only one never issued nor asked to be."""
    _administrator(user)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_removable():
        raise ValidationError(
            "This report has been issued (or is being issued) to the committee, so it stays "
            "on the schedule."
        )
    report._history_user = user
    report.drafts.all().delete()
    report.delete()


def _administrator(user):
    if not is_board_administrator(user):
        raise PermissionDenied("Only a board administrator can change the report schedule.")


WORDS_FIELDS = (
    "author_line",
    "contact_telephone",
    "contact_email",
    "agenda_item",
    "wards_affected",
    "key_decision",
    "exempt_information",
    "chair_summary",
    "key_messages",
    "committee_recommendations",
    "background_papers",
)


@transaction.atomic
def report_words_save(*, report, user, **fields):
    """Save the board's own words and the front sheet of a report not yet issued.

    Kept in the report's history. Once issued (or while being issued) the words are part
    of the record the committee received, and are refused.
    """
    _administrator(user)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.words_locked():
        raise ValidationError(
            "This report has been issued (or is being issued) to the committee, so its words "
            "are kept as issued. Write them into the next report instead."
        )
    return _save(report, fields, WORDS_FIELDS, user=user)
