# Two entry points a newcomer needs: `make run` and `make test`. Both bootstrap .venv themselves.
# The first interpreter that can make a virtual environment: the system's Python 3.11 first (Debian's
# build links the interpreter into its executable, and runs the pipeline about a tenth faster than a
# build with a shared libpython, such as pyenv's default), then python3.11 and python3 on the PATH.
# Another one: make PYTHON=/path/to/python3.11 run (after make clean).
PYTHON ?= $(shell for candidate in /usr/bin/python3.11 python3.11 python3; do \
	found=$$(command -v $$candidate) && $$found -c 'import ensurepip, venv' 2>/dev/null && { echo $$found; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test audit bench schemas clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "no Python with venv and ensurepip found: install Python 3.11 (Debian: python3.11-venv)"; exit 1; }
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
