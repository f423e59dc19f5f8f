"""The dashboard and the recommendation page cost the same number of queries for a small
review as for a large one."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations.models import Status
from tests.conftest import make_recommendation, make_review, make_update

STATUSES = [Status.RED, Status.AMBER, Status.GREEN, Status.BLUE]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2017, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


def build_review(slug, *, recommendations, updates_each, police, council, author):
    review = make_review(slug)
    numbers = []
    for number in range(1, recommendations + 1):
        recommendation = make_recommendation(
            review,
            police,
            number=number,
            supporting_agencies=[council],
            target_date=datetime.date(2017, 3, 31),
        )
        for day in range(updates_each):
            update = make_update(
                recommendation,
                author,
                date=datetime.date(2016, 6, 1) + datetime.timedelta(days=7 * day),
                status=STATUSES[(number + day) % 4],
            )
            if day % 3 == 0:  # some corrections, so the change history has rows to diff
                from recommendations import services

                services.progress_update_correct(
                    update=update,
                    user=author,
                    expected_version=1,
                    date=update.date,
                    status=update.status,
                    narrative=update.narrative + " Corrected.",
                )
        numbers.append(number)
    return review


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture(params=["reader", "police_editor", "administrator"])
def viewer(request):
    return request.getfixturevalue(request.param)


def test_dashboard_queries_do_not_grow_with_the_number_of_recommendations(
    police, council, police_editor, viewer
):
    small = build_review(
        "small",
        recommendations=5,
        updates_each=1,
        police=police,
        council=council,
        author=police_editor,
    )
    large = build_review(
        "large",
        recommendations=50,
        updates_each=1,
        police=police,
        council=council,
        author=police_editor,
    )
    client = Client()
    client.force_login(viewer)

    def count(review, **query):
        url = reverse("recommendations:dashboard", kwargs={"slug": review.slug})
        return queries_for(client, url + ("?mine=1&q=board" if query else ""))

    assert count(small) == count(large)
    assert count(small, filtered=True) == count(large, filtered=True)


def test_recommendation_page_queries_do_not_grow_with_the_number_of_updates(
    police, council, police_editor, viewer
):
    small = build_review(
        "small",
        recommendations=1,
        updates_each=1,
        police=police,
        council=council,
        author=police_editor,
    )
    large = build_review(
        "large",
        recommendations=1,
        updates_each=20,
        police=police,
        council=council,
        author=police_editor,
    )
    client = Client()
    client.force_login(viewer)

    def count(review):
        url = reverse("recommendations:detail", kwargs={"slug": review.slug, "number": 1})
        return queries_for(client, url)

    assert count(small) == count(large)


def test_my_agency_queries_do_not_grow_with_the_number_of_recommendations(
    police, council, police_editor
):
    small = build_review(
        "small",
        recommendations=5,
        updates_each=1,
        police=police,
        council=council,
        author=police_editor,
    )
    large = build_review(
        "large",
        recommendations=50,
        updates_each=1,
        police=police,
        council=council,
        author=police_editor,
    )
    client = Client()
    client.force_login(police_editor)

    def count(review):
        return queries_for(
            client, reverse("recommendations:my_agency", kwargs={"slug": review.slug})
        )

    assert count(small) == count(large)
