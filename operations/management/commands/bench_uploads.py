"""`make bench`: the worst uploads we could make, each read and planned in a fresh process.

Every file of `spreadsheets.hostile` (all within the 2 MB upload limit) is written to a
temporary folder, then read and planned as a progress upload by a new process of this
command (`--measure`), which reports its time and its peak memory (the process's maximum
resident set, as the kernel counts it: what a web worker would need). The target: each
accepted or refused in under 5 s and 300 MB. Exits non-zero if any file misses it.
"""

import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommendations.models import PartnerAgency, Review
from spreadsheets import files, hostile, importing

DEMO_REVIEW = "cse-scrutiny-review"
SECONDS_LIMIT = 5
MEGABYTES_LIMIT = 300


def peak_megabytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Command(BaseCommand):
    help = "Time and peak memory of reading and planning the worst uploads we could make."

    def add_arguments(self, parser):
        parser.add_argument("--review", default=DEMO_REVIEW, help="plan against this review")
        parser.add_argument("--output", help="write the figures as JSON to this file")
        parser.add_argument("--measure", metavar="FILE", help=EXPLAIN_MEASURE)
        parser.add_argument("--name", default="upload.xlsx", help="the file name uploaded")

    def handle(self, *args, measure, name, review, output, **options):
        if measure:
            self.stdout.write(json.dumps(measure_one(Path(measure), name, review)))
            return
        figures = []
        with tempfile.TemporaryDirectory() as folder:
            for kind, (make, file_name) in {
                **hostile.HOSTILE_FILES,
                **hostile.LARGEST_FILES,
            }.items():
                path = Path(folder) / "upload"
                path.write_bytes(make())
                figures.append({"file": kind, **self.measure_in_new_process(path, file_name)})
        self.stdout.write(table(figures))
        if output:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(json.dumps(figures, indent=2))
        missed = [f["file"] for f in figures if not f["within"]]
        if missed:
            raise CommandError("Over 5 s or 300 MB: " + "; ".join(missed))

    def measure_in_new_process(self, path, name):
        result = subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_uploads"]
            + ["--measure", str(path), "--name", name],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise CommandError(result.stderr[-2000:])
        return json.loads(result.stdout.strip().splitlines()[-1])


EXPLAIN_MEASURE = "measure this one file in this process (used by the command itself)"


def measure_one(path, name, review_slug):
    """Read and plan `path` as an agency's progress upload; the figures of doing so."""
    data = path.read_bytes()
    review = Review.objects.filter(slug=review_slug).first()
    agency = PartnerAgency.objects.of_review(review).first() if review else None
    before = peak_megabytes()
    upload = io.BytesIO(data)
    upload.name = name
    started = time.monotonic()
    try:
        if agency is not None:
            plan = importing.plan_progress_import(review, agency, upload)
            outcome = f"planned: {len(plan.rows)} rows, {len(plan.errors)} row errors"
        else:
            rows = files.read_rows(upload, importing.PROGRESS_COLUMNS)
            outcome = f"read: {len(rows)} rows (no review to plan against)"
    except files.SpreadsheetError as error:
        outcome = f"refused: {error}"
    seconds = time.monotonic() - started
    peak = peak_megabytes()
    return {
        "kilobytes": round(len(data) / 1024),
        "seconds": round(seconds, 2),
        "peak_mb": round(peak),
        "growth_mb": round(peak - before),
        "outcome": outcome,
        "within": seconds < SECONDS_LIMIT and peak < MEGABYTES_LIMIT,
    }


def table(figures):
    lines = [
        "| upload | size (KB) | time (s) | peak memory (MB) | of which reading (MB) | outcome |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f['file']} | {f['kilobytes']} | {f['seconds']} | {f['peak_mb']} "
            f"| {f['growth_mb']} | {f['outcome'][:90]} |"
        )
    return "\n".join(lines)
