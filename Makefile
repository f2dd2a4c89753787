# Two commands do all set-up: `make brief` (what building a brief needs, then a build of this
# project) and `make test` (that, the test extra, Chromium, Java and the npm checkers, then lint,
# types and the suite). The Debian packages are looked up each time and installed when missing;
# .venv and node_modules are made once, and again when pyproject.toml or package-lock.json change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: brief test check lint bench pages eval setup setup-brief setup-test system-brief system-test clean

brief: setup-brief
	$(BIN)/briefing build .

check: setup-brief
	$(BIN)/briefing check .

test: lint
	$(BIN)/python -m pytest

lint: setup-test
	$(BIN)/ruff check briefing tests bench
	$(BIN)/ruff format --check briefing tests bench
	$(BIN)/mypy briefing tests bench

# Timings and peak memory against pandoc -> WeasyPrint; see bench/run.py for the knobs.
# Uses the test set-up: pandoc, pypdf, and Playwright for the writer's loop.
bench: setup-test
	$(BIN)/python -m bench.run

# How the pages read, per project (the default brief, `briefing new`'s, each brief project in
# tests/fixtures): body and annex pages, nearly empty pages, headings at a page's foot, running
# heads, hyphenated judgements, and the cold build beside WeasyPrint alone; see bench/pages.py.
# Uses the test set-up: pypdf reads the bookmarks, poppler the text and the pages' ink.
pages: setup-test
	$(BIN)/python -m bench.pages

# How well sources are read, on the corpus in ../shared: extraction, furniture rules, PDFs.
# Uses the test set-up: poppler's pdftotext is the PDF reference.
eval: setup-test
	$(BIN)/python -m bench.eval

setup: setup-test

setup-brief: system-brief $(VENV)/.installed-brief

setup-test: setup-brief system-test $(VENV)/.installed-test node_modules/.installed

# The Debian packages come first (order-only): Debian's python3 makes a venv only with
# python3-venv, and npm is one of them.
system-brief:
	@PYTHON=$(PYTHON) scripts/system-packages.sh brief

system-test:
	@PYTHON=$(PYTHON) scripts/system-packages.sh test

$(VENV)/.installed-brief: pyproject.toml | system-brief
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The test extra brings Playwright, which drives the system Chromium (no browser download).
$(VENV)/.installed-test: $(VENV)/.installed-brief | system-test
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The W3C Nu HTML checker and axe-core, used by the browser tests.
node_modules/.installed: package.json package-lock.json | system-test
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) dist node_modules
