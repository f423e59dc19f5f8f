"""A long unbroken word (a pasted link, a reference, a keyboard held down) is wrapped onto
the next line of the PDF, not run off the page edge and lost from the committee's copy."""

import datetime
import re
import string

from recommendations.models import NARRATIVE_MAX_LENGTH, Status
from reports.rendering import render_report_pdf
from tests.conftest import make_recommendation, make_review, make_update
from tests.reports.conftest import AS_AT, at, make_report, pdf_pages

FURNITURE = re.compile(
    r"^(DRAFT|OFFICIAL|DRAFT: not issued|Page \d+ of \d+|\d\. [A-Z].*|Recommendation \d+)$"
)
# Every character differs from its neighbours, so a piece lost anywhere shows.
LETTERS = string.ascii_letters + string.digits


def word(length):
    return "".join(LETTERS[(i * 7 + i // len(LETTERS)) % len(LETTERS)] for i in range(length))


def test_a_5000_character_word_is_whole_in_the_pdf_text(police, police_editor):
    narrative = word(NARRATIVE_MAX_LENGTH)
    title = word(200)
    with at(2016, 5, 19):
        review = make_review()
        recommendation = make_recommendation(review, police, number=1, short_title=title)
    with at(2016, 11, 20):
        make_update(
            recommendation,
            police_editor,
            date=datetime.date(2016, 11, 15),
            status=Status.AMBER,  # at risk: in the exceptions as well as the overview
            narrative=narrative,
        )

    pages = pdf_pages(render_report_pdf(make_report(review, as_at=AS_AT)), layout=False)

    # Wrapped across lines and pages, the word reads whole once the line breaks and each
    # page's furniture (marking, running section title, page number) are taken out.
    text = "".join(
        "".join(line.split())
        for page in pages
        for line in page.splitlines()
        if not FURNITURE.match(line.strip())
    )
    assert narrative in text
    assert title in text


def test_long_words_in_the_full_reports_facts_plans_and_boards_words_are_whole(
    police, police_editor, administrator
):
    from recommendations.services import recovery_plan_record
    from reports.models import ReportKind
    from reports.services import report_words_save

    text, officer, action, owner, reason, summary = (
        word(n) for n in (NARRATIVE_MAX_LENGTH, 200, 3000, 200, 2000, 6000)
    )
    with at(2016, 5, 19):
        review = make_review()
        recommendation = make_recommendation(
            review,
            police,
            number=1,
            text=text,
            lead_officer=officer,
            target_date=datetime.date(2016, 12, 31),
        )
    with at(2016, 11, 20):
        make_update(
            recommendation, police_editor, date=datetime.date(2016, 11, 15), status=Status.RED
        )
        recovery_plan_record(
            recommendation=recommendation,
            user=police_editor,
            action=action,
            owner=owner,
            revised_target_date=datetime.date(2017, 3, 31),
            target_date_reason=reason,
        )
    report = make_report(review, kind=ReportKind.FULL, as_at=AS_AT)
    report_words_save(
        report=report,
        user=administrator,
        author_line="Chair",
        wards_affected="All",
        key_decision=False,
        exempt_information="None",
        chair_summary=summary,
    )
    report.refresh_from_db()

    pages = pdf_pages(render_report_pdf(report), layout=False)

    joined = "".join(
        "".join(line.split())
        for page in pages
        for line in page.splitlines()
        if not FURNITURE.match(line.strip())
    )
    for long_word in (text, officer, owner, summary):
        assert long_word in joined
    # The plan's action and the revision's reason are excerpts: their first 1,200
    # characters, whole.
    assert action[:1200] in joined and reason[:1200] in joined
