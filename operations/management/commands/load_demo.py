from django.core.management.base import BaseCommand, CommandError

from operations.loading import load_demo, read_json
from recommendations.models import Review


class Command(BaseCommand):
    help = "Create the demo users and progress history (only with TRACKER_DEMO=1)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="for example fixtures/demo.json")
        parser.add_argument("--review", default="cse-scrutiny-review", help="the review's slug")

    def handle(self, *args, file, review, **options):
        try:
            review = Review.objects.get(slug=review)
        except Review.DoesNotExist as error:
            raise CommandError(f"No review '{review}': load it first with load_review.") from error
        data = read_json(file)
        users = load_demo(data, review=review)
        self.stdout.write(f"Demo sign-ins (password: {data['password']}):")
        for item in data["users"]:
            agencies = ", ".join(item.get("agencies", [])) or "-"
            self.stdout.write(
                f"  {users[item['username']].username:22} {item['role']:14} {agencies}"
            )
