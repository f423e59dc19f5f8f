import collections
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from operations import loading
from recommendations.models import ProgressUpdate, Recommendation, Status
from recommendations.roles import is_board_administrator
from tests.conftest import DEMO_FIXTURE, REVIEW_FIXTURE


def positions(review, on):
    rows = Recommendation.objects.filter(review=review).with_status(on)
    return collections.Counter(row.status for row in rows)


def test_the_review_has_38_recommendations_numbered_1_to_38_each_with_a_lead_and_text(cse_review):
    recommendations = list(cse_review.recommendations.select_related("lead_agency"))

    assert [r.number for r in recommendations] == list(range(1, 39))
    assert all(r.lead_agency and r.text.strip() and r.short_title.strip() for r in recommendations)


def test_the_review_says_its_recommendation_wording_is_illustrative(cse_review):
    assert "illustrative" in cse_review.description
    assert "official wording" in cse_review.description


def test_each_recommendation_was_recorded_as_at_the_review_publication(cse_review):
    published = datetime.datetime(2016, 5, 19, 23, 59, tzinfo=datetime.UTC)
    as_then = Recommendation.history.as_of(published).filter(review_id=cse_review.pk)

    assert as_then.count() == 38


def test_loading_the_review_again_changes_nothing(cse_review):
    history_rows = Recommendation.history.count()

    loading.load_review(loading.read_json(REVIEW_FIXTURE))

    assert Recommendation.objects.count() == 38
    assert Recommendation.history.count() == history_rows


def test_the_demo_position_on_30_november_2016_is_17_complete_and_21_on_track(demo):
    assert positions(demo, datetime.date(2016, 11, 30)) == {Status.BLUE: 17, Status.GREEN: 21}


def test_the_demo_position_on_30_april_2017_has_exceptions_and_overdue_targets(demo):
    as_at = datetime.date(2017, 4, 30)
    counts = positions(demo, as_at)
    overdue = [r for r in Recommendation.objects.with_status(as_at) if r.is_overdue(as_at)]

    assert counts[Status.BLUE] > 17
    assert counts[Status.RED] >= 1 and counts[Status.AMBER] >= 1
    assert len(overdue) >= 3


def test_the_demo_has_an_administrator_a_reader_and_editors_of_several_agencies(demo):
    users = {user.username: user for user in get_user_model().objects.all()}

    assert is_board_administrator(users["admin"])
    assert not is_board_administrator(users["clerk"]) and not users["clerk"].agencies.exists()
    editors = [user for user in users.values() if user.agencies.exists()]
    assert len(editors) >= 3


def test_loading_the_demo_again_creates_no_duplicate_updates(demo, settings):
    count = ProgressUpdate.objects.count()

    loading.load_demo(loading.read_json(DEMO_FIXTURE), review=demo)

    assert ProgressUpdate.objects.count() == count > 100


def test_demo_users_are_never_created_outside_demo_mode(cse_review, settings):
    settings.DEMO_MODE = False

    with pytest.raises(ImproperlyConfigured):
        loading.load_demo(loading.read_json(DEMO_FIXTURE), review=cse_review)

    assert not get_user_model().objects.exists()
