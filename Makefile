# Two entry points (see README): `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXTRAS := openai,transformers,speakers,semantic,dashboard,postgres,ray,dev
export CALLQA_DATABASE_URL ?= sqlite:///data/callqa.db
PORT ?= 8501

.PHONY: setup demo process serve test lint typecheck bench evaluate clean

$(BIN)/callqa: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade "pip>=24" "setuptools>=68,<81" wheel
	# torch is pinned to the CPU build; a bare `torch` pulls several GB of CUDA.
	$(BIN)/pip install "torch==2.13.0"
	$(BIN)/pip install -e ".[$(EXTRAS)]"
	touch $(BIN)/callqa

setup: $(BIN)/callqa

process: setup
	$(BIN)/callqa run sample_audio/

serve: setup
	$(BIN)/callqa users ensure-demo
	$(BIN)/callqa dashboard --port $(PORT)

demo: process serve

test: setup
	bash scripts/install_browser.sh
	$(BIN)/ruff check pipeline dashboard tests benchmarks
	$(BIN)/mypy
	bash scripts/run_tests.sh

lint: setup
	$(BIN)/ruff check pipeline dashboard tests benchmarks

typecheck: setup
	$(BIN)/mypy

bench: setup
	$(BIN)/callqa bench sample_audio/

evaluate: setup
	$(BIN)/callqa evaluate sample_audio/conversations.jsonl

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
