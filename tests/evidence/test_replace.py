"""A document is never overwritten: a replacement is a new version, and the old one is kept,
in the history and as a download."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence import services
from evidence.models import EvidenceDocument
from tests.evidence.conftest import EXE, attach, image_bytes, pdf_bytes, signed_in, stored, upload

pytestmark = pytest.mark.django_db


def replace_url(document):
    return reverse("evidence:replace", kwargs={"pk": document.update_id, "document": document.pk})


def download_url(document):
    return reverse("evidence:download", kwargs={"pk": document.update_id, "document": document.pk})


def replace(client, document, title, name, data):
    return client.post(
        replace_url(document),
        {"submission_key": str(uuid.uuid4()), "title": title, "file": upload(name, data)},
    )


@pytest.fixture
def original(world):
    attach(signed_in(world["editor"]), world["update"], ("Register", "v1.pdf", pdf_bytes(1)))
    return EvidenceDocument.objects.get()


def test_a_replacement_is_a_new_version_and_the_old_one_still_downloads(world, original):
    client = signed_in(world["editor"])
    new_data = pdf_bytes(2)

    response = replace(client, original, "Register, corrected", "v2.pdf", new_data)

    assert response.status_code == 302
    original.refresh_from_db()
    replacement = EvidenceDocument.objects.exclude(pk=original.pk).get()
    assert replacement.replaces == original
    assert original.superseded_at == replacement.uploaded_at
    assert len(stored(world["folder"])) == 2
    reader = signed_in(world["reader"])
    old = reader.get(download_url(original))
    assert b"".join(old.streaming_content) == pdf_bytes(1)
    assert b"".join(reader.get(download_url(replacement)).streaming_content) == new_data


def test_the_timeline_shows_the_current_version_and_the_earlier_one(world, original):
    client = signed_in(world["editor"])
    replace(client, original, "Register, corrected", "v2.pdf", pdf_bytes(2))
    replacement = EvidenceDocument.objects.exclude(pk=original.pk).get()

    page = client.get(reverse("recommendations:detail", args=["test-review", 1])).text

    current, earlier = page.split("Earlier versions (1)")
    assert download_url(replacement) in current and "Register, corrected" in current
    assert download_url(original) in earlier and "Register (PDF" in earlier
    assert "“Register” has been replaced. The earlier version is kept" in page


def test_the_history_keeps_both_versions_and_who_replaced_it(world, original):
    replace(signed_in(world["editor"]), original, "Register, corrected", "v2.pdf", pdf_bytes(2))

    rows = EvidenceDocument.history.order_by("history_date", "history_id")

    assert [(row.id, row.history_type, bool(row.superseded_at)) for row in rows] == [
        (original.pk, "+", False),
        (original.pk + 1, "+", False),
        (original.pk, "~", True),
    ]
    assert {row.history_user for row in rows} == {world["editor"]}


def test_a_replaced_version_cannot_be_replaced_again(world, original):
    client = signed_in(world["editor"])
    replace(client, original, "Register, corrected", "v2.pdf", pdf_bytes(2))

    page = client.get(replace_url(original))
    response = replace(client, original, "Another", "v3.pdf", pdf_bytes(3))

    assert "was replaced by a newer version" in page.text
    assert response.status_code == 400
    assert "has already been replaced by a newer version" in response.text
    assert EvidenceDocument.objects.count() == 2
    assert len(stored(world["folder"])) == 2


def test_a_bad_replacement_is_refused_and_keeps_the_current_version(world, original):
    response = replace(signed_in(world["editor"]), original, "New", "setup.pdf", EXE)

    assert response.status_code == 400
    assert "“setup.pdf” is a program" in response.text
    original.refresh_from_db()
    assert original.superseded_at is None
    assert EvidenceDocument.objects.count() == 1
    assert len(stored(world["folder"])) == 1


def test_a_replacement_does_not_count_against_the_number_of_documents(world, settings):
    settings.EVIDENCE_MAX_FILES_PER_UPDATE = 1
    attach(signed_in(world["editor"]), world["update"], ("Poster", "p.png", image_bytes("PNG")))
    poster = EvidenceDocument.objects.get()

    replacement = services.evidence_replace(
        document=poster,
        user=world["editor"],
        title="Poster",
        upload=upload("p.jpg", image_bytes("JPEG")),
    )

    assert replacement.kind_label == "JPEG image"


def test_only_editors_of_the_posting_agency_may_replace(world, original):
    response = replace(signed_in(world["other_editor"]), original, "Mine", "x.pdf", pdf_bytes())

    assert response.status_code == 403
    assert EvidenceDocument.objects.count() == 1


def test_the_service_refuses_replacing_twice_at_once(world, original):
    services.evidence_replace(
        document=original, user=world["editor"], title="Two", upload=upload("2.pdf", pdf_bytes(2))
    )

    with pytest.raises(ValidationError, match="already been replaced"):
        services.evidence_replace(
            document=original,
            user=world["editor"],
            title="Three",
            upload=upload("3.pdf", pdf_bytes(3)),
        )
    assert len(stored(world["folder"])) == 2
