# The README's two commands: `make demo` and `make test`. Python >= 3.11 as python3.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo serve test test-embedded lint bench bench-maf bench-serve bench-scale clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "oncograph needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## Load the bundled data into the embedded store and print an answer.
demo: $(STAMP)
	$(BIN)/oncograph demo

## Serve the web app and API on http://127.0.0.1:8000/ (loads the demo first if the store is empty).
serve: $(STAMP)
	$(BIN)/oncograph serve --demo-if-empty $(SERVE_ARGS)

## Lint, then every test on both backends (a real Neo4j is started if none is configured).
test: $(STAMP) lint
	.ci/neo4j-server auto -- $(BIN)/python -m pytest $(PYTEST_ARGS)

## The embedded-backend tests only (Neo4j tests skipped).
test-embedded: $(STAMP)
	$(BIN)/python -m pytest -m "not neo4j" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Load-throughput benchmark on both backends (minutes; not part of the tests).
bench: $(STAMP)
	.ci/neo4j-server auto -- $(BIN)/python benchmarks/bench_load.py $(BENCH_ARGS)

## Annotate a 330,000-row synthetic MAF on both backends (about a minute with set-up).
bench-maf: $(STAMP)
	.ci/neo4j-server auto -- $(BIN)/python benchmarks/bench_maf.py $(BENCH_ARGS)

## 20 concurrent clients against `oncograph serve` on both backends, a load completing meanwhile.
bench-serve: $(STAMP)
	.ci/neo4j-server auto -- $(BIN)/python benchmarks/bench_serve.py $(BENCH_ARGS)

## Loads and answers against synthetic registries of 10,000-400,000 patients on both backends (long).
bench-scale: $(STAMP)
	.ci/neo4j-server auto -- $(BIN)/python benchmarks/bench_scale.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
