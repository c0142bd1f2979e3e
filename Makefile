# cqkg — the two commands a newcomer needs are `make serve` and `make test`;
# both create .venv and install the project into it first.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: serve test build validate stats bench clean install editor test-programs

# The query editor's bundle: the npm packages of package-lock.json, bundled by esbuild.
EDITOR  = cqkg/web/static/dist/editor.js

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cqkg needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

serve: install editor   ## build the dataset if needed and serve it on http://127.0.0.1:8000/
	$(BIN)/cqkg serve

test: install test-programs editor  ## run the whole test suite (as root, first installs OpenRefine, Chromium, npm, R's SPARQL client and Virtuoso)
	$(BIN)/python -m pytest

test-programs:          ## as root on Debian: install the programs the end-to-end tests drive
	@missing=""; \
	for pair in openrefine:openrefine chromium:chromium chromedriver:chromium-driver npm:npm Rscript:r-cran-sparql virtuoso-t:virtuoso-opensource; do \
		command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair##*:}"; \
	done; \
	command -v dpkg >/dev/null && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 && missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) || true; \
	fi

editor:                 ## the query editor's bundle (npm install when package-lock.json changed, then esbuild)
	@if command -v npm >/dev/null; then \
		$(MAKE) --no-print-directory $(EDITOR) || echo "the query editor could not be built: / serves the plain editor"; \
	else \
		echo "npm is not installed: the query page falls back to the plain editor (apt-get install npm, then make serve)"; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

$(EDITOR): node_modules/.installed $(wildcard cqkg/web/static/src/*.js)
	npm run --silent build

build: install          ## validate, reason and write build/ (skipped when current)
	$(BIN)/cqkg build

validate: install       ## check data/ against ontology/shapes.ttl
	$(BIN)/cqkg validate

stats: install          ## figures about the built graph
	$(BIN)/cqkg stats

bench: install          ## benchmarks (not part of make test): writes docs/benchmarks.md
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench
	$(BIN)/python -m bench.link
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.pages

clean:
	rm -rf build dist .pytest_cache cqkg/web/static/dist
