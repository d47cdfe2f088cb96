# The CDP Dashboard's two commands: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := .make
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every CPU (pytest-xdist); `make test PYTEST_WORKERS=` runs it in one process.
PYTEST_WORKERS ?= -n auto

.PHONY: run test install assets migrate demo serve lint clean bench

## make run: install, build the front end, migrate, load the demo data and serve on http://127.0.0.1:8000
run: install assets migrate demo serve

## make test: install and run the whole suite against real PostgreSQL and Redis
test: install assets
	DJANGO_DEBUG=1 $(PY) tests/services.py -- $(PY) -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

install: $(STAMP)/installed

$(STAMP)/installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@mkdir -p $(STAMP) && touch $@

assets: $(STAMP)/assets

$(STAMP)/assets: package.json package-lock.json $(wildcard static/src/*)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	@mkdir -p $(STAMP) && touch $@

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --no-input

demo: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py load_demo

serve:
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	DJANGO_DEBUG=1 $(PY) tests/services.py -- $(PY) bench/run.py $(BENCH)

clean:
	rm -rf $(VENV) node_modules static/build staticfiles $(STAMP)
