import datetime
import hashlib
import sqlite3

import psycopg
import pytest
from django.db import connection

from operations.backups import backup, restore
from recommendations.models import Status
from reports.models import ReportVersion
from tests.conftest import make_recommendation, make_update
from tests.reports.conftest import make_report

TABLES = [
    "recommendations_recommendation",
    "recommendations_progressupdate",
    "recommendations_historicalrecommendation",
    "recommendations_historicalprogressupdate",
]
HASHES = "SELECT number, sha256 FROM reports_reportversion ORDER BY number"


@pytest.fixture
def recorded(review, police, council, police_editor, administrator):
    for number in (1, 2):
        recommendation = make_recommendation(review, police, number=number)
        make_update(recommendation, police_editor, date=datetime.date(2016, 11, 1))
        make_update(
            recommendation,
            police_editor,
            date=datetime.date(2016, 11, 20),
            status=Status.BLUE,
            evidence_of_impact="Audited.",
        )
    report = make_report(review)
    pdf = b"%PDF-1.7 issued bytes"
    ReportVersion.objects.create(
        report=report,
        number=1,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_by=administrator,
        issued_at=datetime.datetime(2016, 12, 1, tzinfo=datetime.UTC),
    )


def snapshot(cursor):
    counts = {}
    for table in TABLES:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
        counts[table] = cursor.fetchone()[0]
    cursor.execute(HASHES)
    return counts, [tuple(row) for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_has_the_same_records(recorded, tmp_path):
    with connection.cursor() as cursor:
        before = snapshot(cursor)
    path = backup(tmp_path / "tracker.backup")

    if connection.vendor == "postgresql":
        after = _restore_into_fresh_postgresql(path)
    else:
        fresh = tmp_path / "fresh.sqlite3"
        restore(path, database=str(fresh))
        with sqlite3.connect(fresh) as restored:
            after = snapshot(restored.cursor())

    assert before[0]["recommendations_historicalprogressupdate"] == 4
    assert before[1] == [(1, hashlib.sha256(b"%PDF-1.7 issued bytes").hexdigest())]
    assert after == before


def _restore_into_fresh_postgresql(path):
    settings = connection.settings_dict
    fresh = f"{settings['NAME']}_restore_check"
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "autocommit": True,
    }
    with psycopg.connect(dbname="postgres", **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restore(path, database=fresh)
        with psycopg.connect(dbname=fresh, **params) as restored:
            return snapshot(restored.cursor())
    finally:
        with psycopg.connect(dbname="postgres", **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
