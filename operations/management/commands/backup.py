from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from operations.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump, or SQLite's online backup API)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: var/backups/<time>.backup)")

    def handle(self, *args, output, **options):
        output = output or f"var/backups/tracker-{timezone.now():%Y%m%d-%H%M%S}.backup"
        try:
            path = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {path}")
