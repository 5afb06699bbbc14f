# Newsroom: `make run` serves the demo site, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The first Python >= 3.12 that actually runs (pyenv shims exist for versions that are not active).
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 "env PYENV_VERSION=3.13.0 python3" "env PYENV_VERSION=3.12.1 python3" python3; do \
	if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; break; fi; done)

.PHONY: run serve backup restore test test-browser test-cluster cluster cluster-stop bench-cluster lint venv clean bench upgrade-check

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Newsroom needs Python >= 3.12 and none was found."; \
		echo "Install python3.13 (Debian: apt-get install python3.13 python3.13-venv; or pyenv install 3.13) and run make again."; \
		exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# Development settings, so that `python manage.py ...` works as the README shows after `make run`.
# Written only when there is no .env; never overwritten.
.env:
	@printf '# Development settings, written by make run (production: see .env.example).\nDEBUG=1\n' > $@

# Development: the site on http://127.0.0.1:8000 and the task worker; Ctrl-C stops both.
run: $(STAMP) .env
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py loaddemo
	DEBUG=$${DEBUG:-1} $(BIN)/python -m operations.serve development

# Production on this machine: DEBUG off, needs SECRET_KEY, ALLOWED_HOSTS and SITE_URL (environment
# or .env); migrates, collects static files, then gunicorn (PORT, WEB_CONCURRENCY) and the worker.
serve: $(STAMP)
	@$(BIN)/python -m operations.serve

# A backup of the database and media files into BACKUP_DIR (default backups/); the path is printed last.
backup: $(STAMP)
	@$(BIN)/python manage.py backup

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<name>.tar.gz"; exit 2; }
	@$(BIN)/python manage.py restore "$(FILE)"

# Tests never need a real secret or address; production refuses to start without them.
# A developer's .env (DEBUG=1 after `make run`) is not read: the suite behaves the same anywhere.
test: $(STAMP)
	ENV_FILE= DEBUG=0 SECRET_KEY=$${SECRET_KEY:-insecure-test-only-key} \
		SITE_URL=$${SITE_URL:-http://testserver} $(BIN)/python -m pytest $(PYTEST_ARGS)

# Browser tests (tests/browser): Playwright drives Debian's Chromium, installed here when missing.
test-browser: $(STAMP)
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
		command -v java >/dev/null || missing="$$missing default-jre-headless"; \
		command -v npm >/dev/null || missing="$$missing nodejs npm"; \
		if [ -n "$$missing" ]; then echo "Installing Debian's$$missing for the browser tests."; \
		sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$sudo apt-get update -qq; \
		$$sudo apt-get install -y --no-install-recommends $$missing >/dev/null; fi
	@# axe-core and the Nu checker (vnu.jar) at the versions of tests/browser/tools/package-lock.json.
	@test tests/browser/tools/node_modules/.package-lock.json -nt tests/browser/tools/package-lock.json || \
		npm ci --prefix tests/browser/tools --ignore-scripts --no-audit --no-fund
	ENV_FILE= DEBUG=0 SECRET_KEY=$${SECRET_KEY:-insecure-test-only-key} \
		SITE_URL=$${SITE_URL:-http://testserver} $(BIN)/python -m pytest tests/browser -m browser $(PYTEST_ARGS)

# The production server on PostgreSQL and Redis under wrk: benchmarks/results.md (see benchmarks/bench.py
# for BENCH_* settings). Installs wrk when missing; fills its own database once, then reuses it.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# A cluster on this machine for development and tests (deploy/cluster.py): nginx on :8090 in front
# of app servers :8091 and :8092, a task worker, a PostgreSQL primary and its streaming replica.
cluster: $(STAMP)
	@$(BIN)/python deploy/cluster.py start

cluster-stop: $(STAMP)
	@$(BIN)/python deploy/cluster.py stop

# The cluster's own tests (tests/cluster): they start a fresh cluster and stop it at the end.
test-cluster: $(STAMP)
	ENV_FILE= DEBUG=0 SECRET_KEY=$${SECRET_KEY:-insecure-test-only-key} \
		SITE_URL=$${SITE_URL:-http://testserver} $(BIN)/python -m pytest tests/cluster -m cluster $(PYTEST_ARGS)

# make cluster under wrk: req/s through the balancer with one app server and with two.
bench-cluster: $(STAMP)
	$(BIN)/python benchmarks/cluster_bench.py

# Upgrade a populated database made by commit OLD to this checkout; fails if a row or file is lost
# (SQLite; PostgreSQL with UPGRADE_DATABASE_URL, see docs/operations.md).
OLD ?= 6df93fd
upgrade-check: $(STAMP)
	$(BIN)/python deploy/upgrade_check.py --old $(OLD)

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles
