"""`make bench`: server time, queries per page and report timings, measured side by side.

Run once per database size (`--label demo`, `--label large`), each writing JSON; then
`--compare` prints the table that docs/benchmarks.md records. Timings are medians of
requests interleaved page by page through Django's test client, with DEBUG off, so
that both pages pay the same middleware, session and template costs.
"""

import json
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from operations.synthetic import seed_actions_review
from recommendations.models import Action, ProgressUpdate, Recommendation, Review
from reports.assembly import report_content
from reports.models import Report, ReportKind
from reports.rendering import render_report_html

DEMO_REVIEW = "cse-scrutiny-review"
ACTIONS_REVIEW = "synthetic-inquiry-2022"  # operations.synthetic.seed_actions_review


def median_ms(samples):
    return round(1000 * statistics.median(samples), 1)


class Command(BaseCommand):
    help = "Benchmark the dashboard against the admin change list, queries per page and reports."

    def add_arguments(self, parser):
        parser.add_argument("--label", default="demo", help="name of this database size")
        parser.add_argument("--output", help="write the figures as JSON to this file")
        parser.add_argument("--requests", type=int, default=30, help="requests per page")
        parser.add_argument("--renders", type=int, default=3, help="PDF renders per measure")
        parser.add_argument("--review", default=DEMO_REVIEW)
        parser.add_argument(
            "--actions-review",
            default=ACTIONS_REVIEW,
            help="the review of 47 recommendations and 148 actions (seeded for the run, and "
            "rolled back, when the database has not got it)",
        )
        parser.add_argument(
            "--compare", nargs="+", metavar="JSON", help="print the table of earlier runs"
        )

    def handle(self, *args, compare, **options):
        if compare:
            self.stdout.write(compare_table([json.loads(Path(p).read_text()) for p in compare]))
            return
        figures = self.measure(**options)
        text = json.dumps(figures, indent=2)
        if options["output"]:
            Path(options["output"]).parent.mkdir(parents=True, exist_ok=True)
            Path(options["output"]).write_text(text)
        self.stdout.write(text)

    def measure(self, **options):
        """Pages built each time (the page cache off: what the targets are set on), then the
        dashboard and the recommendation page served from the page cache."""
        with override_settings(PAGE_CACHE=False):
            figures = self.measure_built(**options)
        client = Client()
        client.force_login(bench_user())
        cached = {
            f"{name}, from the page cache": url
            for name, url in tracker_pages(Review.objects.get(slug=options["review"])).items()
        }
        figures["pages_ms"].update(self.time_pages(client, cached, options["requests"]))
        figures["queries"].update(self.count_queries(client, cached))
        return figures

    def measure_built(self, *, label, requests, renders, review, actions_review, **options):
        settings.DEBUG = False  # as served: no query log, no debug templates
        try:
            review = Review.objects.get(slug=review)
        except Review.DoesNotExist as error:
            raise CommandError(f"No review '{review}': load the demo data first.") from error
        client = Client()
        client.force_login(bench_user())
        ours = tracker_pages(review)
        pages = {  # interleaved in this order
            "dashboard": ours["dashboard"],
            "admin change list": "/admin/recommendations/recommendation/"
            f"?review__id__exact={review.pk}",
            "recommendation page": ours["recommendation page"],
        }
        figures = {
            "label": label,
            "reviews": Review.objects.count(),
            "recommendations": Recommendation.objects.count(),
            "updates": ProgressUpdate.objects.count(),
            "review": review.slug,
            "review_recommendations": Recommendation.objects.filter(review=review).count(),
            "pages_ms": self.time_pages(client, pages, requests),
            "queries": self.count_queries(client, pages, report_of=review),
        }
        report = Report.objects.select_related("review").get(review=review, kind=ReportKind.FULL)
        figures["report"] = self.time_report(report, renders)
        figures["actions_review"] = self.measure_actions_review(
            client, actions_review, requests, renders
        )
        return figures

    def measure_actions_review(self, client, slug, requests, renders):
        """The review of 47 recommendations in 148 actions: its dashboard's queries (to set
        beside the queries of a review without actions), its first recommendation's page,
        and its full report against WeasyPrint alone. Seeded in a transaction that is
        rolled back afterwards when the database has not got it."""
        with transaction.atomic():
            review = Review.objects.filter(slug=slug).first()
            seeded = review is None
            if seeded:
                review = seed_actions_review()
            pages = tracker_pages(review)
            result = {
                "review": review.slug,
                "seeded_for_the_run": seeded,
                "recommendations": Recommendation.objects.filter(review=review).count(),
                "actions": Action.objects.filter(recommendation__review=review).count(),
                "pages_ms": self.time_pages(client, pages, requests),
                "queries": self.count_queries(client, pages, report_of=review),
            }
            report = Report.objects.select_related("review").get(
                review=review, kind=ReportKind.FULL
            )
            result["report"] = self.time_report(report, renders)
            result["report"]["ratio"] = round(
                result["report"]["ours"] / result["report"]["alone"], 3
            )
            transaction.set_rollback(seeded)
        return result

    def time_pages(self, client, pages, requests):
        samples = {name: [] for name in pages}
        for url in pages.values():  # warm caches and connections once
            assert client.get(url).status_code == 200, url
        for _ in range(requests):
            for name, url in pages.items():  # interleaved: both see the same machine state
                started = time.perf_counter()
                response = client.get(url)
                samples[name].append(time.perf_counter() - started)
                assert response.status_code == 200, url
        return {name: median_ms(values) for name, values in samples.items()}

    def count_queries(self, client, pages, report_of=None):
        counts = {}
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            counts[name] = len(captured)
        if report_of is None:
            return counts
        report = Report.objects.select_related("review").filter(review=report_of).first()
        with CaptureQueriesContext(connection) as captured:
            report_content(report)
        counts["report assembly"] = len(captured)
        return counts

    def time_report(self, report, renders):
        from reports.pdf import html_to_pdf  # WeasyPrint imported only to print

        html_to_pdf(render_report_html(report))  # warm fonts and imports once
        stages = {"assembly": [], "template": [], "WeasyPrint": [], "ours": [], "alone": []}
        for _ in range(renders):
            started = time.perf_counter()
            content = report_content(report)
            assembled = time.perf_counter()
            html = render_report_html(report, content=content)
            templated = time.perf_counter()
            html_to_pdf(html)
            printed = time.perf_counter()
            stages["assembly"].append(assembled - started)
            stages["template"].append(templated - assembled)
            stages["WeasyPrint"].append(printed - templated)
            stages["ours"].append(printed - started)
            saved = Path(settings.VAR_DIR) / "bench" / "report.html"
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(html)
            started = time.perf_counter()
            weasyprint_alone(saved.read_text())  # the same saved HTML, WeasyPrint only
            stages["alone"].append(time.perf_counter() - started)
        result = {stage: median_ms(values) for stage, values in stages.items()}
        result["overhead"] = round(result["ours"] / result["alone"] - 1, 3)
        return result


def weasyprint_alone(html):
    """The HTML printed by WeasyPrint with its options and nothing of ours (no finisher)."""
    from weasyprint import HTML

    from reports.pdf import BASE_URL, PDF_OPTIONS, StaticFilesOnly

    HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly()).write_pdf(**PDF_OPTIONS)


def tracker_pages(review):
    """The dashboard and the first recommendation's page of `review`."""
    first = Recommendation.objects.filter(review=review).order_by("number").first()
    return {
        "dashboard": reverse("recommendations:dashboard", args=[review.slug]),
        "recommendation page": reverse("recommendations:detail", args=[review.slug, first.number]),
    }


def bench_user():
    user, _ = get_user_model().objects.get_or_create(
        username="bench-administrator", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def compare_table(runs):
    """Markdown: one column per database size, with the ratios the targets are set on."""
    head = "| | " + " | ".join(run["label"] for run in runs) + " |"
    lines = [head, "|---" * (len(runs) + 1) + "|"]

    def row(name, values):
        lines.append(f"| {name} | " + " | ".join(str(v) for v in values) + " |")

    row("reviews / recommendations / updates in the database", [
        f"{r['reviews']} / {r['recommendations']:,} / {r['updates']:,}" for r in runs
    ])  # fmt: skip
    for page in runs[0]["pages_ms"]:
        row(f"{page}: median server time (ms)", [r["pages_ms"][page] for r in runs])
    row("dashboard / admin change list", [
        round(r["pages_ms"]["dashboard"] / r["pages_ms"]["admin change list"], 2) for r in runs
    ])  # fmt: skip
    for page in runs[0]["queries"]:
        row(f"{page}: queries", [r["queries"][page] for r in runs])
    for stage in ["assembly", "template", "WeasyPrint", "ours", "alone"]:
        name = {
            "ours": "full report, ours in total (ms)",
            "alone": "WeasyPrint on the saved HTML alone (ms)",
        }.get(stage, f"full report: {stage} (ms)")
        row(name, [r["report"][stage] for r in runs])
    row(
        "our overhead over WeasyPrint alone",
        [f"{100 * r['report']['overhead']:+.1f}%" for r in runs],
    )
    if all("actions_review" in r for r in runs):
        actions = [r["actions_review"] for r in runs]
        row("actions review: recommendations / actions", [
            f"{a['recommendations']} / {a['actions']}" for a in actions
        ])  # fmt: skip
        row("actions review: dashboard queries (the demo review's, without actions)", [
            f"{a['queries']['dashboard']} ({r['queries']['dashboard']})"
            for a, r in zip(actions, runs, strict=True)
        ])  # fmt: skip
        row("actions review: recommendation page queries (the demo's)", [
            f"{a['queries']['recommendation page']} ({r['queries']['recommendation page']})"
            for a, r in zip(actions, runs, strict=True)
        ])  # fmt: skip
        row("actions review: report assembly queries", [
            a["queries"]["report assembly"] for a in actions
        ])  # fmt: skip
        for page in ("dashboard", "recommendation page"):
            row(f"actions review: {page}, median server time (ms)", [
                a["pages_ms"][page] for a in actions
            ])  # fmt: skip
        row("actions review: full report, ours in total (ms)", [
            a["report"]["ours"] for a in actions
        ])  # fmt: skip
        row("actions review: WeasyPrint on the saved HTML alone (ms)", [
            a["report"]["alone"] for a in actions
        ])  # fmt: skip
        row("actions review: ours / WeasyPrint alone (target ≤ 1.10)", [
            f"{a['report']['ratio']:.2f}" for a in actions
        ])  # fmt: skip
    return "\n".join(lines)
