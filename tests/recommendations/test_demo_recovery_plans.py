"""The demo's recovery plans: one for each exception of the April 2017 report, recorded
before its cut-off by the lead agency, and loading again changes nothing."""

import datetime

import pytest

from operations import loading
from recommendations.models import (
    Recommendation,
    RecoveryPlan,
    TargetDateRevision,
    end_of_day,
)
from recommendations.roles import may_report_for
from tests.conftest import DEMO_FIXTURE, REVIEW_FIXTURE
from tests.recommendations.test_recovery_plans import record_state

pytestmark = pytest.mark.django_db


def test_every_demo_exception_at_the_april_2017_cut_off_has_a_plan_recorded_before_it(demo):
    as_at = datetime.date(2017, 4, 30)
    known_by = end_of_day(as_at)
    exceptions = [
        row
        for row in Recommendation.objects.filter(review=demo).with_status(as_at)
        if row.is_exception(as_at)
    ]
    plans = RecoveryPlan.objects.filter(recommendation__review=demo).select_related(
        "recommendation__lead_agency", "recorded_by"
    )

    assert exceptions
    planned = {plan.recommendation.number for plan in plans if plan.recorded_at < known_by}
    assert {row.number for row in exceptions} <= planned
    assert all(may_report_for(plan.recorded_by, plan.recommendation.lead_agency) for plan in plans)
    revisions = TargetDateRevision.objects.filter(recommendation__review=demo)
    assert revisions.count() >= 2 and all(revision.reason for revision in revisions)


def test_loading_the_demo_and_the_review_again_changes_no_plan_or_target_date(demo):
    before = record_state()

    loading.load_review(loading.read_json(REVIEW_FIXTURE))
    loading.load_demo(loading.read_json(DEMO_FIXTURE), review=demo)

    assert record_state() == before
