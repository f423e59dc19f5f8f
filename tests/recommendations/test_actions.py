"""Actions under a recommendation ("12.3"): numbered, owned by an agency, with dated updates
under the recommendations' status rule; shown with their roll-up on the recommendation's page."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recommendations import services
from recommendations.models import Action, ActionUpdate, Recommendation, Status
from tests.conftest import make_recommendation, make_review, make_update, make_user

TODAY = datetime.date(2017, 5, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2017, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


def make_action(recommendation, owner, number=None, *, user=None, **fields):
    """Action `number` (default: the next) of `recommendation`, added by an administrator."""
    if number is None:
        number = f"{recommendation.number}.{recommendation.actions.count() + 1}"
    user = user or _administrator()
    defaults = {"text": f"Deliver action {number}.", "target_date": None}
    return services.action_save(
        recommendation=recommendation, number=number, owner=owner, user=user, **defaults | fields
    )


def make_action_update(action, user, *, date, status=Status.GREEN, **fields):
    defaults = {"narrative": f"Action {action.number} as at {date:%d %B %Y}."}
    return services.action_update_create(
        action=action, user=user, date=date, status=status, **defaults | fields
    )


def _administrator():
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(username="actions-admin").first()
    return existing or make_user("actions-admin", administrator=True)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def detail_url(recommendation):
    return reverse(
        "recommendations:detail",
        kwargs={"slug": recommendation.review.slug, "number": recommendation.number},
    )


def action_url(name, action):
    recommendation = action.recommendation
    kwargs = {"slug": recommendation.review.slug, "number": recommendation.number}
    return reverse(f"recommendations:{name}", kwargs={**kwargs, "action": action.position})


def status_on(action, date):
    return Action.objects.with_status(date).get(pk=action.pk).status


# The model and the status rule


def test_an_actions_status_is_that_of_its_latest_update_dated_on_or_before_the_date(
    recommendation, police, police_editor
):
    action = make_action(recommendation, police)
    make_action_update(action, police_editor, date=datetime.date(2016, 9, 1), status=Status.AMBER)
    make_action_update(action, police_editor, date=datetime.date(2017, 1, 10), status=Status.BLUE)

    assert status_on(action, datetime.date(2016, 8, 31)) == Status.NOT_STARTED
    assert status_on(action, datetime.date(2016, 9, 1)) == Status.AMBER
    assert status_on(action, datetime.date(2017, 1, 9)) == Status.AMBER
    assert status_on(action, TODAY) == Status.BLUE


def test_two_updates_of_one_date_are_told_apart_by_when_they_were_recorded(
    recommendation, police, police_editor
):
    action = make_action(recommendation, police)
    day = datetime.date(2017, 2, 1)
    later = make_action_update(action, police_editor, date=day, status=Status.RED)
    make_action_update(
        action,
        police_editor,
        date=day,
        status=Status.GREEN,
        recorded_at=later.recorded_at - datetime.timedelta(hours=1),
    )

    assert status_on(action, day) == Status.RED


def test_an_action_posted_late_for_an_earlier_date_does_not_outrank_a_later_dated_one(
    recommendation, police, police_editor
):
    action = make_action(recommendation, police)
    make_action_update(action, police_editor, date=datetime.date(2017, 3, 1), status=Status.GREEN)
    make_action_update(action, police_editor, date=datetime.date(2017, 2, 1), status=Status.RED)

    assert status_on(action, TODAY) == Status.GREEN


def test_the_recommendations_status_stays_its_lead_agencys_whatever_its_actions_say(
    recommendation, police, council, police_editor, council_editor
):
    make_update(recommendation, police_editor, date=datetime.date(2017, 4, 1), status=Status.AMBER)
    action = make_action(recommendation, council)
    make_action_update(action, council_editor, date=datetime.date(2017, 4, 20), status=Status.BLUE)

    assert Recommendation.objects.with_status(TODAY).get(pk=recommendation.pk).status == "amber"


@pytest.mark.parametrize(
    "number", ["1", "1.", "1.0", "1.01", "2.1", "01.1", "1.a", "1.1.1", "one", " ", "1,2"]
)
def test_an_action_is_numbered_as_its_recommendation_a_full_stop_and_its_own_number(
    recommendation, police, number
):
    with pytest.raises(ValidationError) as error:
        make_action(recommendation, police, number)

    assert "number" in error.value.message_dict
    assert not Action.objects.exists()


def test_action_numbers_are_unique_in_their_recommendation_and_sort_as_numbers(
    review, recommendation, police
):
    for n in (10, 2, 1):
        make_action(recommendation, police, f"1.{n}")
    other = make_recommendation(review, police, number=2)
    make_action(other, police, "2.1")

    with pytest.raises(ValidationError, match="already has an action 1.2"):
        make_action(recommendation, police, "1.2")
    assert [a.number for a in recommendation.actions.all()] == ["1.1", "1.2", "1.10"]


def test_an_action_needs_its_text(recommendation, police):
    with pytest.raises(ValidationError) as error:
        make_action(recommendation, police, text="  ")

    assert "text" in error.value.message_dict


def test_only_the_board_administrator_adds_or_changes_an_action(
    recommendation, police, police_editor
):
    with pytest.raises(PermissionDenied):
        make_action(recommendation, police, user=police_editor)
    action = make_action(recommendation, police)

    with pytest.raises(PermissionDenied):
        services.action_save(
            recommendation=recommendation,
            action=action,
            number="1.1",
            text="Changed by an editor.",
            owner=police,
            user=police_editor,
        )
    action.refresh_from_db()
    assert action.text == "Deliver action 1.1."


def test_a_change_to_an_action_is_kept_in_its_history(recommendation, police, council):
    action = make_action(recommendation, police, target_date=datetime.date(2017, 6, 30))
    services.action_save(
        recommendation=recommendation,
        action=action,
        number="1.1",
        text="Deliver it sooner.",
        owner=council,
        target_date=datetime.date(2017, 5, 31),
        user=_administrator(),
    )
    services.action_save(  # nothing changes: no history row
        recommendation=recommendation,
        action=action,
        number="1.1",
        text="Deliver it sooner.",
        owner=council,
        target_date=datetime.date(2017, 5, 31),
        user=_administrator(),
    )

    rows = list(action.history.order_by("history_date", "history_id"))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert (rows[0].text, rows[0].owner_id) == ("Deliver action 1.1.", police.pk)
    assert (rows[1].text, rows[1].owner_id) == ("Deliver it sooner.", council.pk)
    assert rows[1].history_user == _administrator()


def test_only_the_owning_agencys_editors_and_the_administrator_post_action_updates(
    recommendation, police, council, police_editor, council_editor
):
    action = make_action(recommendation, council)  # the police lead the recommendation

    with pytest.raises(PermissionDenied):
        make_action_update(action, police_editor, date=TODAY)
    make_action_update(action, council_editor, date=TODAY)
    make_action_update(action, _administrator(), date=TODAY, status=Status.BLUE)

    assert list(ActionUpdate.objects.values_list("agency", flat=True)) == [council.pk] * 2
    assert status_on(action, TODAY) == Status.BLUE


@pytest.mark.parametrize(
    "date, message",
    [
        (TODAY + datetime.timedelta(days=1), "cannot be in the future"),
        (datetime.date(2016, 5, 18), "cannot be before the review was published"),
    ],
)
def test_an_action_update_is_dated_from_publication_to_today(
    recommendation, police, police_editor, date, message
):
    action = make_action(recommendation, police)

    with pytest.raises(ValidationError, match=message):
        make_action_update(action, police_editor, date=date)
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize("bad", [{"status": "purple"}, {"narrative": ""}, {"narrative": "\x07"}])
def test_an_action_update_with_a_bad_status_or_narrative_is_refused(
    recommendation, police, police_editor, bad
):
    action = make_action(recommendation, police)

    with pytest.raises(ValidationError):
        make_action_update(action, police_editor, date=TODAY, **bad)
    assert not ActionUpdate.objects.exists()


def test_posting_the_same_action_update_twice_records_it_once(
    recommendation, police, police_editor
):
    action = make_action(recommendation, police)
    key = uuid.uuid4()

    first = make_action_update(action, police_editor, date=TODAY, submission_key=key)
    second = make_action_update(action, police_editor, date=TODAY, submission_key=key)

    assert first.pk == second.pk and ActionUpdate.objects.count() == 1


def test_an_action_update_dated_into_an_issued_report_is_refused_to_an_editor(
    recommendation, police, police_editor, monkeypatch
):
    class Closed:  # the calendar as it is once a report as at 31 March 2017 is issued
        def closed_through(self, review_id):
            return datetime.date(2017, 3, 31)

        def issuing_through(self, review_id):
            return None

    action = make_action(recommendation, police)
    monkeypatch.setattr(services, "calendar", lambda: Closed())

    with pytest.raises(ValidationError, match="has been issued to the committee"):
        make_action_update(action, police_editor, date=datetime.date(2017, 3, 31))
    make_action_update(action, police_editor, date=datetime.date(2017, 4, 1))
    assert ActionUpdate.objects.count() == 1


# The recommendation's page


@pytest.fixture
def with_actions(recommendation, police, council, police_editor, council_editor):
    """Recommendation 1 (the police lead) with three actions: one complete, one on track,
    one not started."""
    first = make_action(recommendation, police, text="Brief every taxi driver.")
    second = make_action(
        recommendation, council, text="Audit the licensing files.", target_date=TODAY
    )
    make_action(recommendation, council, text="Publish the results.")
    make_action_update(first, police_editor, date=datetime.date(2017, 3, 1), status=Status.BLUE)
    make_action_update(second, council_editor, date=datetime.date(2017, 4, 1))
    return recommendation


def test_the_recommendation_page_lists_its_actions_with_their_roll_up(with_actions, reader):
    page = signed_in(reader).get(detail_url(with_actions))

    text = page.content.decode()
    assert page.status_code == 200
    assert '<h2 class="govuk-heading-m" id="actions">Actions</h2>' in text
    assert "Of the 3 actions: 1 complete, 1 on track and 1 not started." in text
    assert "still its lead agency's assessment" in text
    assert [a.number for a in page.context["actions"]] == ["1.1", "1.2", "1.3"]
    assert [a.status for a in page.context["actions"]] == ["blue", "green", "not_started"]
    assert dict(page.context["action_counts"])[Status.BLUE] == 1
    assert "Audit the licensing files." in text and "1 May 2017" in text
    assert "Post an update" not in text and "Add an action" not in text  # a reader's view


def test_each_editor_may_post_updates_of_the_actions_their_agency_owns_only(
    with_actions, police_editor
):
    page = signed_in(police_editor).get(detail_url(with_actions))

    text = page.content.decode()
    assert text.count(">Post an update<") == 1
    assert 'Post an update<span class="govuk-visually-hidden"> of action 1.1<' in text


def test_the_administrator_may_add_change_and_update_every_action(with_actions, administrator):
    page = signed_in(administrator).get(detail_url(with_actions))

    text = page.content.decode()
    assert text.count(">Change<") == 3 and text.count(">Post an update<") == 3
    assert (
        reverse("recommendations:action_create", kwargs={"slug": "test-review", "number": 1})
        in text
    )


def test_a_recommendation_without_actions_shows_no_actions_section(
    recommendation, reader, administrator
):
    for user in (reader, administrator):
        text = signed_in(user).get(detail_url(recommendation)).content.decode()

        assert 'id="actions"' not in text
    assert "Add an action" in text  # the administrator may start breaking it down


def test_the_recommendation_page_costs_the_same_queries_for_few_and_many_actions(
    police, council, police_editor, reader
):
    counts = []
    for slug, actions in (("few", 2), ("many", 25)):
        review = make_review(slug)
        recommendation = make_recommendation(review, police, number=1)
        for n in range(actions):
            action = make_action(recommendation, police if n % 2 else council)
            if n % 3 == 0:
                make_action_update(action, _administrator(), date=TODAY)
        client = signed_in(police_editor)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail_url(recommendation)).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_the_dashboard_costs_the_same_queries_with_actions_as_without(police, council, reader):
    counts = []
    for slug, actions_each in (("plain", 0), ("with-actions", 3)):
        review = make_review(slug)
        for number in range(1, 6):
            recommendation = make_recommendation(review, police, number=number)
            for _ in range(actions_each):
                make_action(recommendation, council)
        client = signed_in(reader)
        url = reverse("recommendations:dashboard", kwargs={"slug": slug})
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]


# Its forms


def action_form(**overrides):
    data = {
        "number": "1.1",
        "text": "Brief every taxi driver.",
        "owner": "",
        "target_date_day": "31",
        "target_date_month": "3",
        "target_date_year": "2018",
    }
    return data | overrides


def test_the_administrator_adds_an_action_on_its_page(recommendation, council, administrator):
    client = signed_in(administrator)
    url = reverse("recommendations:action_create", kwargs={"slug": "test-review", "number": 1})

    form = client.get(url)
    response = client.post(url, action_form(owner=council.pk))

    assert form.status_code == 200 and form.context["form"].initial["number"] == "1.1"
    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(recommendation)}#action-{action.pk}"
    assert (action.number, action.owner, action.target_date) == (
        "1.1",
        council,
        datetime.date(2018, 3, 31),
    )
    assert action.history.get().history_user == administrator


def test_the_administrator_changes_an_action_on_its_page(recommendation, police, administrator):
    action = make_action(recommendation, police)
    client = signed_in(administrator)

    page = client.get(action_url("action_edit", action))
    response = client.post(
        action_url("action_edit", action),
        action_form(text="Brief every driver by March.", owner=police.pk),
    )

    assert page.context["form"].initial["text"] == "Deliver action 1.1."
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.text == "Brief every driver by March."


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"number": "2.1"}, "An action of recommendation 1 is numbered 1.1, 1.2"),
        ({"number": "1.x"}, "for example 1.1"),
        ({"number": ""}, "Enter the action&#x27;s number"),
        ({"number": "1.1"}, "already has an action 1.1"),
        ({"text": ""}, "Enter what the action is"),
        ({"owner": "999999"}, "Select an agency from the list"),
        ({"target_date_month": "13"}, "The date must be a real date"),
    ],
)
def test_a_bad_action_is_an_error_on_its_form_and_saves_nothing(
    recommendation, police, administrator, overrides, message
):
    if "already" in message:
        make_action(recommendation, police)
    before = Action.objects.count()
    url = reverse("recommendations:action_create", kwargs={"slug": "test-review", "number": 1})

    response = signed_in(administrator).post(url, action_form(owner=police.pk) | overrides)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Action.objects.count() == before


def test_editors_and_readers_cannot_add_or_change_actions(
    recommendation, police, police_editor, reader
):
    action = make_action(recommendation, police)
    create = reverse("recommendations:action_create", kwargs={"slug": "test-review", "number": 1})
    for user in (police_editor, reader):
        client = signed_in(user)
        for url in (create, action_url("action_edit", action)):
            assert client.get(url).status_code == 403
            assert client.post(url, action_form(owner=police.pk, number="1.2")).status_code == 403
    assert Action.objects.count() == 1


def update_form(**overrides):
    data = {
        "date_day": "30",
        "date_month": "4",
        "date_year": "2017",
        "status": "green",
        "narrative": "180 of 212 drivers briefed.",
        "submission_key": str(uuid.uuid4()),
    }
    return data | overrides


def test_the_owning_agencys_editor_posts_an_action_update(recommendation, council, council_editor):
    action = make_action(recommendation, council)
    client = signed_in(council_editor)
    url = action_url("action_update_create", action)

    assert client.get(url).status_code == 200
    response = client.post(url, update_form())

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(recommendation)}#action-{action.pk}"
    update = ActionUpdate.objects.get()
    assert (update.agency, update.created_by, update.status) == (council, council_editor, "green")
    page = client.get(detail_url(recommendation))
    assert "since 30 April 2017" in page.content.decode()
    assert "Of the 1 action: 1 on track." in page.content.decode()


def test_an_editor_of_another_agency_cannot_post_an_action_update(
    recommendation, council, police_editor
):
    action = make_action(recommendation, council)  # the police lead the recommendation
    client = signed_in(police_editor)
    url = action_url("action_update_create", action)

    assert client.get(url).status_code == 403
    assert client.post(url, update_form()).status_code == 403
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"date_day": "2"}, "cannot be in the future"),
        ({"status": ""}, "Select the status of the action"),
        ({"status": "purple"}, "Select a status from the list"),
        ({"narrative": ""}, "Enter a narrative"),
        ({"narrative": "A bell\x07"}, "control character"),
        ({"submission_key": "x"}, "This form has expired"),
    ],
)
def test_a_bad_action_update_is_an_error_on_its_form(
    recommendation, police, police_editor, overrides, message
):
    action = make_action(recommendation, police)
    overrides = overrides | ({"date_month": "5"} if "date_day" in overrides else {})

    response = signed_in(police_editor).post(
        action_url("action_update_create", action), update_form(**overrides)
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_an_action_of_another_recommendation_is_not_found(review, recommendation, police):
    action = make_action(recommendation, police)
    make_recommendation(review, police, number=2)
    client = signed_in(_administrator())
    wrong = reverse(
        "recommendations:action_edit", kwargs={"slug": "test-review", "number": 2, "action": 1}
    )

    assert client.get(wrong).status_code == 404
    assert client.get(action_url("action_edit", action)).status_code == 200


def test_actions_are_in_the_admin_through_the_service(recommendation, police, administrator):
    client = signed_in(administrator)
    response = client.post(
        "/admin/recommendations/action/add/",
        {
            "recommendation": recommendation.pk,
            "number": "1.1",
            "text": "Added in the admin.",
            "owner": police.pk,
            "target_date": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    action = Action.objects.get()
    assert action.history.get().history_user == administrator
    assert client.get(f"/admin/recommendations/action/{action.pk}/change/").status_code == 200
    assert client.get("/admin/recommendations/actionupdate/").status_code == 200


def test_make_action_helpers_record_who_and_when(recommendation, police, police_editor):
    action = make_action(recommendation, police)
    update = make_action_update(action, police_editor, date=TODAY)

    assert update.recorded_at == timezone.now()
    assert update.history.get().history_user == police_editor
