"""One recommendation as a PDF (issue 15, item 9): printed by the report pipeline, as its
section of the full report prints it, for anyone signed in; user text escaped."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from recommendations.models import Status
from tests.conftest import make_recommendation, make_update
from tests.reports.conftest import at, pdf_pages

pytestmark = pytest.mark.django_db


def sheet_url(review, number):
    return reverse("reports:recommendation_sheet", kwargs={"slug": review.slug, "number": number})


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_reader_downloads_one_recommendation_as_a_pdf(review, police, police_editor, reader):
    with at(2016, 11, 1):
        recommendation = make_recommendation(
            review, police, number=4, short_title="Taxi <b>licensing</b> checks"
        )
        make_update(
            recommendation,
            police_editor,
            date=datetime.date(2016, 10, 20),
            status=Status.AMBER,
            narrative="Checks <script>x</script> begun on 40 drivers.",
        )
    make_recommendation(review, police, number=5, short_title="Another one")

    with at(2016, 11, 30):
        response = signed_in(reader).get(sheet_url(review, 4))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "recommendation-4-2016-11-30.pdf" in response["Content-Disposition"]
    text = " ".join(" ".join(pdf_pages(response.content, layout=False)).split())
    assert "Recommendation 4: Taxi <b>licensing</b> checks" in text  # as typed, not markup
    assert "Checks <script>x</script> begun on 40 drivers." in text
    assert "Amber (at risk)" in text
    assert "not a report to the committee" in text
    assert "Another one" not in text
    assert len(pdf_pages(response.content)) == 1


def test_an_unknown_recommendation_is_not_found(review, reader):
    assert signed_in(reader).get(sheet_url(review, 99)).status_code == 404


def test_anonymous_requests_get_the_sign_in_page(review, police):
    make_recommendation(review, police, number=1)
    response = Client().get(sheet_url(review, 1))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
