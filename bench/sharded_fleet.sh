#!/usr/bin/env bash
# One part of bench/run_all.sh on its own: JSON results to $1 (default stdout),
# the markdown summary on stderr. Knobs and defaults: see bench/run_all.sh and
# the docstring of bench/sharded_fleet.py.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/sharded_fleet.py" "${1:-/dev/stdout}"
