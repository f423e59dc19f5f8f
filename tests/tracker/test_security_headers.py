"""Headers every page carries, and Django's deployment checklist under production settings."""

import http.client
import os
import re
import secrets
import socket
import string
import subprocess
import sys
import time

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


# Rendered by WeasyPrint, never by a browser: their <style> sets the PDF's page margins.
PRINTED_ONLY = {"reports/report.html", "reports/recommendation.html"}


def test_no_page_has_an_inline_script_or_style():
    for template in (ROOT / "templates").rglob("*.html"):
        if template.relative_to(ROOT / "templates").as_posix() in PRINTED_ONLY:
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


PRODUCTION = {"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "testserver"}
FETCH_STATIC = """
from django.test import Client
from django.templatetags.static import static
client = Client()
for path in ["/static/src/app.scss", "/static/staticfiles.json", static("css/app.css")]:
    response = client.get(path, secure=True)
    print(path, response.status_code)
"""


def test_production_serves_the_built_static_files_but_not_their_sources_or_manifest(tmp_path):
    env = {**PRODUCTION, "TRACKER_STATIC_ROOT": str(tmp_path / "static")}
    collected = django_manage("collectstatic", "--no-input", "-v0", **env)
    assert collected.returncode == 0, collected.stderr

    result = django_manage("shell", "--no-imports", "-c", FETCH_STATIC, **env)

    served = dict(line.split() for line in result.stdout.splitlines())
    assert served.pop("/static/src/app.scss") == "404", result.stderr
    assert served.pop("/static/staticfiles.json") == "404"
    [(css, status)] = served.items()
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", css) and status == "200"


def test_gunicorn_names_no_server_software():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(PRODUCTION, TRACKER_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tracker.wsgi", "-c", "tracker/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = _get_when_up("127.0.0.1", port, "/accounts/login/")
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert response.status in (200, 301, 302)
    assert "gunicorn" not in (response.getheader("Server") or "").lower()


def _get_when_up(host, port, path, wait=30):
    deadline = time.monotonic() + wait
    while True:
        connection = http.client.HTTPConnection(host, port, timeout=5)
        try:
            connection.request("GET", path, headers={"Host": "testserver"})
            return connection.getresponse()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
