# hyperdef — every target sets itself up; `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= runs/demo
PYTEST_ARGS ?=

.PHONY: setup demo test test-slow lint bench clean viewer docs

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "hyperdef needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The 3-D viewer (hyperdef view) is a small CesiumJS page built with npm when Node.js is present.
VIEWER_SRC := viewer/package.json viewer/package-lock.json viewer/build.mjs viewer/index.html \
	$(wildcard viewer/src/*)
viewer: viewer/dist/index.html
viewer/dist/index.html: $(VIEWER_SRC)
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
	  cd viewer && npm ci --no-audit --no-fund && npm run build; \
	else \
	  echo "Node.js 20.19+ and npm not found: the 3-D viewer (hyperdef view) is not built."; \
	  echo "Install Node.js (e.g. apt-get install nodejs npm), then run: make viewer"; \
	fi

demo: $(STAMP) viewer
	$(BIN)/hyperdef demo --out $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint viewer
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

# The documentation site: site/index.html (the scenario and campaign references are generated
# from the models while it builds; any broken link or nav entry fails the build).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

bench: $(STAMP)
	for f in benchmarks/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) runs site .pytest_cache .ruff_cache .mypy_cache .hypothesis viewer/node_modules viewer/dist
