# make run   set up .venv and serve the page at http://localhost:8501
# make test  set up .venv with the test tools, then ruff, mypy and the whole test suite
# make vllm-env  build .venv-vllm (vLLM on CPU, ~4 GB) for the real-server tests (marker vllm)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test lint fix bench clean vllm-env

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/streamlit run app.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

fix: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

vllm-env:
	PYTHON=$(PYTHON) scripts/vllm_env.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
