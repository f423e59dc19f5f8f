"""Headers every page carries, and Django's deployment checklist under production settings."""

import re
import secrets
import string

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.tracker.test_settings import ROOT, django_manage

pytestmark = pytest.mark.django_db


def test_production_settings_pass_djangos_deployment_checklist():
    key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    result = django_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=key,
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_behind_a_tls_proxy_the_https_redirect_can_be_turned_off_explicitly():
    key = "".join(secrets.choice(string.ascii_letters) for _ in range(60))
    result = django_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=key,
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sign_in_page_carries_the_security_headers():
    response = Client().get(reverse("login"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_has_an_inline_script_or_style():
    for template in (ROOT / "templates").rglob("*.html"):
        if template.name == "report.html":  # rendered by WeasyPrint, never by a browser
            continue
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", text), template


def test_signed_in_pages_are_not_stored_by_browsers_or_proxies(review):
    client = Client()
    client.force_login(make_user("clerk"))

    response = client.get(reverse("recommendations:dashboard", kwargs={"slug": review.slug}))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_session_and_csrf_cookies_are_secure_and_http_only_in_production(settings):
    # The production values, as tracker/settings.py sets them with DEBUG off.
    result = django_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS > 0, "
        "s.SECURE_SSL_REDIRECT)",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
    )

    assert result.stdout.split() == ["True"] * 5, result.stderr
