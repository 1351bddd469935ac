# The README's two commands: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	$(wildcard frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json frontend/package.json)

PORT ?= 8000

.PHONY: setup run test lint bench chromium clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

setup: $(VENV)/.installed frontend/dist/index.html

# The web server and the job consumer together (Procfile, run by honcho); Ctrl-C stops both.
run: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	GUNICORN_BIND=$${GUNICORN_BIND:-127.0.0.1:$(PORT)} $(VENV)/bin/honcho start

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used), with
# Debian's Noto CJK fonts so zh-CN screenshots show characters, not empty boxes.
BROWSER_PACKAGES := chromium fonts-noto-cjk
chromium:
	@missing=$$(for package in $(BROWSER_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
		else echo "Browser tests need Debian's packages:" $$missing "(sudo apt-get install $$missing)" >&2; exit 1; fi; \
	fi

test: setup chromium
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist

# ---- front end ---------------------------------------------------------------
# The API types are generated from the server's OpenAPI document (never written by hand):
# `make api-types` rewrites them, `make api-types-check` fails when the committed copy is stale.
API_TYPES := frontend/src/api/schema.d.ts
FRONTEND_DEPS := frontend/node_modules/.package-lock.json

.PHONY: api-types api-types-check lint-frontend test-frontend venv-present

# The venv as it is, built only when missing (not reinstalled because requirements changed).
venv-present:
	@test -x $(VENV)/bin/flask || $(MAKE) $(VENV)/.installed

api-types: $(FRONTEND_DEPS) venv-present
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(FLASK) openapi write --format=json "$$tmp/openapi.json" && \
	node frontend/scripts/api-types.mjs "$$tmp/openapi.json" $(API_TYPES) && \
	echo "wrote $(API_TYPES)"

api-types-check: $(FRONTEND_DEPS) venv-present
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(FLASK) openapi write --format=json "$$tmp/openapi.json" && \
	node frontend/scripts/api-types.mjs "$$tmp/openapi.json" "$$tmp/schema.d.ts" && \
	if ! diff -u $(API_TYPES) "$$tmp/schema.d.ts"; then \
		echo "$(API_TYPES) is stale: the server's API changed. Run 'make api-types' and commit the result." >&2; exit 1; \
	fi && echo "$(API_TYPES) matches the server"

# tsc (app and service worker) and ESLint with the hooks rules.
lint-frontend: $(FRONTEND_DEPS)
	cd frontend && npm run lint

# vitest: the pure helpers (geometry, coordinates, error mapping, routing, plurals).
test-frontend: $(FRONTEND_DEPS)
	cd frontend && npm run test:unit

lint: lint-frontend api-types-check
test: test-frontend
