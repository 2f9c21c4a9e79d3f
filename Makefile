# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
# Starts the embedded PostgreSQL unless DATABASE_URL is set, runs the command, stops what it started.
WITH_DB := $(BIN)/python -m twinproject.devdb run --

.PHONY: install run serve test lint format migrate db-start db-stop clean bench bench-quick bench-tools eval

install: $(STAMP)

$(STAMP): requirements.txt
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

run: install
	DJANGO_DEBUG=1 $(WITH_DB) sh -c '$(BIN)/python manage.py migrate_schemas -v 0 && $(BIN)/python manage.py seed_demo && exec $(BIN)/python manage.py runserver 0.0.0.0:8000'

# Debian's Chromium for the browser tests (tests/e2e), installed when missing (as root, like CI);
# where it cannot be installed those tests are skipped and say why.
.PHONY: browser
browser:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium) || echo "Chromium could not be installed: the browser tests in tests/e2e will be skipped."

test: install lint browser
	$(WITH_DB) sh -c '$(BIN)/python manage.py makemigrations --check --dry-run -v 1 --settings=twinproject.settings_test && $(BIN)/python -m pytest $(PYTEST_ARGS)'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

eval: install
	$(WITH_DB) sh -c '$(BIN)/python manage.py migrate_schemas -v 0 && $(BIN)/python manage.py run_eval --cases eval/twin_runtime_eval_cases.json eval/coach_eval_cases.json eval/startup_paraphrase_cases.json --min-action-accuracy 0.97 && $(BIN)/python manage.py run_eval --cases eval/independent/*.json --min-action-accuracy 0.86'

# Benchmarks on their own embedded PostgreSQL (var/bench-pg), never the development one; see bench/run.py.
bench: install bench-tools
	env -u DATABASE_URL TWIN_PGDATA=$(CURDIR)/var/bench-pg $(WITH_DB) $(BIN)/python bench/run.py

bench-quick:
	BENCH_QUICK=1 $(MAKE) bench

# wrk (the load generator) from Debian; the profiler from PyPI.
bench-tools: install
	@command -v wrk >/dev/null || { SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get install -y wrk || { $$SUDO apt-get update && $$SUDO apt-get install -y wrk; }; }
	$(BIN)/python -m pip install -q -r bench/requirements.txt

migrate: install
	$(WITH_DB) $(BIN)/python manage.py migrate_schemas

db-start: install
	$(BIN)/python -m twinproject.devdb start

db-stop: install
	$(BIN)/python -m twinproject.devdb stop

clean: db-stop
	rm -rf var
