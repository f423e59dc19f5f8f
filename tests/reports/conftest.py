"""Fixtures for the reports: the demo review and its two reports, and PDFs rendered once.

Rendering a report costs one to three seconds, so the demo PDFs are rendered once per
test module, in a transaction rolled back afterwards, and tests read the bytes.
"""

import datetime
import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from operations.loading import load_demo, load_review, read_json
from recommendations.models import Status
from reports.models import ReportKind
from reports.rendering import render_report_pdf
from reports.services import report_save
from tests.conftest import make_recommendation, make_review, make_update

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
INTERIM_AS_AT = AS_AT = datetime.date(2016, 11, 30)
FULL_AS_AT = datetime.date(2017, 4, 30)


def load_demo_review():
    """The demo review with its progress history and its December and May reports."""
    review = load_review(read_json(FIXTURES / "cse-review.json"))
    with override_settings(DEMO_MODE=True):
        users = load_demo(read_json(FIXTURES / "demo.json"), review=review)
    interim = make_report(
        review,
        kind=ReportKind.INTERIM,
        as_at=INTERIM_AS_AT,
        meeting_date=datetime.date(2016, 12, 8),
        title="Scrutiny Review of Child Sexual Exploitation: Interim Progress Report",
    )
    full = make_report(
        review,
        kind=ReportKind.FULL,
        as_at=FULL_AS_AT,
        meeting_date=datetime.date(2017, 5, 18),
        title="Scrutiny Review of Child Sexual Exploitation: Progress Report",
    )
    return review, users, interim, full


def make_report(review, *, kind=ReportKind.INTERIM, as_at=INTERIM_AS_AT, **fields):
    defaults = {
        "title": f"{review.title}: {ReportKind(kind).label}",
        "committee": review.committee,
        "meeting_date": as_at + datetime.timedelta(days=8),
        "contact_officer": "Business Manager, Safeguarding Children Board",
    }
    return report_save(review=review, kind=kind, as_at=as_at, **{**defaults, **fields})


@dataclass
class RenderedPdf:
    """A rendered PDF and what a reader sees in it."""

    data: bytes

    def __post_init__(self):
        self.reader = PdfReader(io.BytesIO(self.data))
        self.pages = pdf_pages(self.data)

    @property
    def text(self):
        return "\n".join(self.pages)


def pdf_pages(data, *, layout=True):
    """The text of each page, as poppler's pdftotext lays it out (or in reading order)."""
    result = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    pages = result.stdout.decode().split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pytest_collection_modifyitems(items):
    """A test that reads the demo PDFs uses the database: say so, or pytest-django sets up
    no test database when only such tests are chosen (`pytest tests/reports/test_pdf.py`)."""
    for item in items:
        if "demo_pdfs" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="module")
def demo_pdfs(django_db_setup, django_db_blocker):
    """The demo's interim and full reports as drafts, and the interim issued as version 1."""
    from reports.services import report_issue

    with django_db_blocker.unblock():
        with transaction.atomic():
            review, users, interim, full = load_demo_review()
            pdfs = {
                "interim": RenderedPdf(render_report_pdf(interim)),
                "full": RenderedPdf(render_report_pdf(full)),
                "issued": RenderedPdf(report_issue(report=interim, user=users["admin"]).pdf),
            }
            transaction.set_rollback(True)
    return pdfs


@pytest.fixture
def demo(db):
    """The demo review, its users and its two reports, in the test's own database."""
    review, users, interim, full = load_demo_review()
    return {"review": review, "users": users, "interim": interim, "full": full}


def at(year, month, day):
    return time_machine.travel(
        timezone.make_aware(datetime.datetime(year, month, day, 12)), tick=False
    )


@pytest.fixture
def small_review(police, council, police_editor):
    with at(2016, 5, 19):
        review = make_review()
        first = make_recommendation(
            review,
            police,
            number=1,
            short_title="Disrupt perpetrators",
            text="That the police disrupt perpetrators.",
            target_date=datetime.date(2016, 10, 31),
            supporting_agencies=[council],
        )
        second = make_recommendation(review, police, number=2, short_title="Taxi drivers")
    with at(2016, 11, 20):
        make_update(
            first,
            police_editor,
            date=datetime.date(2016, 11, 15),
            status=Status.AMBER,
            narrative="Disruption plan drafted.",
        )
        make_update(
            second,
            police_editor,
            date=datetime.date(2016, 11, 18),
            status=Status.BLUE,
            narrative="All 212 drivers trained.",
        )
    report = make_report(review, as_at=AS_AT)
    return {"review": review, "report": report, "first": first, "second": second}
