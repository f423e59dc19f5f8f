"""Two confirmations of one preview at the same moment (a double click, two tabs): the import
is saved once, and the second is told so, never a server error.

The two requests run in two threads with their own database connections, so these tests run
outside the test's transaction; CI runs them on SQLite and PostgreSQL.
"""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from recommendations.models import ProgressUpdate, Recommendation
from spreadsheets import importing
from tests.conftest import make_recommendation

pytestmark = pytest.mark.django_db(transaction=True)

PROGRESS = (
    "Number,Last update,Status,Latest narrative\n"
    "1,30/11/2016,Green,Training delivered.\n"
    "1,31/10/2016,Amber,Training planned.\n"
)
RECOMMENDATIONS = "Number,Short title,Recommendation,Lead agency\n1,Title,Wording,Police\n"


def confirm_twice_at_once(client, url, token, monkeypatch, apply_name):
    """Post the confirmation from two clients sharing `client`'s session, at the same moment.

    The first to save holds its transaction open a little, so that the second arrives while
    it is still saving.
    """
    apply = getattr(importing, apply_name)

    def slow_apply(*args, **kwargs):
        result = apply(*args, **kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(importing, apply_name, slow_apply)
    barrier = threading.Barrier(2)
    responses = []

    def confirm():
        twin = Client()
        twin.cookies = client.cookies
        twin.raise_request_exception = False
        try:
            barrier.wait()
            responses.append(twin.post(url, {"token": token}, follow=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_two_confirmations_of_one_progress_upload_record_each_update_once(
    database_file, client, review, police, police_editor, monkeypatch
):
    make_recommendation(review, police, number=1)
    client.force_login(police_editor)
    url = f"/reviews/{review.slug}/my-agency/upload/"
    preview = client.post(
        url, {"agency": police.pk, "file": SimpleUploadedFile("p.csv", PROGRESS.encode())}
    )

    responses = confirm_twice_at_once(
        client, f"{url}confirm/", preview.context["token"], monkeypatch, "apply_progress_import"
    )

    assert sorted(r.status_code for r in responses) == [200, 200]
    pages = sorted(r.content.decode() for r in responses)
    assert sum("Import saved: 2 progress updates recorded." in page for page in pages) == 1
    assert sum("already been saved" in page for page in pages) == 1
    assert ProgressUpdate.objects.count() == 2
    assert ProgressUpdate.objects.exclude(submission_key=None).count() == 2


def test_two_confirmations_of_one_recommendation_import_save_once(
    database_file, client, review, police, administrator, monkeypatch
):
    client.force_login(administrator)
    url = f"/reviews/{review.slug}/import/"
    preview = client.post(url, {"file": SimpleUploadedFile("r.csv", RECOMMENDATIONS.encode())})

    responses = confirm_twice_at_once(
        client,
        f"{url}confirm/",
        preview.context["token"],
        monkeypatch,
        "apply_recommendation_import",
    )

    assert sorted(r.status_code for r in responses) == [200, 200]
    pages = [r.content.decode() for r in responses]
    assert sum("Import saved: 1 created, 0 changed." in page for page in pages) == 1
    assert sum("already been saved" in page for page in pages) == 1
    assert Recommendation.objects.count() == 1
    assert Recommendation.history.count() == 1
