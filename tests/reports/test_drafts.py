"""Draft PDFs off the request path: printed by the report worker, kept while the data stands."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from recommendations.models import Status
from reports import drafts
from reports.models import DraftPdf
from tests.conftest import make_update

State = DraftPdf.State

# The worker closes a connection it finds inside a transaction (as Django's request cycle
# does); on PostgreSQL that would close the test's own, so these tests run without one.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    """What `manage.py db_worker` does, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay")


@pytest.fixture
def clerk(client, reader):
    client.force_login(reader)
    return client


def draft_url(report):
    return reverse("reports:draft_pdf", args=[report.review.slug, report.pk])


def test_a_draft_is_printed_by_the_worker_while_the_page_shows_its_progress(small_review, clerk):
    report = small_review["report"]

    asked = clerk.get(draft_url(report))
    draft = DraftPdf.objects.get()
    status_url = reverse("reports:draft_status", args=[report.review.slug, report.pk, draft.pk])
    assert asked.status_code == 302 and asked["Location"] == status_url
    waiting = clerk.get(status_url)
    assert "Waiting for the report worker" in waiting.text
    assert "Check again" in waiting.text  # works without JavaScript
    assert "reports/draft-status.js" in waiting.text
    assert "<script>" not in waiting.text  # nothing inline: the CSP allows no inline script
    assert clerk.get(status_url, {"format": "json"}).json()["state"] == "queued"

    run_worker()

    assert clerk.get(status_url, {"format": "json"}).json() == {"state": "ready", "label": "Ready"}
    assert "Download the draft (PDF)" in clerk.get(status_url).text
    pdf = clerk.get(draft_url(report))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_an_unchanged_draft_is_served_from_the_cache_and_changed_data_prints_anew(
    small_review, clerk, police_editor
):
    report = small_review["report"]
    clerk.get(draft_url(report))
    run_worker()
    first = clerk.get(draft_url(report))

    again = clerk.get(draft_url(report))
    assert again.status_code == 200 and again.content == first.content
    assert DraftPdf.objects.count() == 1 and DBTaskResult.objects.count() == 1

    make_update(
        small_review["second"],
        police_editor,
        date=datetime.date(2016, 11, 29),
        status=Status.RED,
        narrative="Training paused.",
    )
    assert clerk.get(draft_url(report)).status_code == 302  # new data: printed again
    run_worker()
    assert clerk.get(draft_url(report)).content != first.content
    assert DraftPdf.objects.get().state == State.READY  # the out-of-date draft is dropped


def test_a_worker_killed_mid_render_leaves_the_draft_retried_then_failed(
    small_review, clerk, settings
):
    report = small_review["report"]
    clerk.get(draft_url(report))
    draft = DraftPdf.objects.get()
    status_url = reverse("reports:draft_status", args=[report.review.slug, report.pk, draft.pk])
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.DRAFT_RENDER_STALE_AFTER + 1)

    for attempt in range(1, settings.DRAFT_RENDER_ATTEMPTS + 1):
        # The worker claims the job, starts printing, and is killed: nothing is written.
        task = DBTaskResult.objects.ready().get()
        task.claim("killed-worker")
        DraftPdf.objects.filter(pk=draft.pk).update(
            state=State.RUNNING, attempts=attempt, started_at=long_ago
        )
        state = clerk.get(status_url, {"format": "json"}).json()["state"]
        assert state == ("queued" if attempt < settings.DRAFT_RENDER_ATTEMPTS else "failed")
        assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.FAILED

    draft.refresh_from_db()
    assert draft.pdf is None
    page = clerk.get(status_url)
    assert "could not be printed" in page.text
    assert "The report worker stopped while printing this draft." in page.text
    assert clerk.get(draft_url(report)).status_code == 302  # asking again starts afresh
    assert DraftPdf.objects.get().state == State.QUEUED


def test_a_render_error_is_retried_and_then_reported_failed(small_review, monkeypatch, settings):
    calls = []

    def broken(html):
        calls.append(html)
        raise OSError("out of memory")

    monkeypatch.setattr("reports.pdf.html_to_pdf", broken)
    draft = drafts.draft_request(report=small_review["report"])

    run_worker()

    draft.refresh_from_db()
    assert len(calls) == settings.DRAFT_RENDER_ATTEMPTS
    assert (draft.state, draft.pdf, draft.error) == (State.FAILED, None, "OSError: out of memory")
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.FAILED}
