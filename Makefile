# cqkg — the two commands a newcomer needs are `make serve` and `make test`;
# both create .venv and install the project into it first.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: serve test build validate stats bench clean install

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cqkg needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

serve: install          ## build the dataset if needed and serve it on http://127.0.0.1:8000/
	$(BIN)/cqkg serve

test: install           ## run the whole test suite (as root, first installs OpenRefine, Chromium, R's SPARQL client and Virtuoso)
	@for pair in openrefine:openrefine chromium:chromium Rscript:r-cran-sparql virtuoso-t:virtuoso-opensource; do \
		command -v $${pair%%:*} >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $${pair##*:} >/dev/null) || true; \
	done
	$(BIN)/python -m pytest

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

clean:
	rm -rf build dist .pytest_cache
