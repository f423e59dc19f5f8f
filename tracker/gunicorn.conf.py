"""gunicorn for `make serve`: production-like serving on this 2-core machine.

Sync workers, 2 per core plus one: pages are short and database-bound, and the slow
work (printing draft PDFs) is the report worker's, not the web server's. Issuing a
report still prints in the request, hence the generous timeout.
"""

import multiprocessing
import os

import gunicorn.http.wsgi

# Every response's Server header would name gunicorn: it names nothing an attacker can use.
gunicorn.http.wsgi.SERVER = "tracker"

bind = os.environ.get("TRACKER_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
timeout = 60
graceful_timeout = 20
max_requests = 2000  # recycle workers now and then: WeasyPrint's caches grow
max_requests_jitter = 200
accesslog = os.environ.get("TRACKER_ACCESS_LOG")  # off unless asked: it costs at load
errorlog = "-"
# gunicorn 27's control socket (one path per user, ~/.gunicorn/): nothing here uses it, and
# two instances on one host would share it. Older gunicorn ignores the setting.
control_socket_disable = True
