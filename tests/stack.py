"""`make run`'s own set-up, started for a test: the demo loaded into a fresh database, the
development server and the report worker as separate processes beside each other.

On SQLite (the embedded default) the database is a file in a temporary folder, as `make run`
has under var/; when the tests run on PostgreSQL (DATABASE_URL), a fresh database is made on
the same server and dropped afterwards. E-mails go to the server's console, as in demo mode,
and are read from its log.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """The tracker as `make run` serves it: `url`, `manage()`, `log()`; a context manager."""

    def __init__(self, folder, workers=1):
        self.folder = Path(folder)
        self.workers = workers  # report workers (`db_worker`), side by side on one database
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url, self._drop = _fresh_database(self.folder)
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DJANGO_DEBUG": "1",
            "TRACKER_DEMO": "1",
            "TRACKER_BASE_URL": self.url,
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.processes = {}
        self._logs = {}

    def manage(self, *args, check=True, timeout=300):
        """Run a management command against the stack's database; its CompletedProcess."""
        return subprocess.run(
            [*MANAGE, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
        )

    def __enter__(self):
        # What `make run` does, in its order.
        self.manage("migrate", "--no-input", "-v0")
        self.manage("load_review", "fixtures/cse-review.json")
        self.manage("load_demo", "fixtures/demo.json")
        self.manage("load_demo_reports")
        self._start("server", "runserver", f"127.0.0.1:{self.port}", "--noreload")
        # Several workers never reload on a code change (as one does under DEBUG), which
        # would stop a print halfway and leave it to the stale-print retry.
        reload = [] if self.workers == 1 else ["--no-reload"]
        self._start("worker", "db_worker", "--interval", "1", *reload)
        for n in range(2, self.workers + 1):
            self._start(f"worker{n}", "db_worker", "--interval", "1", *reload)
        self._wait_until_serving()
        return self

    def __exit__(self, *exc):
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self._logs.values():
            log.close()
        self._drop()

    def _start(self, name, *args):
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (closed in __exit__)
        self._logs[name] = log
        self.processes[name] = subprocess.Popen(
            [*MANAGE, *args], env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )

    def log(self, name):
        """What the process has printed so far (the server's includes the e-mails)."""
        self._logs[name].flush()
        return (self.folder / f"{name}.log").read_text()

    def _wait_until_serving(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"The {name} stopped:\n{self.log(name)}")
            try:
                urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"The server did not answer:\n{self.log('server')}")


def _fresh_database(folder):
    """(DATABASE_URL, drop) for an empty database of the engine the tests run on."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{folder / 'tracker.sqlite3'}", lambda: None
    parts = urlsplit(configured)
    name = f"{parts.path.lstrip('/') or 'postgres'}_stack_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def run(sql):
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def csrf_token(html):
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)
