"""The synthetic review in the 2022 inquiry's shape: 47 recommendations, 148 actions, four
agencies, with updates, history and a full report (`seed_synthetic --actions-review`)."""

from django.core.management import call_command

from recommendations.models import Action, ActionUpdate, Recommendation, Review
from reports.assembly import report_content
from reports.models import Report


def test_the_actions_review_has_the_inquirys_shape_with_history_and_a_report(db, capsys):
    call_command("seed_synthetic", "--reviews", "0", "--actions-review")

    review = Review.objects.get(slug="synthetic-inquiry-2022")
    actions = Action.objects.filter(recommendation__review=review)
    assert Recommendation.objects.filter(review=review).count() == 47
    assert actions.count() == 148
    assert actions.values("owner").distinct().count() == 4
    assert ActionUpdate.objects.filter(action__in=actions).count() == 148 * 3
    assert Action.history.count() == 148
    assert sorted(actions.filter(recommendation__number=1).values_list("number", flat=True)) == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
    ]
    content = report_content(Report.objects.get(review=review))
    assert content.action_total == 148 and len(content.with_actions) == 47
    assert "47 recommendations, 148 actions." in capsys.readouterr().out


def test_seeding_the_actions_review_twice_adds_it_once(db):
    call_command("seed_synthetic", "--reviews", "0", "--actions-review")
    call_command("seed_synthetic", "--reviews", "0", "--actions-review")

    assert Review.objects.filter(slug="synthetic-inquiry-2022").count() == 1
    assert Action.objects.count() == 148
