# The few commands people type. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := DJANGO_DEBUG=1 TRACKER_DEMO=1 $(BIN)/python manage.py
# What WeasyPrint needs from Debian (Pango), fonts with Arial metrics, and pdftotext.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 poppler-utils

.PHONY: run test lint assets backup restore system-packages clean

run: $(VENV)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) load_review fixtures/cse-review.json
	$(MANAGE) load_demo fixtures/demo.json
	$(MANAGE) load_demo_reports
	@echo "Serving the tracker at http://127.0.0.1:8000/ (Ctrl-C to stop)."
	$(MANAGE) runserver 127.0.0.1:8000

test: $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

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
