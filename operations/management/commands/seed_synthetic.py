from django.core.management.base import BaseCommand

from operations.synthetic import (
    INQUIRY_ACTIONS,
    INQUIRY_RECOMMENDATIONS,
    seed_actions_review,
    seed_synthetic,
)
from recommendations.models import Action


class Command(BaseCommand):
    help = "Add synthetic reviews, recommendations and updates (with history) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--reviews", type=int, default=100)
        parser.add_argument("--recommendations", type=int, default=40)
        parser.add_argument("--updates", type=int, default=50, help="updates per recommendation")
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument(
            "--actions-review",
            action="store_true",
            help=f"also add a review of {INQUIRY_RECOMMENDATIONS} recommendations split into "
            f"{INQUIRY_ACTIONS} actions across four agencies, with updates and its full report",
        )

    def handle(self, *args, reviews, recommendations, updates, seed, actions_review, **options):
        created = seed_synthetic(
            reviews=reviews, recommendations=recommendations, updates=updates, seed=seed
        )
        total = len(created) * recommendations
        self.stdout.write(
            f"Added {len(created)} reviews, {total} recommendations, {total * updates} updates."
        )
        if actions_review:
            review = seed_actions_review()
            actions = Action.objects.filter(recommendation__review=review).count()
            self.stdout.write(
                f"Actions review {review.slug}: {review.recommendations.count()} "
                f"recommendations, {actions} actions."
            )
