"""Composed fixtures shared by the whole suite: a small review, its agencies and people."""

import datetime
import itertools
import sqlite3

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from operations import loading
from recommendations import services
from recommendations.models import Status
from recommendations.roles import BOARD_ADMINISTRATORS

PUBLISHED = datetime.date(2016, 5, 19)
_numbers = itertools.count(1)


def make_user(username, *, agencies=(), administrator=False):
    user = get_user_model().objects.create_user(
        username=username, password="a-long-test-password", email=f"{username}@example.org"
    )
    if administrator:
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=BOARD_ADMINISTRATORS))
    for agency in agencies:
        agency.editors.add(user)
    return user


def make_agency(short_name, name=None):
    return services.agency_save(short_name=short_name, name=name or f"{short_name} agency")


def make_review(slug="test-review", **fields):
    defaults = {
        "title": "Scrutiny Review of Child Sexual Exploitation",
        "committee": "Children and Young People Scrutiny Committee",
        "responsible_board": "Safeguarding Children Board",
        "publication_date": PUBLISHED,
    }
    return services.review_save(slug=slug, **{**defaults, **fields})


def make_recommendation(review, lead_agency, number=None, **fields):
    number = next(_numbers) if number is None else number
    defaults = {
        "short_title": f"Recommendation {number}",
        "text": f"That the board ensures recommendation {number} is delivered.",
        "lead_officer": "Service Delivery Manager",
    }
    return services.recommendation_save(
        review=review, number=number, lead_agency=lead_agency, **{**defaults, **fields}
    )


def make_update(recommendation, author, *, date, status=Status.GREEN, agency=None, **fields):
    defaults = {"narrative": f"Position on {date:%d %B %Y}.", "evidence_of_impact": ""}
    return services.progress_update_create(
        recommendation=recommendation,
        agency=agency or recommendation.lead_agency,
        author=author,
        date=date,
        status=status,
        **{**defaults, **fields},
    )


@pytest.fixture
def review(db):
    return make_review()


@pytest.fixture
def police(db):
    return make_agency("Police", "West Mercia Police")


@pytest.fixture
def council(db):
    return make_agency("Council", "Telford & Wrekin Council")


@pytest.fixture
def administrator(db):
    return make_user("admin", administrator=True)


@pytest.fixture
def police_editor(police):
    return make_user("editor.police", agencies=[police])


@pytest.fixture
def council_editor(council):
    return make_user("editor.council", agencies=[council])


@pytest.fixture
def reader(db):
    return make_user("clerk")


@pytest.fixture
def recommendation(review, police, council):
    return make_recommendation(review, police, number=1, supporting_agencies=[council])


def enrol_second_factor(user):
    """An authenticator app for `user`, as if set up: the device that makes their codes."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Test authenticator"}
    )
    return device


def next_code(device):
    """The code `device`'s app shows now (or the next one, if now's was already used)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def second_factor_at_sign_in(monkeypatch):
    """`client.force_login(user)` signs editors and administrators in with both factors.

    Their session is verified the way a code typed on the verify page verifies it (the
    device's id in the session, checked by django-otp's middleware on every request);
    tests/accounts/test_two_factor.py covers the pages and the refusal without it.
    """
    sign_in = Client._login

    def _login(client, user, backend=None):
        sign_in(client, user, backend)
        from accounts.two_factor import required

        if required(user):
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = enrol_second_factor(user).persistent_id
            session.save()

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Password hashing is deliberately slow; the tests are not about its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


REVIEW_FIXTURE = "fixtures/cse-review.json"
DEMO_FIXTURE = "fixtures/demo.json"


@pytest.fixture
def cse_review(db):
    """The CSE scrutiny review as the fixture defines it (38 recommendations)."""
    return loading.load_review(loading.read_json(REVIEW_FIXTURE))


@pytest.fixture
def demo(cse_review, settings):
    """The review with the demo users and their progress history from July 2016 to May 2017."""
    settings.DEMO_MODE = True
    loading.load_demo(loading.read_json(DEMO_FIXTURE), review=cse_review)
    return cse_review


@pytest.fixture
def database_file(tmp_path):
    """On SQLite, the test database as a file, as the service runs on, for the test's length.

    Django's in-memory test database shares one cache between connections, where a second
    writer is refused at once ("database table is locked") instead of waiting its turn as
    it does on a database file. PostgreSQL is used as it is.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings_dict = connections.settings["default"]
    memory_name = settings_dict["NAME"]
    keeper = sqlite3.connect(memory_name, uri=True)  # the in-memory database lives on
    path = tmp_path / "race.sqlite3"
    target = sqlite3.connect(path)
    keeper.backup(target)
    target.close()
    BaseDatabaseWrapper.close(connection)  # SQLite's own close() keeps in-memory ones open
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        BaseDatabaseWrapper.close(connection)
        settings_dict["NAME"] = memory_name
        connection.ensure_connection()
        keeper.close()


@pytest.fixture(autouse=True, scope="session")
def evidence_files_kept_apart(tmp_path_factory):
    """Evidence documents the tests attach are stored in a folder of the run's own, never
    under var/ (tests/evidence points single tests at folders or servers of their own)."""
    from django.conf import settings as django_settings
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("evidence")
    evidence = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(folder)},
    }
    with override_settings(STORAGES={**django_settings.STORAGES, "evidence": evidence}):
        yield folder
