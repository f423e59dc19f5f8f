"""The embedded default survives its own worker: `make run`'s set-up under concurrent use.

The development server and the report worker run as separate processes on one database
(SQLite, or PostgreSQL when the tests run there). The administrator issues both demo reports
while two editors post updates and a clerk asks for drafts, all at once: no request may fail,
and the server's log may never say "database is locked".
"""

import datetime
import re
import threading
import time
import uuid

import requests

from tests.stack import Stack, csrf_token

PASSWORD = "scrutiny-demo-2016"
EDITORS = {"editor.police": [4, 6], "editor.safeguarding": [2, 8]}  # recommendations they lead
POSTS_EACH = 12


def signed_in(stack, username):
    session = requests.Session()
    page = session.get(f"{stack.url}/accounts/login/", timeout=30)
    response = session.post(
        f"{stack.url}/accounts/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": f"{stack.url}/accounts/login/"},
        timeout=30,
    )
    assert response.ok and "Sign out" in response.text, username
    return session


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.failures = []

    def record(self, response, what):
        with self.lock:
            self.requests += 1
            if response.status_code >= 500:
                self.failures.append(f"{what}: {response.status_code}")
        return response


def post_updates(stack, username, numbers, tally, posted):
    session = signed_in(stack, username)
    today = datetime.date.today()
    for index in range(POSTS_EACH):
        number = numbers[index % len(numbers)]
        url = f"{stack.url}/reviews/cse-scrutiny-review/recommendations/{number}/updates/new/"
        form = tally.record(session.get(url, timeout=60), "update form")
        key = re.search(r'name="submission_key" value="([^"]+)"', form.text).group(1)
        agency = re.search(r'name="agency" value="(\d+)"', form.text)
        narrative = f"Concurrent update {username} {index}"
        data = {
            "csrfmiddlewaretoken": csrf_token(form.text),
            "submission_key": key,
            "date_day": today.day,
            "date_month": today.month,
            "date_year": today.year,
            "status": "green",
            "narrative": narrative,
            "evidence_of_impact": "",
        }
        if agency:
            data["agency"] = agency.group(1)
        response = tally.record(
            session.post(url, data, headers={"Referer": url}, timeout=60), "post update"
        )
        if response.ok and "Your progress update has been posted" in response.text:
            posted.append(narrative)


def issue(stack, session, report_id, tally):
    url = f"{stack.url}/reviews/cse-scrutiny-review/reports/{report_id}/issue/"
    form = tally.record(session.get(url, timeout=60), "issue form")
    data = {
        "csrfmiddlewaretoken": csrf_token(form.text),
        "submission_key": str(uuid.uuid4()),
        "reason": "",
    }
    clicked = time.monotonic()
    response = tally.record(
        session.post(url, data, headers={"Referer": url}, allow_redirects=False, timeout=60),
        "issue",
    )
    assert response.status_code == 302, response.text[:500]
    status = f"{stack.url}{response.headers['Location']}"
    while time.monotonic() - clicked < 240:
        state = tally.record(session.get(status, params={"format": "json"}, timeout=60), "poll")
        if state.json()["state"] in ("issued", "failed"):
            return state.json()["state"], time.monotonic() - clicked
        time.sleep(0.5)
    return "timed out", time.monotonic() - clicked


def test_issuing_both_demo_reports_while_editors_post_updates_never_fails(tmp_path):
    with Stack(tmp_path) as stack:
        report_ids = [
            int(pk)
            for pk in re.findall(
                r"/reports/(\d+)/issue/",
                signed_in(stack, "admin")
                .get(f"{stack.url}/reviews/cse-scrutiny-review/reports/", timeout=60)
                .text,
            )
        ]
        assert len(report_ids) == 2
        tally, posted, issued = Tally(), [], {}
        admin, clerk = signed_in(stack, "admin"), signed_in(stack, "clerk")

        def issue_all():
            for report_id in report_ids:
                issued[report_id] = issue(stack, admin, report_id, tally)

        def ask_for_drafts():
            for _ in range(6):
                for report_id in report_ids:
                    url = f"{stack.url}/reviews/cse-scrutiny-review/reports/{report_id}/draft.pdf"
                    tally.record(clerk.get(url, timeout=60), "draft")
                time.sleep(0.5)

        threads = [threading.Thread(target=issue_all), threading.Thread(target=ask_for_drafts)]
        threads += [
            threading.Thread(target=post_updates, args=(stack, name, numbers, tally, posted))
            for name, numbers in EDITORS.items()
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        log = stack.log("server") + stack.log("worker")
        print(
            f"\n{stack.database_url.split(':')[0]}: {tally.requests} requests in {elapsed:.1f} s, "
            f"{len(tally.failures)} server errors, {len(posted)} of "
            f"{POSTS_EACH * len(EDITORS)} updates posted; issue click to version: "
            + ", ".join(f"{state} in {seconds:.1f} s" for state, seconds in issued.values())
        )
        assert tally.failures == []
        assert "database is locked" not in log
        assert [state for state, _ in issued.values()] == ["issued", "issued"]
        assert len(posted) == POSTS_EACH * len(EDITORS)
        # Every acknowledged update is in the database the worker and server share.
        counted = stack.manage(
            "shell",
            "-c",
            "from recommendations.models import ProgressUpdate;"
            "print(ProgressUpdate.objects.filter(narrative__startswith='Concurrent').count())",
        ).stdout.split()[-1]
        assert int(counted) == len(posted)
