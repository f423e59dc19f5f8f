import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from recommendations.models import ProgressUpdate, Recommendation, Status
from tests.conftest import make_agency, make_recommendation, make_update

TODAY = datetime.date(2016, 12, 5)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2016, 12, 5, 12, 0, tzinfo=datetime.UTC)):
        yield


def messages(error):
    return {field: " ".join(texts) for field, texts in error.value.message_dict.items()}


def test_an_update_cannot_describe_a_future_date(recommendation, police_editor):
    with pytest.raises(ValidationError) as error:
        make_update(recommendation, police_editor, date=TODAY + datetime.timedelta(days=1))

    assert messages(error)["date"] == "The date of the update cannot be in the future."
    assert not ProgressUpdate.objects.exists()


def test_an_update_cannot_describe_a_date_before_the_review_was_published(
    recommendation, police_editor
):
    with pytest.raises(ValidationError) as error:
        make_update(recommendation, police_editor, date=datetime.date(2016, 5, 18))

    assert "before the review was published on 19 May 2016" in messages(error)["date"]
    assert not ProgressUpdate.objects.exists()


def test_only_an_owning_agency_can_report_on_a_recommendation(recommendation, administrator):
    outsider = make_agency("Licensing", "Council Licensing")

    with pytest.raises(ValidationError) as error:
        make_update(recommendation, administrator, date=TODAY, agency=outsider)

    assert "Council Licensing does not own recommendation 1" in messages(error)["agency"]
    assert not ProgressUpdate.objects.exists()


def test_a_supporting_agency_can_report_on_a_recommendation(
    recommendation, council_editor, council
):
    update = make_update(recommendation, council_editor, date=TODAY, agency=council)

    assert update.agency == council


def test_an_editor_cannot_report_in_the_name_of_another_agency(recommendation, council_editor):
    with pytest.raises(PermissionDenied):
        make_update(recommendation, council_editor, date=TODAY, agency=recommendation.lead_agency)

    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("narrative", "", "This field cannot be blank."),
        ("narrative", "x" * 5001, "Ensure this value has at most 5000 characters"),
        ("narrative", "Done\x00", "Null characters are not allowed."),
        ("status", "purple", "Value 'purple' is not a valid choice."),
    ],
)
def test_bad_update_text_or_status_gets_a_clear_message(
    recommendation, police_editor, field, value, expected
):
    fields = {"narrative": "Training delivered.", "status": Status.GREEN, field: value}

    with pytest.raises(ValidationError) as error:
        make_update(recommendation, police_editor, date=TODAY, **fields)

    assert expected in messages(error)[field]
    assert not ProgressUpdate.objects.exists()


def test_recommendation_numbers_start_at_one(review, police):
    with pytest.raises(ValidationError) as error:
        make_recommendation(review, police, number=0)

    assert "greater than or equal to 1" in messages(error)["number"]


def test_the_database_refuses_a_recommendation_numbered_zero(review, police):
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(
            review=review, number=0, short_title="x", text="x", lead_agency=police
        )


def test_the_database_refuses_two_recommendations_with_the_same_number(recommendation, police):
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(
            review=recommendation.review, number=1, short_title="x", text="x", lead_agency=police
        )


def test_the_lead_agency_cannot_also_support_its_recommendation(review, police):
    with pytest.raises(ValidationError) as error:
        make_recommendation(review, police, number=2, supporting_agencies=[police])

    assert "cannot also be a supporting agency" in messages(error)["supporting_agencies"]
    assert not Recommendation.objects.filter(number=2).exists()
