# The README's commands. `make serve` starts the server on the bundled data, `make test` runs every test
# (`make test-fast` the in-process ones), `make lint` the linters and the type checker; each sets up what it
# needs first (virtual environment, Python packages, npm assets, Chromium).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup assets browser engines bytecode build serve test test-fast bench bench-import lint clean

# pip's own compiling of what it installs runs on one core: compileall on every core after it (a fresh
# install 16.2 -> 14.2 s); the current pip resolves and unpacks faster than the one venv brings (21 s).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-compile -e '.[test]'
	$(PY) -m compileall -q -j 0 $$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
	touch $(STAMP)

# The Python packages and the npm assets side by side (neither needs the other).
setup:
	@$(MAKE) --no-print-directory -q $(STAMP) assets || $(MAKE) --no-print-directory -j 2 $(STAMP) assets

# The YASGUI query editor, Swagger UI and Apache ECharts (the dashboard), served by our own server (never
# committed as a vendored bundle).
assets: server/web/static/vendor/.installed
server/web/static/vendor/.installed: package.json
	npm install --no-audit --no-fund --silent
	mkdir -p server/web/static/vendor
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css server/web/static/vendor/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css server/web/static/vendor/
	cp node_modules/echarts/dist/echarts.min.js server/web/static/vendor/
	touch $@

# Debian's Chromium for the browser tests, in its headless shell (a third less CPU than the full browser:
# bench/browsers.py); needs root, else the tests skip with a message.
browser:
	@command -v chromium-headless-shell >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null; \
	  else echo "chromium-headless-shell is not installed and this is not root: browser tests will be skipped"; fi; }

# Virtuoso Open Source for the external-engine tests (tests/test_engine*.py; needs root, else they skip
# over Virtuoso with a message). `oxigraph serve` comes with the test dependencies (PyPI oxigraph).
engines:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; \
	  else echo "virtuoso-t is not installed and this is not root: the Virtuoso tests will be skipped"; fi; }

# The package compiled ahead: where the environment sets PYTHONDONTWRITEBYTECODE (this machine's does),
# every Python process would compile it again on import, 0.17 s of CPU for each of the test suite's ~80
# server and command processes. A stale file is only recompiled in memory, as without it.
bytecode: setup
	$(PY) -m compileall -q server tests

build: setup bytecode
	$(VENV)/bin/smarthame build

serve: build
	$(VENV)/bin/smarthame serve

# pytest keeps its rewritten test modules (their asserts made to explain themselves) as bytecode too, but
# not where PYTHONDONTWRITEBYTECODE is set: collecting was then 4.2 s of CPU in each worker at every run,
# 2.0 s from the second run on (`/usr/bin/time python -m pytest --collect-only -p no:xdist`, with and
# without the variable): the edit-test loop's gain, not a fresh clone's.
PYTEST = PYTHONDONTWRITEBYTECODE= $(PY) -m pytest

# Both on every core and one more (pytest-xdist): a test that waits (on a server process, a browser, a
# timeout) leaves its core to the spare worker; workers steal queued tests from each other at the end.
# They share one build of the bundled data. 2 cores: 2 workers 159.5 s, 3 workers 147.8 s, 3 stealing
# 145.3 s (README, "Two commands").
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test: setup bytecode browser engines
	$(PYTEST) -q -n $(WORKERS) --dist worksteal

# In process only: no server processes, no browser, no package build, no whole-site crawl, no external
# engine (markers in pyproject.toml).
test-fast: setup bytecode
	$(PYTEST) -q -n $(WORKERS) --dist worksteal -m "not http and not browser and not process and not wheel and not sweep and not engines"

bench: setup
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/benchmark.py

# Importing 100 synthetic projects into the bundled graph and a 10,000-project one (docs/import.md).
bench-import: setup
	$(PY) bench/import.py

lint: setup
	$(VENV)/bin/ruff check server tests bench
	$(VENV)/bin/ruff format --check server tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf build node_modules server/web/static/vendor tests/artifacts
	find server tests bench -name __pycache__ -prune -exec rm -rf {} +
