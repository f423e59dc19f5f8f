"""The command line: demo reports for `make run`, and rendering for scripted use."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from reports.models import Report


def test_render_report_writes_the_report_as_at_any_cut_off(small_review, tmp_path):
    output = tmp_path / "interim.html"

    call_command(
        "render_report", "test-review", "interim", "--as-at", "2016-11-30",
        "--output", str(output), "--html",
    )  # fmt: skip

    html = output.read_text()
    assert '<html lang="en-GB">' in html
    assert "Disruption plan drafted." in html
    assert "As at 30 November 2016, of the 2 recommendations" in html


def test_the_demo_reports_are_created_once_and_only_in_demo_mode(review, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("load_demo_reports", "--review", review.slug)

    settings.DEMO_MODE = True
    call_command("load_demo_reports", "--review", review.slug)
    call_command("load_demo_reports", "--review", review.slug)

    assert list(Report.objects.values_list("kind", "as_at")) == [
        ("interim", datetime.date(2016, 11, 30)),
        ("full", datetime.date(2017, 4, 30)),
    ]
    assert Report.history.count() == 2
