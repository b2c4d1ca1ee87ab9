# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# An editable install writes no bytecode; compile it once, so that every run does not
# (PYTHONDONTWRITEBYTECODE would otherwise make each `faultline` call recompile it).
install: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/python -m compileall -q src/faultline

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q src/faultline

demo: install
	$(BIN)/faultline analyze examples/pytest-missing-module.log

test: install-test
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/bench_analyze.py

clean:
	rm -rf $(VENV) build src/*.egg-info src/faultline/*/*.so
