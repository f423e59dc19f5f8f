"""An editor's deadline day (issue 15): the update form shows where the recommendation
stands; after posting, the confirmation offers the next recommendation owed; editors land
on My agency; a supporting agency's update is a contribution, shown as one."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from recommendations import services
from recommendations.models import ProgressUpdate, Status
from tests.conftest import make_recommendation, make_update
from tests.recommendations.test_views import create_url, detail_url, signed_in

TODAY = datetime.date(2016, 11, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2016, 11, 30, 12, tzinfo=datetime.UTC), tick=False):
        yield


def post(client, recommendation, agency, **fields):
    data = {
        "agency": agency.pk,
        "date_day": "30",
        "date_month": "11",
        "date_year": "2016",
        "status": Status.GREEN,
        "narrative": "Training delivered to all front-line staff.",
        "evidence_of_impact": "",
        "submission_key": str(services.new_submission_key()),
        **fields,
    }
    return client.post(create_url(recommendation), data)


def test_the_form_shows_status_last_update_wording_and_target_date(
    recommendation, police_editor, administrator
):
    make_update(
        recommendation,
        police_editor,
        date=datetime.date(2016, 10, 3),
        status=Status.AMBER,
        narrative="Venue booked; trainers still to be found.",
    )
    where = {"review": recommendation.review, "number": recommendation.number}
    services.recommendation_save(
        **where, user=administrator, target_date=datetime.date(2016, 12, 31)
    )
    services.recommendation_save(
        **where,
        user=administrator,
        target_date=datetime.date(2017, 3, 31),
        target_date_reason="Trainers are available from January only.",
    )

    page = signed_in(police_editor).get(create_url(recommendation)).content.decode()

    assert "Amber (at risk)" in page
    assert "Since the update of 3 October 2016 by" in page
    assert "Venue booked; trainers still to be found." in page
    assert recommendation.text in page
    assert "31 March 2017" in page
    assert "revised 1 time" in page
    assert "goes to the board for sign-off" in page


def test_a_supporting_agencys_editor_is_told_their_update_is_a_contribution(
    recommendation, council_editor
):
    page = signed_in(council_editor).get(create_url(recommendation)).content.decode()
    assert "Your agency supports this recommendation" in page

    response = post(
        signed_in(council_editor),
        recommendation,
        recommendation.supporting_agencies.get(),
        status=Status.RED,
    )

    assert response.status_code == 302
    assert ProgressUpdate.objects.get().contribution
    page = signed_in(council_editor).get(detail_url(recommendation)).content.decode()
    assert "does not set the recommendation" in page
    assert "Supporting agency's contribution, its view:" in page


def test_the_lead_agencys_editor_is_not_told_so(recommendation, police_editor):
    page = signed_in(police_editor).get(create_url(recommendation)).content.decode()
    assert "Your agency supports this recommendation" not in page


def test_after_posting_the_confirmation_is_at_the_top_and_names_the_next_one_owed(
    review, police, police_editor
):
    first = make_recommendation(review, police, number=1)
    make_recommendation(review, police, number=2, short_title="Taxi licensing checks")
    third = make_recommendation(review, police, number=3)
    make_update(third, police_editor, date=TODAY)  # up to date: not owed
    client = signed_in(police_editor)

    response = post(client, first, police)

    assert response.status_code == 302
    assert response["Location"] == detail_url(first)  # no #fragment: the banner is in view
    page = client.get(response["Location"]).content.decode()
    assert "Your progress update has been posted." in page
    assert "Next: recommendation 2, Taxi licensing checks, needs an update" in page


def test_when_nothing_else_is_owed_the_confirmation_says_so(recommendation, police_editor):
    client = signed_in(police_editor)
    response = post(client, recommendation, recommendation.lead_agency)
    page = client.get(response["Location"]).content.decode()
    assert "Nothing else that your agency leads needs an update now." in page


def test_editors_land_on_my_agency_and_everyone_else_on_the_dashboard(
    review, police_editor, administrator, reader
):
    my_agency = reverse("recommendations:my_agency", kwargs={"slug": review.slug})
    dashboard = reverse("recommendations:dashboard", kwargs={"slug": review.slug})
    assert signed_in(police_editor).get("/")["Location"] == my_agency
    assert signed_in(administrator).get("/")["Location"] == dashboard
    assert signed_in(reader).get("/")["Location"] == dashboard


def test_my_agency_asks_the_lead_not_a_supporting_agency_for_updates(
    recommendation, council_editor, police_editor
):
    url = reverse("recommendations:my_agency", kwargs={"slug": recommendation.review.slug})
    lead = signed_in(police_editor).get(url).context["agencies"][0]
    supporting = signed_in(council_editor).get(url).context["agencies"][0]

    assert lead["to_update"] == [recommendation]
    assert supporting["to_update"] == []
    assert [row for row, role in supporting["owned"]] == [recommendation]


# The dashboard: completions apart, change since the last report, progress over time.


def dashboard(client, review, **query):
    url = reverse("recommendations:dashboard", kwargs={"slug": review.slug})
    return client.get(url, query)


def shown_numbers(response):
    return [row.number for row in response.context["rows"]]


@pytest.fixture
def board(review, police, police_editor, administrator):
    """Four recommendations: 1 signed off, 2 awaiting sign-off, 3 moved to Amber since the
    report of 31 October, 4 Green then and now."""
    from tests.reports.conftest import make_report

    rows = [make_recommendation(review, police, number=n) for n in (1, 2, 3, 4)]
    october = datetime.date(2016, 10, 1)
    for row in rows:
        make_update(row, police_editor, date=october, status=Status.GREEN)
    signed = make_update(rows[0], police_editor, date=TODAY, status=Status.BLUE)
    services.completion_decide(
        update=signed, user=administrator, decision="signed_off", note="Audit seen."
    )
    make_update(rows[1], police_editor, date=TODAY, status=Status.BLUE)
    make_update(rows[2], police_editor, date=TODAY, status=Status.AMBER)
    make_report(review, as_at=datetime.date(2016, 10, 31), meeting_date=TODAY)
    return rows


def test_completions_are_counted_and_filtered_apart(board, reader):
    client = signed_in(reader)
    response = dashboard(client, board[0].review)
    assert (response.context["signed_off"], response.context["awaiting_sign_off"]) == (1, 1)
    assert "1 signed off" in response.content.decode()
    assert shown_numbers(dashboard(client, board[0].review, show="awaiting_sign_off")) == [2]
    assert shown_numbers(dashboard(client, board[0].review, show="signed_off")) == [1]


def test_changed_since_the_last_report_lists_those_whose_status_moved(board, reader):
    response = dashboard(signed_in(reader), board[0].review, show="changed")
    assert shown_numbers(response) == [1, 2, 3]


def test_an_unknown_show_value_is_reported_and_not_applied(board, reader):
    response = dashboard(signed_in(reader), board[0].review, show="everything")
    assert response.status_code == 200
    assert "Select what to show from the list" in response.content.decode()
    assert shown_numbers(response) == [1, 2, 3, 4]


def test_the_export_downloads_the_view_shown(board, reader):
    url = reverse(
        "spreadsheets:dashboard_export", kwargs={"slug": board[0].review.slug, "fmt": "csv"}
    )
    body = signed_in(reader).get(url, {"show": "changed"}).content.decode("utf-8-sig")
    assert len(body.strip().splitlines()) == 1 + 3


def test_progress_over_time_counts_each_cut_off_and_today(board, reader):
    response = dashboard(signed_in(reader), board[0].review)
    points = response.context["trend"].points
    assert [point.on for point in points] == [datetime.date(2016, 10, 31), TODAY]
    assert [dict(point.counts)[Status.GREEN] for point in points] == [4, 1]
    assert [dict(point.counts)[Status.BLUE] for point in points] == [0, 2]
    page = response.content.decode()
    assert "Recommendations by status at each report cut-off and today" in page
    assert page.count("<rect ") >= 2 + 5  # a bar for each date (segments), and the key
