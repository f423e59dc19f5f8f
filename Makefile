# The few commands people type. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := DJANGO_DEBUG=1 TRACKER_DEMO=1 $(BIN)/python manage.py
# What WeasyPrint needs from Debian (Pango), fonts with Arial metrics, and pdftotext.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 poppler-utils

.PHONY: run test lint assets backup restore system-packages clean bench serve serve-database load load-compare

run: $(VENV)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) load_review fixtures/cse-review.json
	$(MANAGE) load_demo fixtures/demo.json
	$(MANAGE) load_demo_reports
	@echo "Serving the tracker at http://127.0.0.1:8000/, with the report worker (Ctrl-C to stop)."
	$(MANAGE) db_worker --interval 1 & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

test: $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Benchmarks (docs/benchmarks.md): the demo data, and the demo plus 100 synthetic reviews of
# 40 recommendations with 50 updates each (seeded once into var/bench/, about 2 minutes).
BENCH := DJANGO_DEBUG=1 TRACKER_DEMO=1 $(BIN)/python manage.py
bench: $(VENV)/.installed
	@mkdir -p var/bench
	@for size in demo large; do \
		db=sqlite:///$(CURDIR)/var/bench/$$size.sqlite3; \
		if [ ! -f var/bench/$$size.seeded ]; then \
			rm -f var/bench/$$size.sqlite3; \
			DATABASE_URL=$$db $(BENCH) migrate --no-input -v0 && \
			DATABASE_URL=$$db $(BENCH) load_review fixtures/cse-review.json && \
			DATABASE_URL=$$db $(BENCH) load_demo fixtures/demo.json >/dev/null && \
			DATABASE_URL=$$db $(BENCH) load_demo_reports && \
			{ [ $$size = demo ] || DATABASE_URL=$$db $(BENCH) seed_synthetic \
				--reviews 100 --recommendations 40 --updates 50; } && \
			touch var/bench/$$size.seeded || exit 1; \
		fi; \
		DATABASE_URL=$$db $(BENCH) migrate --no-input -v0 || exit 1; \
		echo "== measuring at the $$size size"; \
		DATABASE_URL=$$db $(BENCH) bench --label $$size --output var/bench/$$size.json >/dev/null || exit 1; \
	done
	$(BENCH) bench --compare var/bench/demo.json var/bench/large.json | tee var/bench/results.md
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/demo.sqlite3 $(BENCH) bench_uploads --output var/bench/uploads.json | tee var/bench/uploads.md
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench/demo.sqlite3 $(BENCH) bench_report_flood | tee var/bench/report-flood.md

# Production-like serving on loopback: gunicorn (tracker/gunicorn.conf.py) and WhiteNoise
# (hashed, compressed static files), DEBUG off, PostgreSQL, and the report worker.
# No TLS on loopback, so secure cookies and the HTTPS redirect are off here only.
SERVE_DB_NAME ?= tracker
SERVE_DB ?= postgres://postgres@127.0.0.1:5432/$(SERVE_DB_NAME)
SERVE_ENV = DATABASE_URL=$(SERVE_DB) DJANGO_SECRET_KEY="$$(cat var/secret-key)" \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_COOKIES_SECURE=0
serve: serve-database
	@echo "Serving the tracker at http://127.0.0.1:8001/ with gunicorn and the report worker."
	$(SERVE_ENV) $(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(SERVE_ENV) $(BIN)/gunicorn tracker.wsgi -c tracker/gunicorn.conf.py

serve-database: $(VENV)/.installed var/secret-key
	@psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='$(SERVE_DB_NAME)'" \
		| grep -q 1 || psql -h 127.0.0.1 -U postgres -c 'create database "$(SERVE_DB_NAME)"'
	$(SERVE_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --no-input -v0

var/secret-key:
	@mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(60))" > $@

# Load test against `make serve TRACKER_DEMO=1` (run that first, in another terminal: the demo
# accounts sign in without a second factor only in demo mode): demo users and the
# benchmark's synthetic data; 50 people sign in (2 a second), then 60 s of browsing is
# measured (-t only bounds the run). Results in var/load/ (sign-ins: var/load/sign_in.txt).
load: $(VENV)/.installed var/secret-key
	$(SERVE_ENV) TRACKER_DEMO=1 $(BIN)/python manage.py prepare_load_test
	@mkdir -p var/load && rm -f var/load/acknowledged.txt
	$(BIN)/locust -f load/locustfile.py --headless -u 50 -r 2 -t 300s \
		--host http://127.0.0.1:8001 --csv var/load/locust --only-summary

# The page cache's worth (docs/benchmarks.md): the same 50 people with no think time against
# gunicorn with the page cache off and on in turn, each run on a fresh copy of the prepared
# database; ROUNDS, MIXES and THINK as load/compare_page_cache.sh says. Needs nothing else
# running: it starts and stops its own gunicorn (port 8002). About 2 minutes per run.
load-compare: serve-database
	$(SERVE_ENV) TRACKER_DEMO=1 $(BIN)/python manage.py prepare_load_test
	$(SERVE_ENV) bash load/compare_page_cache.sh

# Backs up the database (DATABASE_URL, or the SQLite file) to var/backups/, or restores one:
# make restore FILE=var/backups/tracker-....backup
backup: $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/python manage.py backup

restore: $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/python manage.py restore "$(FILE)"

# Rebuilds the compiled GOV.UK Frontend CSS and JavaScript into static/ (needs Node.js).
# The compiled files are committed, so running and testing need no Node.js.
assets:
	@command -v npm >/dev/null || { echo "make assets needs Node.js and npm (apt-get install nodejs npm)."; exit 1; }
	npm ci
	npm run build

$(VENV)/.installed: pyproject.toml
	@$(MAKE) --no-print-directory system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Installs the Debian packages above when they are missing (as root), or says how to.
system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
		else \
			echo "Please install: sudo apt-get install $$missing"; exit 1; \
		fi; \
	fi

clean:
	rm -rf $(VENV) var
