"""The report schedule, kept in the browser by the board administrator."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from recommendations.models import Status
from reports.models import Report, ReportKind
from reports.services import report_issue
from tests.conftest import make_update
from tests.reports.conftest import at


def date_fields(name, date, prefix=""):
    return {
        f"{prefix}{name}_day": str(date.day),
        f"{prefix}{name}_month": str(date.month),
        f"{prefix}{name}_year": str(date.year),
    }


def schedule_data(*, as_at, meeting_date, papers_due=None, kind="interim", **fields):
    data = {
        "kind": kind,
        "title": "Interim Progress Report 2026",
        "committee": "Children and Young People Scrutiny Committee",
        "contact_officer": "",
        **fields,
        **date_fields("as_at", as_at),
        **date_fields("meeting_date", meeting_date),
    }
    if papers_due:
        data.update(date_fields("papers_due", papers_due))
    return data


@pytest.fixture
def board(administrator):
    client = Client()
    client.force_login(administrator)
    return client


def test_the_administrator_schedules_a_report_and_it_is_on_the_reports_page_with_history(
    small_review, board
):
    review = small_review["review"]
    response = board.post(
        reverse("reports:schedule_add", args=[review.slug]),
        schedule_data(
            as_at=datetime.date(2026, 11, 30),
            meeting_date=datetime.date(2026, 12, 10),
            papers_due=datetime.date(2026, 12, 1),
        ),
    )

    assert response.status_code == 302
    report = Report.objects.get(review=review, as_at=datetime.date(2026, 11, 30))
    assert (report.kind, report.meeting_date, report.papers_due) == (
        ReportKind.INTERIM,
        datetime.date(2026, 12, 10),
        datetime.date(2026, 12, 1),
    )
    assert report.history.get().history_user.username == "admin"
    listing = board.get(response["Location"])
    assert "Interim Progress Report 2026" in listing.text
    assert "has been scheduled" in listing.text
    assert "1 December 2026" in listing.text  # papers due


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"as_at": datetime.date(2026, 12, 20), "meeting_date": datetime.date(2026, 12, 10)},
            "The cut-off date must be on or before the meeting date",
        ),
        (
            {"as_at": datetime.date(2016, 1, 31), "meeting_date": datetime.date(2016, 2, 10)},
            "The cut-off date cannot be before the review was published (19 May 2016)",
        ),
        (
            {
                "as_at": datetime.date(2026, 11, 30),
                "meeting_date": datetime.date(2026, 12, 10),
                "papers_due": datetime.date(2026, 12, 11),
            },
            "The date papers are due must be on or before the meeting date",
        ),
    ],
)
def test_a_schedule_with_dates_out_of_order_is_refused_with_a_clear_message(
    small_review, board, dates, message
):
    review = small_review["review"]
    before = Report.objects.count()

    response = board.post(
        reverse("reports:schedule_add", args=[review.slug]), schedule_data(**dates)
    )

    assert response.status_code == 400
    assert message in response.text
    assert "govuk-error-summary" in response.text
    assert Report.objects.count() == before


def test_a_cut_off_must_come_after_every_issued_report(small_review, board, administrator):
    report_issue(report=small_review["report"], user=administrator)

    response = board.post(
        reverse("reports:schedule_add", args=[small_review["review"].slug]),
        schedule_data(as_at=datetime.date(2016, 10, 31), meeting_date=datetime.date(2016, 12, 20)),
    )

    assert response.status_code == 400
    assert "must be after 30 November 2016, the cut-off of a report already issued" in (
        response.text
    )


def test_an_issued_report_cannot_be_changed_or_removed_but_a_draft_one_can(
    small_review, board, administrator
):
    report = small_review["report"]
    slug = small_review["review"].slug
    changed = schedule_data(
        as_at=report.as_at, meeting_date=report.meeting_date, title="A better title"
    )
    assert (
        board.post(reverse("reports:schedule_edit", args=[slug, report.pk]), changed).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.title == "A better title"

    report_issue(report=report, user=administrator)
    changed["title"] = "Changed after issue"
    response = board.post(reverse("reports:schedule_edit", args=[slug, report.pk]), changed)
    assert response.status_code == 400
    assert "its details are kept as issued" in response.text
    response = board.post(reverse("reports:schedule_remove", args=[slug, report.pk]))
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.title == "A better title"

    later = Report.objects.create(
        review=report.review,
        kind=ReportKind.FULL,
        title="To remove",
        committee="Committee",
        meeting_date=datetime.date(2017, 5, 18),
        as_at=datetime.date(2017, 4, 30),
    )
    assert board.post(reverse("reports:schedule_remove", args=[slug, later.pk])).status_code == 302
    assert not Report.objects.filter(pk=later.pk).exists()


def test_plan_the_next_year_proposes_december_and_may_after_the_last_reports(small_review, board):
    review = small_review["review"]
    Report.objects.create(
        review=review,
        kind=ReportKind.FULL,
        title="Progress Report",
        committee="Committee",
        meeting_date=datetime.date(2017, 5, 18),
        as_at=datetime.date(2017, 4, 30),
        papers_due=datetime.date(2017, 5, 8),
    )
    url = reverse("reports:schedule_plan", args=[review.slug])
    with at(2026, 12, 1):
        page = board.get(url)
        assert page.status_code == 200
        assert "Interim progress report for December 2026" in page.text
        assert "Full progress report for May 2027" in page.text
        proposals = page.context["forms"]
        data = {}
        for form in proposals:
            for name in form.fields:
                value = form.initial.get(name)
                if isinstance(value, datetime.date):
                    data.update(date_fields(name, value, prefix=f"{form.prefix}-"))
                elif name == "include":
                    data[f"{form.prefix}-include"] = "on"
                else:
                    data[f"{form.prefix}-{name}"] = value or ""
        data[f"{proposals[1].prefix}-meeting_date_day"] = "20"  # the committee moved it

        response = board.post(url, data)

    assert response.status_code == 302
    planned = Report.objects.filter(review=review, as_at__year__gte=2026).order_by("as_at")
    assert [(r.kind, r.as_at, r.meeting_date) for r in planned] == [
        (ReportKind.INTERIM, datetime.date(2026, 11, 30), datetime.date(2026, 12, 8)),
        (ReportKind.FULL, datetime.date(2027, 4, 30), datetime.date(2027, 5, 20)),
    ]


def test_plan_the_next_year_saves_nothing_when_one_proposal_is_wrong(small_review, board):
    review = small_review["review"]
    url = reverse("reports:schedule_plan", args=[review.slug])
    with at(2026, 12, 1):
        forms = board.get(url).context["forms"]
        data = {}
        for form in forms:
            data[f"{form.prefix}-include"] = "on"
            for name in ("kind", "title", "committee"):
                data[f"{form.prefix}-{name}"] = form.initial[name]
            for name in ("as_at", "meeting_date"):
                data.update(date_fields(name, form.initial[name], prefix=f"{form.prefix}-"))
        # The second one's cut-off after its meeting.
        data[f"{forms[1].prefix}-as_at_month"] = "6"
        before = Report.objects.count()

        response = board.post(url, data)

    assert response.status_code == 400
    assert "The cut-off date must be on or before the meeting date" in response.text
    assert Report.objects.count() == before


def test_a_report_scheduled_in_the_browser_drives_my_agency_and_one_reminder_per_editor(
    small_review, board, police_editor, council_editor
):
    review = small_review["review"]
    with at(2026, 12, 1):
        board.post(
            reverse("reports:schedule_add", args=[review.slug]),
            schedule_data(
                as_at=datetime.date(2026, 12, 10), meeting_date=datetime.date(2026, 12, 17)
            ),
        )
        editor = Client()
        editor.force_login(police_editor)
        page = editor.get(reverse("recommendations:my_agency", args=[review.slug]))
        assert "Needs an update before 10 December 2026" in page.text

        mail.outbox.clear()
        call_command("send_reminders")
        call_command("send_reminders")  # run again the same day: nothing twice

    to_editors = [m for m in mail.outbox if m.subject.startswith("Progress updates due")]
    # The police lead both; the council supports the first: each editor hears once.
    assert sorted(m.to[0] for m in to_editors) == [
        "editor.council@example.org",
        "editor.police@example.org",
    ]
    police = next(m for m in to_editors if m.to == ["editor.police@example.org"])
    assert "10 December 2026" in police.body
    assert "Disrupt perpetrators" in police.body
    assert "Taxi drivers" not in police.body  # complete: not chased


def test_an_agency_that_updated_since_the_last_cut_off_is_not_reminded(
    small_review, board, police_editor
):
    review = small_review["review"]
    with at(2026, 12, 1):
        board.post(
            reverse("reports:schedule_add", args=[review.slug]),
            schedule_data(
                as_at=datetime.date(2026, 12, 10), meeting_date=datetime.date(2026, 12, 17)
            ),
        )
        for recommendation in (small_review["first"], small_review["second"]):
            make_update(
                recommendation, police_editor, date=datetime.date(2026, 11, 30), status=Status.BLUE
            )
        mail.outbox.clear()
        call_command("send_reminders")

    assert not [m for m in mail.outbox if m.subject.startswith("Progress updates due")]
