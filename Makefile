# The two commands of the README: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUBJECTS ?= 2000
SEED ?= 7
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run demo test test-fast lint typecheck check bench clean

$(BIN)/xinyong: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/xinyong

# Embedded default: SQLite in ./var, demo data generated and ingested, site on $(HOST):$(PORT).
run: install
	@if [ ! -f var/.demo-loaded ]; then \
	  $(BIN)/xinyong demo-data --subjects $(SUBJECTS) --seed $(SEED) -o var/demo --ingest && \
	  touch var/.demo-loaded; fi
	$(BIN)/xinyong serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q -n 2 -W ignore::DeprecationWarning

lint: install
	$(BIN)/ruff check xinyong tests bench

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

bench: install
	$(BIN)/python bench/ingest_bench.py --rows 1000000

clean:
	rm -rf $(VENV) var
