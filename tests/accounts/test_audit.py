"""The audit trail: sign-ins, failures, refusals, issues and downloads, and the page listing them."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from accounts import access
from accounts.models import SecurityEvent
from tests.accounts.test_access_policy import client_for, world  # noqa: F401
from tracker.log_format import Formatter

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def kinds():
    return list(SecurityEvent.objects.order_by("pk").values_list("kind", "username"))


def test_sign_ins_and_failures_are_recorded_with_who_and_where(world, caplog):  # noqa: F811
    caplog.set_level(logging.INFO, logger="security")
    client = Client()

    client.post(reverse("login"), {"username": "clerk", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "no-such-person", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})

    assert kinds() == [("sign_in_failed", "clerk"), ("sign_in_failed", ""), ("signed_in", "clerk")]
    assert SecurityEvent.objects.latest("pk").ip_address == "127.0.0.1"
    line = json.loads(Formatter().format(caplog.records[-1]))
    assert line["event"] == "signed_in" and line["user"] == "clerk" and line["ip"] == "127.0.0.1"
    assert "wrong-password" not in caplog.text and "no-such-person" not in caplog.text


def test_a_refused_request_is_recorded(world):  # noqa: F811
    users, _ = world
    url = reverse("recommendations:update_create", kwargs={"slug": "test-review", "number": 1})

    assert client_for(users[access.READER]).post(url, {"narrative": "x"}).status_code == 403

    event = SecurityEvent.objects.get(kind="refused")
    assert event.username == "clerk" and event.method == "POST" and event.path == url
    assert "recommendations:update_create" in event.detail


def test_downloads_are_recorded(world):  # noqa: F811
    users, params = world
    url = reverse(
        "reports:version_pdf",
        kwargs={"slug": "test-review", "pk": params["reports"]["pk"], "number": 1},
    )

    assert client_for(users[access.READER]).get(url).status_code == 200

    assert kinds()[-1] == ("downloaded", "clerk")


def test_the_administrator_page_lists_events_and_changes(world):  # noqa: F811
    users, _ = world
    Client().post(reverse("login"), {"username": "clerk", "password": "wrong-password"})

    page = client_for(users[access.ADMINISTRATOR]).get(reverse("security_events"))

    assert page.status_code == 200
    assert "Sign-in failed" in page.text and "clerk" in page.text
    assert "Progress update" in page.text and "Created" in page.text
    assert "Training delivered" not in page.text, "no narrative text"
    assert client_for(users[access.READER]).get(reverse("security_events")).status_code == 403


def test_the_administrator_page_gives_a_refusal_in_plain_words(world):  # noqa: F811
    users, _ = world
    url = reverse("recommendations:update_create", kwargs={"slug": "test-review", "number": 1})
    client_for(users[access.READER]).get(url)

    page = client_for(users[access.ADMINISTRATOR]).get(reverse("security_events"))

    assert "A reader tried to open the page to post a progress update" in page.text
    assert "may not GET" not in page.text and "recommendations:update_create" not in page.text


@pytest.mark.parametrize(
    ("detail", "method", "words"),
    [
        (
            "reports:issue: editor of another agency may not POST",
            "POST",
            "An editor of another agency tried to change something on the page to issue a report",
        ),
        ("reports:version_pdf", "GET", "An issued report's PDF"),
        ("reports:issue", "POST", ""),
        (
            "evidence:add: second factor not given",
            "POST",
            "Tried to change something on the page to attach evidence before entering a sign-in code",
        ),
        ("someone.new: again", "POST", "someone.new: again"),
        (
            "a:future_page: reader may not GET",
            "GET",
            "A reader tried to open a page of the tracker",
        ),
    ],
)
def test_every_kind_of_detail_reads_plainly(detail, method, words):
    assert access.describe(detail, method) == words
