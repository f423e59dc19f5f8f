"""A board adds a new review in the browser, then imports its recommendations."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from recommendations.models import Review
from tests.conftest import make_review
from tests.tracker.test_fuzz import FUZZ, date_fields, nasty_text, post_and_check, signed_in

pytestmark = pytest.mark.django_db

URL = "/reviews/new/"


def fields(**changes):
    data = {
        "title": "Inquiry into Child Sexual Exploitation",
        "committee": "Children and Young People Scrutiny Committee",
        "responsible_board": "Telford & Wrekin Safeguarding Partnership",
        "publication_date_day": "12",
        "publication_date_month": "7",
        "publication_date_year": "2022",
        "protective_marking": "OFFICIAL",
    }
    return {**data, **changes}


def test_the_administrator_adds_a_review_and_is_taken_to_import_its_recommendations(
    administrator,
):
    response = signed_in(administrator).post(URL, fields())

    review = Review.objects.get()
    assert review.slug == "inquiry-into-child-sexual-exploitation"
    assert review.publication_date == datetime.date(2022, 7, 12)
    assert review.responsible_board == "Telford & Wrekin Safeguarding Partnership"
    assert response["Location"] == reverse(
        "spreadsheets:recommendation_import", kwargs={"slug": review.slug}
    )
    assert review.history.get().history_user == administrator


def test_a_second_review_of_the_same_title_gets_its_own_address(administrator):
    client = signed_in(administrator)
    client.post(URL, fields())
    client.post(URL, fields())
    client.post(URL, fields(title="New"))

    assert sorted(Review.objects.values_list("slug", flat=True)) == [
        "inquiry-into-child-sexual-exploitation",
        "inquiry-into-child-sexual-exploitation-2",
        "new-2",  # "new" is the address of this page
    ]


def test_the_administrator_is_offered_another_review_from_the_home_page_and_dashboard(
    administrator, reader
):
    make_review()

    # With one review, everyone goes straight to it; its dashboard offers another.
    assert signed_in(administrator).get("/")["Location"] == "/reviews/test-review/"
    dashboard = signed_in(administrator).get("/reviews/test-review/").content.decode()
    assert 'href="/reviews/new/">Add another review' in dashboard
    assert (
        "Add another review" not in signed_in(reader).get("/reviews/test-review/").content.decode()
    )
    # With two, the home page lists them, with the button for the administrator only.
    make_review(slug="inquiry-2022", title="Inquiry into Child Sexual Exploitation")
    home = signed_in(administrator).get("/").content.decode()
    assert "Inquiry into Child Sexual Exploitation" in home and 'href="/reviews/new/"' in home
    assert 'href="/reviews/new/"' not in signed_in(reader).get("/").content.decode()


def test_only_the_administrator_may_add_a_review(police_editor, reader):
    for user in (police_editor, reader):
        assert signed_in(user).post(URL, fields()).status_code == 403
    assert not Review.objects.exists()


def test_a_review_without_its_details_is_a_form_error_and_nothing_is_saved(administrator):
    response = signed_in(administrator).post(
        URL, fields(title="", publication_date_month="13", protective_marking="SECRET")
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the title" in page
    assert "Select a protective marking from the list" in page
    assert not Review.objects.exists()


@FUZZ
@given(data=st.data())
def test_adding_a_review_never_fails_and_saves_nothing_refused(administrator, data):
    text = {name: nasty_text for name in ("title", "committee", "responsible_board")}
    posted = data.draw(
        st.fixed_dictionaries(
            {**text, "protective_marking": st.one_of(st.just("OFFICIAL"), nasty_text)}
        )
    )
    posted.update(data.draw(date_fields("publication_date")))

    post_and_check(
        signed_in(administrator),
        URL,
        posted,
        success=lambda response: response.status_code == 302,
    )
