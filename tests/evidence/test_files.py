"""An evidence file's type comes from its bytes: what it is, never what its name says."""

import io

import pytest

from evidence import files
from tests.evidence.conftest import (
    EXE,
    doc_bytes,
    docx_bytes,
    image_bytes,
    odf_bytes,
    pdf_bytes,
    xls_bytes,
    xlsx_bytes,
    zip_bytes,
)


def identify(data, name="document"):
    return files.identify(io.BytesIO(data), name)


@pytest.mark.parametrize(
    "make, kind",
    [
        (pdf_bytes, files.PDF),
        (lambda: image_bytes("PNG"), files.PNG),
        (lambda: image_bytes("JPEG"), files.JPEG),
        (doc_bytes, files.DOC),
        (xls_bytes, files.XLS),
        (docx_bytes, files.DOCX),
        (xlsx_bytes, files.XLSX),
        (lambda: odf_bytes("application/vnd.oasis.opendocument.text"), files.ODT),
        (lambda: odf_bytes("application/vnd.oasis.opendocument.spreadsheet"), files.ODS),
    ],
)
def test_every_accepted_kind_is_recognised_from_its_content_whatever_its_name(make, kind):
    assert identify(make(), "named-wrongly.txt") == kind


@pytest.mark.parametrize(
    "data, name, reason",
    [
        (EXE, "minutes.pdf", "is a program, not a document"),
        (b"\x7fELF\x02\x01\x01" + b"\0" * 40, "register.docx", "is a program"),
        (b"#!/bin/sh\nrm -rf /\n", "audit.pdf", "is a program"),
        (b"", "empty.pdf", "is empty"),
        (zip_bytes({"register.pdf": pdf_bytes()}), "registers.zip", "is an archive"),
        (zip_bytes({"word/document.xml": b"<w/>"}), "not-really.docx", "is an archive"),
        (zip_bytes({"[Content_Types].xml": b"<T/>", "x.txt": b"x"}), "fake.xlsx", "is an archive"),
        (docx_bytes({"word/vbaProject.bin": b"\0"}), "macros.docx", "contains macros"),
        (b"PK\x03\x04" + b"\0" * 60, "broken.docx", "may be damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "broken.doc", "may be damaged"),
        (b"\x1f\x8b\x08\x00" + b"\0" * 20, "minutes.pdf", "is an archive"),
        (b"Dear board,\nplease find attached...", "letter.pdf", "is not a PDF, Word, Excel"),
        (b"<html><script>alert(1)</script></html>", "page.png", "is not a PDF"),
    ],
)
def test_anything_else_is_refused_with_the_reason_and_the_files_name(data, name, reason):
    with pytest.raises(files.FileRefused) as refused:
        identify(data, name)

    assert reason in str(refused.value)
    assert f"“{name}”" in str(refused.value)


def test_an_office_compound_file_that_is_neither_word_nor_excel_is_refused():
    data = bytearray(xls_bytes())
    at = data.index("Workbook".encode("utf-16-le"))
    data[at : at + 16] = "Slideset".encode("utf-16-le")

    with pytest.raises(files.FileRefused, match="not Word or Excel"):
        identify(bytes(data), "slides.ppt")


def test_a_file_name_is_quoted_printable_and_short():
    assert files.shown_name("a\x00b\u202e.pdf") == "ab.pdf"
    assert len(files.shown_name("x" * 500)) == 80
