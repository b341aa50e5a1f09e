#!/usr/bin/env bash
# What `make test` runs (after the venv is set up): lint, types, then the whole suite.
# Installs the Agents Playground from package-lock.json when missing, for the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"

if [ ! -x node_modules/.bin/agentsplayground ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

"$VENV/bin/ruff" check bot cards adapters tests bench
"$VENV/bin/mypy"
# pytest exits 5 when it collected nothing: with `set -e` that fails the run, as it should.
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
