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

.PHONY: install run test test-unit bench lint system-deps official-client clean \
	packaging-tools package test-package python-dist translations

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

# Bytecode first: the official client's venv was compiled by pip at install time, as an
# installed BentoSync is; an editable install under PYTHONDONTWRITEBYTECODE would otherwise
# compile every module in every benchmarked run (0.1 s of each push and pull).
bench: install official-client system-deps
	$(PY) -m compileall -q app/bentosync
	BENTOSYNC_OFFICIAL_PYTHON=$(CURDIR)/$(OFFICIAL_VENV)/bin/python \
		bash .ci/with-session-bus.sh $(VENV)/bin/python -m pytest tests/bench -s -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/ruff format --check app tests
	$(VENV)/bin/mypy

# ---- translations (gui/i18n.py loads them) ----------------------------------------
# lupdate reads every tr()/translate() in gui/ into the .ts sources (kept, with the
# translations people wrote); lrelease compiles them into the .qm files the app
# loads. Both tools come with PySide6; .ts and .qm are committed, so `make run`
# needs neither. bentosync_en holds only the English plural forms (-pluralonly).
# A new language: add it to LANGUAGES, run this, translate the .ts in Qt Linguist
# (pyside6-linguist), run this again.
LANGUAGES := de
TRANSLATIONS := app/bentosync/resources/translations
GUI_SOURCES = $(shell find app/bentosync/gui -name '*.py' | sort)

translations: install
	$(VENV)/bin/pyside6-lupdate -silent -locations relative -no-obsolete -source-language en \
		-target-language en -pluralonly $(GUI_SOURCES) -ts $(TRANSLATIONS)/bentosync_en.ts
	for lang in $(LANGUAGES); do \
		$(VENV)/bin/pyside6-lupdate -silent -locations relative -no-obsolete -source-language en \
			-target-language $$lang $(GUI_SOURCES) -ts $(TRANSLATIONS)/bentosync_$$lang.ts || exit 1; \
	done
	for ts in $(TRANSLATIONS)/bentosync_*.ts; do \
		$(VENV)/bin/pyside6-lrelease -silent $$ts -qm $${ts%.ts}.qm || exit 1; \
	done

# ---- the installable app (packaging/, README "Installing the app") ----------------
# The bundle is rebuilt only when a file it is made from changes: a PyInstaller
# build costs a minute or two of both cores, and test-package reuses the bundle.
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"$$/\1/p' app/bentosync/core/version.py)
UNAME_S := $(shell uname -s)
ARCH := $(shell uname -m)
BUNDLE := dist/bentosync
PYI_WORK := build/pyinstaller
BUNDLE_STAMP := dist/.bundle-$(VERSION)
BUNDLE_INPUTS := $(shell find app/bentosync packaging/pyinstaller packaging/macos resources/icons \
	-type f -not -name '*.pyc' -not -path '*/__pycache__/*' 2>/dev/null) packaging/make_icons.py
TARBALL_INPUTS := packaging/linux/make-tarball.sh packaging/linux/install.sh \
	packaging/linux/uninstall.sh resources/io.bentosync.BentoSync.desktop \
	resources/io.bentosync.BentoSync.metainfo.xml
TARBALL := dist/bentosync-$(VERSION)-linux-$(ARCH).tar.gz

packaging-tools: $(VENV)/.packaging-installed

$(VENV)/.packaging-installed: $(VENV)/.installed packaging/requirements.txt
	$(PY) -m pip install --quiet -r packaging/requirements.txt
	touch $@

$(BUNDLE_STAMP): $(VENV)/.packaging-installed $(BUNDLE_INPUTS)
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath $(PYI_WORK) packaging/pyinstaller/bentosync.spec
	touch $@

$(TARBALL): $(BUNDLE_STAMP) $(TARBALL_INPUTS)
	bash packaging/linux/make-tarball.sh $(BUNDLE) $(PYI_WORK)/bentosync/icons dist

ifeq ($(UNAME_S),Linux)
package: $(TARBALL)
else
package: $(BUNDLE_STAMP)
endif

# The frozen app, tested as users get it: no Python on the PATH, a clean HOME.
test-package: package official-client system-deps
	BENTOSYNC_OFFICIAL_PYTHON=$(CURDIR)/$(OFFICIAL_VENV)/bin/python \
	BENTOSYNC_BUNDLE=$(CURDIR)/$(BUNDLE) \
	BENTOSYNC_TARBALL=$(if $(filter Linux,$(UNAME_S)),$(CURDIR)/$(TARBALL)) \
		bash .ci/with-session-bus.sh $(VENV)/bin/python -m pytest tests/package \
		-p no:cacheprovider $(PYTEST_ARGS)

# The sdist and wheel a publisher uploads, checked as PyPI will check them.
python-dist: $(VENV)/.packaging-installed
	rm -rf dist/python
	$(PY) -m build --outdir dist/python .
	$(VENV)/bin/twine check --strict dist/python/*

clean:
	rm -rf $(VENV) $(OFFICIAL_VENV) .pytest_cache .ruff_cache build dist
