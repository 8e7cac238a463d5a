# Two entry points a newcomer needs: `make run` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test audit bench schemas clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/python run_pipeline.py run --input raw --output extracted

test: $(STAMP_TEST)
	$(BIN)/python -m pytest

bench: $(STAMP_TEST)
	$(BIN)/python benchmarks/throughput.py

audit: $(STAMP_RUN)
	$(BIN)/python run_pipeline.py audit --gold tests/gold --records extracted/records.jsonl

schemas: $(STAMP_RUN)
	$(BIN)/python -m pipeline.schema_export schemas

clean:
	rm -rf $(VENV) extracted/*.json extracted/*.jsonl extracted/*.csv
