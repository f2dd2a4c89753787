# Two commands do all set-up: `make brief` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: brief test check lint bench eval setup system clean

brief: setup
	$(BIN)/briefing build .

test: lint
	$(BIN)/python -m pytest

# Timings and peak memory against pandoc -> WeasyPrint; see bench/run.py for the knobs.
bench: setup
	$(BIN)/python -m bench.run

# How well sources are read, on the corpus in ../shared: extraction, furniture rules, PDFs.
eval: setup
	$(BIN)/python -m bench.eval

check: setup
	$(BIN)/briefing check .

lint: setup
	$(BIN)/ruff check briefing tests bench
	$(BIN)/ruff format --check briefing tests bench
	$(BIN)/mypy briefing tests bench

setup: system $(VENV)/.installed node_modules/.installed

system:
	@scripts/system-packages.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The W3C Nu HTML checker and axe-core, used by the browser tests.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) dist node_modules
