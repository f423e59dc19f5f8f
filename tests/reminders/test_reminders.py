import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from recommendations.models import Status
from reminders import services
from reports.models import Report, ReportKind
from tests.conftest import make_recommendation, make_update, make_user

NOVEMBER = datetime.date(2016, 11, 30)
APRIL = datetime.date(2017, 4, 30)


def make_report(review, as_at, kind=ReportKind.FULL):
    return Report.objects.create(
        review=review,
        kind=kind,
        title=f"Progress report as at {as_at}",
        committee=review.committee,
        meeting_date=as_at + datetime.timedelta(days=10),
        as_at=as_at,
    )


@pytest.fixture
def cut_offs(review):
    return make_report(review, NOVEMBER, ReportKind.INTERIM), make_report(review, APRIL)


@pytest.fixture
def position(
    review, police, council, police_editor, council_editor, administrator, reader, cut_offs
):
    """Police owe an update on 1 and 3 (3 also overdue); the council is up to date on the
    one it leads, and owes nothing on the one it supports (the lead agency's assessment
    sets the status: a supporting agency's update is a contribution)."""
    shared = make_recommendation(
        review, police, number=1, short_title="Driver training", supporting_agencies=[council]
    )
    council_led = make_recommendation(review, council, number=2, short_title="Care pathway")
    overdue = make_recommendation(
        review,
        police,
        number=3,
        short_title="Disruption plans",
        target_date=datetime.date(2017, 3, 31),
    )
    with time_machine.travel(datetime.datetime(2017, 4, 5, 12, tzinfo=datetime.UTC)):
        make_update(shared, police_editor, date=datetime.date(2016, 11, 20), status=Status.GREEN)
        make_update(
            council_led, council_editor, date=datetime.date(2017, 3, 1), status=Status.GREEN
        )
        make_update(overdue, police_editor, date=datetime.date(2017, 3, 1), status=Status.AMBER)


def send_on(day):
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)).astimezone()):
        call_command("send_reminders")


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def test_nothing_is_sent_before_the_reminder_window(position, settings):
    settings.REMINDER_DAYS_BEFORE = 14

    send_on(datetime.date(2017, 4, 15))

    assert mail.outbox == []


def test_editors_get_what_their_agency_owes_and_the_administrator_a_summary(position, settings):
    settings.REMINDER_DAYS_BEFORE = 14

    send_on(datetime.date(2017, 4, 16))

    messages = by_recipient()
    assert set(messages) == {"editor.police@example.org", "admin@example.org"}
    police = messages["editor.police@example.org"]
    assert police.subject.startswith("Progress updates due by 30 April 2017")
    needing, overdue = police.body.split("Overdue (target date passed, not complete):")
    assert "1. Driver training" in needing and "last update 20 November 2016" in needing
    assert "3. Disruption plans" not in needing  # updated in March, after the last cut-off
    assert "3. Disruption plans (target 31 March 2017, Amber (at risk))" in overdue
    summary = messages["admin@example.org"].body
    assert "West Mercia Police: 1 needs an update (1); 1 overdue (3)" in summary
    assert "Telford & Wrekin Council: up to date" in summary  # it only supports 1


def test_running_twice_a_day_sends_nothing_twice(position):
    send_on(datetime.date(2017, 4, 20))
    send_on(datetime.date(2017, 4, 20))
    send_on(datetime.date(2017, 4, 21))

    assert len(mail.outbox) == 2  # the police's editor and the administrator, once each


def test_people_who_opted_out_get_no_reminders(position, police, police_editor):
    colleague = make_user("editor.police.2", agencies=[police])
    services.reminder_preference_set(user=police_editor, receives_reminders=False)

    send_on(datetime.date(2017, 4, 20))

    assert "editor.police@example.org" not in by_recipient()
    assert colleague.email in by_recipient()


def test_an_agency_that_owes_nothing_is_not_chased(position, review, police_editor):
    day = datetime.date(2017, 4, 18)
    make_update(review.recommendations.get(number=1), police_editor, date=day)
    make_update(review.recommendations.get(number=3), police_editor, date=day, status=Status.BLUE)

    send_on(datetime.date(2017, 4, 20))

    assert set(by_recipient()) == {"admin@example.org"}
    assert "West Mercia Police: up to date" in mail.outbox[0].body


def test_after_the_cut_off_no_reminder_is_due_until_the_next_window(position):
    send_on(datetime.date(2017, 5, 2))

    assert mail.outbox == []


def test_a_person_can_opt_out_of_reminders_on_their_preferences_page(client, police_editor):
    client.force_login(police_editor)

    page = client.get("/account/reminders/")
    response = client.post("/account/reminders/", {"receives_reminders": "no"}, follow=True)

    assert page.status_code == 200
    assert "You will not receive reminder e-mails." in response.content.decode()
    assert not services.receives_reminders(police_editor)


def test_a_bad_choice_on_the_preferences_page_changes_nothing(client, police_editor):
    client.force_login(police_editor)

    response = client.post("/account/reminders/", {"receives_reminders": "maybe"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert services.receives_reminders(police_editor)


def test_the_preferences_page_needs_sign_in(client):
    response = client.get("/account/reminders/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
