from django.core.management.base import BaseCommand

from operations.loading import load_review, read_json


class Command(BaseCommand):
    help = "Create or update a review, its agencies, themes and recommendations from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="for example fixtures/cse-review.json")

    def handle(self, *args, file, **options):
        review = load_review(read_json(file))
        count = review.recommendations.count()
        self.stdout.write(f"Loaded {review.title}: {count} recommendations.")
