# Two entry points that work on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

.PHONY: run test lint typecheck install serve clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate, load the sample dataset, serve on http://127.0.0.1:5000
run: $(STAMP)
	$(BIN)/registry db upgrade
	$(BIN)/registry demo
	$(BIN)/registry serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

## test: lint, type-check and the whole suite (SQLite and a throwaway PostgreSQL)
test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/tree.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache *.egg-info
