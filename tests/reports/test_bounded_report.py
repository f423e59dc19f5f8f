"""No editor can make a report too long to print: each recommendation shows its latest
updates and evidence, each text cut at a bound, and says where the rest is."""

import datetime

from recommendations.models import ProgressUpdate, Status
from reports.assembly import REPORT_TEXT_SHOWN, REPORT_UPDATES_SHOWN
from reports.models import ReportKind
from reports.rendering import render_report_html
from tests.conftest import make_update
from tests.reports.conftest import FULL_AS_AT, at, make_report


def test_a_flood_of_long_updates_prints_the_latest_few_and_says_how_many_more(
    small_review, police_editor
):
    first = small_review["first"]
    with at(2017, 4, 20):
        for day in range(1, 11):
            make_update(
                first,
                police_editor,
                date=datetime.date(2017, 4, day),
                status=Status.GREEN,
                narrative=f"Update of {day} April. " + "word " * 900,
                evidence_of_impact=f"Evidence of {day} April. " + "fact " * 900,
            )
    report = make_report(small_review["review"], kind=ReportKind.FULL, as_at=FULL_AS_AT)

    html = render_report_html(report)

    shown = [day for day in range(1, 11) if f"Update of {day} April." in html]
    assert shown == [8, 9, 10]  # the latest, oldest first
    assert "7 earlier updates in this period are in the tracker" in html
    assert "more characters in the tracker]" in html
    assert "word " * (REPORT_TEXT_SHOWN // 5 + 10) not in html
    assert "Evidence of 10 April." in html and "Evidence of 7 April." not in html
    assert f"{10 - REPORT_UPDATES_SHOWN} earlier reports of evidence are in the tracker" in html
    # The record keeps every word.
    assert len(ProgressUpdate.objects.filter(recommendation=first).latest("date").narrative) > 4000


def test_a_short_update_is_printed_whole(small_review):
    html = render_report_html(small_review["report"])

    assert "Disruption plan drafted." in html
    assert "more characters in the tracker" not in html
    assert "earlier update" not in html
