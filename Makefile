# The two commands of the README. Both set up what they need themselves (venv, pip, npm).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run test setup lint bench bench-deployed clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

## run: the bot on the embedded backend plus the Microsoft 365 Agents Playground in your browser
run: setup
	bash scripts/run.sh

## test: lint, type-check and the whole test suite (unit, PostgreSQL, HTTP, Playground end to end)
test: setup
	bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check bot cards adapters tests bench deploy
	$(VENV)/bin/ruff format --check bot cards adapters tests bench deploy
	$(VENV)/bin/mypy

bench: setup
	$(PY) -m bench

## bench-deployed: `timebot serve` as deployed (JWTs, Teams' limits) on SQLite, PostgreSQL, two processes
bench-deployed: setup
	$(PY) -m bench --deployed

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
