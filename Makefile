# Every target sets itself up: a fresh clone needs only `make run` or `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.12: on PATH if present, else from pyenv (this machine), else fail with a clear message.
# pyenv's shim answers `command -v` even when 3.12 is not selected, so ask pyenv's versions folder first.
PYTHON312 := $(shell ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.12.*/bin/python3.12 2>/dev/null | sort -V | tail -n 1)
ifeq ($(PYTHON312),)
PYTHON312 := $(shell command -v python3.12 2>/dev/null)
endif
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/guidance
CHROMIUM ?= /usr/bin/chromium

.PHONY: help install run test test-fast test-pg lint format bench bench-deps browser-deps clean

help:
	@echo "make run       installe, migre, importe le catalogue et sert le site sur 127.0.0.1:$(PORT)"
	@echo "make test      toute la suite de tests (hors ligne, SQLite, navigateur compris)"
	@echo "make test-pg   la même suite sur PostgreSQL ($(PG_URL))"
	@echo "make lint      ruff, djlint, makemigrations --check, lint-imports (les étages), mypy"
	@echo "make format    ruff --fix, ruff format, djlint --reformat (échoue si un gabarit reste à corriger)"
	@echo "make bench     mesures de vitesse et de mémoire"

$(VENV)/.installed: requirements/dev.txt
	@test -n "$(PYTHON312)" || { echo "Python 3.12 introuvable (ni python3.12, ni pyenv)"; exit 1; }
	test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own here.
browser-deps:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# Debian's wrk drives benchmarks/bench_http.py (HTTP load against gunicorn).
bench-deps: browser-deps
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; fi; }

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_opendata --if-changed
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on every core (pytest-xdist, one test database per worker; the tests sharing this machine's Redis
# are one xdist_group, so one worker runs them); PYTEST_ARGS="-n 0" runs it in one process.
XDIST := -n auto --dist loadgroup

test: install browser-deps
	$(PY) -m pytest -q $(XDIST) $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -q -m "not browser" $(XDIST) $(PYTEST_ARGS)

test-pg: install browser-deps
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q $(XDIST) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	@# djlint --reformat exits 1 when it changed a template: then every template must pass --check, or make stops.
	$(VENV)/bin/djlint templates --reformat --quiet || $(VENV)/bin/djlint templates --check --quiet
	$(VENV)/bin/djlint templates --lint

bench: install bench-deps
	$(PY) -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
