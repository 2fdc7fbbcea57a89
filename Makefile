# Two commands do everything on a fresh machine with Python >= 3.11 and make:
#   make book   set up .venv from the lock, execute every notebook, build the HTML into _build/html
#   make test   same environment; the whole test suite (unit, data, nbval strict, browser)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `cache` (jupyter-cache) for authors; CI, or `make book EXECUTE=force`, re-executes every notebook.
EXECUTE ?= $(if $(CI),force,cache)
NOTEBOOKS := $(wildcard chapters/*.ipynb)
# The briefing folder `make book` builds: this book (.) or another,
# e.g. `make book BRIEFING=tests/fixtures/second_briefing`.
# Another folder builds into its own <folder>/_build/html (the kit reads it through BRIEFING_ROOT); this book's
# commands are unchanged. Given on the command line (an environment variable of that name is not read).
BRIEFING = .
BRIEFING_DIR := $(patsubst %/,%,$(BRIEFING))
IN := $(if $(filter .,$(BRIEFING_DIR)),,$(BRIEFING_DIR)/)
OUT := $(IN)_build
AT := $(if $(IN),BRIEFING_ROOT=$(abspath $(BRIEFING_DIR)) ,)
# jupyter-book runs in the folder, so that the paths of its _config.yml (the execution cache) are the folder's own.
JB := $(if $(IN),$(abspath $(BIN)),$(BIN))/jupyter-book
STAGE := $(OUT)/stage
JB_FLAGS := -W -n --keep-going
# JupyterLab's own environment (see `lab` below); defined here because prerequisites expand when read.
LAB_VENV := .venv-lab
LAB_BIN := $(LAB_VENV)/bin
LAB_STAMP := $(LAB_VENV)/.installed
LAB_FLAGS := --ServerApp.ip=127.0.0.1 --ServerApp.open_browser=False $(if $(filter 0,$(shell id -u)),--allow-root,)

FORCE:

.PHONY: FORCE help setup system-deps book pdf notebooks validate test test-fast test-browser lab lab-setup bench lock clean

help:
	@echo "make book       build the book into _build/html (sets up .venv first; BRIEFING=<folder>: another briefing)"
	@echo "make new-briefing DIR=<folder>  start a new briefing there (make book BRIEFING=<folder> builds it)"
	@echo "make pdf        build the PDF edition into _build/pdf (after make book; needs Chromium)"
	@echo "make test       run the whole test suite (sets up .venv and builds the book and the PDF first)"
	@echo "make notebooks  re-execute every notebook and store its outputs (after an edit)"
	@echo "make lab        open the notebooks in JupyterLab (its own locked environment, .venv-lab)"
	@echo "make bench      measure build times and page weight/speed against the budgets (ONLY=browser: pages only)"
	@echo "make lock       re-resolve requirements.lock from pyproject.toml (needs network)"

# Installs: pip installs uv from its own lock (requirements-uv.lock, with its hash), then uv installs the lock,
# checking every hash (a fresh .venv in about 12 s against pip's 200 s, 1 s against 74 s with warm caches).
UV_SYNC = $(1)/uv pip sync --quiet --require-hashes --python $(1)/python
$(STAMP): requirements.lock requirements-uv.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-uv.lock
	$(call UV_SYNC,$(BIN)) requirements.lock
	# The project's own package, editable, built offline with the locked setuptools (nothing unpinned fetched); it
	# registers the book's figure renderer with myst-nb (an entry point).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --no-index -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

setup: $(STAMP)

validate: $(STAMP)
	$(AT)$(BIN)/python -m briefing.validate

# Everything the book is made from. When none of it changed since the last successful build, `make book` has
# nothing to do (Sphinx would only confirm that); `EXECUTE=force` always rebuilds.
BOOK_INPUTS := $(shell find $(IN)chapters $(IN)data src -type f -not -path '*/__pycache__/*' -not -path '*/.ipynb_checkpoints/*' -not -path '*/_build/*') \
  $(IN)_config.yml $(IN)_toc.yml $(IN)briefing.yml requirements.lock $(if $(IN),$(wildcard $(IN)*.md),)
BUILT := $(OUT)/html/.built

book: $(BUILT)
	@echo "Book ready: $(OUT)/html/index.html (execution: $(EXECUTE))"

# Validate first; build into a staging folder and publish to <folder>/_build/html only when the whole build succeeded.
$(BUILT): $(STAMP) $(BOOK_INPUTS) $(if $(filter force,$(EXECUTE)),FORCE,)
	$(AT)$(BIN)/python -m briefing.validate
	@mkdir -p $(STAGE)
	$(AT)$(BIN)/python -m briefing.cache $(OUT)/.jupyter_cache
	$(if $(IN),cd $(BRIEFING_DIR) && ,)BRIEFING_EXECUTE=$(EXECUTE) $(AT)$(JB) build . --path-output $(if $(IN),_build/stage,$(STAGE)) $(JB_FLAGS) $(if $(filter force,$(EXECUTE)),--all,)
	rm -rf $(OUT)/html.new && cp -a $(STAGE)/_build/html $(OUT)/html.new
	rm -rf $(OUT)/html && mv $(OUT)/html.new $(OUT)/html
	touch $(BUILT)

# A new briefing in DIR (absent or empty): briefing.yml, data/ with the kit's tables (empty), the book's files and a
# first chapter in the outline of the book's chapters; `make book BRIEFING=DIR` then builds it.
.PHONY: new-briefing
new-briefing: $(STAMP)
	@test -n "$(DIR)" || { echo "usage: make new-briefing DIR=<folder> [TITLE='The book title']" >&2; exit 2; }
	$(BIN)/python -m briefing.scaffold --new $(DIR) $(if $(TITLE),--title "$(TITLE)",)

# Then each glued value the prose reads ({eval}`name`) is stored in its Markdown cell from the fresh outputs, so
# JupyterLab shows it before any cell runs (briefing.glue; it also converts {glue:text} roles, idempotently).
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.record_timing=False $(NOTEBOOKS)
	$(BIN)/python -m briefing.glue $(NOTEBOOKS)

# The Debian packages the tests need (Chromium, a CJK font, ...): installed when run as root, else the exact
# apt-get command is printed and make stops.
system-deps:
	bash .ci/system-deps.sh

# The PDF edition, printed from the built book by Chromium; also copied to the site's root (the sidebar links it).
PDF_BUILT := _build/pdf/.built
pdf: system-deps $(PDF_BUILT)

$(PDF_BUILT): $(BUILT) src/briefing/pdf.py
	$(BIN)/python -m briefing.pdf --copy-to-site
	touch $@

# Each notebook executes once: the book is built from the stored outputs (EXECUTE=off), and strict nbval, in the
# same pytest session as the rest of the suite, re-executes every notebook and proves that those outputs are what
# the code makes (a stale output fails the run, so no book built from one passes). The browser, PDF, lab, unit and
# data tests run against that book. One session on every core, one test file per worker at a time (--dist
# loadfile): a notebook's cells share one kernel, and a folder's browser or JupyterLab fixture serves all its
# tests (tests/conftest.py groups them and starts the longest groups first).
PYTEST_PARALLEL := -n auto --dist loadfile

test: system-deps $(STAMP) $(LAB_STAMP)
	$(BIN)/python -m briefing.validate
	$(MAKE) --no-print-directory pdf EXECUTE=off
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# Only the real-browser audit of the built book (headless Chromium, axe-core).
test-browser: system-deps book pdf
	$(BIN)/python -m pytest -m browser tests/browser

# The kit's and the content's tests on every core (pytest-xdist): they share no state but their own temporary
# folders and need no built book (tests/build, tests/browser and tests/lab do).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -m "not slow" tests/kit tests/content

# JupyterLab lives in its own environment, .venv-lab, from its own lock (the build's versions plus the lab), so
# the build environment stays lean (the lab's rfc3987-syntax costs every kernel start ~2 s). As root (as on CI
# machines) JupyterLab refuses to start without --allow-root.

$(LAB_STAMP): requirements-lab.lock requirements-uv.lock pyproject.toml
	test -x $(LAB_BIN)/python || $(PYTHON) -m venv $(LAB_VENV)
	$(LAB_BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-uv.lock
	$(call UV_SYNC,$(LAB_BIN)) requirements-lab.lock
	$(LAB_BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --no-index -e .
	$(LAB_BIN)/python -m pip check
	touch $(LAB_STAMP)

lab-setup: $(LAB_STAMP)

lab: $(LAB_STAMP)
	@echo "JupyterLab on http://127.0.0.1:8888/lab (the link with its token follows); Ctrl-C stops it."
	$(LAB_BIN)/jupyter lab $(LAB_FLAGS) --ServerApp.root_dir=chapters

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(if $(RUNS),--runs $(RUNS),) $(if $(ONLY),--only $(ONLY),)

lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --extra lab --generate-hashes --python-version 3.11 \
	  -c requirements.lock -o requirements-lab.lock

clean:
	rm -rf _build
