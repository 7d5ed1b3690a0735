# Strikewatch: two commands for a new user.
#   make run   set up on first use, then serve the demo at http://127.0.0.1:$(PORT)
#   make test  set up the same way, then run the whole test suite
# Without DATABASE_URL both use an embedded PostgreSQL kept in .pgdata/.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run test setup lint bench mutation clean-db

$(PY_STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) -m config.vendor
	touch $@

setup: $(PY_STAMP) $(NODE_STAMP)

run: setup
	DEBUG=true PORT=$(PORT) $(PY) -m config.embedded_pg -- $(PY) -m config.devserver

# The suite runs in TEST_PROCESSES processes (pytest-xdist; a test file stays in one process, so
# its module fixtures are built once); each gets its own test database and Redis database.
TEST_PROCESSES ?= 2
test: setup
	DEBUG=true $(PY) -m config.embedded_pg -- $(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

lint: $(PY_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Not part of `make test`: measures speed at SCALE attacks and writes docs/BENCHMARKS.md.
SCALE ?= 20000
# DEBUG=true as for make test (the development settings: DEBUG is false unless set); the servers
# the bench measures run with DEBUG off (bench/servers.py).
bench: setup
	DEBUG=true SCALE=$(SCALE) $(PY) -m config.embedded_pg -- $(PY) -m bench.run

# Mutation testing of the pure cores (no database): the score per module, and a failure on any
# surviving mutant not listed in docs/mutation-survivors.txt (docs/TESTING.md).
mutation: $(PY_STAMP)
	$(PY) scripts/mutation.py

# Throws away the embedded database (the next `make run` rebuilds the demo).
clean-db:
	rm -rf .pgdata
