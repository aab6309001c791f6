# The two commands of the README: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[jax,test]"
	touch $(STAMP)

demo: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python workspace_scripts/imaging/modeling.py

test: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest -n 2 -q

# The released PyAutoArray (same package name `autoarray` as ours, Python >= 3.12) lives in
# its own venv; benchmarks/peer/peer_bench.py runs in it as a subprocess. jax/jaxlib come in
# through autonerves; they and numpy/scipy are pinned to the versions the peer run was checked with.
PEER_PYTHON ?= $(shell p="$$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python3"; test -x "$$p" && echo "$$p" || echo python3.12)

.venv-peer/.installed:
	test -x .venv-peer/bin/python || PYENV_VERSION=3.12.1 $(PEER_PYTHON) -m venv .venv-peer
	.venv-peer/bin/python -m pip install --quiet --upgrade pip
	.venv-peer/bin/python -m pip install --quiet "autoarray==2026.10.26.1" "autonerves==2026.10.26.1" \
		"jax==0.11.2" "jaxlib==0.11.2" "numpy==2.5.5" "scipy==1.17.1"
	touch .venv-peer/.installed

# BENCH_ARGS: run.py's options, e.g. make bench BENCH_ARGS=--write (RESULTS.md) or --quick.
BENCH_ARGS ?=

bench: $(STAMP) .venv-peer/.installed
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .venv-peer .pytest_cache
