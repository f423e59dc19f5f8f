"""Generated input posted to the people, agency, link and password reset forms: never a
server error, and a refused form changes nothing."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import services
from accounts.models import SetUpLink
from tests.accounts.mail_links import last_link, path_of
from tests.accounts.test_access_policy import tracked_tables
from tests.conftest import make_agency, make_user
from tests.tracker.test_fuzz import nasty_text, number_text

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
role_text = st.one_of(st.sampled_from(["administrator", "editor", "reader"]), nasty_text)
agencies_list = st.lists(number_text, max_size=3)


def state():
    return {**tracked_tables(), "links": SetUpLink.objects.count()}


@pytest.fixture
def people(db):
    police = make_agency("Police")
    administrator = make_user("admin", administrator=True)
    editor = make_user("editor.police", agencies=[police])
    client = Client()
    client.force_login(administrator)
    return {"client": client, "administrator": administrator, "editor": editor, "police": police}


def posted(client, url, data, *, saved):
    before = state()
    response = client.post(url, data)
    assert response.status_code < 500, response.status_code
    if not saved(response):
        assert state() == before, f"refused ({response.status_code}) but saved"
    return response


def redirected(response):
    return response.status_code == 302


@FUZZ
@given(name=nasty_text, email=nasty_text, role=role_text, agencies=agencies_list)
def test_invitations_never_fail(people, name, email, role, agencies):
    data = {"name": name, "email": email, "role": role, "agencies": agencies}
    posted(people["client"], reverse("accounts:person_invite"), data, saved=redirected)


@FUZZ
@given(role=role_text, agencies=agencies_list)
def test_role_changes_never_fail(people, role, agencies):
    url = reverse("accounts:person", args=[people["editor"].pk])
    posted(people["client"], url, {"role": role, "agencies": agencies}, saved=redirected)


@FUZZ
@given(name=nasty_text, short_name=nasty_text, rename=st.booleans())
def test_agency_forms_never_fail(people, name, short_name, rename):
    url = (
        reverse("agencies:rename", args=[people["police"].pk])
        if rename
        else reverse("agencies:create")
    )
    posted(people["client"], url, {"name": name, "short_name": short_name}, saved=redirected)


@FUZZ
@given(password1=nasty_text, password2=nasty_text, token=nasty_text, two_factor=st.booleans())
def test_set_up_links_never_fail(people, password1, password2, token, two_factor):
    editor = people["editor"]
    services.person_two_factor_reset(person=editor, by=people["administrator"])
    client = Client()
    if two_factor:
        client.get(path_of(last_link()))
    else:
        # Any text in the address, as a browser would send it: not a link of ours, or no link.
        assert client.get(f"/accounts/link/{quote(token or 'x', safe='')}/").status_code < 500
    data = {"new_password1": password1, "new_password2": password2, "password": password1}
    response = posted(client, reverse("accounts:link_use"), data, saved=redirected)
    assert response.status_code in (302, 400, 410, 429)  # 429: locked out by django-axes


@FUZZ
@given(email=nasty_text, password=nasty_text)
def test_password_reset_never_fails(people, email, password):
    response = Client().post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code in (302, 400, 429)
    data = {"new_password1": password, "new_password2": password}
    client = Client()
    client.get(reverse("accounts:password_reset_link", kwargs={"uidb64": "MQ", "token": "x"}))
    posted(client, reverse("accounts:password_reset_confirm"), data, saved=lambda r: False)


@FUZZ
@given(role=nasty_text, agency=number_text)
def test_people_filters_never_fail(people, role, agency):
    response = people["client"].get(reverse("accounts:people"), {"role": role, "agency": agency})
    assert response.status_code == 200
