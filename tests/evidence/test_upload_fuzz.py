"""Generated files and fields posted to the evidence forms: never a server error, nothing
saved from a refused form, and never a stored file without its row (the house's fuzzing,
tests/tracker/test_fuzz.py)."""

import io
import uuid

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from evidence.models import EvidenceDocument
from tests.evidence.conftest import (
    EXE,
    doc_bytes,
    docx_bytes,
    image_bytes,
    odf_bytes,
    pdf_bytes,
    stored,
    xls_bytes,
    zip_bytes,
)
from tests.tracker.test_fuzz import (
    FUZZ,
    nasty_text,
    number_text,
    post_and_check,
    redirect_to,
    signed_in,
    uuid_text,
)

pytestmark = pytest.mark.django_db

REAL = [pdf_bytes(), image_bytes("PNG"), image_bytes("JPEG"), docx_bytes(), xls_bytes()]
REAL += [doc_bytes(), odf_bytes("application/vnd.oasis.opendocument.text")]
MAGIC = [b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", EXE[:2]]
MAGIC.append(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _cut(data, at):
    return data[: at % (len(data) + 1)]


# Content of every kind: random bytes, random bytes behind a real type's first bytes, real
# files cut short or with bytes flipped, and the hostile ones (programs, archives, empty).
content = st.one_of(
    st.binary(max_size=300),
    st.tuples(st.sampled_from(MAGIC), st.binary(max_size=600)).map(lambda t: t[0] + t[1]),
    st.tuples(st.sampled_from(REAL), st.integers(0, 10**6)).map(lambda t: _cut(*t)),
    st.tuples(st.sampled_from(REAL), st.integers(0, 10**6), st.binary(min_size=1, max_size=8)).map(
        lambda t: t[0][: t[1] % len(t[0])] + t[2] + t[0][t[1] % len(t[0]) + len(t[2]) :]
    ),
    st.sampled_from([b"", EXE, zip_bytes({"a.pdf": pdf_bytes()}), *REAL]),
)
file_name = st.one_of(st.sampled_from(["a.pdf", "x.docx", "x", "..", "a/b\\c.pdf"]), nasty_text)


def named(data, name):
    upload = io.BytesIO(data)
    upload.name = name.replace("\x00", "") or "unnamed"
    return upload


def assert_every_stored_file_has_its_row(world):
    assert len(stored(world["folder"])) == EvidenceDocument.objects.count()


@FUZZ
@given(
    documents=st.lists(st.tuples(nasty_text, content, file_name), max_size=4),
    key=uuid_text,
    extra=st.dictionaries(st.sampled_from(["title_9", "file", "update", "agency"]), number_text),
)
@example(documents=[("Minutes", pdf_bytes(), "minutes.pdf")], key=str(uuid.uuid4()), extra={})
@example(documents=[("Minutes", pdf_bytes(), "minutes.pdf")], key="", extra={})
def test_attaching_evidence_never_fails_and_saves_nothing_refused(world, documents, key, extra):
    client = signed_in(world["editor"])
    fields = {**extra, "submission_key": key}
    for n, (title, data, name) in enumerate(documents, start=1):
        fields[f"title_{n}"] = title
        fields[f"file_{n}"] = named(data, name)

    post_and_check(
        client,
        reverse("evidence:add", args=[world["update"].pk]),
        fields,
        success=redirect_to("/reviews/test-review/"),
    )
    assert_every_stored_file_has_its_row(world)


@pytest.fixture
def document(world):
    from evidence.services import evidence_attach
    from tests.evidence.conftest import upload

    [document] = evidence_attach(
        update=world["update"],
        user=world["editor"],
        files_with_titles=[("Register", upload("r.pdf", pdf_bytes()))],
    )
    return document


@FUZZ
@given(title=nasty_text, data=content, name=file_name, key=uuid_text)
def test_replacing_a_document_never_fails_and_saves_nothing_refused(
    world, document, title, data, name, key
):
    client = signed_in(world["editor"])
    url = reverse("evidence:replace", args=[world["update"].pk, document.pk])
    fields = {"title": title, "file": named(data, name), "submission_key": key}

    post_and_check(client, url, fields, success=redirect_to("/reviews/test-review/"))
    assert_every_stored_file_has_its_row(world)
