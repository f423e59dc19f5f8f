"""The board administrator's people pages: the list, invitations, roles and agencies,
deactivation, two-factor resets. Every refusal says why and changes nothing."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Person, SecurityEvent, SetUpLink
from recommendations.models import PartnerAgency
from tests.accounts.mail_links import last_link, path_of
from tests.accounts.test_access_policy import tracked_tables
from tests.conftest import enrol_second_factor, make_agency, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "a brand new passphrase for the tracker"


@pytest.fixture
def signed_in(administrator):
    client = Client()
    client.force_login(administrator)
    return client


def invite(client, **fields):
    data = {"name": "Sam Patel", "email": "sam.patel@example.org", "role": "editor"}
    data.update(fields)
    return client.post(reverse("accounts:person_invite"), data)


def people_tables():
    return {**tracked_tables(), "links": SetUpLink.objects.count()}


def test_the_list_shows_role_agencies_last_sign_in_two_factor_and_state(
    signed_in, administrator, police_editor, reader, police
):
    enrol_second_factor(police_editor)
    police_editor.last_login = timezone.make_aware(datetime.datetime(2016, 11, 3, 10, 15))
    police_editor.save()
    reader.is_active = False
    reader.save()

    page = signed_in.get(reverse("accounts:people"))

    rows = {person.username: person for person in page.context["people"]}
    assert rows["admin"].role == "administrator"
    assert rows["editor.police"].role == "editor" and rows["editor.police"].has_two_factor
    assert rows["clerk"].role == "reader" and not rows["clerk"].is_active
    assert "3 Nov 2016 10:15" in page.text and "Inactive" in page.text
    assert "Set up" in page.text and "Not needed" in page.text


def test_the_list_filters_by_agency_and_role_with_plain_links(
    signed_in, police_editor, council_editor, reader, police
):
    by_agency = signed_in.get(reverse("accounts:people"), {"agency": police.pk})
    readers = signed_in.get(reverse("accounts:people"), {"role": "reader"})
    nonsense = signed_in.get(reverse("accounts:people"), {"role": "x", "agency": "99999999999"})

    assert [p.username for p in by_agency.context["people"]] == ["editor.police"]
    assert [p.username for p in readers.context["people"]] == ["clerk"]
    assert nonsense.status_code == 200 and len(nonsense.context["people"]) == 4


def test_the_list_costs_the_same_queries_for_3_or_30_people(signed_in, police):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(reverse("accounts:people")).status_code == 200
        return len(captured)

    few = queries()
    for number in range(27):
        make_user(f"editor.{number}", agencies=[police])
    assert queries() == few


def test_an_invited_editor_chooses_a_password_then_sets_up_two_factor_from_the_link(
    signed_in, administrator, police
):
    response = invite(signed_in, agencies=[police.pk])
    assert response.status_code == 302
    person = User.objects.get(email="sam.patel@example.org")
    assert person.username == "sam.patel@example.org" and not person.has_usable_password()
    assert person.get_full_name() == "Sam Patel"
    assert list(person.agencies.all()) == [police]
    message = mail.outbox[-1]
    assert message.to == ["sam.patel@example.org"] and "7 days" in message.body
    assert "two-factor" in message.body
    link = SetUpLink.objects.get(user=person)
    assert link.token_hash not in message.body and len(link.token_hash) == 64
    assert SecurityEvent.objects.filter(kind="invited", user=administrator).exists()

    invitee = Client()
    path = path_of(last_link(to=person.email))
    assert invitee.get(path)["Location"] == reverse("accounts:link_use")
    form = invitee.get(reverse("accounts:link_use"))
    assert "Choose your password" in form.text and person.username in form.text
    mismatch = invitee.post(
        reverse("accounts:link_use"), {"new_password1": NEW_PASSWORD, "new_password2": "other"}
    )
    assert mismatch.status_code == 400
    done = invitee.post(
        reverse("accounts:link_use"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done["Location"].startswith("/accounts/two-factor/set-up/")
    setup = invitee.get(done["Location"])
    assert setup.status_code == 200 and "QR code" in setup.text
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    SetUpLink.objects.get(user=person, used_at__isnull=False)


def test_an_invited_reader_is_signed_in_without_two_factor(signed_in):
    invite(signed_in, role="reader", email="clerk2@example.org")
    invitee = Client()
    invitee.get(path_of(last_link()))

    done = invitee.post(
        reverse("accounts:link_use"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done["Location"] == "/"
    assert "two-factor" not in mail.outbox[-1].body


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"email": "EDITOR.police@example.org", "agencies": "AGENCY"},
            "Someone already uses this e-mail address",
        ),
        ({"role": "editor"}, "Choose at least one agency for an editor"),
        ({"role": "reader", "agencies": "AGENCY"}, "A reader edits for no agency"),
        ({"role": "boss"}, "Choose a role"),
        ({"name": ""}, "Enter the person&#x27;s full name"),
        ({"email": "not an address"}, "Enter an e-mail address in the correct format"),
        ({"agencies": "99999999999999999999"}, "Choose agencies from the list"),
    ],
)
def test_a_bad_invitation_says_why_and_changes_nothing(
    signed_in, police_editor, police, fields, message
):
    fields = {k: police.pk if v == "AGENCY" else v for k, v in fields.items()}
    before = people_tables()
    sent = len(mail.outbox)

    response = invite(signed_in, **fields)

    assert response.status_code == 400
    assert "There is a problem" in response.text and message in response.text
    assert people_tables() == before and len(mail.outbox) == sent


def test_a_name_with_markup_is_shown_as_text(signed_in, police):
    invite(signed_in, name="<script>alert(1)</script> Smith", agencies=[police.pk])

    page = signed_in.get(reverse("accounts:people"))

    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Smith" in page.text


def test_an_expired_or_reused_invitation_link_does_not_work(signed_in, police, settings):
    invite(signed_in, agencies=[police.pk])
    path = path_of(last_link())
    choose = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}

    with time_machine.travel(timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)):
        late = Client()
        late.get(path)
        expired = late.post(reverse("accounts:link_use"), choose)
    first = Client()
    first.get(path)
    first.post(reverse("accounts:link_use"), choose)
    second = Client()
    second.get(path)
    reused = second.get(reverse("accounts:link_use"))

    assert expired.status_code == 410 and "This link no longer works" in expired.text
    assert reused.status_code == 410
    assert Client().get(reverse("accounts:link_use")).status_code == 410, "no link at all"


def test_resending_an_invitation_replaces_the_link(signed_in, police):
    invite(signed_in, agencies=[police.pk])
    person = User.objects.get(email="sam.patel@example.org")
    old = path_of(last_link())

    resent = signed_in.post(reverse("accounts:person_invitation_resend", args=[person.pk]))
    new = path_of(last_link())

    assert resent.status_code == 302 and new != old
    stale = Client()
    stale.get(old)
    assert stale.get(reverse("accounts:link_use")).status_code == 410
    fresh = Client()
    fresh.get(new)
    assert fresh.get(reverse("accounts:link_use")).status_code == 200
    listed = signed_in.get(reverse("accounts:people"))
    assert [link.user for link in listed.context["invitations"]] == [person]


def test_resending_to_someone_who_accepted_is_refused(signed_in, police_editor):
    response = signed_in.post(reverse("accounts:person_invitation_resend", args=[police_editor.pk]))

    assert response.status_code == 400 and "already accepted" in response.text
    assert not SetUpLink.objects.exists()


def test_changing_role_and_agencies_is_recorded_in_history_and_as_an_event(
    signed_in, administrator, police_editor, police, council
):
    response = signed_in.post(
        reverse("accounts:person", args=[police_editor.pk]),
        {"role": "administrator", "agencies": [council.pk]},
    )

    assert response.status_code == 302
    person = Person.objects.for_people_page().get(pk=police_editor.pk)
    assert person.role == "administrator" and person.is_staff
    assert list(person.agencies.all()) == [council]
    event = SecurityEvent.objects.get(kind="role_changed")
    assert event.user == administrator and "editor.police: administrator, Council" in event.detail
    assert police.history.first().history_user == administrator
    assert council.history.first().history_user == administrator

    signed_in.post(
        reverse("accounts:person", args=[police_editor.pk]), {"role": "reader", "agencies": []}
    )
    person = Person.objects.for_people_page().get(pk=police_editor.pk)
    assert person.role == "reader" and not person.is_staff


def test_the_last_administrator_cannot_demote_or_deactivate_themselves(signed_in, administrator):
    before = people_tables()

    demoted = signed_in.post(
        reverse("accounts:person", args=[administrator.pk]), {"role": "reader"}
    )
    deactivated = signed_in.post(reverse("accounts:person_deactivate", args=[administrator.pk]))

    assert demoted.status_code == 400 and "at least one active administrator" in demoted.text
    assert deactivated.status_code == 400 and "You cannot deactivate yourself" in deactivated.text
    assert people_tables() == before


def test_an_administrator_may_step_down_while_another_remains(signed_in, administrator):
    make_user("admin2", administrator=True)

    response = signed_in.post(
        reverse("accounts:person", args=[administrator.pk]), {"role": "reader"}
    )

    assert response.status_code == 302
    assert not Person.objects.administrators().filter(pk=administrator.pk).exists()


def test_the_last_administrator_cannot_be_deactivated_by_anyone(administrator, reader):
    from django.core.exceptions import ValidationError

    from accounts import services

    with pytest.raises(ValidationError, match="at least one active administrator"):
        services.person_deactivate(person=administrator, by=reader)


def test_deactivating_signs_them_out_and_reactivating_lets_them_back(
    signed_in, police_editor, recommendation
):
    theirs = Client()
    theirs.force_login(police_editor)

    off = signed_in.post(reverse("accounts:person_deactivate", args=[police_editor.pk]))
    assert off.status_code == 302
    assert theirs.get(reverse("recommendations:home"))["Location"].startswith("/accounts/login/")
    assert SecurityEvent.objects.filter(kind="deactivated", detail="editor.police").exists()

    on = signed_in.post(reverse("accounts:person_reactivate", args=[police_editor.pk]))
    assert on.status_code == 302
    police_editor.refresh_from_db()
    assert police_editor.is_active


def test_resetting_two_factor_removes_the_devices_and_emails_a_new_link(
    signed_in, administrator, police_editor
):
    enrol_second_factor(police_editor)
    StaticDevice.objects.create(user=police_editor, name="Recovery codes", confirmed=True)

    response = signed_in.post(reverse("accounts:person_two_factor_reset", args=[police_editor.pk]))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=police_editor).exists()
    assert not StaticDevice.objects.filter(user=police_editor).exists()
    assert mail.outbox[-1].to == [police_editor.email]
    assert SetUpLink.objects.get(user=police_editor).kind == "two_factor"
    assert SecurityEvent.objects.filter(kind="two_factor_reset", user=administrator).exists()


def test_an_e_mail_that_cannot_be_sent_saves_nothing(signed_in, police, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    before = people_tables()

    response = invite(signed_in, agencies=[police.pk])

    assert response.status_code == 400 and "could not be sent" in response.text
    assert people_tables() == before


def test_agencies_are_added_and_renamed_with_history(signed_in, administrator, police):
    added = signed_in.post(
        reverse("agencies:create"), {"name": "Shropshire Fire and Rescue", "short_name": "SFRS"}
    )
    renamed = signed_in.post(
        reverse("agencies:rename", args=[police.pk]),
        {"name": "West Mercia Police Force", "short_name": "WMP"},
    )

    assert added.status_code == 302 and renamed.status_code == 302
    fire = PartnerAgency.objects.get(short_name="SFRS")
    assert fire.history.get().history_user == administrator
    police.refresh_from_db()
    assert (police.name, police.short_name) == ("West Mercia Police Force", "WMP")
    assert [h.short_name for h in police.history.all()] == ["WMP", "Police"]
    assert police.history.first().history_user == administrator
    assert "West Mercia Police Force" in signed_in.get(reverse("agencies:list")).text


def test_an_agency_name_in_use_is_refused(signed_in, police, council):
    before = tracked_tables()

    added = signed_in.post(reverse("agencies:create"), {"name": "Another", "short_name": "police"})
    renamed = signed_in.post(
        reverse("agencies:rename", args=[police.pk]),
        {"name": "Telford & Wrekin Council", "short_name": "Police"},
    )

    assert added.status_code == 400 and "already has this short name" in added.text
    assert renamed.status_code == 400 and "already has this name" in renamed.text
    assert tracked_tables() == before


def test_the_people_pages_are_in_the_administrators_navigation(signed_in, review, reader):
    assert (
        'href="/people/"'
        in signed_in.get(reverse("recommendations:dashboard", args=[review.slug])).text
    )
    clerk = Client()
    clerk.force_login(reader)
    assert (
        'href="/people/"'
        not in clerk.get(reverse("recommendations:dashboard", args=[review.slug])).text
    )


def test_users_and_devices_are_not_in_the_admin(signed_in):
    from django.contrib import admin

    assert not admin.site.is_registered(User)
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
    assert make_agency("Probation")  # agencies stay in the admin, with their history
