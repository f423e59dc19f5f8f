"""A review that breaks its recommendations into actions: the report lists each action under
its recommendation, as it stood at the cut-off, and counts them in the summary."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations import services
from recommendations.models import Status
from reports.assembly import record_fingerprint, report_content
from reports.models import Report, ReportKind
from reports.rendering import render_report_html, render_report_pdf
from tests.conftest import make_recommendation, make_review, make_update, make_user
from tests.recommendations.test_actions import make_action, make_action_update
from tests.reports.conftest import at, make_report, pdf_pages

AS_AT = datetime.date(2017, 4, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(police, council, police_editor, council_editor):
    """Recommendation 1 in three actions (1.1 complete, 1.2 at risk, 1.3 not started by the
    cut-off) and recommendation 2 in none; a full report as at 30 April 2017."""
    administrator = make_user("board.admin", administrator=True)
    with at(2016, 5, 19):
        review = make_review()
        first = make_recommendation(
            review, police, number=1, short_title="Disrupt perpetrators", text="That it is done."
        )
        second = make_recommendation(review, council, number=2, short_title="Taxi drivers")
    with at(2016, 6, 1):
        briefing = make_action(
            first,
            police,
            text="Brief every patrol officer on the disruption toolkit.",
            target_date=datetime.date(2017, 3, 31),
            user=administrator,
        )
        audit = make_action(first, council, text="Audit the licensing files.", user=administrator)
        make_action(first, council, text="Publish the results.", user=administrator)
    with at(2017, 4, 20):
        make_update(first, police_editor, date=datetime.date(2017, 4, 1), status=Status.GREEN)
        make_update(second, council_editor, date=datetime.date(2017, 4, 1), status=Status.GREEN)
        make_action_update(
            briefing, police_editor, date=datetime.date(2017, 3, 20), status=Status.BLUE
        )
        make_action_update(
            audit, council_editor, date=datetime.date(2017, 4, 10), status=Status.AMBER
        )
    report = make_report(review, kind=ReportKind.FULL, as_at=AS_AT)
    report = Report.objects.select_related("review").get(pk=report.pk)
    return {
        "review": review,
        "report": report,
        "first": first,
        "audit": audit,
        "administrator": administrator,
        "council_editor": council_editor,
    }


def actions_of(content, number):
    return next(r for r in content.recommendations if r.number == number).actions


def test_each_action_is_in_the_report_with_its_status_as_at_the_cut_off(board):
    content = report_content(board["report"])

    actions = actions_of(content, 1)
    assert [(a.number, a.owner, a.status) for a in actions] == [
        ("1.1", "West Mercia Police", Status.BLUE),
        ("1.2", "Telford & Wrekin Council", Status.AMBER),
        ("1.3", "Telford & Wrekin Council", Status.NOT_STARTED),
    ]
    assert actions[0].target_date == datetime.date(2017, 3, 31)
    assert actions_of(content, 2) == ()
    assert content.action_total == 3
    assert content.action_counts == (
        (Status.BLUE, 1),
        (Status.AMBER, 1),
        (Status.NOT_STARTED, 1),
    )


def test_the_recommendations_own_status_is_still_its_lead_agencys(board):
    content = report_content(board["report"])

    assert next(r for r in content.recommendations if r.number == 1).status == Status.GREEN


def test_the_report_lists_the_actions_under_their_recommendation_and_counts_them(board):
    html = render_report_html(board["report"])

    summary = html[html.index('id="summary"') : html.index('id="exceptions"')]
    assert (
        "1 of them is delivered through 3 actions, each owned by an agency: as at 30 April "
        "2017, 1 complete, 1 at risk and 1 not started." in summary
    )
    detail = html[html.index('id="rec-1"') : html.index('id="rec-2"')]
    assert "Actions as at 30 April 2017" in detail
    assert re.search(
        r'<th scope="row">1\.2</th><td>Audit the licensing files\..*?</td>'
        r'<td>Telford &amp; Wrekin Council</td><td><span class="report-status '
        r'report-status-amber">Amber ',
        detail,
    )
    assert "Target date: 31 Mar 2017" in detail
    later = html[html.index('id="rec-2"') :]
    assert "Actions as at" not in later


def test_an_update_or_a_change_after_the_cut_off_does_not_change_the_report(board):
    report = board["report"]
    before_html = render_report_html(report)
    before = record_fingerprint(report_content(report))

    with at(2017, 5, 10):
        make_action_update(
            board["audit"], board["council_editor"], date=datetime.date(2017, 5, 9),
            status=Status.BLUE,
        )  # fmt: skip
        services.action_save(
            recommendation=board["first"],
            action=board["audit"],
            number="1.2",
            text="Audit the licensing files again.",
            owner=board["audit"].owner,
            user=board["administrator"],
        )
        make_action(board["first"], board["audit"].owner, user=board["administrator"])  # 1.4

    content = report_content(report)
    assert [a.number for a in actions_of(content, 1)] == ["1.1", "1.2", "1.3"]
    assert actions_of(content, 1)[1].status == Status.AMBER
    assert actions_of(content, 1)[1].text == "Audit the licensing files."
    assert record_fingerprint(content) == before
    assert render_report_html(report) == before_html


def test_a_change_to_the_actions_by_the_cut_off_changes_the_record(board):
    before = record_fingerprint(report_content(board["report"]))
    with at(2017, 4, 25):
        make_action_update(
            board["audit"], board["council_editor"], date=datetime.date(2017, 4, 25),
            status=Status.GREEN,
        )  # fmt: skip

    assert record_fingerprint(report_content(board["report"])) != before


def test_a_review_without_actions_says_nothing_of_them(small_review):
    html = render_report_html(small_review["report"])

    assert "action" not in html.lower().replace("recovery action", "")
    assert report_content(small_review["report"]).with_actions == ()


def assembly_queries(actions_each, police, author):
    review = make_review(slug=f"actions-{actions_each}")
    administrator = make_user(f"admin-{actions_each}", administrator=True)
    with at(2016, 6, 1):
        for number in range(1, 6):
            recommendation = make_recommendation(review, police, number=number)
            for n in range(actions_each):
                action = make_action(recommendation, police, user=administrator)
                if n % 2 == 0:
                    make_action_update(action, author, date=datetime.date(2016, 6, 1))
    report = make_report(review, kind=ReportKind.FULL, as_at=AS_AT)
    report = Report.objects.select_related("review").get(pk=report.pk)
    with CaptureQueriesContext(connection) as queries:
        content = report_content(report)
    assert content.action_total == 5 * actions_each
    return len(queries)


def test_assembling_costs_the_same_queries_for_few_actions_and_many(police, police_editor):
    assert assembly_queries(1, police, police_editor) == assembly_queries(8, police, police_editor)


def test_the_pdf_prints_the_actions_under_their_recommendation(board):
    text = " ".join(" ".join(pdf_pages(render_report_pdf(board["report"]))).split())

    assert "delivered through 3 actions" in text
    assert "Actions as at 30 April 2017" in text
    assert "1.2 Audit the licensing files." in text
