import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommendations.models import Review
from reports.models import ReportKind
from reports.services import report_save

CONTACT = "Business Manager, Telford & Wrekin Safeguarding Children Board"

DEMO_REPORTS = [
    {
        "kind": ReportKind.INTERIM,
        "title": "Scrutiny Review of Child Sexual Exploitation: Interim Progress Report",
        "meeting_date": datetime.date(2016, 12, 8),
        "as_at": datetime.date(2016, 11, 30),
        "papers_due": datetime.date(2016, 12, 1),
    },
    {
        "kind": ReportKind.FULL,
        "title": "Scrutiny Review of Child Sexual Exploitation: Progress Report",
        "meeting_date": datetime.date(2017, 5, 18),
        "as_at": datetime.date(2017, 4, 30),
        "papers_due": datetime.date(2017, 5, 8),
    },
]


class Command(BaseCommand):
    help = (
        "Create the demo review's December 2016 interim and May 2017 full progress reports "
        "(only with TRACKER_DEMO=1). Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--review", default="cse-scrutiny-review", help="the review's slug")

    def handle(self, *args, review, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo reports are only created when TRACKER_DEMO=1.")
        try:
            review = Review.objects.get(slug=review)
        except Review.DoesNotExist as error:
            raise CommandError(f"No review '{review}': load it first with load_review.") from error
        for item in DEMO_REPORTS:
            report = report_save(
                review=review,
                committee=review.committee,
                contact_officer=CONTACT,
                **item,
            )
            self.stdout.write(f"Report: {report.title}, as at {report.as_at:%d %B %Y}.")
