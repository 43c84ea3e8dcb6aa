# afterview: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# An editable install leaves the sources uncompiled; compile them once so
	@# every run starts from bytecode, as it does after a normal install.
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/afterview show samples/standard-thanksgiving.toml
	$(BIN)/afterview plan samples/standard-thanksgiving.toml -o demo.ics
	@echo "Wrote demo.ics: import it into Google Calendar, Outlook or Apple Calendar."

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m compileall -q src
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/python benchmarks/coldstart.py

clean:
	rm -rf $(VENV) demo.ics .pytest_cache .mypy_cache .ruff_cache
