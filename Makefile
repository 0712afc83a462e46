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

demo: $(BIN)/fiu
	$(BIN)/fiu demo --dir demo --partner-shapes

test: $(BIN)/fiu
	$(BIN)/python -m pytest -q

clean:
	rm -rf demo .pytest_cache .hypothesis
