from django.core.management.base import BaseCommand

from operations.synthetic import seed_synthetic


class Command(BaseCommand):
    help = "Add synthetic reviews, recommendations and updates (with history) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--reviews", type=int, default=100)
        parser.add_argument("--recommendations", type=int, default=40)
        parser.add_argument("--updates", type=int, default=50, help="updates per recommendation")
        parser.add_argument("--seed", type=int, default=2016)

    def handle(self, *args, reviews, recommendations, updates, seed, **options):
        created = seed_synthetic(
            reviews=reviews, recommendations=recommendations, updates=updates, seed=seed
        )
        total = len(created) * recommendations
        self.stdout.write(
            f"Added {len(created)} reviews, {total} recommendations, {total * updates} updates."
        )
