"""Load: signed-in people browsing, posting updates and downloading issued reports.

Run against `make serve` (see `make load` and docs/benchmarks.md), on loopback only:
    locust -f load/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8001

Each simulated person signs in as one of the demo accounts. Every update the server
acknowledges (redirect after posting) is appended to var/load/acknowledged.txt by its
submission key, so that a fault test can check that each one is in the database.
"""

import datetime
import random
import re
import uuid
from pathlib import Path

from locust import HttpUser, between, task

REVIEW = "cse-scrutiny-review"
PASSWORD = "scrutiny-demo-2016"
EDITORS = ["editor.police", "editor.safeguarding", "editor.health", "editor.licensing"]
READERS = ["clerk", "admin"]
ACKNOWLEDGED = Path(__file__).resolve().parent.parent / "var" / "load" / "acknowledged.txt"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def hidden(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match and match.group(1)


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.username = random.choice(EDITORS * 2 + READERS)
        page = self.client.get("/accounts/login/", name="sign in page")
        self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            },
            name="sign in",
        )
        reports = self.client.get(f"/reviews/{REVIEW}/reports/", name="reports list").text
        self.issued = sorted(set(re.findall(r'href="(/reviews/[^"]+/versions/\d+\.pdf)"', reports)))
        self.own = []
        if self.username in EDITORS:
            mine = self.client.get(f"/reviews/{REVIEW}/my-agency/", name="my agency").text
            self.own = sorted({int(n) for n in re.findall(r"/recommendations/(\d+)/", mine)})

    @task(4)
    def dashboard(self):
        self.client.get(f"/reviews/{REVIEW}/", name="dashboard")

    @task(4)
    def recommendation(self):
        number = random.randint(1, 38)
        self.client.get(f"/reviews/{REVIEW}/recommendations/{number}/", name="recommendation")

    @task(1)
    def synthetic_dashboard(self):
        self.client.get(f"/reviews/synthetic-{random.randint(1, 100):04d}/", name="dashboard")

    @task(1)
    def issued_report(self):
        if self.issued:
            self.client.get(random.choice(self.issued), name="issued report PDF")

    @task(2)
    def post_update(self):
        if not self.own:
            return
        url = f"/reviews/{REVIEW}/recommendations/{random.choice(self.own)}/updates/new/"
        form = self.client.get(url, name="update form").text
        today = datetime.date.today()
        key = hidden(form, "submission_key") or str(uuid.uuid4())
        data = {
            "csrfmiddlewaretoken": CSRF.search(form).group(1),
            "submission_key": key,
            "date_day": today.day,
            "date_month": today.month,
            "date_year": today.year,
            "status": random.choice(["green", "amber", "red"]),
            "narrative": f"Load test update {key}.",
            "evidence_of_impact": "",
        }
        agency = re.search(r'<input[^>]*name="agency"[^>]*value="(\d+)"', form)
        if agency:
            data["agency"] = agency.group(1)
        with self.client.post(
            url, data, name="post update", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                ACKNOWLEDGED.parent.mkdir(parents=True, exist_ok=True)
                with ACKNOWLEDGED.open("a") as file:
                    file.write(key + "\n")
            else:
                response.failure(f"update not saved: {response.status_code}")
