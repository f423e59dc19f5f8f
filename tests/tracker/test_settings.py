import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def django_check(**env):
    return django_manage("check", **env)


def django_manage(*args, **env):
    """Runs manage.py in a subprocess with only these DJANGO_ variables set (production)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = django_check(DJANGO_ALLOWED_HOSTS="tracker.example.org")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = django_check(DJANGO_SECRET_KEY="k" * 60)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must list" in result.stderr


def test_production_starts_with_a_secret_key_and_allowed_hosts():
    result = django_check(DJANGO_SECRET_KEY="k" * 60, DJANGO_ALLOWED_HOSTS="tracker.example.org")

    assert result.returncode == 0, result.stderr
