#!/usr/bin/env bash
# What `make test` runs (after the venv is set up): lint, types, then the whole suite.
# Installs the npm packages of package-lock.json when missing or older than the lock file: the Agents
# Playground (end-to-end tests) and @microsoft/app-manifest (the Teams manifest schemas).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"

if [ ! -x node_modules/.bin/agentsplayground ] || [ ! -d node_modules/@microsoft/app-manifest ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

"$VENV/bin/ruff" check bot cards adapters tests bench deploy
"$VENV/bin/ruff" format --check bot cards adapters tests bench deploy
"$VENV/bin/mypy"
# pytest exits 5 when it collected nothing: with `set -e` that fails the run, as it should.
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
