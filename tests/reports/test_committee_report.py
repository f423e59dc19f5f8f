"""The committee's report, read from the PDF as the committee reads it: movement since the
last report, recovery plans, revised target dates with their reasons, returned claims,
first-complete dates, the board's own words, and a layout that keeps what belongs together.
"""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from recommendations import services
from recommendations.models import CompletionDecision, Status
from reports.models import Report, ReportKind
from reports.rendering import render_report_pdf
from reports.services import report_issue, report_words_save
from tests.conftest import make_recommendation, make_review, make_update
from tests.reports.conftest import at, make_report, pdf_pages
from tests.tracker.test_fuzz import signed_in

NOVEMBER = datetime.date(2016, 11, 30)
APRIL = datetime.date(2017, 4, 30)


def words(text):
    """The text with every run of white space as one space: a phrase reads across lines."""
    return " ".join(text.split())


def decide(update, administrator, decision, note, on):
    return services.completion_decide(
        update=update,
        user=administrator,
        decision=decision,
        note=note,
        decided_at=at_noon(on),
    )


def at_noon(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def year(police, council, police_editor, administrator):
    """A review through one year: an interim report in November and a full one in April."""
    with at(2016, 5, 19):
        review = make_review()
        taxis = make_recommendation(
            review,
            police,
            number=1,
            short_title="Taxi driver awareness",
            target_date=datetime.date(2016, 12, 31),
        )
        returned = make_recommendation(review, police, number=2, short_title="Return interviews")
        twice = make_recommendation(review, police, number=3, short_title="Data sharing")
        later = make_recommendation(review, police, number=4, short_title="School sessions")
    with at(2016, 9, 2):
        make_update(twice, police_editor, date=datetime.date(2016, 9, 1), status=Status.BLUE)
    with at(2016, 10, 2):
        make_update(twice, police_editor, date=datetime.date(2016, 10, 1), status=Status.GREEN)
    with at(2016, 10, 16):
        make_update(twice, police_editor, date=datetime.date(2016, 10, 15), status=Status.BLUE)
    with at(2016, 11, 1):
        decide(
            twice.updates.first(),
            administrator,
            CompletionDecision.SIGNED_OFF,
            "Protocol signed by all partners seen.",
            datetime.date(2016, 11, 1),
        )
    with at(2016, 11, 21):
        make_update(twice, police_editor, date=datetime.date(2016, 11, 20), status=Status.BLUE)
        for recommendation in (taxis, returned, later):
            make_update(
                recommendation, police_editor, date=datetime.date(2016, 11, 20), status=Status.GREEN
            )
    with at(2017, 2, 10):
        make_update(
            taxis,
            police_editor,
            date=datetime.date(2017, 2, 10),
            status=Status.AMBER,
            narrative="Only 60 of 212 drivers trained: the course clashed with renewals.",
        )
        services.recovery_plan_record(
            recommendation=taxis,
            user=police_editor,
            action="Run two extra courses in the spring and make the course a licence condition.",
            owner="Licensing Manager",
            revised_target_date=datetime.date(2017, 6, 30),
            target_date_reason="Driver training moved to the new licensing year",
        )
    with at(2017, 3, 2):
        claim = make_update(
            later, police_editor, date=datetime.date(2017, 3, 1), status=Status.BLUE
        )
    with at(2017, 3, 10):
        decide(
            claim,
            administrator,
            CompletionDecision.SIGNED_OFF,
            "Attendance registers for 14 schools seen.",
            datetime.date(2017, 3, 10),
        )
    with at(2017, 4, 2):
        claim = make_update(
            returned, police_editor, date=datetime.date(2017, 4, 1), status=Status.BLUE
        )
    with at(2017, 4, 20):
        decide(
            claim,
            administrator,
            CompletionDecision.RETURNED,
            "No evidence that interviews happen within 72 hours.",
            datetime.date(2017, 4, 20),
        )
    with at(2017, 5, 2):
        interim = make_report(review, as_at=NOVEMBER, meeting_date=datetime.date(2016, 12, 8))
        full = make_report(
            review,
            kind=ReportKind.FULL,
            as_at=APRIL,
            meeting_date=datetime.date(2017, 5, 18),
        )
    return {"review": review, "interim": interim, "full": full}


def rendered(report):
    """The report's pages as laid out (columns side by side)."""
    return pdf_pages(render_report_pdf(report))


def reading(report):
    """The report's text in reading order, as one line: phrases read across line breaks."""
    return words("\n".join(pdf_pages(render_report_pdf(report), layout=False)))


def page_headed(pages, heading):
    """The first page with `heading` at the start of a line (not the contents' entry)."""
    return next(
        page for page in pages if re.search(r"^" + re.escape(heading) + r"\s*$", page, re.M)
    )


def test_the_full_report_shows_the_movement_table_since_the_last_report(year):
    pages = rendered(year["full"])
    movement = page_headed(pages, "4. Movement since the last report")

    rows = {
        label: line.split()[-3:]
        for line in movement.splitlines()
        for label in ("Blue (complete)", "Green (on track)", "Amber (at risk)", "Total")
        if line.strip().startswith(label)
    }
    assert rows["Blue (complete)"] == ["1", "2", "+1"]
    assert rows["Green (on track)"] == ["3", "1", "−2"]
    assert rows["Amber (at risk)"] == ["0", "1", "+1"]
    assert "As at 30 Nov 2016" in movement and "As at 30 Apr 2017" in movement
    assert "1 has been completed, 2 have not changed and 1 has got worse" in words(movement)


def test_each_recommendations_direction_of_travel_is_in_words(year):
    text = reading(year["full"])

    assert "Worse, was Green (on track)" in text  # recommendation 1: Green to Amber
    assert "Completed, was Green (on track)" in text  # recommendation 4
    assert "Direction of travel Worse" in text


def test_an_exception_shows_its_recovery_plan_and_the_revised_target_date_with_its_reason(year):
    text = reading(year["full"])
    exceptions = text[text.index("6. Exceptions and recovery plans 1 recommendation") :]

    assert (
        "Recovery action Run two extra courses in the spring and make the course a licence "
        "condition." in exceptions
    )
    assert "Owner Licensing Manager" in exceptions
    assert "Revised target date 30 June 2017 (plan recorded 10 February 2017)" in exceptions
    assert (
        "Target date 31 December 2016, revised to 30 June 2017 on 10 February 2017: "
        "Driver training moved to the new licensing year" in exceptions
    )


def test_the_interim_report_shows_the_target_date_as_it_stood_before_its_revision(year):
    text = reading(year["interim"])

    assert "Target date: 31 Dec 2016" in text
    assert "revised" not in text


def test_a_claim_the_board_returned_is_shown_as_returned_with_its_reason(year):
    text = reading(year["full"])
    section = text[text.index("Recommendation 2: Return interviews") :]
    section = section[: section.index("Recommendation 4: School sessions")]

    assert "1 April 2017, West Mercia Police, Blue (complete):" in section
    assert (
        "Returned by the Board on 20 April 2017: No evidence that interviews happen within "
        "72 hours. This claim of completion does not count." in section
    )
    assert "Status as at 30 April 2017 Green (on track)" in section


def test_the_appendix_gives_the_date_first_reported_complete_not_the_latest_update(year):
    pages = rendered(year["full"])
    appendix = page_headed(pages, "Appendix A. Completed recommendations")
    row = next(line for line in appendix.splitlines() if line.strip().startswith("3 "))

    # Complete on 1 September, reopened on 1 October, complete again since 15 October and
    # reported still complete on 20 November: the completion dates from 15 October.
    assert "15 Oct 2016" in row
    assert "20 Nov 2016" not in row and "1 Sept 2016" not in row and "1 Sep 2016" not in row
    assert "1 Nov 2016" in row  # the Board's sign-off


def test_a_completion_signed_off_before_the_last_report_gets_a_line_not_a_section(year):
    text = reading(year["full"])

    assert "Recommendation 3: Data sharing" not in text
    assert (
        "Recommendation 3 was complete and signed off by the Board before the last report" in text
    )
    assert "Recommendation 4: School sessions" in text


def test_completions_since_the_last_report_carry_the_boards_sign_off_note(year):
    text = reading(year["full"])
    completions = text[text.index("Completions since the last report") :]

    assert (
        "4 School sessions 1 Mar 2017 Signed off 10 Mar 2017: Attendance registers for 14 "
        "schools seen." in completions
    )


def test_completions_awaiting_sign_off_are_named(year):
    text = reading(year["interim"])

    # Recommendation 3's newest claim (20 November) continues the signed-off completion.
    assert "1 has been signed off by the Board and 0 are awaiting its sign-off" in text


def test_the_interim_report_says_when_the_full_report_comes_from_the_schedule(year):
    text = reading(year["interim"])

    assert (
        "The committee will receive a full report on each recommendation at its meeting on "
        "18 May 2017." in text
    )


def test_the_boards_words_and_front_sheet_are_in_the_pdf_escaped(year, administrator):
    report_words_save(
        report=year["full"],
        user=administrator,
        author_line="Chair of the Safeguarding Children Board",
        contact_telephone="01952 000000",
        contact_email="lscb@example.gov.uk",
        agenda_item="7",
        wards_affected="All",
        key_decision=False,
        exempt_information="None",
        chair_summary="Good progress on awareness.\n\nCourts remain a <b>concern</b>.",
        key_messages="- 28 of 38 complete\n- Advocates unfunded",
        committee_recommendations="That the committee notes the progress.\n"
        "That the committee invites the PCC to its next meeting.",
        background_papers="Scrutiny review report, May 2016",
    )
    report = Report.objects.get(pk=year["full"].pk)
    pages = pdf_pages(render_report_pdf(report), layout=False)
    cover, text = words(pages[0]), words("\n".join(pages))

    assert "Report of Chair of the Safeguarding Children Board" in cover
    assert "Report of Report of" not in cover
    assert "Telephone: 01952 000000" in cover and "E-mail: lscb@example.gov.uk" in cover
    assert "Agenda item 7" in cover
    assert "Key decision No" in cover
    assert "Background papers Scrutiny review report, May 2016" in cover
    assert "Appendices Appendix A. Completed recommendations" in cover
    assert cover.count(report.title) == 1  # the title once, not again in a table
    assert "Good progress on awareness." in text
    assert "Courts remain a <b>concern</b>." in text  # as typed: no HTML from users
    assert "28 of 38 complete" in text and "Advocates unfunded" in text
    assert "2.1 That the committee notes the progress." in text
    assert "2.2 That the committee invites the PCC to its next meeting." in text
    assert report.history.count() >= 2  # kept in the report's history


def test_the_boards_words_are_locked_once_the_report_is_issued(year, administrator, client):
    report = year["interim"]
    with at(2016, 12, 1):
        report_issue(report=report, user=administrator)
    client.force_login(administrator)
    url = reverse("reports:words", args=["test-review", report.pk])

    response = signed_in(administrator).post(
        url,
        {
            "author_line": "Someone else",
            "wards_affected": "All",
            "key_decision": "no",
            "exempt_information": "None",
            "chair_summary": "Written after the issue.",
        },
    )

    assert response.status_code == 400
    assert "kept as issued" in response.content.decode()
    report.refresh_from_db()
    assert report.chair_summary == "" and report.author_line != "Someone else"


def test_each_recommendations_heading_and_status_lines_share_a_page(demo_pdfs):
    pdf = demo_pdfs["full"]
    detail = [page for page in pdf.pages if re.search(r"^Recommendation \d+: ", page, re.M)]
    headed = 0
    for page in pdf.pages:
        for number in re.findall(r"^Recommendation (\d+): ", page, re.M):
            headed += 1
            after = page[page.index(f"Recommendation {number}: ") :]
            following = re.search(r"^Recommendation \d+: ", after[5:], re.M)
            block = after[: following.start() + 5] if following else after
            assert "Status as at 30 April 2017" in block, number
            assert "Lead agency" in block and "Target date" in block, number
    assert detail and headed >= 20


def test_a_page_a_recommendation_continues_onto_names_it_at_the_top(demo_pdfs):
    pages = demo_pdfs["full"].pages
    current = None
    continued = 0
    for page in pages:
        top = page.splitlines()[0]
        body = "\n".join(page.splitlines()[1:])
        starts = re.findall(r"^Recommendation (\d+): ", body, re.M)
        first_line = next(line for line in body.splitlines() if line.strip())
        if current and not first_line.startswith("Recommendation "):
            assert top.rstrip().endswith(f"Recommendation {current}"), (current, top)
            continued += 1
        if starts:
            current = starts[-1]
        if re.search(r"^\d+\. Next steps\s*$", body, re.M):
            break
    assert continued >= 5


def test_every_table_header_cell_in_the_tagged_pdf_has_a_scope(demo_pdfs):
    reader = PdfReader(io.BytesIO(demo_pdfs["full"].data))
    scopes = {"/Column": 0, "/Row": 0}
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not hasattr(node, "get"):
            continue
        if node.get("/S") == "/TH":
            scopes[node["/A"]["/Scope"]] += 1
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)

    assert scopes["/Column"] > 20 and scopes["/Row"] > 100, scopes
