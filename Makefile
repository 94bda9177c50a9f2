# make run   set up .venv and serve the page at http://localhost:8501
# make test  set up .venv with the test tools, then ruff, mypy and the whole test suite (two
#            pytest-xdist workers; the vLLM tier apart: make test-vllm)
# make test-fast  the unit tier (UNIT_TESTS below): under 2 minutes on 2 cores, before each commit
# make bench  the benchmarks' quick presets, about 8 CPU-minutes (full runs: bench/RESULTS.md)
# make mutation  mutation testing of ranking, filters, tiers and prompts (docs/mutation.md)
# make vllm-env  build .venv-vllm (vLLM on CPU, ~4 GB) for the real-server tests (marker vllm)
# make test-vllm  the tests marked vllm: real vLLM servers on loopback (.ci/run runs it after make test)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-vllm test-fast install install-test lint fix bench mutation clean vllm-env

# The unit tier: logic on fakes and small arrays, no model download, page, browser or store
# subprocess. A test file belongs here when it runs in seconds on its own (CONTRIBUTING.md).
UNIT_TESTS := \
	tests/test_ranking.py tests/test_tie_rules.py tests/test_filters.py \
	tests/test_tiers_settings.py tests/test_prompts.py tests/test_documented_defaults.py \
	tests/test_vectors.py tests/test_batching.py tests/test_vector_index.py \
	tests/test_vector_cache.py tests/test_knowledge_base.py tests/test_page_words.py \
	tests/test_page_memory.py tests/test_heap.py tests/test_i18n_samples.py \
	tests/test_embedder.py tests/test_cli_cache.py tests/test_habits.py

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

# Two workers whatever the machine: they halve the wall time on 2 cores (most tests wait on a
# model, a server or a browser), one file per worker at a time so that a module's server or
# browser starts once, and one BLAS/OpenMP thread each so that the workers do not fight over
# the cores. The vLLM tier needs .venv-vllm and starts servers of its own: test-vllm.
PYTEST_PARALLEL := -n 2 --dist loadfile
test: lint
	OMP_NUM_THREADS=1 $(BIN)/pytest $(PYTEST_PARALLEL) -m "not vllm"

test-vllm: install-test
	$(BIN)/pytest -m vllm

test-fast: install-test
	$(BIN)/pytest -q $(UNIT_TESTS)

# Each benchmark at a small size: that they run and what they report (about 8 minutes of CPU
# time in all, measured 2026-12-02; far longer in wall time on a loaded machine). The
# figures in bench/RESULTS.md come from the full sizes (each script's docstring). Left out:
# cpu_engines.py (needs onnxruntime and openvino), projection.py (fixed sizes, minutes of
# UMAP and t-SNE), gpu_*.py (CUDA only: bench/gpu_check.sh).
# Each benchmark in a fresh data folder: none reads or fills the user's vector cache or bases
# (app_rerank.py asserts that its first search encodes every line).
FRESH = d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && SEMSEARCH_DATA_DIR=$$d
bench: install-test
	$(FRESH) $(BIN)/python bench/encode.py --preset tiny --lines 200 --repeats 2
	$(FRESH) $(BIN)/python bench/rank.py --sizes 1000,10000,100000 --dims 384 --queries 20
	$(FRESH) $(BIN)/python bench/app_rerank.py --lines 2000 --moves 10
	$(FRESH) $(BIN)/python bench/reload.py --passages 24
	$(FRESH) $(BIN)/python bench/filters.py --size 5000 --repeat 2
	$(FRESH) $(BIN)/python bench/milvus_index.py --sizes 5000 --queries 10
	$(FRESH) $(BIN)/python bench/scale.py --rows 10000 --queries 10 --milvus-rows 10000 \
		--milvus-queries 5 --skip-engines
	$(FRESH) $(BIN)/python bench/classroom.py --sessions 4 --lines 30
	$(FRESH) $(BIN)/python bench/serve.py --fast --clients 1,4 --no-vllm
	$(FRESH) $(BIN)/python bench/cli.py --repeat 1 --paragraphs 20

# Mutants of the four small pure modules, each run against the tests that reach it
# ([tool.mutmut] in pyproject.toml); fails under 90% killed per module.
mutation: install-test
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/python scripts/mutation_scores.py

fix: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

vllm-env:
	PYTHON=$(PYTHON) scripts/vllm_env.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache mutants
