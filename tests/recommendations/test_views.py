"""The pages, for each role: who sees what, who may post or correct, and that a refused
request changes nothing."""

import datetime
import itertools
import uuid

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from recommendations import services
from recommendations.models import ProgressUpdate, Status
from reports.models import ReportVersion
from tests.conftest import make_agency, make_recommendation, make_review, make_update, make_user
from tests.reports.conftest import make_report

TODAY = datetime.date(2016, 11, 30)
DATE = datetime.date(2016, 11, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2016, 11, 30, 12, tzinfo=datetime.UTC), tick=False):
        yield


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def dashboard_url(review, **query):
    url = reverse("recommendations:dashboard", kwargs={"slug": review.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def detail_url(recommendation):
    return reverse(
        "recommendations:detail",
        kwargs={"slug": recommendation.review.slug, "number": recommendation.number},
    )


def create_url(recommendation):
    return reverse(
        "recommendations:update_create",
        kwargs={"slug": recommendation.review.slug, "number": recommendation.number},
    )


def correct_url(update):
    return reverse("recommendations:update_correct", kwargs={"pk": update.pk})


def update_form(**overrides):
    data = {
        "date_day": "1",
        "date_month": "11",
        "date_year": "2016",
        "status": Status.AMBER,
        "narrative": "Training delivered to 212 taxi drivers.",
        "evidence_of_impact": "Referrals from drivers up from 2 to 9 a quarter.",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def correction_form(update, **overrides):
    data = {
        "date_day": str(update.date.day),
        "date_month": str(update.date.month),
        "date_year": str(update.date.year),
        "status": update.status,
        "narrative": update.narrative,
        "evidence_of_impact": update.evidence_of_impact,
        "version": str(update.version),
    }
    data.update(overrides)
    return data


def database_state():
    """Everything a refused request must leave as it was."""
    return (
        list(ProgressUpdate.objects.values_list("pk", "narrative", "status", "date", "version")),
        ProgressUpdate.history.count(),
    )


# Sign-in


def test_every_page_asks_a_signed_out_visitor_to_sign_in(recommendation, police_editor):
    update = make_update(recommendation, police_editor, date=DATE)
    review = recommendation.review
    urls = [
        reverse("recommendations:home"),
        dashboard_url(review),
        detail_url(recommendation),
        create_url(recommendation),
        correct_url(update),
        reverse("recommendations:my_agency", kwargs={"slug": review.slug}),
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_the_sign_in_page_signs_an_editor_in_and_sends_them_to_my_agency(review, police_editor):
    client = Client()
    page = client.get(reverse("login"))
    assert b"Sign in" in page.content

    response = client.post(
        reverse("login"), {"username": "editor.police", "password": "a-long-test-password"}
    )

    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == reverse(
        "recommendations:my_agency", kwargs={"slug": review.slug}
    )


def test_a_wrong_password_shows_an_error_summary(review):
    response = Client().post(reverse("login"), {"username": "nobody", "password": "wrong"})

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"<title>Error: Sign in" in response.content


def test_signing_out_is_a_post_and_ends_the_session(review, reader):
    client = signed_in(reader)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(dashboard_url(review)).status_code == 302


def test_the_password_change_page_is_styled_like_the_rest(reader):
    response = signed_in(reader).get(reverse("password_change"))

    assert response.status_code == 200
    assert b"Change your password" in response.content
    assert b"govuk-input" in response.content


# Home and dashboard


def test_home_lists_the_reviews_when_there_are_several(review, reader):
    make_review("later-review", title="Review of missing children")

    response = signed_in(reader).get(reverse("recommendations:home"))

    assert response.status_code == 200
    assert b"Review of missing children" in response.content


def test_dashboard_lists_every_recommendation_in_number_order_with_its_status(
    review, police, council, police_editor, reader
):
    second = make_recommendation(review, council, number=2, short_title="Taxi driver training")
    first = make_recommendation(review, police, number=1, short_title="Disruption tactics")
    make_update(second, make_user("c", agencies=[council]), date=DATE, status=Status.RED)

    response = signed_in(reader).get(dashboard_url(review))

    rows = response.context["rows"]
    assert [row.number for row in rows] == [1, 2]
    assert [row.status for row in rows] == [Status.NOT_STARTED, Status.RED]
    content = response.content.decode()
    assert content.index("Disruption tactics") < content.index("Taxi driver training")
    assert "Red (off track)" in content and "1 November 2016" in content
    counts = dict(response.context["counts"])
    assert (counts[Status.RED], counts[Status.NOT_STARTED], counts[Status.BLUE]) == (1, 1, 0)
    assert first.lead_agency.short_name in content


def test_dashboard_flags_overdue_and_no_recent_update(review, police, police_editor, reader):
    overdue = make_recommendation(review, police, target_date=datetime.date(2016, 10, 1))
    done = make_recommendation(review, police, target_date=datetime.date(2016, 10, 1))
    fresh = make_recommendation(review, police, target_date=datetime.date(2017, 3, 31))
    make_update(overdue, police_editor, date=datetime.date(2016, 8, 1), status=Status.AMBER)
    make_update(done, police_editor, date=datetime.date(2016, 8, 1), status=Status.BLUE)
    make_update(fresh, police_editor, date=datetime.date(2016, 11, 20))

    rows = {row.pk: row for row in signed_in(reader).get(dashboard_url(review)).context["rows"]}

    assert (rows[overdue.pk].overdue, rows[overdue.pk].needs_update) == (True, True)
    assert (rows[done.pk].overdue, rows[done.pk].needs_update) == (False, False)
    assert (rows[fresh.pk].overdue, rows[fresh.pk].needs_update) == (False, False)


def test_dashboard_filters_by_status_agency_theme_mine_and_text(
    review, police, council, police_editor, council_editor
):
    theme = services.theme_save(review=review, name="Raising awareness", position=1)
    taxi = make_recommendation(
        review, council, short_title="Taxi driver training", theme=theme, text="Licensing."
    )
    police_one = make_recommendation(review, police, text="Target perpetrators with data.")
    supported = make_recommendation(review, council, supporting_agencies=[police])
    make_update(taxi, council_editor, date=DATE, status=Status.GREEN)
    client = signed_in(police_editor)

    def numbers(**query):
        return [row.number for row in client.get(dashboard_url(review, **query)).context["rows"]]

    assert numbers(status="green") == [taxi.number]
    assert numbers(lead_agency=police.pk) == [police_one.number]
    assert numbers(theme=theme.pk) == [taxi.number]
    assert numbers(mine="1") == [police_one.number, supported.number]
    assert numbers(q="PERPETRATORS") == [police_one.number]
    assert numbers(q="taxi") == [taxi.number]


def test_dashboard_counts_follow_the_filters_other_than_status(review, police, council, reader):
    make_recommendation(review, police)
    make_recommendation(review, council)

    response = signed_in(reader).get(dashboard_url(review, lead_agency=police.pk, status="red"))

    assert dict(response.context["counts"])[Status.NOT_STARTED] == 1
    assert response.context["rows"] == []


def test_an_unknown_filter_value_is_reported_not_applied(review, police, reader):
    make_recommendation(review, police)

    response = signed_in(reader).get(dashboard_url(review, status="purple", lead_agency="99999"))

    assert response.status_code == 200
    assert b"Select a status from the list" in response.content
    assert len(response.context["rows"]) == 1


def test_dashboard_escapes_what_people_typed(review, police, reader):
    make_recommendation(review, police, short_title="<script>alert(1)</script>")

    response = signed_in(reader).get(dashboard_url(review, q="<b>x</b>"))

    assert b"<script>alert(1)</script>" not in response.content
    assert b"<b>x</b>" not in response.content


# Recommendation page


def test_recommendation_page_shows_timeline_newest_first_and_history(
    recommendation, police_editor, council_editor, reader
):
    make_update(recommendation, police_editor, date=datetime.date(2016, 9, 1), narrative="Older.")
    newer = make_update(
        recommendation,
        council_editor,
        agency=recommendation.supporting_agencies.get(),
        date=datetime.date(2016, 10, 1),
        narrative="Newer.\n\nSecond paragraph <b>bold</b>.",
        evidence_of_impact="40 staff trained.",
    )
    services.progress_update_correct(
        update=newer,
        user=council_editor,
        expected_version=1,
        date=newer.date,
        status=Status.BLUE,
        narrative="Newer, corrected.",
        evidence_of_impact="40 staff trained.",
    )

    response = signed_in(reader).get(detail_url(recommendation))

    content = response.content.decode()
    assert content.index("Newer, corrected.") < content.index("Older.")
    assert "West Mercia Police" in content and "Telford &amp; Wrekin Council" in content
    assert "40 staff trained." in content
    assert "Service Delivery Manager" in content
    history = response.context["history"]
    correction = next(entry for entry in history if entry.action == "changed")
    assert correction.user == council_editor
    assert {change.label for change in correction.changes} == {"Status", "Narrative"}


def test_a_reader_sees_no_way_to_post_or_correct(recommendation, police_editor, reader):
    make_update(recommendation, police_editor, date=DATE)

    content = signed_in(reader).get(detail_url(recommendation)).content.decode()

    assert "Post a progress update" not in content
    assert "Correct this update" not in content


def test_an_editor_may_correct_only_their_agencys_updates(
    recommendation, police_editor, council_editor, council
):
    make_update(recommendation, police_editor, date=DATE)

    police_page = signed_in(police_editor).get(detail_url(recommendation)).content.decode()
    council_page = signed_in(council_editor).get(detail_url(recommendation)).content.decode()

    assert "Post a progress update" in police_page and "Correct this update" in police_page
    assert "Post a progress update" in council_page
    assert "Correct this update" not in council_page


def test_an_editor_of_an_agency_that_owns_nothing_here_sees_no_post_button(recommendation):
    other = make_user("editor.schools", agencies=[make_agency("Schools")])

    content = signed_in(other).get(detail_url(recommendation)).content.decode()

    assert "Post a progress update" not in content


def test_the_correct_link_is_hidden_for_a_locked_update(recommendation, police_editor, monkeypatch):
    make_update(recommendation, police_editor, date=DATE)
    monkeypatch.setattr(services, "progress_update_is_locked", lambda update: True)

    content = signed_in(police_editor).get(detail_url(recommendation)).content.decode()

    assert "Correct this update" not in content


def test_an_unknown_recommendation_is_not_found(review, reader):
    url = reverse("recommendations:detail", kwargs={"slug": review.slug, "number": 99})
    assert signed_in(reader).get(url).status_code == 404


# Posting an update


def test_the_form_defaults_the_date_to_today_and_offers_owning_agencies(
    recommendation, administrator
):
    response = signed_in(administrator).get(create_url(recommendation))

    content = response.content.decode()
    assert 'name="date_day" type="text" inputmode="numeric" value="30"' in content
    assert "West Mercia Police" in content and "Telford &amp; Wrekin Council" in content


def test_an_editor_posts_an_update_and_sees_it_at_the_top_of_the_timeline(
    recommendation, police_editor
):
    client = signed_in(police_editor)

    response = client.post(create_url(recommendation), update_form(), follow=True)

    update = ProgressUpdate.objects.get()
    assert (update.agency, update.author, update.status) == (
        recommendation.lead_agency,
        police_editor,
        Status.AMBER,
    )
    assert update.date == DATE
    # The page's top, not the entry: the confirmation is in view (and the entry is first).
    assert response.redirect_chain[-1][0] == detail_url(recommendation)
    content = response.content.decode()
    assert "Your progress update has been posted." in content
    assert content.index(f'id="update-{update.pk}"') < content.index("Change history")


def test_an_editor_of_two_owning_agencies_chooses_which_one_reports(
    recommendation, police, council
):
    both = make_user("editor.both", agencies=[police, council])

    signed_in(both).post(create_url(recommendation), update_form(agency=council.pk))

    assert ProgressUpdate.objects.get().agency == council


def test_posting_the_same_form_twice_creates_one_update(recommendation, police_editor):
    client = signed_in(police_editor)
    form = update_form()

    first = client.post(create_url(recommendation), form)
    second = client.post(create_url(recommendation), form)

    assert ProgressUpdate.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"narrative": "   "}, "Enter a narrative of what has been done"),
        ({"date_day": "1", "date_month": "12", "date_year": "2016"}, "cannot be in the future"),
        (
            {"date_day": "1", "date_month": "1", "date_year": "2016"},
            "before the review was published",
        ),
        (
            {"date_day": "31", "date_month": "2", "date_year": "2016"},
            "The date must be a real date",
        ),
        (
            {"date_day": "", "date_month": "", "date_year": ""},
            "Enter the date the update describes",
        ),
        ({"date_month": ""}, "The date must include a month"),
        ({"date_year": "16"}, "The year must include 4 numbers"),
        ({"status": "purple"}, "Select a status from the list"),
        ({"status": None}, "Select the status of the recommendation"),
        ({"narrative": "x" * 5001}, "Narrative must be 5,000 characters or fewer"),
        ({"evidence_of_impact": "x" * 5001}, "Evidence of impact must be 5,000 characters"),
        ({"narrative": "Bad\x00byte"}, "a NUL byte"),
        ({"submission_key": "not-a-key"}, "This form has expired"),
    ],
)
def test_bad_input_shows_an_error_summary_and_saves_nothing(
    recommendation, police_editor, overrides, message
):
    response = signed_in(police_editor).post(create_url(recommendation), update_form(**overrides))

    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert "<title>Error: " in content
    assert ProgressUpdate.objects.count() == 0


def test_a_form_with_errors_keeps_what_was_typed(recommendation, police_editor):
    response = signed_in(police_editor).post(
        create_url(recommendation), update_form(narrative="", evidence_of_impact="Kept <i>")
    )

    assert "Kept &lt;i&gt;" in response.content.decode()


def test_a_reader_cannot_post(recommendation, reader):
    client = signed_in(reader)

    assert client.get(create_url(recommendation)).status_code == 403
    response = client.post(create_url(recommendation), update_form())

    assert response.status_code == 403
    assert b"You cannot do this" in response.content
    assert ProgressUpdate.objects.count() == 0


def test_an_editor_of_another_agency_cannot_post(review, police, council_editor):
    police_only = make_recommendation(review, police)

    response = signed_in(council_editor).post(create_url(police_only), update_form())

    assert response.status_code == 403
    assert ProgressUpdate.objects.count() == 0


def test_a_forged_agency_is_refused(review, police, council, council_editor):
    shared = make_recommendation(review, council)
    make_recommendation(review, police, number=50)

    response = signed_in(council_editor).post(create_url(shared), update_form(agency=police.pk))

    assert response.status_code == 400
    assert b"Select an agency you report for" in response.content
    assert ProgressUpdate.objects.count() == 0


def test_a_forged_submission_key_of_someone_elses_update_changes_nothing(
    review, police, council, police_editor, council_editor
):
    theirs = make_recommendation(review, police)
    mine = make_recommendation(review, council)
    key = services.new_submission_key()
    make_update(theirs, police_editor, date=DATE, submission_key=key)
    before = database_state()

    response = signed_in(council_editor).post(
        create_url(mine), update_form(submission_key=str(key), agency=council.pk)
    )

    assert response.status_code == 400
    assert b"already been used" in response.content
    assert database_state() == before


def test_posting_needs_the_csrf_token(recommendation, police_editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(police_editor)

    response = client.post(create_url(recommendation), update_form())

    assert response.status_code == 403
    assert ProgressUpdate.objects.count() == 0


# Correcting an update


def test_an_editor_corrects_their_agencys_update_and_the_correction_is_in_history(
    recommendation, police_editor
):
    update = make_update(recommendation, police_editor, date=DATE, narrative="Arranged.")
    client = signed_in(police_editor)
    assert b"Arranged." in client.get(correct_url(update)).content

    response = client.post(
        correct_url(update), correction_form(update, narrative="Delivered to 40."), follow=True
    )

    update.refresh_from_db()
    assert (update.narrative, update.version) == ("Delivered to 40.", 2)
    content = response.content.decode()
    assert "Your correction has been saved." in content
    assert "Arranged." in content  # the earlier wording, in the change history


def test_the_administrator_may_correct_any_update(recommendation, police_editor, administrator):
    update = make_update(recommendation, police_editor, date=DATE)

    signed_in(administrator).post(correct_url(update), correction_form(update, status=Status.RED))

    update.refresh_from_db()
    assert update.status == Status.RED


def test_saving_a_correction_with_no_change_records_nothing(recommendation, police_editor):
    update = make_update(recommendation, police_editor, date=DATE)
    before = database_state()

    response = signed_in(police_editor).post(correct_url(update), correction_form(update))

    assert response.status_code == 302
    assert database_state() == before


@pytest.mark.parametrize("who", ["reader", "council_editor"])
def test_others_cannot_correct_an_update(recommendation, police_editor, who, request):
    update = make_update(recommendation, police_editor, date=DATE)
    client = signed_in(request.getfixturevalue(who))
    before = database_state()

    assert client.get(correct_url(update)).status_code == 403
    response = client.post(correct_url(update), correction_form(update, narrative="Changed."))

    assert response.status_code == 403
    assert database_state() == before


def test_a_second_save_against_an_old_version_is_refused_showing_what_changed(
    recommendation, police_editor, administrator
):
    update = make_update(recommendation, police_editor, date=DATE, narrative="First.")
    opened = correction_form(update)  # the editor opens the form, at version 1
    signed_in(administrator).post(
        correct_url(update), correction_form(update, narrative="Admin's.")
    )
    before = database_state()

    opened["narrative"] = "Editor's."
    response = signed_in(police_editor).post(correct_url(update), opened)

    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else changed this update after you opened it" in content
    assert "First." in content and "Admin&#x27;s." in content
    assert "Editor&#x27;s." in content  # what they typed is kept
    assert database_state() == before
    assert response.context["form"]["version"].value() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"narrative": ""}, "Enter a narrative"),
        ({"date_day": "1", "date_month": "1", "date_year": "2030"}, "cannot be in the future"),
        ({"status": "done"}, "Select a status from the list"),
        ({"version": "abc"}, "This form has expired"),
    ],
)
def test_a_bad_correction_saves_nothing(recommendation, police_editor, overrides, message):
    update = make_update(recommendation, police_editor, date=DATE)
    before = database_state()

    response = signed_in(police_editor).post(
        correct_url(update), correction_form(update, **overrides)
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert database_state() == before


def test_a_locked_update_cannot_be_corrected(recommendation, police_editor, administrator):
    update = make_update(recommendation, police_editor, date=DATE, narrative="Reported.")
    report = make_report(recommendation.review)
    ReportVersion.objects.create(
        report=report,
        number=1,
        pdf=b"%PDF",
        sha256="0" * 64,
        issued_by=administrator,
        issued_at=datetime.datetime(2016, 12, 1, tzinfo=datetime.UTC),
    )
    before = database_state()
    client = signed_in(police_editor)

    page = client.get(correct_url(update))
    response = client.post(correct_url(update), correction_form(update, narrative="Changed."))

    assert b"part of a progress report issued to the committee" in page.content
    assert response.status_code == 409
    assert b"post a new update" in response.content
    assert database_state() == before


def test_a_lock_found_while_saving_is_reported_clearly(recommendation, police_editor, monkeypatch):
    update = make_update(recommendation, police_editor, date=DATE)
    # Unlocked when the page checks, locked (a report issued) by the time it saves.
    issued = "It is part of a progress report issued to the committee."
    calls = itertools.chain([None], itertools.repeat(issued))
    monkeypatch.setattr(services, "progress_update_lock_reason", lambda update: next(calls))
    before = database_state()

    response = signed_in(police_editor).post(
        correct_url(update), correction_form(update, narrative="Changed.")
    )

    assert response.status_code == 409
    assert b"This update cannot be corrected" in response.content
    assert database_state() == before


# My agency


def test_my_agency_shows_what_the_agency_owns_and_what_needs_an_update(
    review, police, council, police_editor
):
    led = make_recommendation(review, police, short_title="Disruption tactics")
    supported = make_recommendation(
        review, council, short_title="Taxi training", supporting_agencies=[police]
    )
    make_recommendation(review, council, short_title="Not ours")
    stale = make_recommendation(review, police, short_title="Missing children")
    make_update(led, police_editor, date=datetime.date(2016, 11, 20))

    response = signed_in(police_editor).get(
        reverse("recommendations:my_agency", kwargs={"slug": review.slug})
    )

    [summary] = response.context["agencies"]
    assert [(row.pk, role) for row, role in summary["owned"]] == [
        (led.pk, "Lead"),
        (supported.pk, "Supporting"),
        (stale.pk, "Lead"),
    ]
    # Only the lead agency owes an update: a supporting agency's is a contribution.
    assert [row.pk for row in summary["to_update"]] == [stale.pk]
    assert b"Not ours" not in response.content


def test_my_agency_explains_itself_to_a_reader(review, reader):
    response = signed_in(reader).get(
        reverse("recommendations:my_agency", kwargs={"slug": review.slug})
    )

    assert response.status_code == 200
    assert b"not an editor of a partner agency" in response.content


def test_navigation_offers_my_agency_to_editors_only(review, police_editor, reader):
    assert b"My agency" in signed_in(police_editor).get(dashboard_url(review)).content
    assert b"My agency" not in signed_in(reader).get(dashboard_url(review)).content
