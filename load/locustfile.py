"""Load: signed-in people browsing, posting updates and downloading issued reports.

Run against `make serve TRACKER_DEMO=1` (see `make load` and docs/benchmarks.md), on
loopback only:
    locust -f load/locustfile.py --headless -u 50 -r 2 -t 300s --host http://127.0.0.1:8001

Each simulated person signs in as one of the demo accounts while the users ramp up
(2 a second). When the last of the 50 has signed in, the statistics are reset and the
measure of pages starts; it lasts LOAD_MEASURE_SECONDS (60), then locust stops (-t is
only a bound). Sign-ins are timed apart (each is a PBKDF2 hash, about 0.7 s of CPU)
and written to var/load/sign_in.txt. Between two actions a person waits 3-10 s
(LOAD_WAIT_MIN/LOAD_WAIT_MAX), the time to read a dashboard or a recommendation; 0 and 0
measure saturation; LOAD_ACTIONS_PER_SECOND instead paces everyone together to an arrival
rate. An editor posts an update with weight LOAD_POST_WEIGHT (2) against 10 for reading.

Every update the server acknowledges (a redirect to its recommendation's page: anything
else, such as a two-factor page, is a failure) is appended to
var/load/acknowledged.txt by its submission key, so that a fault test can check that
each one is in the database.
"""

import datetime
import os
import random
import re
import statistics
import uuid
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import between, constant_throughput, events, task
from locust.contrib.fasthttp import FastHttpUser

REVIEW = "cse-scrutiny-review"
PASSWORD = "scrutiny-demo-2016"
EDITORS = ["editor.police", "editor.safeguarding", "editor.health", "editor.licensing"]
READERS = ["clerk", "admin"]
ACKNOWLEDGED = Path(__file__).resolve().parent.parent / "var" / "load" / "acknowledged.txt"
SIGN_IN_TIMES = ACKNOWLEDGED.parent / "sign_in.txt"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Where a saved update sends the editor: its recommendation's page.
SAVED = re.compile(rf"/reviews/{REVIEW}/recommendations/\d+/$")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
WAIT = (float(os.environ.get("LOAD_WAIT_MIN", 3)), float(os.environ.get("LOAD_WAIT_MAX", 10)))
# How often an editor posts, against 10 for reading (docs/benchmarks.md, the page cache).
POST_WEIGHT = int(os.environ.get("LOAD_POST_WEIGHT", 2))
# An arrival rate instead of think time: all the people together start this many actions a
# second (an update is two requests), to find the rate a server holds at a given p95.
RATE = float(os.environ.get("LOAD_ACTIONS_PER_SECOND", 0))
MEASURE = float(os.environ.get("LOAD_MEASURE_SECONDS", 60))
sign_ins = []  # (response time in ms, failed): kept apart from locust's reset statistics
started = []  # people who have signed in


def _signed_in(environment):
    """Once all have signed in: reset the statistics, measure pages for MEASURE s, stop."""
    started.append(1)
    if len(started) == environment.parsed_options.num_users:
        environment.runner.stats.reset_all()
        print(f"All {len(started)} signed in: measuring pages for {MEASURE:.0f} s.")
        gevent.spawn_later(MEASURE, environment.runner.quit)


@events.request.add_listener
def _time_sign_ins(name, response_time, exception, **kwargs):
    if name == "sign in":
        sign_ins.append((response_time, exception is not None))


@events.quitting.add_listener
def _report_sign_ins(environment, **kwargs):
    if not sign_ins:
        return
    times = sorted(t for t, _ in sign_ins)
    cuts = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
    line = (
        f"sign in: {len(times)} requests, {sum(f for _, f in sign_ins)} errors, "
        f"p50 {cuts[49]:.0f} ms, p95 {cuts[94]:.0f} ms, p99 {cuts[98]:.0f} ms, max {times[-1]:.0f} ms"
    )
    SIGN_IN_TIMES.parent.mkdir(parents=True, exist_ok=True)
    SIGN_IN_TIMES.write_text(line + "\n")
    print(line)


def hidden(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match and match.group(1)


class Person(FastHttpUser):
    def wait_time(self):
        if RATE:
            return constant_throughput(RATE / self.environment.parsed_options.num_users)(self)
        return between(*WAIT)(self)

    def on_start(self):
        self.username = random.choice(EDITORS * 2 + READERS)
        page = self.client.get("/accounts/login/", name="sign in page")
        credentials = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
        }
        with self.client.post(
            "/accounts/login/",
            data=urlencode(credentials),
            headers=FORM,
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not signed in: {response.status_code}")
        reports = self.client.get(f"/reviews/{REVIEW}/reports/", name="reports list").text
        self.issued = sorted(set(re.findall(r'href="(/reviews/[^"]+/versions/\d+\.pdf)"', reports)))
        self.own = []
        if self.username in EDITORS:
            mine = self.client.get(f"/reviews/{REVIEW}/my-agency/", name="my agency").text
            self.own = sorted({int(n) for n in re.findall(r"/recommendations/(\d+)/", mine)})
        _signed_in(self.environment)

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

    @task(POST_WEIGHT)
    def post_update(self):
        if not self.own:
            return
        url = f"/reviews/{REVIEW}/recommendations/{random.choice(self.own)}/updates/new/"
        with self.client.get(url, name="update form", catch_response=True) as page:
            form = page.text or ""
            if page.status_code != 200 or 'name="submission_key"' not in form:
                # Not the form (a two-factor page: `make serve` needs TRACKER_DEMO=1 here).
                page.failure(f"no update form: {page.status_code}")
                return
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
            url,
            data=urlencode(data),
            headers=FORM,
            name="post update",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location") or ""
            if response.status_code == 302 and SAVED.search(location):
                ACKNOWLEDGED.parent.mkdir(parents=True, exist_ok=True)
                with ACKNOWLEDGED.open("a") as file:
                    file.write(key + "\n")
            else:
                response.failure(f"update not saved: {response.status_code} {location}")
