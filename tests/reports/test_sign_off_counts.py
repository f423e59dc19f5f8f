"""Reports count completions the board has signed off apart from those awaiting sign-off."""

import datetime

import time_machine

from recommendations import services
from recommendations.models import CompletionDecision, Status
from reports.assembly import report_content
from reports.rendering import render_report_html
from tests.conftest import make_recommendation, make_update
from tests.reports.conftest import make_report

CUT_OFF = datetime.date(2016, 11, 30)


def sign_off(update, administrator, on):
    with time_machine.travel(datetime.datetime.combine(on, datetime.time(12)).astimezone()):
        services.completion_decide(
            update=update,
            user=administrator,
            decision=CompletionDecision.SIGNED_OFF,
            note="Evidence seen by the Board.",
        )


def test_a_report_counts_signed_off_and_awaiting_completions_as_at_its_cut_off(
    review, police, police_editor, administrator
):
    with time_machine.travel(datetime.datetime(2016, 6, 1, 12, tzinfo=datetime.UTC)):
        before, after, on_track = (make_recommendation(review, police, number=n) for n in (1, 2, 3))
    date = datetime.date(2016, 11, 1)
    sign_off(
        make_update(before, police_editor, date=date, status=Status.BLUE),
        administrator,
        datetime.date(2016, 11, 15),
    )
    sign_off(
        make_update(after, police_editor, date=date, status=Status.BLUE),
        administrator,
        datetime.date(2016, 12, 2),
    )  # signed off after the cut-off: awaiting at it
    make_update(on_track, police_editor, date=date, status=Status.GREEN)
    report = make_report(review, as_at=CUT_OFF)

    content = report_content(report)
    html = " ".join(render_report_html(report).split())

    assert (content.complete_count, content.signed_off_count, content.awaiting_sign_off_count) == (
        2,
        1,
        1,
    )
    assert (
        "Of the 2 complete, 1 has been signed off by the Board and 1 is awaiting its sign-off "
        "(recommendation 2)." in html
    )
    assert 'of which awaiting sign-off</th><td class="report-number">1<' in html
