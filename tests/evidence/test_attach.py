"""Attaching evidence documents to a progress update, and downloading them: all or nothing,
a clear message for anything refused, and the file only ever through the access policy."""

import datetime
import hashlib
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from evidence import services
from evidence.models import EvidenceDocument
from tests.conftest import make_update
from tests.evidence.conftest import (
    EXE,
    add_url,
    attach,
    docx_bytes,
    image_bytes,
    pdf_bytes,
    signed_in,
    stored,
    upload,
    xlsx_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


def download_url(document):
    return reverse("evidence:download", kwargs={"pk": document.update_id, "document": document.pk})


def detail_url(world):
    return reverse("recommendations:detail", kwargs={"slug": "test-review", "number": 1})


def test_an_editor_attaches_a_pdf_that_downloads_as_the_same_bytes(world):
    data = pdf_bytes()
    client = signed_in(world["editor"])

    response = attach(client, world["update"], ("Training register", "register.PDF", data))

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(world)}#update-{world['update'].pk}"
    document = EvidenceDocument.objects.get()
    assert (document.title, document.content_type, document.size) == (
        "Training register",
        "application/pdf",
        len(data),
    )
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.original_name == "register.PDF"
    assert document.uploaded_by == world["editor"]
    assert [path.read_bytes() for path in stored(world["folder"])] == [data]
    assert "register" not in document.file.name  # stored under a random name

    download = client.get(download_url(document))

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="register.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]


def test_the_timeline_lists_the_document_with_its_type_and_size_as_a_download(world):
    client = signed_in(world["editor"])
    attach(client, world["update"], ("Training register", "register.pdf", pdf_bytes()))
    document = EvidenceDocument.objects.get()

    page = client.get(detail_url(world)).text

    assert f'href="{download_url(document)}"' in page
    assert f"Training register (PDF, {document.size}\xa0bytes)" in page
    assert "Evidence attached: “Training register”." in page


@pytest.mark.parametrize("who", ["reader", "other_editor", "council_editor", "administrator"])
def test_everyone_signed_in_downloads_it_readers_and_other_agencies_too(world, who):
    data = pdf_bytes()
    attach(signed_in(world["editor"]), world["update"], ("Audit report", "audit.pdf", data))
    document = EvidenceDocument.objects.get()

    response = signed_in(world[who]).get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data


def test_anonymous_is_sent_to_sign_in_and_gets_no_bytes(world):
    data = pdf_bytes()
    attach(signed_in(world["editor"]), world["update"], ("Audit report", "audit.pdf", data))
    document = EvidenceDocument.objects.get()

    response = Client().get(download_url(document))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert data not in response.content


def test_a_document_is_found_only_under_its_own_update(world):
    attach(signed_in(world["editor"]), world["update"], ("Audit report", "audit.pdf", pdf_bytes()))
    document = EvidenceDocument.objects.get()
    other = make_update(world["recommendation"], world["editor"], date=datetime.date(2016, 11, 2))

    url = reverse("evidence:download", kwargs={"pk": other.pk, "document": document.pk})

    assert signed_in(world["reader"]).get(url).status_code == 404


@pytest.mark.parametrize("who", ["other_editor", "council_editor", "reader"])
def test_only_editors_of_the_agency_that_posted_the_update_may_attach(world, who):
    client = signed_in(world[who])

    assert client.get(add_url(world["update"])).status_code == 403
    response = attach(client, world["update"], ("Register", "register.pdf", pdf_bytes()))

    assert response.status_code == 403
    assert not EvidenceDocument.objects.exists()
    assert stored(world["folder"]) == []


def test_the_administrator_may_attach_to_any_agencys_update(world):
    response = attach(
        signed_in(world["administrator"]), world["update"], ("Minutes", "m.pdf", pdf_bytes())
    )

    assert response.status_code == 302
    assert EvidenceDocument.objects.get().uploaded_by == world["administrator"]


def test_the_service_refuses_someone_who_may_not_report_for_the_agency(world):
    with pytest.raises(PermissionDenied):
        services.evidence_attach(
            update=world["update"],
            user=world["other_editor"],
            files_with_titles=[("Minutes", upload("m.pdf", pdf_bytes()))],
        )


def assert_refused(response, world, message):
    assert response.status_code == 400
    assert message in response.text
    assert "There is a problem" in response.text
    assert not EvidenceDocument.objects.exists()
    assert stored(world["folder"]) == []


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("minutes.pdf", EXE, "“minutes.pdf” is a program, not a document"),
        ("minutes.pdf", b"", "“minutes.pdf” is empty"),
        ("registers.zip", zip_bytes({"a.pdf": pdf_bytes()}), "“registers.zip” is an archive"),
        ("plan.docx", zip_bytes({"plan.txt": b"x"}), "“plan.docx” is an archive"),
        ("plan.xlsx", zip_bytes({"xl/x.xml": b"<x/>"}), "“plan.xlsx” is an archive"),
        ("macros.docx", docx_bytes({"word/vbaProject.bin": b"\0"}), "contains macros"),
        ("letter.pdf", b"Dear board", "is not a PDF, Word, Excel, OpenDocument, PNG or JPEG"),
    ],
)
def test_a_file_that_is_not_an_accepted_document_is_a_clear_error_and_nothing_is_saved(
    world, name, data, message
):
    response = attach(
        signed_in(world["editor"]),
        world["update"],
        ("A good one", "good.pdf", pdf_bytes()),
        ("The bad one", name, data),
    )

    assert_refused(response, world, message)


def test_a_file_over_the_limit_is_refused_with_the_limit_and_nothing_is_saved(world, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 2048

    response = attach(
        signed_in(world["editor"]),
        world["update"],
        ("Small", "small.pdf", pdf_bytes()),
        ("Large", "large.pdf", pdf_bytes() + b"%" * 4096),
    )

    assert_refused(response, world, "“large.pdf” is larger than 2.0\xa0KB")


def test_files_over_the_updates_limit_together_are_refused(world, settings):
    settings.EVIDENCE_MAX_UPDATE_BYTES = len(pdf_bytes()) * 2 + 10

    response = attach(
        signed_in(world["editor"]),
        world["update"],
        *[(f"Register {n}", f"r{n}.pdf", pdf_bytes()) for n in range(3)],
    )

    assert_refused(response, world, "The files come to more than")


def test_the_updates_limit_counts_the_documents_it_has_already(world, settings):
    client = signed_in(world["editor"])
    attach(client, world["update"], ("First", "first.pdf", pdf_bytes()))
    settings.EVIDENCE_MAX_UPDATE_BYTES = len(pdf_bytes()) + 100

    response = attach(client, world["update"], ("Second", "second.pdf", pdf_bytes()))

    assert response.status_code == 400
    assert "one update can have (it has" in response.text
    assert EvidenceDocument.objects.count() == 1
    assert len(stored(world["folder"])) == 1


def test_more_files_than_an_update_may_have_are_refused(world, settings):
    settings.EVIDENCE_MAX_FILES_PER_UPDATE = 2
    data = {"submission_key": str(uuid.uuid4())}
    for n in range(1, 4):  # a forged form: more files than it offers
        data.update({f"title_{n}": f"R{n}", f"file_{n}": upload(f"r{n}.pdf", pdf_bytes())})
    data["file_9"] = upload("r9.pdf", pdf_bytes())

    response = signed_in(world["editor"]).post(add_url(world["update"]), data)

    assert_refused(response, world, "Choose at most 2 files")


def test_an_update_that_has_all_its_documents_takes_no_more(world, settings):
    settings.EVIDENCE_MAX_FILES_PER_UPDATE = 2
    client = signed_in(world["editor"])
    attach(client, world["update"], ("A", "a.pdf", pdf_bytes()), ("B", "b.png", image_bytes("PNG")))

    page = client.get(add_url(world["update"]))
    response = attach(client, world["update"], ("C", "c.pdf", pdf_bytes()))

    assert "the most one update can have" in page.text
    assert response.status_code == 400
    assert "An update can have at most 2 documents. This one has 2" in response.text
    assert EvidenceDocument.objects.count() == 2


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title_1": "", "file_1": ("a.pdf", True)}, "Enter a title for document 1"),
        ({"title_1": "Register"}, "Choose the file for document 1"),
        ({}, "Choose a file to attach"),
        ({"title_1": "x" * 201, "file_1": ("a.pdf", True)}, "200 characters or fewer"),
        ({"title_1": "Bad\x07title", "file_1": ("a.pdf", True)}, "control character"),
        ({"submission_key": "not-a-key", "title_1": "R"}, "This form has expired"),
    ],
)
def test_what_is_missing_or_wrong_in_the_form_is_said_on_the_page(world, fields, message):
    data = {"submission_key": str(uuid.uuid4())}
    for name, value in fields.items():
        data[name] = upload(value[0], pdf_bytes()) if isinstance(value, tuple) else value

    response = signed_in(world["editor"]).post(add_url(world["update"]), data)

    assert_refused(response, world, message)


def test_posting_the_same_form_twice_attaches_the_documents_once(world):
    client = signed_in(world["editor"])

    key = str(uuid.uuid4())
    for _ in range(2):
        response = attach(client, world["update"], ("Minutes", "m.pdf", pdf_bytes()), key=key)
        assert response.status_code == 302

    assert EvidenceDocument.objects.count() == 1
    assert len(stored(world["folder"])) == 1


def test_several_documents_of_different_kinds_attach_together(world):
    response = attach(
        signed_in(world["editor"]),
        world["update"],
        ("Register", "register.xlsx", xlsx_bytes()),
        ("Photo of the poster", "poster.jpeg", image_bytes("JPEG")),
        ("Policy", "policy.docx", docx_bytes()),
    )

    assert response.status_code == 302
    assert [(d.title, d.kind_label) for d in EvidenceDocument.objects.all()] == [
        ("Register", "Excel spreadsheet"),
        ("Photo of the poster", "JPEG image"),
        ("Policy", "Word document"),
    ]


def test_a_file_stored_for_a_transaction_that_fails_is_deleted(world, monkeypatch):
    saves = []
    original = EvidenceDocument.save

    def save(self, *args, **kwargs):
        saves.append(self)
        if len(saves) == 2:
            raise RuntimeError("the database went away")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceDocument, "save", save)

    with pytest.raises(RuntimeError):
        services.evidence_attach(
            update=world["update"],
            user=world["editor"],
            files_with_titles=[
                ("One", upload("one.pdf", pdf_bytes())),
                ("Two", upload("two.pdf", pdf_bytes())),
            ],
        )

    assert not EvidenceDocument.objects.exists()
    assert stored(world["folder"]) == []


def test_the_service_names_every_file_it_refuses(world):
    with pytest.raises(ValidationError) as refused:
        services.evidence_attach(
            update=world["update"],
            user=world["editor"],
            files_with_titles=[
                ("Program", upload("setup.pdf", EXE)),
                ("", upload("untitled.pdf", pdf_bytes())),
                ("Empty", upload("empty.pdf", b"")),
            ],
        )

    messages = refused.value.messages
    assert any("“setup.pdf” is a program" in message for message in messages)
    assert "Enter a title for “untitled.pdf”." in messages
    assert any("“empty.pdf” is empty" in message for message in messages)
    assert stored(world["folder"]) == []


def test_the_upload_form_checks_its_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["editor"])
    data = {"submission_key": str(uuid.uuid4()), "title_1": "Minutes"}
    data["file_1"] = upload("m.pdf", pdf_bytes())

    response = client.post(add_url(world["update"]), data)

    assert response.status_code == 403
    assert not EvidenceDocument.objects.exists()


def test_the_add_evidence_page_offers_a_file_upload_for_each_document(world):
    page = signed_in(world["editor"]).get(add_url(world["update"])).text

    assert 'enctype="multipart/form-data"' in page
    assert page.count('class="govuk-file-upload"') == 3
    assert "up to 10.0\xa0MB" in page
