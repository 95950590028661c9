# The two commands (see README.md):
#   make run    set everything up, load the demonstration data, serve on http://127.0.0.1:8000
#               (a development server: DEBUG=true, a key generated under var/)
#   make serve  the production server (gunicorn + WhiteNoise, scripts/serve), configured by the
#               environment (README "Production")
#   make test   set everything up and run the whole test suite: lint, the migrations check,
#               pytest on SQLite (browser tests included) and again on a PostgreSQL server
#               that it starts on loopback

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# pytest-xdist: one test process per core
PYTEST_WORKERS ?= auto

.PHONY: setup system-deps run serve test lint bandit pytest pytest-postgres assets bench clean

setup: $(VENV)/.installed node_modules/.installed static/build/app.css

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.installed $(shell find static/scss static/js -type f 2>/dev/null) scripts/build_assets.mjs
	npm run --silent build

assets: node_modules/.installed
	npm run --silent build

# The web server and, beside it, a background task worker (large documents are made there);
# stopping the server (Ctrl-C) stops the worker.
# A development server says so: DEBUG on, and (no SECRET_KEY given) a development key that
# settings.py generates once under VAR_DIR. Without DEBUG=true the settings are production's.
run: export DEBUG = true
run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	nice -n 10 $(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

# The production web server (gunicorn and WhiteNoise; see the README's "Production"): the
# environment gives SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the rest.
serve: setup
	PYTHON=$(PY) scripts/serve

# Security lint of the three apps: any high-severity finding fails (tests/test_production.py
# runs it too).
bandit: $(VENV)/.installed
	$(VENV)/bin/bandit -q -r scrutiny reviews recommendations -x '*/migrations/*' --severity-level high

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

system-deps:
	scripts/test-system-deps.sh

pytest: setup
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The same suite on PostgreSQL, the production database; the browser journeys ran on SQLite.
pytest-postgres: setup
	scripts/with-postgres.sh $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

test: system-deps setup lint
	@echo "== pytest on SQLite"
	$(MAKE) --no-print-directory pytest
	@echo "== pytest on PostgreSQL"
	$(MAKE) --no-print-directory pytest-postgres

bench: setup
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) node_modules static/build var
