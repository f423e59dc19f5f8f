"""Data for `make load`: the demo review and users, 100 synthetic reviews, issued reports.

Idempotent: a second run adds nothing. Demo users share a published password, so this
refuses to run unless TRACKER_DEMO=1, like `load_demo`.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from recommendations.models import Review
from reports.models import Report
from reports.services import report_issue


class Command(BaseCommand):
    help = "Load the demo data and the benchmark's synthetic data, and issue the demo reports."

    def handle(self, *args, **options):
        if not Review.objects.filter(slug="cse-scrutiny-review").exists():
            call_command("load_review", "fixtures/cse-review.json")
        call_command("load_demo", "fixtures/demo.json")
        call_command("load_demo_reports")
        if not Review.objects.filter(slug__startswith="synthetic-").exists():
            call_command("seed_synthetic", reviews=100, recommendations=40, updates=50)
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.get(username="admin")
        for report in Report.objects.filter(review__slug="cse-scrutiny-review"):
            if not report.versions.exists():
                report_issue(report=report, user=admin)
                self.stdout.write(f"Issued {report}.")
