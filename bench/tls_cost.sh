#!/usr/bin/env bash
# One part of bench/run_all.sh on its own: JSON results to $1 (default stdout).
# Knobs and defaults: see bench/run_all.sh.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/tls_cost.py" "${1:-/dev/stdout}"
