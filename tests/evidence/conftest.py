"""Evidence documents: real files of every accepted kind, hostile ones, and a small world
of one review, its agencies, their editors and one progress update to attach them to."""

import datetime
import io
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

from recommendations.models import Status
from tests.conftest import make_agency, make_recommendation, make_review, make_update, make_user

FILES = Path(__file__).resolve().parent / "files"


def pdf_bytes(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#1d70b8").save(buffer, fmt)
    return buffer.getvalue()


def xlsx_bytes():
    workbook = Workbook()
    workbook.active.append(["Driver", "Trained on"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members, *, first=None):
    """A zip archive of `members` ({name: bytes}); `first` is stored, uncompressed, first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1], zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(extra=None):
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
            **(extra or {}),
        }
    )


def odf_bytes(mimetype):
    return zip_bytes(
        {"content.xml": b'<?xml version="1.0"?><office:document-content/>'},
        first=("mimetype", mimetype.encode()),
    )


def xls_bytes():
    """A real Excel 97-2003 workbook: BIFF8 in an OLE2 compound file, written by xlwt."""
    return (FILES / "workbook.xls").read_bytes()


def doc_bytes():
    """The same compound file with its stream named as a Word document's is."""
    data = bytearray(xls_bytes())
    at = data.index("Workbook".encode("utf-16-le") + b"\0\0")
    name = "WordDocument".encode("utf-16-le") + b"\0\0"
    data[at : at + 64] = name.ljust(64, b"\0")
    data[at + 64 : at + 66] = len(name).to_bytes(2, "little")
    return bytes(data)


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00"


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.fixture
def folder(settings, tmp_path):
    """The evidence storage, a folder of this test's own: what it holds is what was stored."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    return tmp_path / "evidence"


def stored(folder):
    """The files in the evidence storage's folder."""
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


@pytest.fixture
def world(db, folder):
    review = make_review()
    police, council, health = (make_agency(n) for n in ("Police", "Council", "Health"))
    recommendation = make_recommendation(review, police, number=1, supporting_agencies=[council])
    editor = make_user("editor.police", agencies=[police])
    update = make_update(
        recommendation,
        editor,
        date=datetime.date(2016, 11, 1),
        status=Status.GREEN,
        narrative="Training delivered to 212 drivers.",
    )
    return {
        "review": review,
        "recommendation": recommendation,
        "update": update,
        "police": police,
        "editor": editor,
        "council_editor": make_user("editor.council", agencies=[council]),
        "other_editor": make_user("editor.health", agencies=[health]),
        "administrator": make_user("admin", administrator=True),
        "reader": make_user("clerk"),
        "folder": folder,
    }


def signed_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def add_url(update):
    return reverse("evidence:add", kwargs={"pk": update.pk})


def attach(client, update, *documents, key=None):
    """Post the add-evidence form with (title, name, bytes) documents in its slots."""
    data = {"submission_key": key or str(uuid.uuid4())}
    for n, (title, name, content) in enumerate(documents, start=1):
        data[f"title_{n}"] = title
        data[f"file_{n}"] = upload(name, content)
    return client.post(add_url(update), data)
