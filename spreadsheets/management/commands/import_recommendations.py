from django.core.management.base import BaseCommand, CommandError

from recommendations.models import Review
from spreadsheets.files import SpreadsheetError
from spreadsheets.importing import apply_recommendation_import, plan_recommendation_import


class Command(BaseCommand):
    help = (
        "Preview, and with --apply save, a review's recommendations from a CSV or .xlsx file "
        "(columns: Number, Short title, Recommendation, Theme, Lead agency, Supporting "
        "agencies, Lead officer, Target date). A file with any error saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("review", help="the review's slug, e.g. cse-scrutiny-review")
        parser.add_argument("file")
        parser.add_argument(
            "--apply", action="store_true", help="save the changes (default: preview)"
        )

    def handle(self, *args, review, file, apply, **options):
        try:
            review = Review.objects.get(slug=review)
        except Review.DoesNotExist as error:
            raise CommandError(f"No review '{review}'.") from error
        try:
            with open(file, "rb") as upload:
                plan = plan_recommendation_import(review, upload)
        except (OSError, SpreadsheetError) as error:
            raise CommandError(str(error)) from error
        for row in plan.rows:
            if row.action == "create":
                self.stdout.write(f"Row {row.row}: create recommendation {row.number}")
            for label, before, after in row.changes:
                self.stdout.write(
                    f"Row {row.row}: recommendation {row.number}, {label}: “{before}” → “{after}”"
                )
        for name in plan.new_themes:
            self.stdout.write(f"New theme: {name}")
        for error in plan.errors:
            self.stderr.write(f"Row {error.row}, {error.column}: {error.reason}")
        summary = (
            f"{len(plan.rows_to('create'))} to create, {len(plan.rows_to('update'))} to change, "
            f"{len(plan.rows_to('unchanged'))} unchanged, {len(plan.errors)} errors."
        )
        if plan.errors:
            raise CommandError(summary + " Nothing was saved.")
        if not apply:
            self.stdout.write(summary + " Nothing saved: run again with --apply to save.")
            return
        apply_recommendation_import(plan, user=None)
        self.stdout.write(summary + " Saved.")
