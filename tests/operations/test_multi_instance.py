"""Several web instances and several report workers on one database and one object store
(issue 17): nothing an instance keeps locally matters to another.

Two gunicorn instances (A and B, on two ports, production settings: DEBUG off, collected
static files), two report workers, one fresh PostgreSQL database and moto's S3 server for
the evidence storage, demo data loaded. Plain HTTP, one cookie jar per person, as a load
balancer sending each request to either instance would have it:
- signed in on A, a person carries on at B;
- failed sign-ins on A and on B count toward one lock-out;
- a page cached on A (the page cache, in the database) shows an update posted on B at once;
- a file uploaded on A downloads on B, from the bucket;
- two administrators issuing the same report on A and B at once make one version;
- stopping A (killed, mid-load) loses no update A or B acknowledged.

PostgreSQL only: SQLite is one file on one machine, the embedded default for one instance.
The CI's PostgreSQL run (.ci/run) sets DATABASE_URL, so there the test cannot skip.
"""

import datetime
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid

import boto3
import psycopg
import pytest
import requests

from tests.evidence.conftest import pdf_bytes
from tests.evidence.test_s3_storage import CREDENTIALS, REGION, s3_server  # noqa: F401
from tests.stack import MANAGE, ROOT, _fresh_database, csrf_token, free_port

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="several instances share one PostgreSQL database (run with DATABASE_URL=postgres://"
    "...; the CI's PostgreSQL run does)",
)

PASSWORD = "scrutiny-demo-2016"
REVIEW = "cse-scrutiny-review"
BUCKET = "tracker-evidence-multi"
# What a client sees of an instance that stops under it.
CUT_OFF = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)
SECOND_ADMIN = ("admin.two", "a-long-test-password-2")
CREATE_SECOND_ADMIN = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from recommendations.roles import BOARD_ADMINISTRATORS
user = get_user_model().objects.create_user(
    {SECOND_ADMIN[0]!r}, password={SECOND_ADMIN[1]!r}, email="admin.two@example.org",
    is_staff=True,
)
user.groups.add(Group.objects.get(name=BOARD_ADMINISTRATORS))
"""


class Cluster:
    """The two instances (`a`, `b`: base URLs), the workers, the database and the bucket."""

    def __init__(self, folder, s3_url):
        self.folder = folder
        self.database_url, self._drop = _fresh_database(folder)
        self.s3 = boto3.client(
            "s3",
            endpoint_url=s3_url,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        self.s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        ports = {"a": free_port(), "b": free_port()}
        self.a, self.b = (f"http://127.0.0.1:{ports[name]}" for name in ("a", "b"))
        self.ports = ports
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EVIDENCE_"))},
            **CREDENTIALS,
            # Production settings, on loopback without TLS (as `make serve` has them).
            "DATABASE_URL": self.database_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_COOKIES_SECURE": "0",
            "TRACKER_DEMO": "1",
            "TRACKER_STATIC_ROOT": str(folder / "static"),
            "EVIDENCE_S3_BUCKET": BUCKET,
            "EVIDENCE_S3_ENDPOINT_URL": s3_url,
            "EVIDENCE_S3_REGION": REGION,
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.processes = {}
        self._logs = {}

    def manage(self, *args, timeout=300):
        return subprocess.run(
            [*MANAGE, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        )

    def start(self):
        self.manage("migrate", "--no-input", "-v0")
        self.manage("collectstatic", "--no-input", "-v0")
        self.manage("load_review", "fixtures/cse-review.json")
        self.manage("load_demo", "fixtures/demo.json")
        self.manage("load_demo_reports")
        self.manage("shell", "-c", CREATE_SECOND_ADMIN)
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "tracker.wsgi",
            "-c",
            "tracker/gunicorn.conf.py",
        ]
        for name, port in self.ports.items():
            self._start(name, gunicorn, TRACKER_BIND=f"127.0.0.1:{port}")
        for name in ("worker1", "worker2"):
            self._start(name, [*MANAGE, "db_worker", "--interval", "1"])
        for url in (self.a, self.b):
            self._wait_until_healthy(url)
        return self

    def _start(self, name, command, **env):
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (closed in stop)
        self._logs[name] = log
        self.processes[name] = subprocess.Popen(
            command,
            env={**self.env, **env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers stop with it
        )

    def log(self, name):
        self._logs[name].flush()
        return (self.folder / f"{name}.log").read_text()

    def _wait_until_healthy(self, url, seconds=90):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None and name != "killed":
                    raise RuntimeError(f"{name} stopped:\n{self.log(name)}")
            try:
                if requests.get(f"{url}/health/", timeout=5).text == "OK":
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{url} is not healthy:\n{self.log('a')}\n{self.log('b')}")

    def kill(self, name):
        """Stop an instance as a crash would: SIGKILL to its master and its workers."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for log in self._logs.values():
            log.close()
        for item in self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            self.s3.delete_object(Bucket=BUCKET, Key=item["Key"])
        self.s3.delete_bucket(Bucket=BUCKET)
        self._drop()

    def sql(self, query, *params):
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, s3_server):  # noqa: F811
    cluster = Cluster(tmp_path_factory.mktemp("cluster"), s3_server)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def sign_in(session, base, username, password=PASSWORD):
    """The sign-in POST's response (not followed)."""
    page = session.get(f"{base}/accounts/login/", timeout=30)
    return session.post(
        f"{base}/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": csrf_token(page.text)},
        allow_redirects=False,
        timeout=30,
    )


def signed_in(base, username, password=PASSWORD):
    session = requests.Session()
    response = sign_in(session, base, username, password)
    assert response.status_code == 302, (username, response.status_code)
    return session


def update_form(session, base, number):
    url = f"{base}/reviews/{REVIEW}/recommendations/{number}/updates/new/"
    form = session.get(url, timeout=60)
    form.raise_for_status()
    return url, form.text


def update_data(form, narrative):
    today = datetime.date.today()
    data = {
        "csrfmiddlewaretoken": csrf_token(form),
        "submission_key": re.search(r'name="submission_key" value="([^"]+)"', form).group(1),
        "date_day": today.day,
        "date_month": today.month,
        "date_year": today.year,
        "status": "green",
        "narrative": narrative,
        "evidence_of_impact": "",
    }
    agency = re.search(r'name="agency" value="(\d+)"', form)
    if agency:
        data["agency"] = agency.group(1)
    return data


def own_numbers(session, base):
    page = session.get(f"{base}/reviews/{REVIEW}/my-agency/", timeout=60).text
    return sorted({int(n) for n in re.findall(r"/recommendations/(\d+)/", page)})


def test_both_instances_are_healthy_and_say_nothing_else(cluster):
    for base in (cluster.a, cluster.b):
        response = requests.get(f"{base}/health/", timeout=10)
        assert (response.status_code, response.text) == (200, "OK")


def test_signed_in_on_a_a_person_carries_on_at_b(cluster):
    session = signed_in(cluster.a, "clerk")

    dashboard = session.get(f"{cluster.b}/reviews/{REVIEW}/", allow_redirects=False, timeout=30)

    assert dashboard.status_code == 200
    assert "Sign out" in dashboard.text
    # Signing out at B ends the session at A too.
    page = session.get(f"{cluster.b}/reviews/{REVIEW}/", timeout=30)
    session.post(
        f"{cluster.b}/accounts/logout/",
        {"csrfmiddlewaretoken": csrf_token(page.text)},
        allow_redirects=False,
        timeout=30,
    )
    after = session.get(f"{cluster.a}/reviews/{REVIEW}/", allow_redirects=False, timeout=30)
    assert after.status_code == 302 and "/accounts/login/" in after.headers["Location"]


def test_failed_sign_ins_on_a_and_b_count_toward_one_lock_out(cluster):
    session = requests.Session()
    answers = [
        sign_in(session, base, "editor.licensing", "not-the-password").status_code
        for base in (cluster.a, cluster.b, cluster.a, cluster.b, cluster.a)
    ]
    # Neither instance saw five failures: together they did, and the fifth locks out.
    assert answers[:4] == [200, 200, 200, 200]
    assert answers[4] == 429

    right_password_on_b = sign_in(requests.Session(), cluster.b, "editor.licensing")

    assert right_password_on_b.status_code == 429
    # One count, in the database, whichever instance saw each failure (the five, and the
    # attempt refused while locked out).
    [(failures,)] = cluster.sql(
        "SELECT failures_since_start FROM axes_accessattempt WHERE username = %s",
        "editor.licensing",
    )
    assert failures >= 5


def test_a_page_cached_on_a_shows_an_update_posted_on_b_at_once(cluster):
    reader = signed_in(cluster.a, "clerk")
    editor = signed_in(cluster.b, "editor.police")
    number = own_numbers(editor, cluster.b)[0]
    page = f"/reviews/{REVIEW}/recommendations/{number}/"
    on_a = reader.get(cluster.a + page, timeout=30).text
    on_b = reader.get(cluster.b + page, timeout=30).text
    assert _main(on_a) == _main(on_b)
    with psycopg.connect(cluster.database_url) as connection:
        kept = connection.execute("select count(*) from tracker_cache").fetchone()[0]
    assert kept >= 1  # the page cache is the database's, which both instances share

    narrative = f"Posted on B, {uuid.uuid4()}."
    url, form = update_form(editor, cluster.b, number)
    posted = editor.post(url, update_data(form, narrative), allow_redirects=False, timeout=60)
    assert posted.status_code == 302

    assert narrative in reader.get(cluster.a + page, timeout=30).text


def _main(page):
    return page[page.index("<main") : page.index("</main>")]


def test_a_file_uploaded_on_a_downloads_on_b(cluster):
    session = signed_in(cluster.a, "editor.police")
    number = own_numbers(session, cluster.a)[0]
    url, form = update_form(session, cluster.a, number)
    data = update_data(form, "Multi-instance evidence update.")
    assert session.post(url, data, allow_redirects=False, timeout=60).status_code == 302
    [(update,)] = cluster.sql(
        "SELECT id FROM recommendations_progressupdate WHERE submission_key = %s",
        data["submission_key"],
    )
    content = pdf_bytes(pages=2)
    add = f"{cluster.a}/updates/{update}/evidence/add/"
    page = session.get(add, timeout=60).text
    attached = session.post(
        add,
        {
            "csrfmiddlewaretoken": csrf_token(page),
            "submission_key": re.search(r'name="submission_key" value="([^"]+)"', page).group(1),
            "title_1": "Training register",
        },
        files={"file_1": ("register.pdf", content, "application/pdf")},
        allow_redirects=False,
        timeout=60,
    )
    assert attached.status_code == 302, attached.text[:500]

    timeline = session.get(f"{cluster.b}/reviews/{REVIEW}/recommendations/{number}/", timeout=60)
    [link] = set(re.findall(rf'href="(/updates/{update}/evidence/\d+/download/)"', timeline.text))
    download = session.get(f"{cluster.b}{link}", timeout=60)

    assert download.status_code == 200
    assert download.content == content
    keys = [item["Key"] for item in cluster.s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("evidence/")


def test_two_administrators_issuing_one_report_on_a_and_b_at_once_make_one_version(cluster):
    [(report, versions_before)] = cluster.sql(
        "SELECT r.id, (SELECT count(*) FROM reports_reportversion v WHERE v.report_id = r.id)"
        " FROM reports_report r JOIN recommendations_review w ON w.id = r.review_id"
        " WHERE w.slug = %s ORDER BY r.meeting_date LIMIT 1",
        REVIEW,
    )
    people = [
        (signed_in(cluster.a, "admin"), cluster.a),
        (signed_in(cluster.b, *SECOND_ADMIN), cluster.b),
    ]
    posts = []
    for session, base in people:
        url = f"{base}/reviews/{REVIEW}/reports/{report}/issue/"
        page = session.get(url, timeout=60).text
        key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
        data = {"csrfmiddlewaretoken": csrf_token(page), "submission_key": key}
        data["reason"] = "Issued again by the multi-instance test."
        posts.append((session, url, data))
    barrier = threading.Barrier(len(posts))
    answers = [None] * len(posts)

    def click(index):
        session, url, data = posts[index]
        barrier.wait()
        answers[index] = session.post(url, data, allow_redirects=False, timeout=60)

    threads = [threading.Thread(target=click, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answer.status_code for answer in answers] == [302, 302]
    # Both follow the same request (one was made), which the workers print once.
    assert len({answer.headers["Location"] for answer in answers}) == 1
    deadline = time.monotonic() + 240
    while cluster.sql(
        "SELECT 1 FROM reports_issuerequest WHERE report_id = %s AND state IN ('queued', 'running')",
        report,
    ):
        assert time.monotonic() < deadline, "the report was not printed"
        time.sleep(0.5)
    requests_made = cluster.sql(
        "SELECT state, attempts FROM reports_issuerequest WHERE report_id = %s AND reason = %s",
        report,
        "Issued again by the multi-instance test.",
    )
    assert requests_made == [("issued", 1)]
    [(versions_after,)] = cluster.sql(
        "SELECT count(*) FROM reports_reportversion WHERE report_id = %s", report
    )
    assert versions_after == versions_before + 1
    # The new version downloads from either instance, the same bytes.
    number = versions_after
    pdfs = [
        session.get(f"{base}/reviews/{REVIEW}/reports/{report}/versions/{number}.pdf", timeout=60)
        for session, base in people
    ]
    assert [pdf.status_code for pdf in pdfs] == [200, 200]
    assert pdfs[0].content == pdfs[1].content and pdfs[0].content.startswith(b"%PDF")


def test_stopping_a_mid_load_loses_no_acknowledged_update(cluster):
    """Editors post updates to A and B in turn (a load balancer's round robin); A is killed
    while they do. An update whose post was cut off is sent again to B with the same
    submission key, as a browser's retry would be. Every acknowledged update is in the
    database, once."""
    # Editors of one agency each (two sessions each), so each form has one agency to carry.
    editors = ["editor.police", "editor.safeguarding"] * 2
    acknowledged, on_a, cut_off, errors = [], [], [], []
    lock = threading.Lock()
    a_stopped = threading.Event()
    done = threading.Event()

    def post(session, base, url, data):
        try:
            response = session.post(
                url.replace(cluster.a, base).replace(cluster.b, base),
                data,
                allow_redirects=False,
                timeout=60,
            )
        except CUT_OFF:
            return None
        if response.status_code != 302:
            problem = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.text, re.S)
            return response.status_code, problem and re.sub(r"<[^>]+>|\s+", " ", problem[1])
        return response.status_code

    def editor(username):
        session = signed_in(cluster.b, username)
        numbers = own_numbers(session, cluster.b)
        index = 0
        while not done.is_set():
            base = cluster.a if index % 2 == 0 and not a_stopped.is_set() else cluster.b
            number = numbers[index % len(numbers)]
            try:
                url, form = update_form(session, base, number)
            except CUT_OFF:
                base = cluster.b
                url, form = update_form(session, base, number)
            data = update_data(form, f"Fail-over update {username} {index} {uuid.uuid4()}")
            status = post(session, base, url, data)
            if status is None:  # cut off on A: the same form, sent again to B
                with lock:
                    cut_off.append(data["submission_key"])
                base = cluster.b
                status = post(session, base, url, data)
            with lock:
                if status == 302:
                    acknowledged.append(data["submission_key"])
                    if base == cluster.a:
                        on_a.append(data["submission_key"])
                else:
                    errors.append(status)
            index += 1

    threads = [threading.Thread(target=editor, args=(name,)) for name in editors]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(on_a) < 6 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert on_a, "no update reached A before it was stopped"
    cluster.kill("a")
    a_stopped.set()
    acknowledged_at_kill = len(acknowledged)
    while len(acknowledged) < acknowledged_at_kill + 9 and time.monotonic() < deadline + 60:
        time.sleep(0.1)
    done.set()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(acknowledged) >= acknowledged_at_kill + 9, "B did not carry on"
    stored = dict(
        cluster.sql(
            "SELECT submission_key::text, count(*) FROM recommendations_progressupdate"
            " WHERE submission_key::text = ANY(%s) GROUP BY submission_key",
            acknowledged,
        )
    )
    assert {key: stored.get(key) for key in acknowledged} == dict.fromkeys(acknowledged, 1)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{cluster.a}/health/", timeout=5)
    assert requests.get(f"{cluster.b}/health/", timeout=10).text == "OK"
