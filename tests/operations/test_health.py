"""The health endpoint (operations/health.py): "OK" when the database answers, every migration
is applied and the evidence storage answers; "Unavailable" (503) otherwise. Open to anyone
without signing in, never cached, and nothing in its answer but the one word."""

import boto3
import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse

from operations import health
from tests.conftest import make_user
from tests.evidence.test_s3_storage import CREDENTIALS, REGION, s3_server  # noqa: F401
from tests.stack import free_port
from tracker.settings import evidence_storage_settings

pytestmark = pytest.mark.django_db

URL = "/health/"


def get(client=None, method="get"):
    return getattr(client or Client(), method)(URL)


def test_the_endpoint_is_at_health():
    assert reverse("operations:health") == URL


def test_a_healthy_instance_says_ok_and_nothing_else_to_anyone():
    response = get()

    assert response.status_code == 200
    assert response.content == b"OK"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie


def test_a_signed_in_user_gets_the_same_answer(db):
    client = Client()
    client.force_login(make_user("clerk"))

    response = get(client)

    assert (response.status_code, response.content) == (200, b"OK")


def test_head_works_for_load_balancers_that_use_it():
    assert get(method="head").status_code == 200


def test_posting_is_refused_by_the_access_policy():
    response = get(method="post")

    assert response.status_code == 302  # to the sign-in page: the policy lets nobody post
    assert response.content != b"OK"


def test_an_unapplied_migration_makes_the_instance_unavailable():
    latest = MigrationRecorder.Migration.objects.filter(app="reports").order_by("-id").first()
    latest.delete()  # as if this code were newer than the database (rolled back after)

    response = get()

    assert (response.status_code, response.content) == (503, b"Unavailable")


def test_a_database_that_does_not_answer_makes_the_instance_unavailable(monkeypatch):
    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(health, "database", refuse)

    response = get()

    assert (response.status_code, response.content) == (503, b"Unavailable")


def test_object_storage_that_answers_is_healthy(s3_server, settings, monkeypatch):  # noqa: F811
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name=REGION)
    client.create_bucket(
        Bucket="health-check", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    environ = {
        "EVIDENCE_S3_BUCKET": "health-check",
        "EVIDENCE_S3_ENDPOINT_URL": s3_server,
        "EVIDENCE_S3_REGION": REGION,
    }
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence_storage_settings(environ)}
    try:
        assert (get().status_code, get().content) == (200, b"OK")
        # The bucket gone (deleted, or the credentials no longer reach it): unavailable.
        client.delete_bucket(Bucket="health-check")
        assert (get().status_code, get().content) == (503, b"Unavailable")
    finally:
        if "health-check" in [b["Name"] for b in client.list_buckets()["Buckets"]]:
            client.delete_bucket(Bucket="health-check")


def test_object_storage_that_does_not_answer_makes_the_instance_unavailable(settings, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    environ = {
        "EVIDENCE_S3_BUCKET": "health-check",
        "EVIDENCE_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens
        "EVIDENCE_S3_REGION": REGION,
    }
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence_storage_settings(environ)}

    response = get()

    assert (response.status_code, response.content) == (503, b"Unavailable")


def test_production_does_not_redirect_the_probe_to_https():
    from tracker import settings as tracker_settings

    patterns = getattr(tracker_settings, "SECURE_REDIRECT_EXEMPT", None)
    if patterns is None:  # DEBUG on here: what production sets is checked in the source
        source = (tracker_settings.BASE_DIR / "tracker" / "settings.py").read_text()
        assert 'SECURE_REDIRECT_EXEMPT = [r"^health/$"]' in source
