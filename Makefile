# Koridor — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export KORIDOR_PACK ?= leningrad

.PHONY: demo test lint bench install serve translations clean hardening

$(BIN)/koridor: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/koridor

# the OpenID provider the sign-in tests run (tests/oidc, npm `oidc-provider`); skipped without node
OIDC_PROVIDER := tests/oidc/node_modules/.package-lock.json
$(OIDC_PROVIDER): tests/oidc/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the OpenID Connect sign-in tests will be skipped"; fi

# the modeler page's bpmn-js / dmn-js bundle (web/frontend, npm + esbuild) into web/static/modeler/
# (generated, git-ignored); without npm the page says the modeler is not installed
MODELER_BUNDLE := web/static/modeler/modeler.js
$(MODELER_BUNDLE): web/frontend/package-lock.json $(wildcard web/frontend/src/*) web/frontend/build.mjs
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix web/frontend --no-audit --no-fund --loglevel=error \
		&& npm run --prefix web/frontend --silent build; \
	else echo "npm not found: the modeler page (/analyst/modeler) will say it is not installed"; fi

install: $(BIN)/koridor $(OIDC_PROVIDER) $(MODELER_BUNDLE)

## make demo: venv + install + SQLite database + Leningrad pack + demo data, serve on :8000
demo: install
	$(BIN)/koridor demo
	$(BIN)/koridor serve --host 127.0.0.1 --port 8000

serve: install
	$(BIN)/koridor serve --host 127.0.0.1 --port 8000

## make test: the whole suite; PostgreSQL too when KORIDOR_TEST_POSTGRES_URL is set.
## One pytest-xdist worker per core (KORIDOR_TEST_WORKERS=0 runs in one process).
test: install
	$(BIN)/python -m pytest -n $${KORIDOR_TEST_WORKERS:-auto} --dist worksteal

## make hardening: the long variants the CI suite leaves out (tests marked `hardening`)
hardening: install
	$(BIN)/python -m pytest -n $${KORIDOR_TEST_WORKERS:-auto} -m hardening

## make lint: ruff, and radon: no function in services/, web/ or packs/ over cyclomatic complexity 20
## (rank D or worse); the module-length limit (400 lines) is tests/unit/test_architecture.py's
lint: install
	$(BIN)/ruff check engine services web classifiers packs devdata tests tools bench
	@complex="$$($(BIN)/radon cc --min D --show-complexity services web packs)"; \
		if [ -n "$$complex" ]; then echo "cyclomatic complexity over 20:"; echo "$$complex"; exit 1; fi

## make bench: throughput and loop-cost figures (SQLite, PostgreSQL, raw SpiffWorkflow)
bench: install
	KORIDOR_BENCH_POSTGRES_URL="$${KORIDOR_BENCH_POSTGRES_URL:-$$(bash .ci/postgres.sh koridor_bench)}" \
		$(BIN)/python -m bench.run

## make translations: extract page texts and merge them into the English catalogue
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k lazy_gettext -o web/translations/messages.pot --no-location --sort-output .
	test -f web/translations/en/LC_MESSAGES/messages.po || $(BIN)/pybabel init -i web/translations/messages.pot -d web/translations -l en
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations -l en --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache
