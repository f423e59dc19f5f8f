"""Own error pages with no internal detail, and no narrative, password or token in any log
record or error e-mail, even when a page crashes."""

import logging
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import access
from recommendations.models import ProgressUpdate
from tests.accounts.test_access_policy import client_for, url_for, world  # noqa: F401

pytestmark = pytest.mark.django_db

MARKER = "MARKER-7f3a-child-named-in-narrative"


def marked_form(**fields):
    """Every field of every form of the tracker, each carrying the marker where it can."""
    data = {
        name: MARKER
        for name in (
            "narrative",
            "evidence_of_impact",
            "note",
            "reason",
            "username",
            "password",
            "old_password",
            "new_password1",
            "new_password2",
            "q",
        )
    }
    data.update(date_0="1", date_1="11", date_2="2016", date_day="1", date_month="11")
    data.update(date_year="2016", status="green", decision="signed_off", version="1")
    data.update(receives_reminders="no", submission_key=str(uuid.uuid4()), token=MARKER)
    data.update(fields)
    return data


def leaked(caplog):
    formatter = logging.Formatter()
    found = []
    for record in caplog.records:
        text = formatter.format(record) + repr(record.__dict__)
        if MARKER in text:
            found.append(text[:300])
    for message in mail.outbox:
        bodies = [message.subject, message.body, *(a[0] for a in message.alternatives)]
        if any(MARKER in body for body in bodies):
            found.append(message.subject)
    return found


@pytest.fixture
def admins(settings):
    settings.ADMINS = [("Operations", "ops@example.org")]


def test_the_marker_passes_through_every_form_and_no_log_or_email_keeps_it(
    world,  # noqa: F811
    admins,
    caplog,
):
    users, params = world
    caplog.set_level(logging.DEBUG)
    posted = 0
    for view_name, rule in access.POLICY.items():
        if not rule.post or view_name == "logout":
            continue
        names = [
            n
            for n in ("slug", "number", "pk", "fmt", "draft", "document", "action")
            if f"<{n}" in _route(view_name)
        ]
        url = url_for(view_name, names, params)
        for role in sorted(rule.post):
            client = client_for(users[role])
            client.raise_request_exception = False
            client.post(url, marked_form())
            posted += 1
    # A wrong password, as somebody's real one typed into the username box by mistake.
    Client().post(reverse("login"), {"username": MARKER, "password": MARKER})

    assert posted > 10
    assert leaked(caplog) == []


def _route(view_name):
    from tests.accounts.test_access_policy import project_urls

    return "".join(f"<{n}>" for n in project_urls()[view_name])


def test_a_crash_shows_the_own_500_page_and_mails_no_submitted_text(
    world,  # noqa: F811
    admins,
    caplog,
    monkeypatch,
):
    users, params = world

    def crash(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("recommendations.services.progress_update_create", crash)
    client = client_for(users[access.OWNING_EDITOR])
    client.raise_request_exception = False
    url = reverse("recommendations:update_create", kwargs={"slug": "test-review", "number": 1})

    agency = users[access.OWNING_EDITOR].agencies.get()
    response = client.post(url, marked_form(agency=str(agency.pk)))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "RuntimeError" not in response.text and "Traceback" not in response.text
    assert len(mail.outbox) == 1, "the administrators hear of the crash"
    assert "RuntimeError" in mail.outbox[0].body
    assert leaked(caplog) == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_crashing_export_mails_and_logs_no_stored_text(
    world,  # noqa: F811
    admins,
    caplog,
    monkeypatch,
    fmt,
):
    """The exception of a crash that quotes stored text (as openpyxl's did, for a narrative
    with a control character) reaches neither the log nor the error e-mail."""
    users, _ = world
    caplog.set_level(logging.DEBUG)
    ProgressUpdate.objects.update(narrative=f"{MARKER}\x01")

    def crash(header, rows, **kwargs):
        # As openpyxl's message did: the text it could not write, quoted.
        raise ValueError(f"{ProgressUpdate.objects.get().narrative} cannot be used in worksheets.")

    monkeypatch.setattr(f"spreadsheets.exporting.write_{fmt}", crash)
    client = client_for(users[access.READER])
    client.raise_request_exception = False

    url = reverse("spreadsheets:dashboard_export", args=["test-review", fmt])
    # What was searched for is typed text too: in the query, and in the page it came from.
    response = client.get(f"{url}?q={MARKER}", HTTP_REFERER=f"http://testserver/?q={MARKER}")

    assert response.status_code == 500
    assert len(mail.outbox) == 1, "the administrators hear of the crash"
    assert "ValueError" in mail.outbox[0].body
    assert leaked(caplog) == []


def test_a_crash_of_an_exception_chain_keeps_no_message_of_any_link(
    world,  # noqa: F811
    admins,
    caplog,
    monkeypatch,
):
    users, _ = world
    caplog.set_level(logging.DEBUG)

    def crash(*args, **kwargs):
        try:
            raise KeyError(MARKER)
        except KeyError as error:
            raise RuntimeError(f"while exporting {MARKER}") from error

    monkeypatch.setattr("spreadsheets.exporting.write_xlsx", crash)
    client = client_for(users[access.READER])
    client.raise_request_exception = False

    response = client.get(reverse("spreadsheets:dashboard_export", args=["test-review", "xlsx"]))

    assert response.status_code == 500
    assert "KeyError" in mail.outbox[0].body and "RuntimeError" in mail.outbox[0].body
    assert leaked(caplog) == []


def test_an_unknown_page_shows_the_own_404_page(world):  # noqa: F811
    users, _ = world

    response = client_for(users[access.READER]).get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Using the URLconf" not in response.text


def test_a_bad_request_shows_the_own_400_page():
    response = Client(HTTP_HOST="attacker.example").get(reverse("login"))

    assert response.status_code == 400
    assert "problem with the request" in response.text
    assert "ALLOWED_HOSTS" not in response.text
