from django.core.management import call_command

from recommendations.models import ProgressUpdate, Recommendation, Review


def test_synthetic_data_has_the_asked_size_with_history_and_owners(db, capsys):
    call_command("seed_synthetic", "--reviews", "2", "--recommendations", "3", "--updates", "4")

    assert Review.objects.filter(slug__startswith="synthetic-").count() == 2
    assert Recommendation.objects.count() == 6
    assert ProgressUpdate.objects.count() == 24
    assert ProgressUpdate.history.count() == 24 and Recommendation.history.count() == 6
    assert all(r.supporting_agencies.count() == 2 for r in Recommendation.objects.all())
    assert "Added 2 reviews, 6 recommendations, 24 updates." in capsys.readouterr().out


def test_seeding_again_adds_new_reviews_beside_the_old(db):
    call_command("seed_synthetic", "--reviews", "1", "--recommendations", "2", "--updates", "1")
    call_command("seed_synthetic", "--reviews", "1", "--recommendations", "2", "--updates", "1")

    assert sorted(Review.objects.values_list("slug", flat=True)) == [
        "synthetic-0001",
        "synthetic-0002",
    ]
