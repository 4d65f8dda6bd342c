# The two commands: `make run` starts everything, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install migrate seed bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/pybabel compile --use-fuzzy -d gateway/gateway/translations >/dev/null 2>&1 || true
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/pybabel compile -d gateway/gateway/translations >/dev/null

migrate: install
	$(BIN)/portal migrate

seed: migrate
	$(BIN)/portal seed-demo

run: install
	scripts/ensure-infra.sh
	$(BIN)/portal migrate
	$(BIN)/portal seed-demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile start

test: install
	scripts/ensure-infra.sh --for-tests
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/run-tests.sh $(PYTEST_ARGS)

bench: install
	scripts/ensure-infra.sh
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
