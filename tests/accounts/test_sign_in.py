"""Sign-in hardening: lock-out after repeated failures, session handling, password rules."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SecurityEvent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_repeated_failures_lock_the_account_with_a_clear_page_and_others_are_unaffected(db):
    make_user("editor.police")
    make_user("clerk")
    attacker = Client()

    for _ in range(5):
        sign_in(attacker, "editor.police", "guessed-wrong")
    locked = sign_in(attacker, "editor.police")  # even the right password now

    assert locked.status_code == 429
    assert (
        "Sign-in locked for now" in locked.text and "Other accounts are not affected" in locked.text
    )
    assert "_auth_user_id" not in attacker.session
    assert sign_in(Client(), "clerk").status_code == 302, "another user signs in as usual"
    assert SecurityEvent.objects.filter(kind="locked_out", username="editor.police").exists()


def test_signing_in_gives_a_new_session_key_and_signing_out_ends_it_on_the_server(db):
    make_user("clerk")
    client = Client()
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen-session-key"

    sign_in(client, "clerk")
    key = client.cookies["sessionid"].value
    assert key != "attacker-chosen-session-key"

    client.post(reverse("logout"))
    stale = Client()
    stale.cookies["sessionid"] = key
    assert stale.get(reverse("recommendations:home")).status_code == 302, "back to sign-in"


def test_a_deactivated_user_is_out_on_the_next_request(db):
    user = make_user("clerk")
    client = Client()
    sign_in(client, "clerk")
    user.is_active = False
    user.save()

    response = client.get(reverse("recommendations:home"))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_in_use_lasts_and_ends_30_minutes_after_its_last_request(settings):
    reader = make_user("clerk")
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = datetime.datetime(2016, 11, 30, 9, tzinfo=datetime.UTC)
    client = Client()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(reader)
        for _ in range(5):  # a request every 10 minutes for 50 minutes
            clock.shift(datetime.timedelta(minutes=10))
            assert client.get(reverse("guidance:help")).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("guidance:help")).status_code == 200  # 29 min: still in
        clock.shift(datetime.timedelta(minutes=30, seconds=1))
        response = client.get(reverse("recommendations:home"))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_requests_within_a_minute_renew_the_session_once():
    reader = make_user("clerk")
    client = Client()
    client.force_login(reader)
    client.get(reverse("guidance:help"))  # renews it

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            client.get(reverse("guidance:help"))

    assert not [
        q for q in queries.captured_queries if q["sql"].startswith('UPDATE "django_session"')
    ]


@pytest.mark.parametrize(
    "password",
    ["long enough without any rule", "x7!" * 22, "correct horse battery staple"],
)
def test_long_passwords_without_composition_rules_are_accepted(password):
    validate_password(password)


@pytest.mark.parametrize("password", ["short1!", "password123", "qwertyuiop"])
def test_short_or_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_sign_in_errors_are_in_plain_words_not_djangos(db):
    make_user("clerk")

    empty = Client().post(reverse("login"), {"username": "", "password": ""})
    wrong = Client().post(reverse("login"), {"username": "clerk", "password": "not-it"})

    assert "Enter your username" in empty.text and "Enter your password" in empty.text
    assert "The username or password is not right" in wrong.text
    for page in (empty, wrong):
        assert "This field is required" not in page.text
        assert "Please enter a correct" not in page.text


def test_password_change_errors_are_in_plain_words_not_djangos(db):
    user = make_user("clerk")
    client = Client()
    client.force_login(user)
    url = reverse("password_change")

    empty = client.post(url, {})
    wrong = client.post(
        url, {"old_password": "not-it", "new_password1": "short", "new_password2": "other"}
    )

    assert "Enter your current password" in empty.text and "Enter a new password" in empty.text
    assert "Your current password is not right" in wrong.text
    assert "The passwords do not match" in wrong.text
    for page in (empty, wrong):
        assert "This field is required" not in page.text and "didn’t match" not in page.text

    short = client.post(
        url, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert "Your password must be at least 8 characters" in short.text
    assert "This password is too short" not in short.text
