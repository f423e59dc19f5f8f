"""Password reset by e-mail and password change: the same answer for any address, links
that work once and expire, a limit on requests, and two-factor still asked afterwards."""

import datetime
import socket
import threading

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import PasswordResetRequest, SecurityEvent
from tests.accounts.mail_links import last_link, path_of
from tests.conftest import enrol_second_factor, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "a brand new passphrase for the tracker"


def ask_for_reset(client, email):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def choose(client, path, password=NEW_PASSWORD):
    client.get(path)
    return client.post(
        reverse("accounts:password_reset_confirm"),
        {"new_password1": password, "new_password2": password},
    )


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(police_editor):
    known = ask_for_reset(Client(), "editor.police@example.org")
    unknown = ask_for_reset(Client(), "nobody@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert [m.to for m in mail.outbox] == [["editor.police@example.org"]]
    done = Client().get(known["Location"])
    assert "If that address belongs to an account" in done.text


def test_a_reset_link_works_once_and_two_factor_is_still_asked_for(police_editor):
    device = enrol_second_factor(police_editor)
    ask_for_reset(Client(), "editor.police@example.org")
    path = path_of(last_link())
    assert "/accounts/password-reset/" in path and "Your username is editor.police" in (
        mail.outbox[-1].body
    )

    reset = choose(Client(), path)
    again = choose(Client(), path, "yet another long passphrase")

    assert reset["Location"] == reverse("accounts:password_reset_complete")
    assert again.status_code == 200 and "This link no longer works" in again.text
    police_editor.refresh_from_db()
    assert police_editor.check_password(NEW_PASSWORD)
    assert SecurityEvent.objects.filter(kind="password_reset", user=police_editor).exists()
    client = Client()
    signed_in = client.post(
        reverse("login"), {"username": "editor.police", "password": NEW_PASSWORD}
    )
    assert signed_in["Location"].startswith("/accounts/two-factor/?next=")
    assert device.pk  # the app is still theirs: the reset changed only the password


def test_a_reset_link_expires(police_editor, settings):
    ask_for_reset(Client(), "editor.police@example.org")
    path = path_of(last_link())

    later = timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        response = choose(Client(), path)

    assert "This link no longer works" in response.text
    police_editor.refresh_from_db()
    assert police_editor.check_password(PASSWORD)


def test_an_invited_person_who_has_not_accepted_gets_no_reset_e_mail(db):
    invited = make_user("invited")
    invited.set_unusable_password()
    invited.save()

    ask_for_reset(Client(), invited.email)

    assert mail.outbox == []


def test_requests_are_limited_per_address_and_per_ip_address(police_editor, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    settings.PASSWORD_RESET_LIMIT_PER_IP = 4
    client = Client()

    answers = [ask_for_reset(client, "Editor.Police@example.org").status_code for _ in range(3)]
    other_addresses = [ask_for_reset(client, f"x{n}@example.org").status_code for n in range(2)]

    assert answers == [302, 302, 429] and other_addresses == [302, 429]
    assert len(mail.outbox) == 2
    limited = ask_for_reset(Client(REMOTE_ADDR="10.0.0.9"), "editor.police@example.org")
    assert limited.status_code == 429 and "Too many requests" in limited.text
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert ask_for_reset(Client(REMOTE_ADDR="10.0.0.9"), "a@example.org").status_code == 302
    assert PasswordResetRequest.objects.count() == 1, "old requests are forgotten"


def test_a_password_change_to_the_same_password_is_refused(police_editor):
    client = Client()
    client.force_login(police_editor)
    fields = {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}

    response = client.post(reverse("password_change"), fields)

    assert "must be different from your current password" in response.text
    assert "There is a problem" in response.text
    fields.update(new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD)
    assert client.post(reverse("password_change"), fields).status_code == 302
    assert SecurityEvent.objects.filter(kind="password_changed").exists()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 for this test: what it receives, as the mail arrives."""
    from aiosmtpd.controller import Controller

    received = []
    arrived = threading.Event()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            arrived.set()
            return "250 Message accepted for delivery"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield received
    controller.stop()


def test_the_invitation_and_the_reset_e_mail_go_out_by_smtp(smtp_server, administrator, police):
    client = Client()
    client.force_login(administrator)
    client.post(
        reverse("accounts:person_invite"),
        {"name": "Sam Patel", "email": "sam@example.org", "role": "editor", "agencies": police.pk},
    )
    ask_for_reset(Client(), administrator.email)

    assert [envelope.rcpt_tos for envelope in smtp_server] == [
        ["sam@example.org"],
        [administrator.email],
    ]
    body = smtp_server[0].content.decode()
    assert "Subject: You are invited to the recommendations tracker" in body
    assert "/accounts/link/" in body
    assert "/accounts/password-reset/" in smtp_server[1].content.decode()
