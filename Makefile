# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
INPUT  ?= seeds
OUTPUT ?= data

.PHONY: install run test validate docs lock bench clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the pinned dependencies

run: install  ## run the pipeline over seeds/ into data/
	$(BIN)/newsetl run --input $(INPUT) --output $(OUTPUT)

test: install  ## the test suite (what CI runs)
	$(BIN)/python -m pytest

validate: install  ## re-validate the published tables in data/
	$(BIN)/newsetl validate --data $(OUTPUT)

docs: install  ## regenerate the data dictionary from the schema module
	$(BIN)/newsetl docs

lock: install  ## re-pin every dependency after changing pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

bench: install  ## benchmarks (see bench/README.md)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .prefect .pytest_cache
