"""Printing a recommendation's page in real Chromium: A4, the record and its updates only (no
header, menu, footer, buttons or forms), link text without its address, on two sheets."""

import re

import pytest

from tests.browser.test_reflow import REVIEW, sign_in_to_demo
from tests.reports.conftest import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4_POINTS = (595, 842)


def test_a_recommendation_prints_on_at_most_two_a4_pages_without_the_menu(page, demo):
    sign_in_to_demo(page, "admin")  # the administrator's page has the most buttons and links
    page.goto(f"{page.base_url}{REVIEW}/recommendations/38/")
    page.get_by_role("heading", level=1).wait_for()

    pdf = page.pdf(prefer_css_page_size=True)

    pages = [text for text in pdf_pages(pdf) if text.strip()]
    text = " ".join(" ".join(pages).split())
    assert 1 <= len(pages) <= 2, f"{len(pages)} pages"
    assert "Monitoring the anonymous reporting line" in text and "Progress updates" in text
    for left_out in (
        "Recommendations tracker",  # the service navigation
        "Dashboard",
        "Sign out",
        "Skip to main content",
        "Accessibility statement",  # the footer
        "Post a progress update",  # a button
        "Correct this update",
    ):
        assert left_out not in text, left_out
    assert not re.search(r"\(/|\(https?://", text), "no link addresses"
    size = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert size and tuple(round(float(n)) for n in size.groups()) == A4_POINTS
