"""Evidence in S3-compatible object storage, as production keeps it (django-storages), against
a real S3 server on loopback: moto's, started for these tests.

The storage is configured as tracker/settings.py configures it from the environment
(EVIDENCE_S3_BUCKET and the rest), credentials from the standard AWS variables. A document
attached through the page downloads through the view, and its object in the bucket is
private: an unsigned request for it is refused.
"""

import subprocess
import sys
import time
import urllib.error
import urllib.request

import boto3
import pytest

from evidence import services
from evidence.models import EvidenceDocument, evidence_files
from tests.evidence.conftest import attach, pdf_bytes, signed_in, upload
from tests.stack import free_port
from tracker.settings import evidence_storage_settings

pytestmark = pytest.mark.django_db

BUCKET = "tracker-evidence-test"
REGION = "eu-west-2"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on a free loopback port, for this module; its endpoint URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def s3(s3_server, settings, monkeypatch):
    """The evidence storage pointed at the S3 server, with a bucket of its own; the client."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name=REGION)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    environ = {
        "EVIDENCE_S3_BUCKET": BUCKET,
        "EVIDENCE_S3_ENDPOINT_URL": s3_server,
        "EVIDENCE_S3_REGION": REGION,
    }
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence_storage_settings(environ)}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_the_settings_choose_s3_when_a_bucket_is_named_and_the_folder_otherwise(tmp_path):
    s3 = evidence_storage_settings({"EVIDENCE_S3_BUCKET": BUCKET})
    folder = evidence_storage_settings({"EVIDENCE_ROOT": str(tmp_path)})

    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["default_acl"] == "private"
    assert s3["OPTIONS"]["querystring_auth"] is True
    assert s3["OPTIONS"]["file_overwrite"] is False
    assert folder["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert folder["OPTIONS"]["location"] == str(tmp_path)


def test_a_document_is_stored_in_the_bucket_privately_and_downloads_through_the_view(world, s3):
    data = pdf_bytes()

    response = attach(signed_in(world["editor"]), world["update"], ("Minutes", "m.pdf", data))

    assert response.status_code == 302
    assert type(evidence_files._wrapped).__name__ == "S3Storage"
    document = EvidenceDocument.objects.get()
    key = f"evidence/{document.file.name}"
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == [key]
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == data
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no AuthUsers

    download = signed_in(world["reader"]).get(
        f"/updates/{document.update_id}/evidence/{document.pk}/download/"
    )

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Disposition"] == 'attachment; filename="m.pdf"'
    with pytest.raises(urllib.error.HTTPError) as unsigned:
        urllib.request.urlopen(f"{s3.meta.endpoint_url}/{BUCKET}/{key}", timeout=5)
    assert unsigned.value.code == 403


def test_an_object_stored_for_a_transaction_that_fails_is_deleted(world, s3, monkeypatch):
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

    assert len(saves) == 2
    assert s3.list_objects_v2(Bucket=BUCKET).get("Contents", []) == []
    assert not EvidenceDocument.objects.exists()
