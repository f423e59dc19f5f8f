import datetime

import pytest
from django.core.exceptions import PermissionDenied

from recommendations import services
from recommendations.models import Status
from tests.conftest import make_update

DATE = datetime.date(2016, 11, 1)


def test_posting_an_update_records_one_history_row_with_its_author(recommendation, police_editor):
    update = make_update(recommendation, police_editor, date=DATE)

    history = list(update.history.all())
    assert len(history) == 1
    assert history[0].history_type == "+"
    assert history[0].history_user == police_editor


def test_a_correction_records_one_history_row_with_who_corrected_it(
    recommendation, police_editor, administrator
):
    update = make_update(recommendation, police_editor, date=DATE, narrative="Training arranged.")

    services.progress_update_correct(
        update=update,
        user=administrator,
        expected_version=1,
        date=DATE,
        status=Status.AMBER,
        narrative="Training arranged for 40 drivers.",
    )

    history = list(update.history.order_by("history_date"))
    assert len(history) == 2
    assert history[0].narrative == "Training arranged."
    assert history[1].narrative == "Training arranged for 40 drivers."
    assert history[1].history_user == administrator


def test_a_correction_against_an_old_version_is_refused_and_changes_nothing(
    recommendation, police_editor
):
    update = make_update(recommendation, police_editor, date=DATE, narrative="First.")
    services.progress_update_correct(
        update=update,
        user=police_editor,
        expected_version=1,
        date=DATE,
        status=Status.GREEN,
        narrative="Second.",
    )

    with pytest.raises(services.StaleUpdateError) as error:
        services.progress_update_correct(
            update=update,
            user=police_editor,
            expected_version=1,
            date=DATE,
            status=Status.RED,
            narrative="Third.",
        )

    assert error.value.current.narrative == "Second."
    update.refresh_from_db()
    assert (update.narrative, update.version, update.history.count()) == ("Second.", 2, 2)


def test_an_editor_of_another_agency_cannot_correct_an_update(
    recommendation, police_editor, reader
):
    update = make_update(recommendation, police_editor, date=DATE, narrative="Original.")

    with pytest.raises(PermissionDenied):
        services.progress_update_correct(
            update=update,
            user=reader,
            expected_version=1,
            date=DATE,
            status=Status.RED,
            narrative="Changed.",
        )

    update.refresh_from_db()
    assert update.narrative == "Original."
    assert update.history.count() == 1


def test_posting_the_same_form_twice_creates_one_update(recommendation, police_editor):
    key = services.new_submission_key()

    first = make_update(recommendation, police_editor, date=DATE, submission_key=key)
    second = make_update(recommendation, police_editor, date=DATE, submission_key=key)

    assert first.pk == second.pk
    assert recommendation.updates.count() == 1


def test_changing_a_recommendation_records_history_with_its_user(recommendation, administrator):
    services.recommendation_save(
        review=recommendation.review,
        number=1,
        lead_agency=recommendation.lead_agency,
        supporting_agencies=recommendation.supporting_agencies.all(),
        short_title=recommendation.short_title,
        text="New wording.",
        lead_officer=recommendation.lead_officer,
        user=administrator,
    )

    latest = recommendation.history.latest()
    assert (latest.text, latest.history_user) == ("New wording.", administrator)
    assert recommendation.history.count() == 2


def test_saving_a_recommendation_unchanged_records_no_history(recommendation):
    services.recommendation_save(
        review=recommendation.review,
        number=1,
        lead_agency=recommendation.lead_agency,
        supporting_agencies=recommendation.supporting_agencies.all(),
        short_title=recommendation.short_title,
        text=recommendation.text,
        lead_officer=recommendation.lead_officer,
    )

    assert recommendation.history.count() == 1
