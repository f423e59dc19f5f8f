"""Draft PDFs off the request path: a page asks, the report worker prints, the result is kept.

A draft is identified by its data version, the SHA-256 of the HTML document it prints:
assembling and templating a report takes a tenth of a second, printing it seconds. The
same data gives the same version, served from the cache at once; changed data gives a
new version, queued for the worker (`manage.py db_worker`).

A worker that dies mid-render (killed, out of memory) leaves its draft "running": the
next look at the draft after `DRAFT_RENDER_STALE_AFTER` seconds queues it again, up to
`DRAFT_RENDER_ATTEMPTS` attempts, then reports it failed. Issued versions never come
from here: `services.report_issue` prints and stores them in one transaction.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import DraftPdf
from .rendering import render_report_html

State = DraftPdf.State
logger = logging.getLogger(__name__)


def draft_request(*, report):
    """The draft of `report` as its data stands now: READY with its PDF, or queued."""
    html = render_report_html(report)
    version = hashlib.sha256(html.encode()).hexdigest()
    draft, created = DraftPdf.objects.get_or_create(
        report=report, data_version=version, defaults={"html": html}
    )
    if created:
        _enqueue(draft)
    elif draft.state == State.FAILED:
        # Asking again for a failed draft is the user's "try again": start afresh.
        DraftPdf.objects.filter(pk=draft.pk, state=State.FAILED).update(
            state=State.QUEUED, attempts=0, error=""
        )
        _enqueue(draft)
        draft.refresh_from_db()
    return draft


@task()
def render_draft(draft_id):
    """The report worker's task (`manage.py db_worker`): print a queued draft PDF."""
    draft_render(draft_id=draft_id)


def draft_render(*, draft_id):
    """Print a queued draft (the worker's job); a draft not queued is left as it is."""
    with transaction.atomic():
        draft = DraftPdf.objects.select_for_update().filter(pk=draft_id).first()
        if draft is None or draft.state != State.QUEUED:
            return
        draft.state = State.RUNNING
        draft.attempts += 1
        draft.started_at = timezone.now()
        draft.save(update_fields=["state", "attempts", "started_at"])
    from .pdf import html_to_pdf  # WeasyPrint is imported only to print

    try:
        pdf = html_to_pdf(draft.html)
    except Exception as error:
        _failed_attempt(draft, f"{type(error).__name__}: {error}")
        raise
    # One statement: the PDF and READY together, and only for this very attempt.
    DraftPdf.objects.filter(pk=draft.pk, state=State.RUNNING, attempts=draft.attempts).update(
        state=State.READY, pdf=pdf, finished_at=timezone.now(), error=""
    )
    # Older drafts of the report printed data that has since changed.
    DraftPdf.objects.filter(report_id=draft.report_id, created_at__lt=draft.created_at).exclude(
        state__in=[State.QUEUED, State.RUNNING]
    ).delete()


def draft_check(draft):
    """`draft`, first retried or failed if its worker stopped mid-render."""
    stale_since = timezone.now() - datetime.timedelta(seconds=settings.DRAFT_RENDER_STALE_AFTER)
    if draft.state == State.RUNNING and draft.started_at < stale_since:
        logger.warning("Draft %s: the report worker stopped mid-render.", draft.pk)
        _abandon_task(draft.task_id)
        _failed_attempt(draft, "The report worker stopped while printing this draft.")
        draft.refresh_from_db()
    return draft


def _failed_attempt(draft, error):
    """Queue `draft` again, or, with its attempts used up, mark it failed."""
    running = DraftPdf.objects.filter(pk=draft.pk, state=State.RUNNING, attempts=draft.attempts)
    if draft.attempts < settings.DRAFT_RENDER_ATTEMPTS:
        if running.update(state=State.QUEUED, error=error):
            _enqueue(draft)
    else:
        running.update(state=State.FAILED, error=error, finished_at=timezone.now())


def _enqueue(draft):
    result = render_draft.enqueue(draft.pk)
    DraftPdf.objects.filter(pk=draft.pk).update(task_id=str(result.id))


def _abandon_task(task_id):
    """Mark a dead worker's task failed in django-tasks-db, which would show it running."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if task_id:
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now()
        )
