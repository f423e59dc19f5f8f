"""Generated input posted to the report schedule's forms: never a server error, and nothing
saved from input the form refuses (the house's fuzzing, tests/tracker/test_fuzz.py)."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from reports.models import ReportKind
from reports.services import WORDS_FIELDS
from tests.conftest import make_review, make_user
from tests.reports.conftest import make_report
from tests.tracker.test_fuzz import (
    FUZZ,
    date_fields,
    nasty_text,
    post_and_check,
    redirect_to,
    signed_in,
)

pytestmark = pytest.mark.django_db

kind_text = st.one_of(st.sampled_from(ReportKind.values), nasty_text)


def schedule_fields(prefix=""):
    text = {f"{prefix}{name}": nasty_text for name in ("title", "committee", "contact_officer")}
    return st.fixed_dictionaries({f"{prefix}kind": kind_text, **text})


@pytest.fixture
def board(db):
    review = make_review()
    return {
        "review": review,
        "report": make_report(review),
        "administrator": make_user("admin", administrator=True),
    }


@FUZZ
@given(data=st.data())
def test_scheduling_or_changing_a_report_never_fails_and_saves_nothing_refused(board, data):
    client = signed_in(board["administrator"])
    fields = data.draw(schedule_fields())
    for name in ("meeting_date", "as_at", "papers_due"):
        fields.update(data.draw(date_fields(name)))
    url = data.draw(
        st.sampled_from(
            [
                reverse("reports:schedule_add", args=["test-review"]),
                reverse("reports:schedule_edit", args=["test-review", board["report"].pk]),
            ]
        )
    )

    post_and_check(client, url, fields, success=redirect_to("/reviews/test-review/reports/"))


@FUZZ
@given(data=st.data())
def test_planning_the_next_year_never_fails_and_saves_nothing_refused(board, data):
    client = signed_in(board["administrator"])
    fields = {}
    for prefix in ("report-0-", "report-1-"):
        fields.update(data.draw(schedule_fields(prefix)))
        fields[f"{prefix}include"] = data.draw(st.one_of(st.just("on"), nasty_text))
        for name in ("meeting_date", "as_at", "papers_due"):
            fields.update(data.draw(date_fields(f"{prefix}{name}")))
    url = reverse("reports:schedule_plan", args=["test-review"])

    post_and_check(client, url, fields, success=redirect_to("/reviews/test-review/reports/"))


def test_removing_a_report_twice_at_once_or_after_issue_never_fails(board):
    client = signed_in(board["administrator"])
    url = reverse("reports:schedule_remove", args=["test-review", board["report"].pk])

    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 404


@FUZZ
@given(data=st.data())
def test_writing_a_reports_words_never_fails_and_saves_nothing_refused(board, data):
    client = signed_in(board["administrator"])
    fields = data.draw(st.fixed_dictionaries({name: nasty_text for name in WORDS_FIELDS}))
    url = reverse("reports:words", args=["test-review", board["report"].pk])

    post_and_check(
        client,
        url,
        fields,
        success=redirect_to(f"/reviews/test-review/reports/{board['report'].pk}/"),
    )
