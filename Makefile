# crmflow: `make run` to try it, `make test` to check everything.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install web web-test chromium promtool wrk lint typecheck unit unit-pg bench bench-ui lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The web UI: dependencies from package-lock.json, the typed client generated from the API's
# OpenAPI document, then the production bundle in web/dist (served by `crmflow serve` at /).
WEB_STAMP := web/node_modules/.installed
$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $(WEB_STAMP)

web: $(STAMP) $(WEB_STAMP)
	$(BIN)/crmflow openapi -o web/openapi.json
	cd web && npm run --silent gen && npm run --silent build

## Type-check the UI and run its component tests (Vitest).
web-test: web
	cd web && npx vitest run

# Playwright drives Debian's Chromium (browser downloads do not work here): install it when missing.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

# The metrics tests check /metrics with promtool (Debian's prometheus package): install it when
# missing. Only the tool is used; no Prometheus server is started.
promtool:
	@command -v promtool >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus; }

# crmflow bench --http drives the server with wrk (Debian's package): install it when missing.
wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

## Start the API, UI and embedded runtime on SQLite with demo data (http://localhost:8000/docs).
run: install web
	CRMFLOW_ADMIN_TOKEN=$${CRMFLOW_ADMIN_TOKEN:-demo-token} $(BIN)/crmflow serve --demo --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

## Lint, type-check and run the whole test suite, on SQLite and then on PostgreSQL.
test: install web lint typecheck web-test chromium promtool wrk unit unit-pg

lint:
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy src

# Independent tests run on both cores (pytest-xdist, a file per worker at a time); then the browser
# tests, two at a time (a server and a Chromium per worker); then the tests marked `serial` (real
# time, real processes: see tests/conftest.py), alone.
# Exit status 5 ("no tests collected") is fine: PYTEST_ARGS may pick tests of one kind only.
XDIST ?= -n 2 --dist loadfile
PARALLEL_THEN_SERIAL = { $(BIN)/pytest -q $(XDIST) -m "not serial and not browser" $(1) $(PYTEST_ARGS) || [ $$? -eq 5 ]; } && \
	{ $(BIN)/pytest -q $(XDIST) -m browser $(1) $(PYTEST_ARGS) || [ $$? -eq 5 ]; } && \
	{ $(BIN)/pytest -q -m serial $(1) $(PYTEST_ARGS) || [ $$? -eq 5 ]; }

unit:
	$(BIN)/python -m tests.support.services
	$(call PARALLEL_THEN_SERIAL,)

# The same suite against PostgreSQL (started if it is down; a failure to get one fails the
# target). The kill -9 and restart tests (they serve their own SQLite files), tests/integration,
# the wheel test in tests/packaging and the browser tests in tests/e2e (which make their own
# databases) run once, in `unit`; so
# does the two-minute schemathesis run.
unit-pg:
	@url=$$($(BIN)/python -m tests.support.postgres) && echo "PostgreSQL pass on $$url" && \
	export CRMFLOW_TEST_DATABASE_URL=$$url && $(call PARALLEL_THEN_SERIAL,-p no:cacheprovider \
		--deselect tests/runtime/test_restart_kill9.py --deselect tests/runtime/test_restart_waits.py \
		--ignore tests/integration --ignore tests/e2e --ignore tests/packaging \
		--deselect tests/api/test_schemathesis.py::test_every_operation_conforms_to_the_document)

bench: install
	$(BIN)/crmflow bench

## Time the UI's pages in Chromium on 1,000 workflows and 100,000 executions (benchmarks/ui_pages.py).
bench-ui: web chromium
	$(BIN)/python benchmarks/ui_pages.py $(BENCH_ARGS)

## Regenerate the pinned constraints from the current virtualenv (no index URLs recorded).
lock:
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache web/node_modules web/dist

## Build the wheel and the sdist into dist/, both carrying the built UI (setup.py, MANIFEST.in).
.PHONY: dist
dist: install web
	rm -f dist/crmflow-*
	$(BIN)/python -m build --outdir dist .
