# Two commands do all the set-up on a fresh machine:
#   make run   install, migrate, load the demo family, serve on :8000 (SQLite)
#   make test  install what the tests need, lint, run the whole suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# uv itself: on PATH, else fetched by `make uv` with pip into .uv/ (pip's --target
# is allowed where PEP 668 refuses `pip install --user`, as on Debian 12).
UV := $(shell command -v uv 2>/dev/null || echo "$(CURDIR)/.uv/bin/uv")
# Python 3.13 (3.12 works too): the first one found on this machine.
PYTHON ?= $(firstword $(wildcard /usr/local/bin/python3.13 /usr/bin/python3.13 \
	$(HOME)/.pyenv/versions/3.13*/bin/python3.13 /usr/local/bin/python3.12 \
	/usr/bin/python3.12 $(HOME)/.pyenv/versions/3.12*/bin/python3.12))
VENV := .venv
PY := $(VENV)/bin/python
# make run keeps its database and secret key here, like the container's /data.
export DATA_DIR ?= $(CURDIR)/data
# A key generated once (see the `secret` target), unless SECRET_KEY is given.
export SECRET_KEY_FILE ?= $(DATA_DIR)/secret_key
# A moment no test may mind: the fast lane runs once more with the whole
# clock moved there (tests/conftest.py's --at), crossing into a new year.
HARD_MOMENT ?= 2026-12-31T23:58+09:00
FAST := not slow and not browser and not container and not oldengine

HOST ?= 0.0.0.0
PORT ?= 8000

.PHONY: help uv install install-dev old-engines secret messages run run-empty test check test-postgres \
	pytest-postgres test-container lint typecheck fmt bench clean

help:
	@echo "make run    - install, migrate, demo family, serve on $(HOST):$(PORT) with the worker"
	@echo "make run-empty - the same with an empty family (New Year closure and holidays only)"
	@echo "make test   - install test tools, lint, run every test"
	@echo "make check  - lint, types and the fast tests: the inner loop (~70 s on 2 cores)"
	@echo "make test-postgres  - the suite again on a throw-away PostgreSQL"
	@echo "make test-container - build the image, run it with docker-compose.yml"
	@echo "make bench  - benchmarks (after make test's install)"
	@echo "make old-engines - install the old browser engines the tests run the wall in"

uv:
	@command -v uv >/dev/null 2>&1 || test -x .uv/bin/uv || { \
		echo "uv not found: fetching it with pip into .uv/ (once)"; \
		python3 -m pip install --quiet --disable-pip-version-check --target .uv uv \
		|| { echo "pip is missing too: sudo apt-get install python3-pip (or see https://docs.astral.sh/uv/)"; exit 1; }; }

install: uv
	@test -n "$(PYTHON)" || { echo "Python 3.13 or 3.12 not found; set PYTHON=/path/to/python3.13"; exit 1; }
	$(UV) sync --frozen --no-dev --python $(PYTHON)
	@$(MAKE) --no-print-directory messages

install-dev: uv
	@test -n "$(PYTHON)" || { echo "Python 3.13 or 3.12 not found; set PYTHON=/path/to/python3.13"; exit 1; }
	$(UV) sync --frozen --python $(PYTHON)
	npm ci --no-audit --no-fund --loglevel=error
	@$(MAKE) --no-print-directory messages

secret:
	@mkdir -p "$(DATA_DIR)"
	@test -s "$(SECRET_KEY_FILE)" || (umask 077 && python3 -c \
		"import secrets; print(secrets.token_urlsafe(50))" > "$(SECRET_KEY_FILE)")

# The .mo catalogues are built from the .po files, never committed.
messages: secret
	@if [ -z "$$(find locale -name '*.po' 2>/dev/null)" ]; then :; \
	elif command -v msgfmt >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0; \
	else echo "gettext (msgfmt) is missing: apt-get install gettext"; exit 1; fi

# The tablet reaches the server by its LAN address, so make run answers any
# host name; the Docker setup takes ALLOWED_HOSTS from .env instead.
run: export ALLOWED_HOSTS ?= *
run: install
	@VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) scripts/serve --check
	@# Migrate, demo family, first admin, static files; then one block: where everything is.
	@$(PY) manage.py first_run --port $(PORT) $(FIRST_RUN_ARGS)
	@# The worker (calendars, nudges, webhooks) runs beside gunicorn; Ctrl-C stops both.
	@VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) scripts/serve

# As make run, but a real family's start: no demo, the New Year closure and
# the holidays only. A database that has a family already is left as it is.
run-empty:
	@$(MAKE) --no-print-directory run FIRST_RUN_ARGS=--empty

lint: secret
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/django-upgrade --target-version 6.1 $$(git ls-files '*.py' | grep -v /migrations/)
	$(PY) manage.py makemigrations --check --dry-run -v0
	@$(MAKE) --no-print-directory typecheck

# Strict on the planner, recurrence, the loader and the wall (pyproject.toml).
typecheck: secret
	$(VENV)/bin/mypy schedule config

# The inner loop: everything but browsers, containers, old engines and the
# tests that start processes of their own (marked slow); make test runs all.
check: lint
	@mkdir -p staticfiles
	$(VENV)/bin/pytest -q -m "$(FAST)" -n auto -p no:cacheprovider $(PYTEST_ARGS)

fmt:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Chromium 49-61 and WebKit 602 for tests/test_oldengine.py, into
# ~/.cache/hibi/old-engines (HIBI_OLD_ENGINES); quick when already there.
# Its Debian packages need root: as another user it prints the apt-get line.
old-engines: uv
	UV="$(UV)" python3 scripts/old_engines.py install

# With TEST_DATABASE_URL set (as .ci/run does), the suite runs a second time on
# PostgreSQL; the container test runs when CI=true or HIBI_CONTAINER_TESTS=1.
test: install-dev old-engines lint
	@mkdir -p staticfiles  # whitenoise warns on every test client without it
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	@echo "The fast lane again, the clock at $(HARD_MOMENT):"
	$(VENV)/bin/pytest -q -m "$(FAST)" -n auto -p no:cacheprovider --at $(HARD_MOMENT) $(PYTEST_ARGS)
	@if [ -f test-artifacts/container.json ]; then \
		echo "Image and container, as last measured:"; cat test-artifacts/container.json; fi
	@if [ -f test-artifacts/fuzz.json ]; then \
		echo "Fuzz (tests/test_fuzz.py), requests sent:"; cat test-artifacts/fuzz.json; fi
	@if [ -n "$(TEST_DATABASE_URL)" ]; then $(MAKE) --no-print-directory pytest-postgres; fi

# The suite on PostgreSQL: Debian's server, started for the run if no
# TEST_DATABASE_URL is given. Browser, old-engine and container tests do not
# touch the database engine and ran in the first pass already.
test-postgres: install-dev
	@if [ -n "$(TEST_DATABASE_URL)" ]; then $(MAKE) --no-print-directory pytest-postgres; \
	else eval "$$(.ci/postgres start)" && trap '.ci/postgres stop' EXIT \
		&& $(MAKE) --no-print-directory pytest-postgres TEST_DATABASE_URL="$$TEST_DATABASE_URL"; fi

pytest-postgres:
	DATABASE_URL="$(TEST_DATABASE_URL)" $(VENV)/bin/pytest \
		-m "not browser and not container and not oldengine" \
		$(PYTEST_ARGS)
	@if [ -f test-artifacts/concurrency.json ]; then \
		echo "Taps and saves at once (tests/test_writes_postgres.py):"; \
		cat test-artifacts/concurrency.json; fi

# The real image and docker-compose.yml, on the podman stand-in of ../shared.
test-container: install-dev
	eval "$$(../shared/tools/container-env up)" \
		&& HIBI_CONTAINER_TESTS=1 $(VENV)/bin/pytest tests/test_container.py $(PYTEST_ARGS)

# Benchmarks need wrk (load), Debian's chromium (tablet soak) and the old
# engines (Chromium 49's heap, DOM and CPU: bench/tablet.py).
bench: install-dev old-engines
	@command -v wrk >/dev/null && test -x /usr/bin/chromium || { \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk chromium; }
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .uv node_modules staticfiles .pytest_cache
