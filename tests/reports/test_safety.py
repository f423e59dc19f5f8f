"""Text typed into the tracker is printed as text, and rendering fetches nothing from outside."""

import datetime

import pytest

from reports import pdf
from reports.rendering import render_report_html, render_report_pdf
from tests.conftest import make_update
from tests.reports.conftest import at, pdf_pages

HOSTILE = (
    "<script>alert(1)</script> </p> {{ secret }} {% now 'Y' %} "
    "<img src=file:///etc/passwd> <link rel=stylesheet href=http://example.com/x.css>"
)


def test_hostile_text_in_a_narrative_appears_literally_and_fetches_nothing(
    small_review, police_editor, monkeypatch
):
    with at(2016, 11, 29):
        make_update(
            small_review["second"],
            police_editor,
            date=datetime.date(2016, 11, 29),
            narrative=HOSTILE,
        )
    fetched = []
    real_fetch = pdf.StaticFilesOnly.fetch

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(pdf.StaticFilesOnly, "fetch", recording_fetch)

    html = render_report_html(small_review["report"])
    # Compared without white space: the narrow table column wraps lines inside the text.
    pages = pdf_pages(render_report_pdf(small_review["report"]), layout=False)
    text = "".join("".join(pages).split())

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;/p&gt; {{ secret }}" in html
    assert "<img src=file" not in html
    assert "".join(HOSTILE.split()) in text
    assert fetched == [pdf.BASE_URL + "static/reports/report.css"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.css",
        "https://report.invalid/static/../../etc/passwd",
        "https://report.invalid/static/%2e%2e/settings.py",
        "https://report.invalid/etc/passwd",
        "https://report.invalid/static/reports/missing.css",
        "data:text/css,body{}",
    ],
)
def test_the_url_fetcher_refuses_anything_but_the_projects_static_files(url):
    with pytest.raises(ValueError):
        pdf.StaticFilesOnly().fetch(url)


def test_the_url_fetcher_serves_the_report_stylesheet():
    response = pdf.StaticFilesOnly().fetch(pdf.BASE_URL + "static/reports/report.css")

    assert response.content_type == "text/css"
    assert b"@page" in response.read()
