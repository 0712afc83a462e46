# Two commands for a fresh machine: `make demo` and `make test`.
# Each makes its own virtualenv in .venv and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test install clean

$(BIN)/fiu: setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/fiu

# bank-c's camt.053 statements are validated against the ISO 20022 schemas, which the
# project does not ship: found in ../shared/formats/camt/xsd (as CI lays it out) or given
# as CAMT_SCHEMAS=DIR; without them the demo stops with a message saying so.
CAMT_SCHEMAS ?= $(wildcard ../shared/formats/camt/xsd)

demo: $(BIN)/fiu
	$(BIN)/fiu demo --dir demo --partner-shapes $(if $(CAMT_SCHEMAS),--camt-schemas $(CAMT_SCHEMAS))

# Tests on every core (pytest-xdist), a test module's tests on one worker (loadfile), so a
# module-scoped pipeline run happens once: `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= auto

test: $(BIN)/fiu
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

clean:
	rm -rf demo .pytest_cache .hypothesis
