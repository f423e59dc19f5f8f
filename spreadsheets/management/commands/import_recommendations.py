from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from recommendations.models import Review
from recommendations.roles import is_board_administrator
from spreadsheets.files import SpreadsheetError, parse_date
from spreadsheets.importing import (
    OFFER,
    apply_recommendation_import,
    plan_recommendation_import,
)
from spreadsheets.mapping import as_mapping
from spreadsheets.models import ImportMapping


class Command(BaseCommand):
    help = (
        "Preview, and with --apply save, a review's recommendations from a CSV or .xlsx file "
        "(columns: Number, Short title, Recommendation, Theme, Lead agency, Supporting "
        "agencies, Lead officer, Target date, Reference), or from a board's own tracker read "
        "with a column mapping saved when such a file was imported on the web (--mapping). "
        "A file with any error saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("review", help="the review's slug, e.g. cse-scrutiny-review")
        parser.add_argument("file")
        parser.add_argument(
            "--apply", action="store_true", help="save the changes (default: preview)"
        )
        parser.add_argument(
            "--mapping",
            type=int,
            metavar="ID",
            help="read the file with saved column mapping ID (the import's message names it)",
        )
        parser.add_argument(
            "--as-at",
            metavar="DATE",
            help="the date the latest-progress column is as at (default: the mapping's)",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="the administrator the changes and progress updates are recorded by",
        )
        parser.add_argument(
            "--create-agencies",
            action="store_true",
            help="create the agencies the file names that the tracker does not have",
        )

    def handle(self, *args, review, file, apply, mapping, as_at, user, create_agencies, **options):
        try:
            review = Review.objects.get(slug=review)
        except Review.DoesNotExist as error:
            raise CommandError(f"No review '{review}'.") from error
        user = self._user(user)
        layout = self._mapping(mapping, as_at)
        try:
            with open(file, "rb") as upload:
                plan = plan_recommendation_import(
                    review, upload, layout, create_agencies=OFFER if create_agencies else None
                )
        except (OSError, SpreadsheetError) as error:
            raise CommandError(str(error)) from error
        self._show(plan)
        errors = plan.errors
        summary = (
            f"{len(plan.rows_to('create'))} to create, {len(plan.rows_to('update'))} to change, "
            f"{len(plan.rows_to('unchanged'))} unchanged, "
            + (
                f"{len(plan.updates_to('create'))} progress updates to record, "
                if plan.records_progress
                else ""
            )
            + f"{len(errors)} errors."
        )
        if errors:
            raise CommandError(summary + " Nothing was saved.")
        if not apply:
            self.stdout.write(summary + " Nothing saved: run again with --apply to save.")
            return
        if plan.updates_to("create") and user is None:
            raise CommandError(
                "Recording progress updates needs --user: the administrator they are "
                "recorded by. Nothing was saved."
            )
        apply_recommendation_import(plan, user=user, create_agencies=plan.new_agencies)
        self.stdout.write(summary + " Saved.")

    def _user(self, username):
        if username is None:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not is_board_administrator(user):
            raise CommandError(f"'{username}' is not an active board administrator.")
        return user

    def _mapping(self, mapping_id, as_at):
        if mapping_id is None:
            if as_at:
                raise CommandError("--as-at needs --mapping: our own layout has no progress.")
            return None
        saved = ImportMapping.objects.filter(pk=mapping_id).first()
        if saved is None:
            raise CommandError(f"No column mapping {mapping_id}.")
        layout = as_mapping(saved)
        if as_at:
            try:
                layout.as_at = parse_date(as_at)
            except ValueError as error:
                raise CommandError(f"--as-at: {error}") from error
        return layout

    def _show(self, plan):
        for row in plan.rows:
            if row.action == "create":
                reference = row.fields.get("reference")
                shown = f" ({reference})" if reference else ""
                self.stdout.write(f"Row {row.row}: create recommendation {row.number}{shown}")
            for label, before, after in row.changes:
                self.stdout.write(
                    f"Row {row.row}: recommendation {row.number}, {label}: “{before}” → “{after}”"
                )
        for update in plan.updates_to("create"):
            status = update.fields["status"].label
            self.stdout.write(f"Row {update.row}: progress update on {update.number}, {status}")
        for name in plan.new_themes:
            self.stdout.write(f"New theme: {name}")
        for agency in plan.new_agencies.values():
            self.stdout.write(f"New agency: {agency.name}")
        for error in plan.errors:
            cell = f" (cell {error.cell})" if error.cell else ""
            self.stderr.write(f"Row {error.row}, {error.column}{cell}: {error.reason}")
