"""Writes of the reports app: saving a report's details and issuing it to the committee."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from recommendations.roles import is_board_administrator

from .models import Report, ReportVersion
from .rendering import render_report_pdf


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
    """Issue `report` to the committee: render it, and keep the PDF bytes as the next version.

    A first issue needs no reason; issuing again does, and keeps every earlier version.
    Rendering and storing happen in one transaction, under a lock on the report, so that
    two administrators issuing at once get versions 1 and 2, not two version 1s.
    """

    if not is_board_administrator(user):
        raise PermissionDenied("Only a board administrator can issue a report.")
    reason = reason.strip()
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("review").get(pk=report.pk)
        latest = report.versions.aggregate(latest=Max("number"))["latest"] or 0
        if latest and not reason:
            raise ValidationError(
                {"reason": "Say why the report is issued again: the committee will ask."}
            )
        number = latest + 1
        issued_at = timezone.now()
        pdf = render_report_pdf(report, version=number, issued_at=issued_at)
        version = ReportVersion(
            report=report,
            number=number,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            issued_by=user,
            issued_at=issued_at,
            reason=reason,
        )
        version.full_clean()
        version.save()
    return version
