#!/usr/bin/env bash
# Fresh machine -> the whole test suite. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache  # the layer order declared in pyproject.toml
exec .venv/bin/python -m pytest "$@"
