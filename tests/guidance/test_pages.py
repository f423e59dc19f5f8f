"""The footer's pages: the accessibility statement, the privacy notice and help, for anyone."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = {
    "/accessibility/": "Accessibility statement for the Recommendations tracker",
    "/privacy/": "Privacy notice",
    "/help/": "Help for editors",
}


def test_anyone_reads_the_three_pages_without_signing_in():
    for url, heading in PAGES.items():
        response = Client().get(url)

        assert response.status_code == 200, url
        assert f">{heading}</h1>" in response.content.decode(), url


def test_every_page_links_to_them_in_its_footer():
    page = Client().get("/accounts/login/").content.decode()
    footer = page[page.index('<footer class="govuk-footer">') :]

    for url in PAGES:
        assert f'href="{url}"' in footer


def test_the_statement_has_the_model_statements_parts_and_a_way_to_report_a_problem(settings):
    settings.TRACKER_SUPPORT_EMAIL = "accessibility@example.gov.uk"
    page = Client().get("/accessibility/").content.decode()

    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert f">{heading}</h" in page, heading
    assert "partially compliant" in page and "WCAG 2.2" in page.replace("version 2.2", "WCAG 2.2")
    assert 'href="mailto:accessibility@example.gov.uk"' in page
    assert "Equality Advisory and Support Service" in page


def test_the_privacy_notice_says_what_is_kept_why_and_for_how_long(settings):
    settings.SESSION_COOKIE_AGE = 45 * 60
    page = Client().get("/privacy/").content.decode()

    for heading in ("What personal data we hold", "Why we hold it", "How long we keep it"):
        assert f">{heading}</h2>" in page, heading
    assert "45 minutes" in page
    assert "Never write anything in the tracker that identifies a child" in page


def test_posting_to_them_is_refused(administrator):
    from tests.tracker.test_fuzz import signed_in

    for url in PAGES:
        assert Client().post(url)["Location"].startswith("/accounts/login/"), url
        assert signed_in(administrator).post(url).status_code in (403, 405), url
