"""Evidence where people look for it: the recommendation's timeline, the sign-off pages and
the dashboard's export; at a fixed number of queries however many documents there are."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence import services
from evidence.models import EvidenceDocument
from recommendations.models import Status
from tests.conftest import make_update
from tests.evidence.conftest import attach, pdf_bytes, signed_in, upload

pytestmark = pytest.mark.django_db


def documents(update, user, count, prefix="Minutes"):
    return services.evidence_attach(
        update=update,
        user=user,
        files_with_titles=[
            (f"{prefix} {n}", upload(f"{n}.pdf", pdf_bytes())) for n in range(count)
        ],
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("who", ["reader", "editor", "administrator"])
def test_the_recommendation_page_costs_the_same_queries_for_5_and_50_documents(
    world, settings, who
):
    settings.EVIDENCE_MAX_FILES_PER_UPDATE = 50
    settings.EVIDENCE_MAX_UPDATE_BYTES = 10**9
    url = reverse("recommendations:detail", args=["test-review", 1])
    client = signed_in(world[who])
    documents(world["update"], world["editor"], 5)
    later = make_update(world["recommendation"], world["editor"], date=datetime.date(2016, 11, 5))
    documents(later, world["editor"], 5)
    few, page = queries(client, url)

    documents(world["update"], world["editor"], 45, prefix="More")
    documents(later, world["editor"], 45, prefix="More")
    services.evidence_replace(
        document=EvidenceDocument.objects.first(),
        user=world["editor"],
        title="Replaced",
        upload=upload("r.pdf", pdf_bytes()),
    )
    many, page = queries(client, url)

    assert many == few
    assert page.text.count("/download/") == 101  # 100 current documents and one earlier version


def test_the_add_evidence_link_is_there_for_the_posting_agencys_editors_only(world):
    url = reverse("recommendations:detail", args=["test-review", 1])
    link = reverse("evidence:add", args=[world["update"].pk])

    assert link in signed_in(world["editor"]).get(url).text
    assert link in signed_in(world["administrator"]).get(url).text
    assert link not in signed_in(world["council_editor"]).get(url).text
    assert link not in signed_in(world["reader"]).get(url).text


@pytest.fixture
def claim(world):
    update = make_update(
        world["recommendation"],
        world["editor"],
        date=datetime.date(2016, 11, 20),
        status=Status.BLUE,
        narrative="All staff trained.",
    )
    attach(signed_in(world["editor"]), update, ("Training records", "records.pdf", pdf_bytes()))
    return update


def test_the_sign_off_pages_show_the_claims_documents_as_downloads(world, claim):
    document = EvidenceDocument.objects.get(update=claim)
    client = signed_in(world["administrator"])
    download = reverse("evidence:download", args=[claim.pk, document.pk])

    decision = client.get(reverse("recommendations:completion_decision", args=[claim.pk])).text
    queue = client.get(reverse("recommendations:sign_off_queue", args=["test-review"])).text

    assert f'href="{download}"' in decision and "Training records (PDF," in decision
    assert f'href="{download}"' in queue and "Training records (PDF," in queue


def test_the_dashboard_export_names_the_latest_updates_documents(world, claim):
    attach(signed_in(world["editor"]), claim, ("Attendance", "a.pdf", pdf_bytes()))
    first = EvidenceDocument.objects.get(title="Training records")
    services.evidence_replace(
        document=first,
        user=world["editor"],
        title="Training records v2",
        upload=upload("t.pdf", pdf_bytes()),
    )
    client = signed_in(world["reader"])

    response = client.get(reverse("spreadsheets:dashboard_export", args=["test-review", "csv"]))

    header, row = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert "Evidence" in header
    assert row[header.index("Evidence")] == "Attendance; Training records v2"
