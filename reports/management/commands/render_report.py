import datetime
import statistics
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations.models import Review
from reports.assembly import report_content
from reports.models import Report, ReportKind
from reports.rendering import render_report_html


class Command(BaseCommand):
    help = (
        "Render a review's progress report as at a cut-off date, as a draft PDF (or HTML). "
        "Uses the saved report of that kind and date if there is one, its details otherwise "
        "taken from the review."
    )

    def add_arguments(self, parser):
        parser.add_argument("review", help="the review's slug, e.g. cse-scrutiny-review")
        parser.add_argument("kind", choices=ReportKind.values)
        parser.add_argument(
            "--as-at",
            type=datetime.date.fromisoformat,
            help="cut-off date, YYYY-MM-DD (default: the latest saved report of this kind)",
        )
        parser.add_argument("--output", "-o", required=True, help="file to write, '-' for stdout")
        parser.add_argument("--html", action="store_true", help="write the HTML, not the PDF")
        parser.add_argument(
            "--repeat",
            type=int,
            default=1,
            help="render N times and report the median time of assembly, template and WeasyPrint",
        )

    def handle(self, *args, review, kind, as_at, output, html, repeat, **options):
        try:
            review = Review.objects.get(slug=review)
        except Review.DoesNotExist as error:
            raise CommandError(f"No review '{review}'.") from error
        report = self._report(review, kind, as_at)
        timings = []
        for _ in range(max(repeat, 1)):
            data, timing = self._render(report, html=html)
            timings.append(timing)
        if repeat > 1:
            medians = {stage: statistics.median(t[stage] for t in timings) for stage in timings[0]}
            self.stderr.write(
                f"Median of {repeat} runs: "
                + ", ".join(f"{stage} {seconds:.3f} s" for stage, seconds in medians.items())
            )
        if output == "-":
            sys.stdout.buffer.write(data)
        else:
            Path(output).write_bytes(data)
            self.stderr.write(f"Wrote {output} ({len(data):,} bytes), as at {report.as_at}.")

    def _render(self, report, *, html):
        started = time.perf_counter()
        content = report_content(report)
        assembled = time.perf_counter()
        document = render_report_html(report, content=content)
        templated = time.perf_counter()
        timing = {"assembly": assembled - started, "template": templated - assembled}
        if html:
            return document.encode(), timing
        from reports.pdf import html_to_pdf  # WeasyPrint is imported only to print

        data = html_to_pdf(document)
        timing["WeasyPrint"] = time.perf_counter() - templated
        return data, timing

    def _report(self, review, kind, as_at):
        reports = Report.objects.filter(review=review, kind=kind).select_related("review")
        if as_at is None:
            report = reports.order_by("-as_at").first()
            if report is None:
                raise CommandError(f"No saved {kind} report of this review: give --as-at.")
            return report
        return reports.filter(as_at=as_at).first() or Report(
            review=review,
            kind=kind,
            as_at=as_at,
            title=f"{review.title}: {ReportKind(kind).label}",
            committee=review.committee,
            meeting_date=as_at,
        )
