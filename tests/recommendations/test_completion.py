import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recommendations import services
from recommendations.models import CompletionDecision, ProgressUpdate, Recommendation, Status
from tests.conftest import make_update

OCTOBER = datetime.date(2016, 10, 3)
NOVEMBER = datetime.date(2016, 11, 21)


@pytest.fixture
def claimed(recommendation, police_editor):
    """On track in October; reported complete in November."""
    make_update(recommendation, police_editor, date=OCTOBER, status=Status.GREEN)
    return make_update(
        recommendation,
        police_editor,
        date=NOVEMBER,
        status=Status.BLUE,
        evidence_of_impact="Audit of 40 cases shows the pathway used in all.",
    )


def position(recommendation, on=None):
    return Recommendation.objects.with_status(on).get(pk=recommendation.pk)


def test_a_reported_completion_awaits_sign_off(claimed, recommendation):
    row = position(recommendation)

    assert row.status == Status.BLUE
    assert row.awaiting_sign_off


def test_signing_off_records_the_decision_with_history(claimed, recommendation, administrator):
    decision = services.completion_decide(
        update=claimed,
        user=administrator,
        decision=CompletionDecision.SIGNED_OFF,
        note="Audit evidence seen at the December board.",
    )

    row = position(recommendation)
    assert (row.status, row.signed_off, row.awaiting_sign_off) == (Status.BLUE, True, False)
    assert decision.history.get().history_user == administrator


def test_sign_off_counts_only_from_the_day_it_was_made(claimed, recommendation, administrator):
    services.completion_decide(
        update=claimed, user=administrator, decision=CompletionDecision.SIGNED_OFF, note="Seen."
    )
    before = datetime.date(2016, 11, 30)

    assert position(recommendation, before).awaiting_sign_off  # decided today, after that date


def test_returning_a_completion_puts_the_status_back_until_the_agency_reports_again(
    claimed, recommendation, administrator, police_editor
):
    services.completion_decide(
        update=claimed,
        user=administrator,
        decision=CompletionDecision.RETURNED,
        note="The audit covers one team only: show the pathway used borough-wide.",
    )

    assert position(recommendation).status == Status.GREEN
    make_update(recommendation, police_editor, date=datetime.date(2016, 12, 1), status=Status.BLUE)
    assert position(recommendation).awaiting_sign_off


def test_only_the_administrator_decides(claimed, police_editor):
    with pytest.raises(PermissionDenied):
        services.completion_decide(
            update=claimed, user=police_editor, decision=CompletionDecision.SIGNED_OFF, note="x"
        )

    assert not CompletionDecision.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": "  "}, "This field cannot be blank."),
        ({"decision": "maybe"}, "Value 'maybe' is not a valid choice."),
    ],
)
def test_a_decision_needs_a_valid_choice_and_a_note(claimed, administrator, fields, message):
    with pytest.raises(ValidationError, match=message):
        services.completion_decide(
            update=claimed,
            user=administrator,
            **{"decision": CompletionDecision.SIGNED_OFF, "note": "Seen.", **fields},
        )

    assert not CompletionDecision.objects.exists()


def test_only_the_current_claim_of_completion_can_be_decided(
    claimed, recommendation, administrator, police_editor
):
    make_update(recommendation, police_editor, date=datetime.date(2016, 12, 5), status=Status.BLUE)

    with pytest.raises(ValidationError, match="Only the latest update"):
        services.completion_decide(
            update=claimed, user=administrator, decision=CompletionDecision.SIGNED_OFF, note="x"
        )


def test_an_update_that_is_not_a_completion_cannot_be_signed_off(
    recommendation, police_editor, administrator
):
    update = make_update(recommendation, police_editor, date=OCTOBER, status=Status.GREEN)

    with pytest.raises(ValidationError, match="reports the recommendation complete"):
        services.completion_decide(
            update=update, user=administrator, decision=CompletionDecision.SIGNED_OFF, note="x"
        )


def test_a_decided_update_can_no_longer_be_corrected(claimed, administrator, police_editor):
    services.completion_decide(
        update=claimed, user=administrator, decision=CompletionDecision.SIGNED_OFF, note="Seen."
    )

    with pytest.raises(services.LockedUpdateError, match="The board has decided"):
        services.progress_update_correct(
            update=claimed,
            user=police_editor,
            expected_version=1,
            date=NOVEMBER,
            status=Status.BLUE,
            narrative="Changed after sign-off.",
        )


def test_the_administrator_signs_off_from_the_recommendation_page(
    client, claimed, recommendation, administrator
):
    client.force_login(administrator)
    page = client.get(f"/reviews/{recommendation.review.slug}/recommendations/1/")
    assert "Awaiting sign-off" in page.content.decode()
    assert "Sign off or return this completion" in page.content.decode()

    response = client.post(
        f"/updates/{claimed.pk}/completion/",
        {"decision": "signed_off", "note": "Audit seen by the board."},
        follow=True,
    )

    content = response.content.decode()
    assert "Completion signed off." in content
    assert "Completion signed off by the board" in content and "Audit seen by the board." in content
    assert "Awaiting sign-off" not in content


def test_the_agency_sees_why_its_completion_was_returned(
    client, claimed, recommendation, administrator, police_editor
):
    client.force_login(administrator)
    client.post(
        f"/updates/{claimed.pk}/completion/",
        {"decision": "returned", "note": "Show borough-wide <evidence>."},
    )
    client.force_login(police_editor)

    content = client.get(
        f"/reviews/{recommendation.review.slug}/recommendations/1/"
    ).content.decode()

    assert "Completion returned to the agency" in content
    assert "Show borough-wide &lt;evidence&gt;." in content


def test_a_decision_without_a_note_is_refused_with_a_message(client, claimed, administrator):
    client.force_login(administrator)

    response = client.post(f"/updates/{claimed.pk}/completion/", {"decision": "signed_off"})

    assert response.status_code == 400
    assert (
        "Enter the evidence of impact you saw, or why you are returning it"
        in response.content.decode()
    )
    assert not CompletionDecision.objects.exists()


@pytest.mark.parametrize("who", ["reader", "police_editor"])
def test_only_the_administrator_sees_or_uses_the_sign_off(
    client, claimed, recommendation, who, request
):
    client.force_login(request.getfixturevalue(who))

    page = client.get(f"/reviews/{recommendation.review.slug}/recommendations/1/")
    post = client.post(
        f"/updates/{claimed.pk}/completion/", {"decision": "signed_off", "note": "x"}
    )

    assert "Sign off or return this completion" not in page.content.decode()
    assert post.status_code == 403
    assert not CompletionDecision.objects.exists()
    assert ProgressUpdate.objects.count() == 2


def test_a_later_complete_update_keeps_the_sign_off_until_the_recommendation_slips(
    claimed, recommendation, administrator, police_editor
):
    services.completion_decide(
        update=claimed, user=administrator, decision=CompletionDecision.SIGNED_OFF, note="Seen."
    )
    make_update(recommendation, police_editor, date=datetime.date(2016, 12, 1), status=Status.BLUE)
    assert position(recommendation).signed_off

    make_update(recommendation, police_editor, date=datetime.date(2016, 12, 8), status=Status.AMBER)
    make_update(recommendation, police_editor, date=datetime.date(2016, 12, 15), status=Status.BLUE)

    assert position(recommendation).awaiting_sign_off  # complete again: a new claim to sign off
