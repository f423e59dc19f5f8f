"""The board's decisions reach people: returned claims are e-mailed and shown, and the
administrator has a queue of claims awaiting a decision."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from recommendations import services
from recommendations.models import CompletionDecision, Status
from tests.conftest import make_update, make_user

OCTOBER = datetime.date(2016, 10, 3)
NOVEMBER = datetime.date(2016, 11, 21)


@pytest.fixture
def claimed(recommendation, police_editor):
    make_update(recommendation, police_editor, date=OCTOBER, status=Status.GREEN)
    return make_update(
        recommendation,
        police_editor,
        date=NOVEMBER,
        status=Status.BLUE,
        narrative="Secret detail about a child's case.",
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def return_claim(update, administrator):
    return services.completion_decide(
        update=update,
        user=administrator,
        decision=CompletionDecision.RETURNED,
        note="No evidence that the pathway is used.",
    )


def test_returning_a_claim_emails_the_agency_editors_a_title_and_a_link_only(
    claimed, administrator, police_editor, council_editor, django_capture_on_commit_callbacks
):
    make_user("another.police", agencies=[police_editor.agencies.get()])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        return_claim(claimed, administrator)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "another.police@example.org",
        "editor.police@example.org",
    ]
    message = mail.outbox[0]
    assert "Claim of completion returned: recommendation 1" in message.subject
    assert "/reviews/test-review/recommendations/1/" in message.body
    assert "Secret detail" not in message.body
    assert "No evidence that the pathway is used." not in message.body  # on the page only


def test_the_agency_sees_returned_by_the_board_until_it_posts_again(
    claimed, administrator, police_editor
):
    return_claim(claimed, administrator)
    editor = signed_in(police_editor)
    my_agency = reverse("recommendations:my_agency", args=["test-review"])
    dashboard = reverse("recommendations:dashboard", args=["test-review"])

    assert "Returned by the board" in editor.get(my_agency).text
    assert "Returned by the board" in editor.get(dashboard).text

    make_update(claimed.recommendation, police_editor, date=NOVEMBER, status=Status.GREEN)

    assert "Returned by the board" not in editor.get(my_agency).text
    assert "Returned by the board" not in editor.get(dashboard).text


def test_the_sign_off_queue_lists_claims_oldest_first_with_its_count_in_the_navigation(
    review, police, council, police_editor, council_editor, administrator
):
    from tests.conftest import make_recommendation

    first = make_recommendation(review, police, number=1, short_title="Older claim")
    second = make_recommendation(review, council, number=2, short_title="Newer claim")
    make_recommendation(review, council, number=3, short_title="Still on track")
    make_update(first, police_editor, date=OCTOBER, status=Status.BLUE)
    make_update(second, council_editor, date=NOVEMBER, status=Status.BLUE)

    board = signed_in(administrator)
    page = board.get(reverse("recommendations:sign_off_queue", args=["test-review"]))

    assert page.status_code == 200
    text = page.text
    assert text.index("Older claim") < text.index("Newer claim")
    assert "Still on track" not in text
    assert "Sign-off (2<span" in text  # the navigation's count
    assert "2 claims of completion await the board" in text


def test_signing_off_your_own_claim_warns_and_says_so_in_the_timeline(
    recommendation, administrator
):
    own = make_update(recommendation, administrator, date=NOVEMBER, status=Status.BLUE)
    board = signed_in(administrator)
    url = reverse("recommendations:completion_decision", args=[own.pk])

    assert "You posted this claim yourself" in board.get(url).text
    board.post(url, {"decision": CompletionDecision.SIGNED_OFF, "note": "Evidence seen."})

    detail = board.get(reverse("recommendations:detail", args=["test-review", 1])).text
    assert "decided by the person who made the claim" in detail


def test_the_report_marks_a_completion_signed_off_by_the_person_who_claimed_it(
    recommendation, administrator
):
    from reports.models import ReportKind
    from reports.rendering import render_report_html
    from tests.reports.conftest import make_report

    own = make_update(recommendation, administrator, date=NOVEMBER, status=Status.BLUE)
    services.completion_decide(
        update=own, user=administrator, decision=CompletionDecision.SIGNED_OFF, note="Seen."
    )
    report = make_report(recommendation.review, kind=ReportKind.FULL, as_at=datetime.date.today())

    html = render_report_html(report)

    assert "Signed off by the board administrator who had made the claim" in html
