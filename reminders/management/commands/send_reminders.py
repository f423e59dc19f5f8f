from django.core.management.base import BaseCommand
from django.utils import timezone

from reminders.services import reminders_send


class Command(BaseCommand):
    help = (
        "E-mail agency editors what they still owe before each review's next report cut-off, "
        "and the administrators a summary. Run daily; each reminder goes once per cut-off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=None,
            help="start reminding this many days before a cut-off (default: REMINDER_DAYS_BEFORE)",
        )

    def handle(self, *args, days_before, **options):
        today = timezone.localdate()
        sent = reminders_send(today=today, days_before=days_before)
        self.stdout.write(f"{sent} reminder e-mail(s) sent on {today:%d/%m/%Y}.")
