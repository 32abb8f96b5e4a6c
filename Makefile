# The portal's front door: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n 2
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
TEMPLATE_DIRS := templates cor_portal employers auditors audits incentives workplan selfservice

.PHONY: install run test lint format migrate demo worker beat schema clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet ".[dev]"
	@rm -rf build *.egg-info $(VENV)/.installed-*
	@touch $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# SQLite and in-process tasks unless DATABASE_URL / CELERY_BROKER_URL are set.
run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	@if [[ -z "$${DATABASE_URL:-}" ]]; then scripts/ensure-postgres; fi
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint $(TEMPLATE_DIRS) --lint
	$(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint $(TEMPLATE_DIRS) --reformat --quiet || true

worker: install
	$(VENV)/bin/celery -A cor_portal worker -Q default,documents --loglevel=INFO --concurrency=2

beat: install
	$(VENV)/bin/celery -A cor_portal beat --loglevel=INFO

schema: install
	$(PY) manage.py spectacular --validate --fail-on-warn --file schema.yml

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles build *.egg-info

# Incentive letters: 1,000 on a real worker (Redis, concurrency 2) in a database of their own.
BENCH_DATABASE_URL ?= postgres://cor:cor@127.0.0.1:5432/cor_bench_letters
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/11
.PHONY: bench-letters
bench-letters: install
	@psql "$(dir $(BENCH_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(BENCH_DATABASE_URL))'" | grep -q 1 || psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))"
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) $(PY) manage.py bench_letters --letters 1000 --concurrency 2

# Pages, API lists, the daily sweep and memory at 10,000 employers, written to bench/results.md
# (gunicorn with 2 workers, wrk for the load; see README "Performance").
BENCH_EMPLOYERS ?= 10000
BENCH_LETTERS ?= 1000
.PHONY: bench
bench: install
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian package)"; apt-get install -y -qq wrk; }
	@if [[ -z "$${COR_BENCH_DATABASE_URL:-}" ]]; then scripts/ensure-postgres; fi
	$(PY) -m cor_portal.bench.run --employers $(BENCH_EMPLOYERS) --letters $(BENCH_LETTERS)
