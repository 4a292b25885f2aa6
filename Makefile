# Valnav: `make run` serves the platform, `make test` checks everything. See README.md.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
export DEBUG ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint typecheck migrations-check pytest messages compilemessages bench load audit worker clean

$(STAMP): pyproject.toml
	@test -x $(PY) || { py=$$(scripts/find-python) && $$py -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# With polib, in pure Python: `manage.py compilemessages` would need GNU gettext's msgfmt, and
# `make test` must pass on a machine with nothing installed but Python.
compilemessages: $(STAMP)
	$(PY) scripts/compile_messages.py

# Links that leave the site (the intyg's QR code, e-mails, credentials) are built on
# VALNAV_PUBLIC_URL; under `make run` that is the address being served, whatever the port.
run: export VALNAV_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: install compilemessages
	@mkdir -p var
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) import_reference
	$(MANAGE) seed_demo
	@echo "Valnav: http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)"
	$(MANAGE) runserver --noreload $(HOST):$(PORT)

worker: install
	$(MANAGE) db_worker

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy .

migrations-check: $(STAMP)
	$(MANAGE) makemigrations --check --dry-run -v 1

# One pytest worker per core (pytest-xdist; each has its own test database). PYTEST_WORKERS=0
# runs in one process, which a debugger or `-x` on one failure may want.
PYTEST_WORKERS ?= auto
pytest: $(STAMP) compilemessages
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: install lint typecheck migrations-check pytest

messages: $(STAMP)
	$(MANAGE) makemessages -l sv --no-obsolete --ignore=.venv --ignore=var --ignore=bench --add-location=file

bench: install compilemessages
	$(PY) -m bench

# Known vulnerabilities in the installed packages (PyPI's advisory data; needs pypi.org's JSON
# API, so it is not part of `make test`, which must run offline). --strict: a package that
# could not be checked is a failure, not a pass.
audit: $(STAMP)
	$(VENV)/bin/pip-audit --local --strict --progress-spinner off

# gunicorn (2 workers) on a throw-away PostgreSQL under wrk; needs the postgresql and wrk packages.
load: install compilemessages
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) var test-results .pytest_cache .mypy_cache .ruff_cache
