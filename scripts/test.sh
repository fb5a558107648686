#!/usr/bin/env bash
# Set up (idempotent) and run every check CI runs: ruff lint, ruff format check, mypy, pytest.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/inventory -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check netops tests
.venv/bin/ruff format --check netops tests
.venv/bin/mypy netops
.venv/bin/pytest "$@"
