"""Recovery plans for exceptions, and target dates that never move silently: on the
recommendation's page, its recovery plan form and the admin."""

import datetime
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations import services
from recommendations.models import Recommendation, RecoveryPlan, Status, TargetDateRevision
from tests.conftest import make_recommendation, make_update

TODAY = datetime.date(2017, 5, 1)
TARGET = datetime.date(2017, 3, 31)
REASON = "Only one compliant bid was received, so the tender is being re-run."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2017, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def exception(review, police, council, police_editor):
    """Recommendation 1: led by the police, supported by the council, Red and overdue."""
    recommendation = make_recommendation(
        review, police, number=1, supporting_agencies=[council], target_date=TARGET
    )
    make_update(recommendation, police_editor, date=datetime.date(2017, 4, 10), status=Status.RED)
    return recommendation


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def detail_url(recommendation):
    return reverse(
        "recommendations:detail",
        kwargs={"slug": recommendation.review.slug, "number": recommendation.number},
    )


def plan_url(recommendation):
    return reverse(
        "recommendations:recovery_plan",
        kwargs={"slug": recommendation.review.slug, "number": recommendation.number},
    )


def plan_form(**overrides):
    data = {
        "action": "Re-run the tender by 5 May; spot-purchase therapy until the service starts.",
        "owner": "Assistant Director, Safeguarding",
        "revised_target_date_day": "",
        "revised_target_date_month": "",
        "revised_target_date_year": "",
        "target_date_reason": "",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def moved_to_30_june(**overrides):
    return plan_form(
        revised_target_date_day="30",
        revised_target_date_month="6",
        revised_target_date_year="2017",
        **overrides,
    )


def record_plan(recommendation, user, **fields):
    defaults = {"action": "An action.", "owner": "Service Manager"}
    return services.recovery_plan_record(
        recommendation=recommendation, user=user, **{**defaults, **fields}
    )


def record_state():
    """Everything a refused plan must leave as it was."""
    return (
        list(RecoveryPlan.objects.values_list("pk", "action")),
        list(TargetDateRevision.objects.values_list("pk", "revised_date")),
        list(Recommendation.objects.values_list("pk", "target_date")),
        Recommendation.history.count(),
    )


def test_the_lead_agencys_editor_records_a_recovery_plan_and_the_page_shows_it(
    exception, police_editor
):
    client = signed_in(police_editor)
    page = client.get(detail_url(exception)).content.decode()
    assert "no recovery plan has been recorded yet" in page
    assert plan_url(exception) in page and "Record a recovery plan" in page

    form = client.get(plan_url(exception))
    response = client.post(plan_url(exception), plan_form())

    assert form.status_code == 200 and 'name="submission_key"' in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == detail_url(exception) + "#recovery-plan"
    plan = RecoveryPlan.objects.get()
    assert (plan.recorded_by, plan.owner) == (police_editor, "Assistant Director, Safeguarding")
    shown = client.get(detail_url(exception)).content.decode()
    assert "Re-run the tender by 5 May" in shown
    assert "Assistant Director, Safeguarding" in shown
    assert "1 May 2017 by editor.police" in shown
    assert "The recovery plan has been recorded." in shown
    assert exception.target_date_revisions.count() == 0


def test_the_board_administrator_may_record_a_recovery_plan_too(exception, administrator):
    response = signed_in(administrator).post(plan_url(exception), plan_form())

    assert response.status_code == 302
    assert RecoveryPlan.objects.get().recorded_by == administrator


def test_a_supporting_agencys_editor_cannot_record_a_recovery_plan(exception, council_editor):
    client = signed_in(council_editor)
    before = record_state()

    assert client.get(plan_url(exception)).status_code == 403
    assert (
        client.post(plan_url(exception), moved_to_30_june(target_date_reason=REASON)).status_code
        == 403
    )
    assert record_state() == before
    assert "Record a recovery plan" not in client.get(detail_url(exception)).content.decode()


def test_a_reader_sees_the_plan_but_no_link_to_record_one(exception, police_editor, reader):
    record_plan(exception, police_editor, action="Weekly review of every case.")

    page = signed_in(reader).get(detail_url(exception)).content.decode()

    assert "Weekly review of every case." in page
    assert "Record a recovery plan" not in page


def test_a_green_recommendation_needs_no_recovery_plan_and_the_form_says_so(
    review, police, police_editor
):
    on_track = make_recommendation(review, police, number=2, target_date=datetime.date(2017, 7, 31))
    make_update(on_track, police_editor, date=datetime.date(2017, 4, 10), status=Status.GREEN)
    client = signed_in(police_editor)
    before = record_state()

    page = client.get(plan_url(on_track))
    posted = client.post(plan_url(on_track), plan_form())

    assert page.status_code == 200
    assert "No recovery plan is needed" in page.content.decode()
    assert "Red, Amber or past its target date" in page.content.decode()
    assert posted.status_code == 409
    assert record_state() == before
    detail = client.get(detail_url(on_track)).content.decode()
    assert "Record a recovery plan" not in detail and 'id="recovery-plan"' not in detail


def test_a_green_recommendation_past_its_target_date_is_an_exception(review, police, police_editor):
    late = make_recommendation(review, police, number=3, target_date=TARGET)
    make_update(late, police_editor, date=datetime.date(2017, 4, 10), status=Status.GREEN)

    response = signed_in(police_editor).post(plan_url(late), plan_form())

    assert response.status_code == 302
    assert RecoveryPlan.objects.filter(recommendation=late).exists()


def test_moving_the_target_date_without_a_reason_is_a_form_error_and_saves_nothing(
    exception, police_editor
):
    before = record_state()

    response = signed_in(police_editor).post(plan_url(exception), moved_to_30_june())

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Say why the target date is changing from 31 March 2017" in page
    assert record_state() == before
    exception.refresh_from_db()
    assert exception.target_date == TARGET


def test_moving_the_target_date_with_a_reason_keeps_the_revision_and_shows_it(
    exception, police_editor, reader
):
    response = signed_in(police_editor).post(
        plan_url(exception), moved_to_30_june(target_date_reason=REASON)
    )

    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.target_date == datetime.date(2017, 6, 30)
    revision = TargetDateRevision.objects.get()
    assert (revision.previous_date, revision.revised_date, revision.reason) == (
        TARGET,
        datetime.date(2017, 6, 30),
        REASON,
    )
    assert RecoveryPlan.objects.get().revised_target_date == datetime.date(2017, 6, 30)
    page = signed_in(reader).get(detail_url(exception)).content.decode()
    assert f"31 March 2017, revised to 30 June 2017: {REASON}" in page


def test_a_revised_target_date_in_the_past_is_a_form_error(exception, police_editor):
    before = record_state()

    response = signed_in(police_editor).post(
        plan_url(exception),
        plan_form(
            revised_target_date_day="1",
            revised_target_date_month="4",
            revised_target_date_year="2017",
            target_date_reason=REASON,
        ),
    )

    assert response.status_code == 400
    assert "The revised target date cannot be in the past." in response.content.decode()
    assert record_state() == before


def test_posting_the_same_plan_form_twice_records_one_plan(exception, police_editor):
    client = signed_in(police_editor)
    form = moved_to_30_june(target_date_reason=REASON)

    first = client.post(plan_url(exception), form)
    second = client.post(plan_url(exception), form)

    assert first.status_code == second.status_code == 302
    assert RecoveryPlan.objects.count() == 1
    assert TargetDateRevision.objects.count() == 1


def test_posting_twice_a_plan_that_ended_the_exception_still_says_it_was_recorded(
    review, police, police_editor
):
    late = make_recommendation(review, police, number=3, target_date=TARGET)
    make_update(late, police_editor, date=datetime.date(2017, 4, 10), status=Status.GREEN)
    client = signed_in(police_editor)
    form = moved_to_30_june(target_date_reason=REASON)

    first = client.post(plan_url(late), form)
    second = client.post(plan_url(late), form)

    assert first.status_code == second.status_code == 302
    assert RecoveryPlan.objects.count() == 1
    assert client.get(plan_url(late)).status_code == 200  # no longer overdue: none needed
    assert "No recovery plan is needed" in client.get(plan_url(late)).text


def test_another_users_form_key_records_nothing_in_their_name(
    exception, police_editor, administrator
):
    form = plan_form()
    signed_in(administrator).post(plan_url(exception), form)

    response = signed_in(police_editor).post(plan_url(exception), form)

    assert response.status_code == 400
    assert "This form has already been used" in response.content.decode()
    assert RecoveryPlan.objects.get().recorded_by == administrator


def test_a_new_plan_is_shown_first_with_the_earlier_ones_below_it(exception, police_editor):
    with time_machine.travel(datetime.datetime(2017, 4, 11, 12, tzinfo=datetime.UTC)):
        record_plan(exception, police_editor, action="Ask the commissioner to reconsider.")
    record_plan(exception, police_editor, action="Ask Board partners to fund one post.")

    page = signed_in(police_editor).get(detail_url(exception)).content.decode()

    assert "Earlier recovery plans" in page
    assert (
        page.index("Ask Board partners to fund one post.")
        < page.index("Earlier recovery plans")
        < page.index("Ask the commissioner to reconsider.")
    )


def test_each_revision_of_the_target_date_is_shown_with_its_reason(exception, police_editor):
    record_plan(
        exception,
        police_editor,
        revised_target_date=datetime.date(2017, 6, 30),
        target_date_reason="The tender is re-run.",
    )
    record_plan(
        exception,
        police_editor,
        revised_target_date=datetime.date(2017, 9, 30),
        target_date_reason="The new service starts in September.",
    )

    page = signed_in(police_editor).get(detail_url(exception)).content.decode()

    assert "31 March 2017, revised to 30 June 2017: The tender is re-run." in page
    assert (
        "30 June 2017, revised to 30 September 2017: The new service starts in September." in page
    )


def test_the_recommendation_page_costs_the_same_queries_with_many_plans_and_revisions(
    exception, police_editor, review, police
):
    other = make_recommendation(review, police, number=2, target_date=TARGET)
    make_update(other, police_editor, date=datetime.date(2017, 4, 10), status=Status.AMBER)
    record_plan(other, police_editor)
    for month in range(6, 12):
        record_plan(
            exception,
            police_editor,
            revised_target_date=datetime.date(2017, month, 28),
            target_date_reason=f"Moved to month {month}.",
        )
    client = signed_in(police_editor)

    def count(recommendation):
        with CaptureQueriesContext(connection) as context:
            assert client.get(detail_url(recommendation)).status_code == 200
        return len(context.captured_queries)

    assert count(exception) == count(other)


# The admin


def admin_change(recommendation, **overrides):
    data = {
        "review": str(recommendation.review_id),
        "number": str(recommendation.number),
        "short_title": recommendation.short_title,
        "text": recommendation.text,
        "theme": "",
        "lead_agency": str(recommendation.lead_agency_id),
        "supporting_agencies": [str(a.pk) for a in recommendation.supporting_agencies.all()],
        "lead_officer": recommendation.lead_officer,
        "target_date": "2017-03-31",
        "target_date_reason": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def admin_url(recommendation):
    return f"/admin/recommendations/recommendation/{recommendation.pk}/change/"


def test_changing_the_target_date_in_the_admin_without_a_reason_is_refused(
    exception, administrator
):
    client = signed_in(administrator)
    before = record_state()

    response = client.post(admin_url(exception), admin_change(exception, target_date="2017-06-30"))

    assert response.status_code == 200
    assert "Give the reason for changing the target date from 31 March 2017" in response.text
    assert record_state() == before


def test_changing_the_target_date_in_the_admin_with_a_reason_keeps_the_revision(
    exception, administrator
):
    client = signed_in(administrator)
    assert "Reason for changing the target date" in client.get(admin_url(exception)).text

    response = client.post(
        admin_url(exception),
        admin_change(exception, target_date="2017-06-30", target_date_reason=REASON),
    )

    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.target_date == datetime.date(2017, 6, 30)
    revision = TargetDateRevision.objects.get()
    assert (revision.previous_date, revision.reason, revision.recorded_by) == (
        TARGET,
        REASON,
        administrator,
    )
    assert exception.history.latest().history_user == administrator


def test_other_changes_in_the_admin_need_no_reason(exception, administrator):
    response = signed_in(administrator).post(
        admin_url(exception), admin_change(exception, lead_officer="Detective Inspector")
    )

    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.lead_officer == "Detective Inspector"
    assert not TargetDateRevision.objects.exists()
