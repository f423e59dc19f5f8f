"""`make bench`: the longest report an editor can make, against the demo's, in the same run.

Issue 16's finding: 840 uploaded updates of about 5,000 characters made the full report
600+ pages. This adds that flood to the full report's period, inside a transaction rolled
back at the end (the database is left as it was), and prints the demo's full report and
the flooded one, best of `--repeat` prints each: pages, characters of HTML, WeasyPrint time
and the ratio. The goal: a few times the demo's print time (reports/assembly.py's bounds).
"""

import datetime
import io
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from recommendations.models import ProgressUpdate, Recommendation, Status
from reports.models import Report, ReportKind
from reports.rendering import render_report_html

UPDATES = 840
TEXT = ("safeguarding " * 400)[:4990]


def measure(report, repeat):
    from reports.pdf import html_to_pdf

    html = render_report_html(report)
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        pdf = html_to_pdf(html)
        seconds.append(time.perf_counter() - started)
    return {"pages": len(PdfReader(io.BytesIO(pdf)).pages), "html": len(html), "s": min(seconds)}


class Command(BaseCommand):
    help = "Print the demo's full report, then with 840 long updates added, and compare."

    def add_arguments(self, parser):
        parser.add_argument("--review", default="cse-scrutiny-review")
        parser.add_argument("--repeat", type=int, default=2)

    def handle(self, *args, review, repeat, **options):
        report = (
            Report.objects.select_related("review")
            .filter(review__slug=review, kind=ReportKind.FULL)
            .order_by("-as_at")
            .first()
        )
        author = get_user_model().objects.filter(is_active=True).first()
        if report is None or author is None:
            raise CommandError(f"No full report of '{review}': load the demo first.")
        demo = measure(report, repeat)
        with transaction.atomic():
            recommendations = list(Recommendation.objects.filter(review=report.review))
            ProgressUpdate.objects.bulk_create(  # no history: the flood is rolled back
                ProgressUpdate(
                    recommendation=recommendation,
                    agency=recommendation.lead_agency,
                    author=author,
                    date=report.as_at - datetime.timedelta(days=index % 40),
                    status=Status.GREEN,
                    narrative=TEXT,
                    evidence_of_impact=TEXT[:2000],
                    recorded_at=timezone.now(),
                )
                for index, recommendation in (
                    (i, recommendations[i % len(recommendations)]) for i in range(UPDATES)
                )
            )
            flooded = measure(report, repeat)
            transaction.set_rollback(True)
        self.stdout.write("| report | pages | HTML characters | WeasyPrint s |")
        self.stdout.write("|---|---|---|---|")
        for name, row in (("demo full report", demo), (f"+ {UPDATES} long updates", flooded)):
            self.stdout.write(f"| {name} | {row['pages']} | {row['html']:,} | {row['s']:.2f} |")
        self.stdout.write(f"\nFlooded ÷ demo print time: {flooded['s'] / demo['s']:.1f}×")
