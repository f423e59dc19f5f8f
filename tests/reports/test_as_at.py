"""A report is true as at its cut-off date, whatever changed in the tracker afterwards."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations import services
from recommendations.models import Status
from reports.assembly import report_content
from reports.models import ReportKind
from reports.rendering import render_report_html, render_report_pdf
from tests.conftest import make_agency, make_recommendation, make_review, make_update, make_user
from tests.reports.conftest import AS_AT, at, make_report, pdf_pages


def change_everything_after_the_cut_off(small_review, police, council, police_editor):
    """Later updates, new wording, a new target date and owners, and a new recommendation."""
    review, first = small_review["review"], small_review["first"]
    with at(2016, 12, 15):
        make_update(
            first,
            police_editor,
            date=datetime.date(2016, 12, 10),
            status=Status.BLUE,
            narrative="Completed in December.",
        )
        services.recommendation_save(
            review=review,
            number=1,
            lead_agency=council,
            supporting_agencies=[police],
            short_title="Reworded title",
            text="Reworded text.",
            lead_officer="Someone else",
            target_date=datetime.date(2017, 3, 31),
            target_date_reason="Moved after the cut-off: the report must not show it.",
        )
        make_recommendation(review, police, number=3, short_title="Added in December")


def test_later_updates_and_edits_do_not_change_the_report(
    small_review, police, council, police_editor
):
    report = small_review["report"]
    before_html = render_report_html(report)
    before_pdf = pdf_pages(render_report_pdf(report))

    change_everything_after_the_cut_off(small_review, police, council, police_editor)

    assert render_report_html(report) == before_html
    assert pdf_pages(render_report_pdf(report)) == before_pdf
    assert "Disruption plan drafted." in "".join(before_pdf)
    assert "Completed in December." not in "".join(before_pdf)


def test_the_content_shows_the_wording_owners_and_status_on_the_cut_off_date(
    small_review, police, council, police_editor
):
    change_everything_after_the_cut_off(small_review, police, council, police_editor)

    content = report_content(small_review["report"])

    assert [r.number for r in content.recommendations] == [1, 2]
    first = content.recommendations[0]
    assert first.short_title == "Disrupt perpetrators"
    assert first.text == "That the police disrupt perpetrators."
    assert first.lead_agency == police.name
    assert first.supporting_agencies == (council.name,)
    assert first.target_date == datetime.date(2016, 10, 31)
    assert first.status == Status.AMBER
    assert first.overdue
    assert first.latest_update.narrative == "Disruption plan drafted."
    assert [r.number for r in content.exceptions] == [1]
    assert (content.complete_count, content.count(Status.AMBER)) == (1, 1)


def test_the_full_report_lists_updates_since_the_previous_report_with_both_statuses(
    small_review, police, council, police_editor
):
    change_everything_after_the_cut_off(small_review, police, council, police_editor)
    full = make_report(
        small_review["review"], kind=ReportKind.FULL, as_at=datetime.date(2017, 4, 30)
    )

    content = report_content(full)

    first = content.recommendations[0]
    assert content.previous_as_at == AS_AT
    assert (first.previous_status, first.status) == (Status.AMBER, Status.BLUE)
    assert [u.narrative for u in first.updates_since_previous] == ["Completed in December."]
    assert first.text == "Reworded text."
    assert [r.number for r in content.recommendations] == [1, 2, 3]


def assembly_queries(count):
    police = make_agency(f"Police {count}")
    council = make_agency(f"Council {count}")
    with at(2016, 5, 19):
        review = make_review(slug=f"review-{count}")
        recommendations = [
            make_recommendation(review, police, number=n, supporting_agencies=[council])
            for n in range(1, count + 1)
        ]
    author = make_user(f"editor{count}", agencies=[police])
    with at(2016, 11, 20):
        for recommendation in recommendations:
            make_update(
                recommendation,
                author,
                date=datetime.date(2016, 9, 1),
                evidence_of_impact="Evidence.",
            )
            make_update(recommendation, author, date=datetime.date(2016, 11, 1))
    make_report(review, as_at=datetime.date(2016, 9, 30))
    report = make_report(review, kind=ReportKind.FULL, as_at=AS_AT)
    report = type(report).objects.select_related("review").get(pk=report.pk)
    with CaptureQueriesContext(connection) as queries:
        content = report_content(report)
    assert len(content.recommendations) == count
    return len(queries)


def test_assembling_a_report_costs_the_same_queries_for_5_and_38_recommendations(db):
    assert assembly_queries(5) == assembly_queries(38)
