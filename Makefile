# Two entry points: `make run` (install, migrate, demo content, serve) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1
PORT ?= 8000

.PHONY: run test lint bench install install-test messages retention clean

run: $(VENV)/.installed-runtime
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py create_keys
	$(DEV_ENV) $(BIN)/python manage.py load_demo --port $(PORT)
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest
	cd tests/host_project && ../../$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The performance benchmark (not part of the tests): `make bench BENCH_ARGS=--quick`.
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench $(BENCH_ARGS)

install: $(VENV)/.installed-runtime
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $(VENV)/.installed-runtime $@

# Regenerate the Dutch catalogue after changing user-facing strings (needs GNU gettext);
# the compiled .mo files are committed so a fresh machine needs no gettext.
messages: $(VENV)/.installed-test
	$(DEV_ENV) $(BIN)/python manage.py makemessages --locale nl --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'build/*' --ignore 'bench/*'
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --locale nl --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
