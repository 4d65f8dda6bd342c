# The two commands: `make run` starts everything, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test install migrate seed bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/pybabel compile -d gateway/gateway/translations >/dev/null

migrate: install
	$(BIN)/portal migrate

seed: migrate
	$(BIN)/portal seed-demo

# honcho gives every process its own PORT, so the gateway's address and the
# public URL used in emails are passed explicitly (for `make run` only).
run: export GATEWAY_BIND ?= 127.0.0.1:$(PORT)
run: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	scripts/ensure-infra.sh
	$(BIN)/portal migrate
	$(BIN)/portal seed-demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile start

test: install
	scripts/ensure-infra.sh --for-tests
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/run-tests.sh $(PYTEST_ARGS)

bench: install
	scripts/ensure-infra.sh --for-bench
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
