#!/usr/bin/env bash
# Fresh machine -> the demo scan of the bundled sample sites, then where to look.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/govinspect demo "$@"
