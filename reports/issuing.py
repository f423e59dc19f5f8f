"""Issuing a report to the committee, off the request path.

The administrator confirms (`issue_request`); the report worker prints the PDF and stores
it as the next version (`issue_print`, run by the `print_issue` task); a page follows the
request until the version is there.

No transaction is open while WeasyPrint prints (seconds), so the worker and the pages never
wait on each other for that long. Instead:
1. the request is marked running; while it is, the record refuses changes that would alter
   the report (recommendations/services.py asks the calendar what is being issued);
2. the HTML is rendered and printed outside any transaction;
3. one short transaction locks the review's row (as every write to the record does), renders
   the HTML again and stores the version only if it is the very document printed. A change
   that was already under way when printing began makes the worker print again.
So the stored PDF and the record always agree.
"""

import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from recommendations.models import Review
from recommendations.roles import is_board_administrator

from .assembly import record_fingerprint, report_content
from .models import IssueRequest, Report, ReportVersion
from .rendering import render_report_html

State = IssueRequest.State
logger = logging.getLogger(__name__)

# Prints tried before giving up when the record keeps changing under the printer.
PRINTS = 3


class RecordChangedWhilePrinting(Exception):
    pass


def issue_request(*, report, user, reason="", submission_key, enqueue=True):
    """Ask the report worker to issue `report`; returns the request (an existing one if the
    same form was posted before, or if the report is already being issued).

    `enqueue=False` leaves printing to the caller (`services.report_issue`, for scripts).
    """
    if not is_board_administrator(user):
        raise PermissionDenied("Only a board administrator can issue a report.")
    existing = IssueRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    reason = (reason or "").strip()
    if report.versions.exists() and not reason:
        raise ValidationError(
            {"reason": "Say why the report is issued again: the committee will ask."}
        )
    request = IssueRequest(
        report=report, requested_by=user, reason=reason, submission_key=submission_key
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        # Already being issued (another click, another administrator): follow that one.
        open_request = IssueRequest.objects.filter(report=report, state__in=IssueRequest.OPEN)
        existing = (
            open_request.first()
            or IssueRequest.objects.filter(submission_key=submission_key).first()
        )
        if existing is None:
            raise
        return existing
    if enqueue:
        transaction.on_commit(lambda: _enqueue(request))
    return request


@task()
def print_issue(request_id):
    """The report worker's task (`manage.py db_worker`): print and store a requested issue."""
    issue_print(request_id=request_id)


def issue_print(*, request_id):
    """Print the requested issue and store it as the report's next version (or fail it)."""
    with transaction.atomic():
        request = IssueRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.state != State.QUEUED:
            return request and request.version
        request.state = State.RUNNING
        request.attempts += 1
        request.started_at = timezone.now()
        request.save(update_fields=["state", "attempts", "started_at"])
    try:
        version = _print_and_store(request)
    except Exception as error:
        message = (
            "The record changed while the report was being printed, again and again. "
            "Try again in a few minutes."
            if isinstance(error, RecordChangedWhilePrinting)
            else f"The report could not be printed ({type(error).__name__})."
        )
        IssueRequest.objects.filter(pk=request.pk, state=State.RUNNING).update(
            state=State.FAILED, error=message, finished_at=timezone.now()
        )
        raise
    return version


def issue_check(request):
    """`request`, failed first if its worker stopped while printing it."""
    if request.state == State.RUNNING and request.started_at < IssueRequest.stale_before():
        logger.warning("Issue request %s: the report worker stopped mid-print.", request.pk)
        IssueRequest.objects.filter(pk=request.pk, state=State.RUNNING).update(
            state=State.FAILED,
            error="The report worker stopped while printing this report. Try again.",
            finished_at=timezone.now(),
        )
        request.refresh_from_db()
    return request


def differs_from_record(report, latest_version):
    """Whether the record now says something else about the reported period than the
    latest issued version did: a late correction has been made since it was issued."""
    if latest_version is None or not latest_version.record_sha256:
        return False
    return record_fingerprint(report_content(report)) != latest_version.record_sha256


def _print_and_store(request):
    from .pdf import html_to_pdf  # WeasyPrint is imported only to print

    report = Report.objects.select_related("review").get(pk=request.report_id)
    for _ in range(PRINTS):
        number = _next_number(report)
        issued_at = timezone.now()
        html = render_report_html(report, version=number, issued_at=issued_at)
        pdf = html_to_pdf(html)
        with transaction.atomic():
            # Writers to the record lock this row too: from here to the commit, none can
            # change what the report shows.
            Review.objects.select_for_update().get(pk=report.review_id)
            content = report_content(report)
            same = render_report_html(report, content=content, version=number, issued_at=issued_at)
            if same != html or _next_number(report) != number:
                continue
            version = ReportVersion(
                report=report,
                number=number,
                pdf=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
                record_sha256=record_fingerprint(content),
                issued_by=request.requested_by,
                issued_at=issued_at,
                reason=request.reason,
            )
            version.full_clean()
            version.save()
            IssueRequest.objects.filter(pk=request.pk).update(
                state=State.ISSUED, version=version, finished_at=timezone.now(), error=""
            )
            return version
    raise RecordChangedWhilePrinting()


def _next_number(report):
    return (report.versions.aggregate(latest=Max("number"))["latest"] or 0) + 1


def _enqueue(request):
    result = print_issue.enqueue(request.pk)
    IssueRequest.objects.filter(pk=request.pk).update(task_id=str(result.id))
