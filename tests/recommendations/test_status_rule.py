import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.models import Recommendation, Status
from tests.conftest import make_agency, make_recommendation, make_review, make_update, make_user

NOV_30 = datetime.date(2016, 11, 30)


def status_on(recommendation, on):
    return Recommendation.objects.with_status(on).get(pk=recommendation.pk).status


def test_a_recommendation_with_no_update_is_not_started(recommendation):
    assert status_on(recommendation, NOV_30) == Status.NOT_STARTED


def test_status_on_date_uses_latest_update_dated_on_or_before_it(recommendation, police_editor):
    make_update(recommendation, police_editor, date=datetime.date(2016, 8, 1), status=Status.RED)
    make_update(recommendation, police_editor, date=datetime.date(2016, 10, 1), status=Status.GREEN)
    make_update(recommendation, police_editor, date=NOV_30, status=Status.BLUE)

    assert status_on(recommendation, datetime.date(2016, 9, 30)) == Status.RED
    assert status_on(recommendation, NOV_30) == Status.BLUE


def test_an_update_dated_after_the_date_is_ignored(recommendation, police_editor):
    make_update(recommendation, police_editor, date=datetime.date(2016, 11, 1), status=Status.GREEN)
    make_update(recommendation, police_editor, date=datetime.date(2016, 12, 1), status=Status.RED)

    assert status_on(recommendation, NOV_30) == Status.GREEN


def test_an_update_recorded_later_about_an_earlier_date_does_not_win(recommendation, police_editor):
    # Posted last, but it describes October: the November update is still the latest position.
    make_update(recommendation, police_editor, date=datetime.date(2016, 11, 20), status=Status.BLUE)
    make_update(recommendation, police_editor, date=datetime.date(2016, 10, 5), status=Status.AMBER)

    assert status_on(recommendation, NOV_30) == Status.BLUE


def test_two_updates_on_the_same_date_are_decided_by_recording_time(recommendation, police_editor):
    administrator = make_user("board.admin", administrator=True)
    with time_machine.travel(datetime.datetime(2016, 12, 1, 10, 0, tzinfo=datetime.UTC)):
        make_update(recommendation, police_editor, date=NOV_30, status=Status.AMBER)
    with time_machine.travel(datetime.datetime(2016, 12, 1, 9, 0, tzinfo=datetime.UTC)):
        make_update(recommendation, administrator, date=NOV_30, status=Status.GREEN)

    assert status_on(recommendation, NOV_30) == Status.AMBER


def test_a_supporting_agencys_update_is_a_contribution_that_never_sets_the_status(
    recommendation, police_editor, council_editor
):
    council = recommendation.supporting_agencies.get()
    make_update(recommendation, police_editor, date=datetime.date(2016, 10, 1))
    contribution = make_update(
        recommendation, council_editor, date=NOV_30, status=Status.RED, agency=council
    )

    assert contribution.contribution
    row = Recommendation.objects.with_status(NOV_30).get(pk=recommendation.pk)
    assert (row.status, row.latest_update_date) == (Status.GREEN, datetime.date(2016, 10, 1))


def test_a_supporting_agencys_claim_of_completion_awaits_no_sign_off(
    recommendation, police_editor, council_editor
):
    council = recommendation.supporting_agencies.get()
    make_update(recommendation, police_editor, date=datetime.date(2016, 10, 1))
    make_update(recommendation, council_editor, date=NOV_30, status=Status.BLUE, agency=council)

    assert status_on(recommendation, NOV_30) == Status.GREEN
    assert not Recommendation.objects.filter(pk=recommendation.pk).awaiting_sign_off().exists()


def test_the_administrators_update_for_a_supporting_agency_is_an_assessment(
    recommendation, police_editor
):
    administrator = make_user("board.admin", administrator=True)
    make_update(recommendation, police_editor, date=datetime.date(2016, 10, 1))
    update = make_update(
        recommendation,
        administrator,
        date=NOV_30,
        status=Status.AMBER,
        agency=recommendation.supporting_agencies.get(),
    )

    assert not update.contribution
    assert status_on(recommendation, NOV_30) == Status.AMBER


def test_a_recommendation_with_only_contributions_is_not_started(recommendation, council_editor):
    make_update(
        recommendation,
        council_editor,
        date=NOV_30,
        status=Status.GREEN,
        agency=recommendation.supporting_agencies.get(),
    )

    assert status_on(recommendation, NOV_30) == Status.NOT_STARTED


def test_status_of_every_recommendation_costs_the_same_queries_for_5_and_38(db):
    def queries_for(count):
        review = make_review(slug=f"review-{count}")
        agency = make_agency(f"Agency {count}")
        author = make_user(f"editor-{count}", agencies=[agency])
        for number in range(1, count + 1):
            rec = make_recommendation(review, agency, number=number)
            make_update(rec, author, date=datetime.date(2016, 9, 1), status=Status.GREEN)
            make_update(rec, author, date=datetime.date(2016, 10, 1), status=Status.BLUE)
        with CaptureQueriesContext(connection) as queries:
            rows = list(Recommendation.objects.filter(review=review).with_status(NOV_30))
            statuses = [row.status for row in rows]
        assert statuses == [Status.BLUE] * count
        return len(queries)

    assert queries_for(5) == queries_for(38) == 1
