# The two commands (see README.md):
#   make run    set everything up, load the demonstration data, serve on http://127.0.0.1:8000
#   make test   set everything up and run the whole test suite (lint, migrations, pytest)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: setup run test lint pytest assets bench clean

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

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

pytest: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: setup lint pytest

bench: setup
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) node_modules static/build var
