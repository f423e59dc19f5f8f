"""The container image and docs/deploy.md keep up with the code: every environment variable
the service reads is documented, and the image runs gunicorn as a non-root user with its
static files collected at build and a health check on /health/."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE = [
    "tracker",
    "accounts",
    "evidence",
    "reports",
    "reminders",
    "recommendations",
    "spreadsheets",
    "operations",
    "guidance",
    "govuk",
]
READ = re.compile(
    r"""(?:environ(?:\.get)?\(|environ\[|env_bool\(|env_list\()\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def variables():
    names = set()
    for app in SERVICE:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                names.update(READ.findall(path.read_text()))
    return names


def test_every_environment_variable_the_service_reads_is_in_the_deploy_guide():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    found = variables()

    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "EVIDENCE_S3_BUCKET"} <= found
    assert sorted(name for name in found if f"`{name}`" not in guide) == []


def test_the_image_runs_gunicorn_as_a_non_root_user_with_a_health_check():
    image = (ROOT / "Containerfile").read_text()

    assert re.search(r"^USER (?!root)\w+", image, re.M)
    assert "collectstatic" in image
    assert re.search(r"^HEALTHCHECK .*", image, re.M) and "/health/" in image
    assert re.search(r'^CMD \["gunicorn", "tracker.wsgi"', image, re.M)
