"""Pages cached by data version (recommendations/page_cache.py, versions.py): the dashboard
and a recommendation page are built once per version of what they show and per kind of
viewer, and never served once what they show has changed."""

import datetime
import re
import threading
import time

import pytest
import time_machine
from django.apps import apps
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence import services as evidence_services
from recommendations import page_cache, services, versions
from recommendations.models import DataVersion, Recommendation, Status
from reports.services import report_issue
from tests.conftest import make_recommendation, make_update
from tests.evidence.conftest import folder, pdf_bytes  # noqa: F401 (a fixture)
from tests.recommendations.test_views import (  # noqa: F401 (frozen_today: a fixture)
    dashboard_url,
    detail_url,
    frozen_today,
    signed_in,
)
from tests.reports.conftest import make_report

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("recommendations", "accounts", "evidence", "spreadsheets", "reports", "reminders")


def get(client, url):
    """The page, and whether its content was built (it read the recommendations table)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    built = any("recommendations_recommendation" in q["sql"] for q in queries.captured_queries)
    return response.content.decode(), built


def main(page):
    return page[page.index("<main") : page.index("</main>")]


def test_every_model_of_the_project_is_versioned_or_named_as_never_shown():
    tracked = {model._meta.label for model in versions.TRACKED}
    for model in apps.get_models():
        label = model._meta.concrete_model._meta.label
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical"):
            assert label in tracked or label in versions.UNSHOWN, (
                f"{label}: track() it if a cached page shows it, else name it in UNSHOWN"
            )


def test_a_second_look_is_served_from_the_cache_and_shows_the_same(
    recommendation, police_editor, reader
):
    make_update(recommendation, police_editor, date=datetime.date(2016, 11, 1), status=Status.AMBER)
    client = signed_in(reader)

    first, built_first = get(client, dashboard_url(recommendation.review))
    second, built_second = get(client, dashboard_url(recommendation.review))

    assert (built_first, built_second) == (True, False)
    assert main(second) == main(first)
    assert "Amber" in second
    page, built = get(client, detail_url(recommendation))
    again, built_again = get(client, detail_url(recommendation))
    assert (built, built_again, main(again)) == (True, False, main(page))
    assert "<title>Recommendation 1: Recommendation 1 – " in again


def test_a_posted_update_shows_at_once_and_other_pages_stay_cached(
    review, police, police_editor, reader
):
    first = make_recommendation(review, police, number=1)
    other = make_recommendation(review, police, number=2)
    client = signed_in(reader)
    get(client, dashboard_url(review))
    get(client, detail_url(first))
    get(client, detail_url(other))

    response = signed_in(police_editor).post(
        reverse("recommendations:update_create", kwargs={"slug": review.slug, "number": 1}),
        {
            "date_day": "1",
            "date_month": "11",
            "date_year": "2016",
            "status": "red",
            "narrative": "Recruitment to the CSE team has stalled.",
            "evidence_of_impact": "",
            "submission_key": services.new_submission_key(),
        },
    )
    assert response.status_code == 302

    dashboard, built = get(client, dashboard_url(review))
    assert built and "Red" in dashboard
    page, built = get(client, detail_url(first))
    assert built and "Recruitment to the CSE team has stalled." in page
    _, built = get(client, detail_url(other))
    assert not built  # nothing of recommendation 2 changed


@pytest.mark.parametrize(
    "change, shown",
    [
        (
            lambda r, u: services.agency_rename(
                agency=r.lead_agency, name="Mercia Police", short_name="MP"
            ),
            "Mercia Police",
        ),
        (lambda r, u: (setattr(u, "first_name", "Priya"), u.save()), "Priya"),
        (
            lambda r, u: services.recommendation_save(
                review=r.review,
                number=1,
                lead_agency=r.lead_agency,
                short_title="A new wording",
                text=r.text,
            ),
            "A new wording",
        ),
        (
            lambda r, u: services.review_save(
                slug=r.review.slug,
                title="Retitled review",
                committee=r.review.committee,
                responsible_board=r.review.responsible_board,
                publication_date=r.review.publication_date,
            ),
            "Retitled review",
        ),
    ],
    ids=["agency renamed", "person renamed", "recommendation reworded", "review retitled"],
)
def test_a_change_to_what_every_page_shows_rebuilds_it(
    recommendation, police_editor, reader, change, shown
):
    make_update(recommendation, police_editor, date=datetime.date(2016, 11, 1))
    client = signed_in(reader)
    get(client, detail_url(recommendation))
    get(client, dashboard_url(recommendation.review))

    change(Recommendation.objects.get(pk=recommendation.pk), reader)

    page, built = get(client, detail_url(recommendation))
    assert built and shown in page
    dashboard, built = get(client, dashboard_url(recommendation.review))
    assert built


def test_signing_in_does_not_empty_the_cache(recommendation, reader):
    get(signed_in(reader), dashboard_url(recommendation.review))
    client = Client()
    assert (
        client.post(
            reverse("login"), {"username": "clerk", "password": "a-long-test-password"}
        ).status_code
        == 302
    )
    _, built = get(client, dashboard_url(recommendation.review))
    assert not built


def test_issuing_a_report_takes_the_correct_links_off_the_updates_it_holds(
    recommendation, police_editor, administrator
):
    make_update(recommendation, police_editor, date=datetime.date(2016, 11, 1))
    client = signed_in(police_editor)
    page, _ = get(client, detail_url(recommendation))
    assert "Correct this update" in page

    report_issue(report=make_report(recommendation.review), user=administrator)

    page, built = get(client, detail_url(recommendation))
    assert built and "Correct this update" not in page


def test_each_kind_of_viewer_gets_what_they_may_see(
    recommendation, police_editor, council_editor, reader, administrator
):
    make_update(recommendation, police_editor, date=datetime.date(2016, 11, 1))
    police = get(signed_in(police_editor), detail_url(recommendation))[0]
    council = get(signed_in(council_editor), detail_url(recommendation))[0]
    clerk = get(signed_in(reader), detail_url(recommendation))[0]
    admin = get(signed_in(administrator), dashboard_url(recommendation.review))[0]
    clerk_dashboard = get(signed_in(reader), dashboard_url(recommendation.review))[0]

    assert "Correct this update" in police
    assert "Correct this update" not in council  # a supporting agency's editor: post, not correct
    assert "Post a progress update" in council
    assert "Post a progress update" not in clerk and "Correct this update" not in clerk
    assert "Import recommendations from a spreadsheet" in admin
    assert "Import recommendations from a spreadsheet" not in clerk_dashboard


def test_one_build_serves_every_viewer_and_no_mark_reaches_a_browser(
    recommendation, police_editor, council_editor, reader, administrator
):
    make_update(recommendation, police_editor, date=datetime.date(2016, 11, 1))
    pages = {}
    for user in (administrator, police_editor, council_editor, reader):
        pages[user.username], built = get(signed_in(user), detail_url(recommendation))
        assert built == (user == administrator)
        dashboard, built = get(signed_in(user), dashboard_url(recommendation.review))
        assert built == (user == administrator)
        assert "shown-to" not in pages[user.username] + dashboard

    assert pages["admin"].count("Correct this update") == 1
    assert "Sign off or return" not in pages["admin"]  # nothing awaits sign-off
    assert "Correct this update" in pages["editor.police"]
    assert "Correct this update" not in pages["editor.council"]
    assert "Add evidence" not in pages["editor.council"] + pages["clerk"]


@pytest.mark.parametrize(
    "identity, kept",
    [
        ({"administrator"}, "a[b][c]d"),
        ({"agency:3"}, "a[b]d"),
        ({"agency:4"}, "ad"),
        (set(), "ad"),
    ],
)
def test_what_a_viewer_is_not_in_the_audience_of_is_taken_out_nested_or_not(
    identity, kept, monkeypatch
):
    monkeypatch.setattr(page_cache, "_identity", lambda user: identity)
    outer = page_cache.shown_to(
        ["administrator", "agency:3"], "[b]" + page_cache.shown_to(["administrator"], "[c]")
    )

    assert page_cache.for_viewer(f"a{outer}d", user=None) == kept
    assert page_cache.shown_to([], "x") == ""


def test_the_page_around_the_content_is_each_viewers_own(recommendation, police_editor, reader):
    first = get(signed_in(reader), detail_url(recommendation))[0]
    second, built = get(signed_in(police_editor), detail_url(recommendation))

    assert "Signed in as <strong>clerk</strong>" in first
    assert "Signed in as <strong>editor.police</strong>" in second
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        for page in (first, second)
    ]
    assert tokens[0] != tokens[1]
    cached = caches["default"]
    # What is kept holds no token, no script nonce and no one's name but the data's.
    kept = [value for key, value in _cache_entries(cached)]
    assert kept and all(
        "csrfmiddlewaretoken" not in str(value) and "nonce" not in str(value) for value in kept
    )
    assert all("Signed in as" not in str(value) for value in kept)


def _cache_entries(cache):
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM tracker_cache")
        keys = [row[0].split(":", 2)[-1] for row in cursor.fetchall()]
    return [(key, cache.get(key)) for key in keys]


def test_a_filtered_dashboard_is_built_each_time_and_shows_the_filters_results(
    review, police, council, police_editor, council_editor
):
    make_recommendation(review, police, number=1, short_title="Police-led work")
    make_recommendation(review, council, number=2, short_title="Council-led work")
    get(signed_in(police_editor), dashboard_url(review))

    police_mine, built = get(signed_in(police_editor), dashboard_url(review, mine=1))
    council_mine = get(signed_in(council_editor), dashboard_url(review, mine=1))[0]
    invalid = get(signed_in(council_editor), dashboard_url(review, status="purple"))[0]

    assert built
    assert "Police-led work" in police_mine and "Council-led work" not in police_mine
    assert "Council-led work" in council_mine and "Police-led work" not in council_mine
    assert "<title>Error: Dashboard" in invalid and "govuk-error-summary" in invalid


def test_with_the_cache_unreachable_pages_are_built_and_served(recommendation, reader, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    client = signed_in(reader)
    for _ in range(2):
        page, built = get(client, detail_url(recommendation))
        assert built and "Recommendation 1" in page


def test_tomorrow_the_page_is_built_again_as_at_tomorrow(review, police, reader):
    recommendation = make_recommendation(
        review, police, number=1, target_date=datetime.date(2016, 11, 30)
    )
    client = signed_in(reader)
    page, _ = get(client, detail_url(recommendation))
    assert "(overdue)" not in page

    with time_machine.travel(datetime.datetime(2016, 12, 1, 12, tzinfo=datetime.UTC), tick=False):
        page, built = get(signed_in(reader), detail_url(recommendation))

    assert built and "(overdue)" in page


def test_the_banner_after_posting_still_names_the_next_recommendation(
    review, police, police_editor
):
    first = make_recommendation(review, police, number=1)
    make_recommendation(review, police, number=2, short_title="Next in line")
    client = signed_in(police_editor)
    get(client, detail_url(first))  # cached before the post

    response = client.post(
        reverse("recommendations:update_create", kwargs={"slug": review.slug, "number": 1}),
        {
            "date_day": "1",
            "date_month": "11",
            "date_year": "2016",
            "status": "green",
            "narrative": "On track.",
            "evidence_of_impact": "",
            "submission_key": services.new_submission_key(),
        },
        follow=True,
    )

    assert "Next: recommendation 2, Next in line, needs an update" in response.content.decode()


def test_tokens_are_random_and_a_database_without_them_makes_its_own(recommendation):
    DataVersion.objects.all().delete()
    first = versions.tokens(versions.dashboard_scopes(recommendation.review))
    assert DataVersion.objects.filter(scope=versions.GLOBAL).exists()
    versions.bump(versions.GLOBAL)
    assert versions.tokens(versions.dashboard_scopes(recommendation.review)) != first
    assert (
        len(set(DataVersion.objects.values_list("token", flat=True))) == DataVersion.objects.count()
    )


@override_settings(PAGE_CACHE=False)
def test_with_the_cache_off_every_look_builds_the_page(recommendation, reader):
    client = signed_in(reader)
    assert get(client, dashboard_url(recommendation.review))[1]
    assert get(client, dashboard_url(recommendation.review))[1]


def test_a_new_release_never_serves_what_an_older_one_built(recommendation, reader, monkeypatch):
    client = signed_in(reader)
    get(client, dashboard_url(recommendation.review))
    monkeypatch.setattr(page_cache, "release", lambda: "a-later-release")
    assert get(client, dashboard_url(recommendation.review))[1]


def _blue(recommendation, editor):
    return make_update(recommendation, editor, date=datetime.date(2016, 11, 1), status=Status.BLUE)


WRITES = {
    "the board signs off a completion": lambda w: services.completion_decide(
        update=_blue(w["recommendation"], w["editor"]),
        user=w["administrator"],
        decision="signed_off",
        note="Evidence seen.",
    ),
    "a recovery plan": lambda w: services.recovery_plan_record(
        recommendation=Recommendation.objects.get(pk=w["recommendation"].pk),
        user=w["editor"],
        action="Recruit two analysts.",
        owner="Head of CSE team",
    ),
    "an action and its update": lambda w: services.action_update_create(
        action=services.action_save(
            recommendation=w["recommendation"],
            number="1.1",
            text="Train the duty team.",
            owner=w["recommendation"].lead_agency,
            user=w["administrator"],
        ),
        user=w["editor"],
        date=datetime.date(2016, 11, 2),
        status=Status.GREEN,
        narrative="Half trained.",
    ),
    "evidence attached": lambda w: evidence_services.evidence_attach(
        update=make_update(w["recommendation"], w["editor"], date=datetime.date(2016, 11, 3)),
        user=w["editor"],
        files_with_titles=[("Minutes", SimpleUploadedFile("m.pdf", pdf_bytes()))],
    ),
    "a target date moved, with its reason": lambda w: services.recommendation_save(
        review=w["recommendation"].review,
        number=1,
        lead_agency=w["recommendation"].lead_agency,
        short_title=w["recommendation"].short_title,
        text=w["recommendation"].text,
        target_date=datetime.date(2017, 6, 30),
        reason="Recruitment delayed.",
    ),
    "a report scheduled": lambda w: make_report(w["recommendation"].review),
}


@pytest.mark.usefixtures("folder")
@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_kind_of_change_gives_the_recommendation_page_a_new_version(
    write, recommendation, police_editor, administrator
):
    make_update(recommendation, police_editor, date=datetime.date(2016, 10, 1), status=Status.RED)
    review = recommendation.review
    before = versions.tokens(versions.recommendation_scopes(review, 1))

    write(
        {"recommendation": recommendation, "editor": police_editor, "administrator": administrator}
    )

    assert versions.tokens(versions.recommendation_scopes(review, 1)) != before


def test_a_mark_typed_into_an_update_is_text_not_a_mark(recommendation, police_editor, reader):
    typed = "<!--/shown-to--> <!--shown-to:agency:1--> closing early"
    make_update(recommendation, police_editor, date=datetime.date(2016, 11, 1), narrative=typed)

    page, _ = get(signed_in(reader), detail_url(recommendation))

    assert "&lt;!--/shown-to--&gt; &lt;!--shown-to:agency:1--&gt; closing early" in page
    assert "Change history" in page  # the rest of the page is all there


@pytest.fixture
def memory_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return caches["default"]


def test_readers_arriving_during_a_build_wait_for_it_instead_of_building(
    recommendation, memory_cache
):
    scopes = versions.dashboard_scopes(recommendation.review)
    key = page_cache._key("dashboard", versions.tokens(scopes))
    memory_cache.add(f"{key}:building", True)  # another worker has begun building
    threading.Timer(0.1, lambda: memory_cache.set(key, {"html": "built once"})).start()

    def build():
        raise AssertionError("built twice")

    assert page_cache._cached("dashboard", scopes, build) == {"html": "built once"}


def test_a_build_that_ends_without_a_page_lets_the_waiters_build_at_once(
    recommendation, memory_cache
):
    scopes = versions.dashboard_scopes(recommendation.review)
    key = page_cache._key("dashboard", versions.tokens(scopes))
    memory_cache.add(f"{key}:building", True)
    threading.Timer(0.05, lambda: memory_cache.delete(f"{key}:building")).start()
    started = time.monotonic()

    assert page_cache._cached("dashboard", scopes, lambda: {"html": "mine"}) == {"html": "mine"}
    assert time.monotonic() - started < page_cache.WAIT_FOR_BUILD / 2


def test_an_unknown_recommendation_leaves_no_claim_to_wait_on(review, reader):
    client = signed_in(reader)
    url = reverse("recommendations:detail", kwargs={"slug": review.slug, "number": 99})
    started = time.monotonic()
    assert [client.get(url).status_code for _ in range(3)] == [404, 404, 404]
    assert time.monotonic() - started < page_cache.WAIT_FOR_BUILD
