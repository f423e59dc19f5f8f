"""Two-factor sign-in: editors and administrators change nothing until they have given a
code from their authenticator app (or a recovery code); the app is set up only from a link
the administrator e-mails; demo mode exempts everyone."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import SecurityEvent
from recommendations.models import ProgressUpdate
from tests.accounts.mail_links import last_link, path_of
from tests.accounts.test_access_policy import tracked_tables
from tests.conftest import enrol_second_factor, next_code, reader  # noqa: F401

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def password_only(username):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client, response


def wait_out_the_throttle(device):
    """A wrong code locks the device for a second (doubling with each): as if it had passed."""
    device.refresh_from_db()
    device.throttle_reset()


def post_update(client, narrative="Disruption plans agreed."):
    url = reverse("recommendations:update_create", kwargs={"slug": "test-review", "number": 1})
    fields = {"date_day": "1", "date_month": "11", "date_year": "2016", "status": "green"}
    fields.update(narrative=narrative, submission_key=str(uuid.uuid4()), agency="")
    return client.post(url, fields)


def test_an_editor_with_only_a_password_reads_but_cannot_change_anything(
    recommendation, police_editor
):
    client, signed_in = password_only("editor.police")
    assert signed_in["Location"].startswith("/accounts/two-factor/set-up/")
    detail = reverse("recommendations:detail", kwargs={"slug": "test-review", "number": 1})
    assert client.get(detail).status_code == 200

    before = tracked_tables()
    refused = post_update(client)

    assert refused.status_code == 302
    assert refused["Location"].startswith("/accounts/two-factor/set-up/?next=")
    assert tracked_tables() == before
    assert SecurityEvent.objects.filter(detail__contains="second factor not given").exists()


def reset_link(person, administrator):
    """What the administrator's *Reset two-factor sign-in* e-mails `person`."""
    services.person_two_factor_reset(person=person, by=administrator)
    return path_of(last_link(to=person.email))


def open_reset_link(client, path, password=PASSWORD):
    """Open the e-mailed link and give the password: the set-up page follows."""
    assert client.get(path)["Location"] == reverse("accounts:link_use")
    return client.post(reverse("accounts:link_use"), {"password": password})


def test_a_password_alone_cannot_set_up_an_app(recommendation, police_editor):
    client, signed_in = password_only("editor.police")

    asked = client.get(signed_in["Location"])
    posted = client.post(reverse("two_factor_setup"), {"code": "123456", "next": "/"})

    assert "Ask the board administrator to send you a set-up link" in asked.text
    assert "QR code" not in asked.text
    assert posted.status_code == 302 and not TOTPDevice.objects.exists()


def test_setting_up_from_a_link_shows_a_qr_code_and_the_key_then_recovery_codes_once(
    recommendation, police_editor, administrator
):
    client = Client()
    wrong = open_reset_link(client, reset_link(police_editor, administrator), "not-my-password")
    assert wrong.status_code == 400 and "The password is not right" in wrong.text
    opened = client.post(reverse("accounts:link_use"), {"password": PASSWORD})
    assert opened["Location"].startswith("/accounts/two-factor/set-up/")
    setup = client.get(opened["Location"])
    assert setup.status_code == 200
    assert re.search(r"<svg [^>]*role=\"img\"", setup.text), "the QR code, inline"
    device = TOTPDevice.objects.get(user=police_editor, confirmed=False)
    key = setup.context["secret"].replace(" ", "")
    assert len(key) == 32 and key in setup.text.replace(" ", "")

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000", "next": "/"})
    assert wrong.status_code == 400 and "The code is not right" in wrong.text
    wait_out_the_throttle(device)
    done = client.post(reverse("two_factor_setup"), {"code": next_code(device), "next": "/"})

    assert done.status_code == 302 and done["Location"].startswith("/accounts/two-factor/recov")
    codes = client.get(done["Location"])
    assert len(codes.context["codes"]) == 10
    assert all(code in codes.text for code in codes.context["codes"])
    assert client.get(done["Location"]).status_code == 302, "shown once only"
    assert post_update(client).status_code == 302
    assert ProgressUpdate.objects.filter(narrative="Disruption plans agreed.").exists()
    again = client.get(reverse("two_factor_setup"))
    assert "QR code" not in again.text, "the link's grant was for one set-up"


def test_an_enrolled_editor_signs_in_with_a_code_and_then_changes_things(
    recommendation, police_editor
):
    device = enrol_second_factor(police_editor)
    client, signed_in = password_only("editor.police")
    verify = signed_in["Location"]
    assert verify.startswith("/accounts/two-factor/?next=")

    before = tracked_tables()
    assert client.post(verify, {"code": "123"}).status_code == 400
    assert post_update(client)["Location"].startswith("/accounts/two-factor/?next=")
    assert tracked_tables() == before

    wait_out_the_throttle(device)
    assert client.post(verify, {"code": next_code(device)}).status_code == 302
    assert post_update(client).status_code == 302
    assert ProgressUpdate.objects.count() == 1


def test_a_recovery_code_works_once_in_any_case_and_a_password_cannot_replace_the_app(
    recommendation, police_editor, administrator
):
    enroller = Client()
    open_reset_link(enroller, reset_link(police_editor, administrator))
    enroller.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=police_editor)
    enroller.post(reverse("two_factor_setup"), {"code": next_code(device)})
    recovery = enroller.get(reverse("two_factor_recovery_codes")).context["codes"][0]
    typed = f" {recovery[:4].upper()} {recovery[4:].upper()} "

    thief, _ = password_only("editor.police")
    replace = thief.get(reverse("two_factor_setup"))
    assert replace.status_code == 200 and "ask the board administrator to reset" in replace.text
    assert TOTPDevice.objects.filter(user=police_editor).count() == 1
    assert thief.post(reverse("two_factor_verify"), {"code": typed}).status_code == 302
    assert post_update(thief).status_code == 302

    again, _ = password_only("editor.police")
    assert again.post(reverse("two_factor_verify"), {"code": recovery}).status_code == 400


def test_a_used_reset_link_does_not_work_again(recommendation, police_editor, administrator):
    path = reset_link(police_editor, administrator)
    open_reset_link(Client(), path)

    second = Client()
    second.get(path)
    refused = second.post(reverse("accounts:link_use"), {"password": PASSWORD})

    assert refused.status_code == 410 and "This link no longer works" in refused.text
    assert "two_factor_set_up_for" not in second.session


def test_administrators_need_it_and_readers_do_not(administrator, reader):  # noqa: F811
    _, admin_signed_in = password_only("admin")
    _, reader_signed_in = password_only("clerk")

    assert admin_signed_in["Location"].startswith("/accounts/two-factor/set-up/")
    assert reader_signed_in["Location"] == "/"


def test_demo_mode_exempts_the_demo_users_explicitly(recommendation, police_editor, settings):
    settings.DEMO_MODE = True
    client, signed_in = password_only("editor.police")

    assert signed_in["Location"] == "/"
    assert post_update(client).status_code == 302
    assert ProgressUpdate.objects.count() == 1
