# BentoSync developer entry points. Every target is idempotent: stamps make a
# second run cost nothing when pyproject.toml has not changed.
PYTHON ?= python3
VENV := .venv
OFFICIAL_VENV := .venv-bentoml
# The reference client PROTOCOL.md was observed with.
BENTOML_VERSION ?= 1.4.39
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# Test processes: the suite mostly waits on servers, subprocesses and sockets, so two
# workers on two cores finish it in about half the time (tests/conftest.py keeps the
# Secret Service tests on one worker). PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2

.PHONY: install run test test-unit bench lint system-deps official-client clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[gui,registry,test]"
	touch $@

run: install
	$(VENV)/bin/bentosync

# The official client lives in a venv of its own so its pins never shape ours.
official-client: $(OFFICIAL_VENV)/.installed

$(OFFICIAL_VENV)/.installed: Makefile
	test -x $(OFFICIAL_VENV)/bin/python || $(PYTHON) -m venv $(OFFICIAL_VENV)
	$(OFFICIAL_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(OFFICIAL_VENV)/bin/python -m pip install --quiet "bentoml==$(BENTOML_VERSION)"
	touch $@

system-deps:
	bash .ci/system-deps.sh

test: install official-client system-deps
	BENTOSYNC_OFFICIAL_PYTHON=$(CURDIR)/$(OFFICIAL_VENV)/bin/python \
		bash .ci/with-session-bus.sh $(VENV)/bin/python -m pytest \
		-n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Unit tests only (no registry, official client, keyring or proxy): under a minute.
test-unit: install
	$(VENV)/bin/python -m pytest -m unit -p no:cacheprovider -q $(PYTEST_ARGS)

bench: install official-client system-deps
	BENTOSYNC_OFFICIAL_PYTHON=$(CURDIR)/$(OFFICIAL_VENV)/bin/python \
		bash .ci/with-session-bus.sh $(VENV)/bin/python -m pytest tests/bench -s -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/ruff format --check app tests
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) $(OFFICIAL_VENV) .pytest_cache .ruff_cache
