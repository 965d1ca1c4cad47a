#!/usr/bin/env bash
# Checks systemd/redis-memwatch.service without a running systemd:
#  1. `systemd-analyze security --offline=true` rates its exposure at most 1.5;
#  2. `systemd-analyze verify` has nothing to say about it (it exits 0 on
#     unknown keys and typos, so any line on stderr is a failure).
# Usage: systemd_test.sh BINARY   (the built redis-memwatch; verify needs the
# ExecStart= binary to exist, so a copy of the unit points at it.)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
unit="$here/../../systemd/redis-memwatch.service"
binary=${1:?usage: systemd_test.sh PATH_TO_BUILT_redis-memwatch}
max_exposure=1.5

if [ ! -x "$binary" ]; then
  echo "FAIL: $binary is not an executable" >&2
  exit 1
fi
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# 1. Exposure. --threshold takes tenths: 15 = 1.5; above it the exit is non-zero.
# --offline keeps it from asking a (here absent) service manager.
if ! systemd-analyze security --offline=true --threshold=15 --no-pager "$unit" \
    >"$tmp/security.txt" 2>"$tmp/security.err"; then
  echo "FAIL: systemd-analyze security: exposure above $max_exposure" >&2
  cat "$tmp/security.txt" "$tmp/security.err" >&2
  failures=$((failures + 1))
fi
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$tmp/security.txt")
if [ -z "$score" ]; then
  echo "FAIL: no exposure score in the output of systemd-analyze security" >&2
  cat "$tmp/security.txt" "$tmp/security.err" >&2
  failures=$((failures + 1))
else
  echo "exposure: $score (limit $max_exposure)"
  # Every item that costs exposure, for the log.
  grep '✗' "$tmp/security.txt" || true
  if ! awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }'; then
    echo "FAIL: exposure $score > $max_exposure" >&2
    failures=$((failures + 1))
  fi
fi

# 2. verify, on a copy named like the original (verify derives the unit name
# from the file name) whose paths to the binary point at the built one.
sed "s|/usr/bin/redis-memwatch|$binary|g" "$unit" >"$tmp/redis-memwatch.service"
if ! grep -q "^ExecStart=$binary " "$tmp/redis-memwatch.service"; then
  echo "FAIL: ExecStart= of $unit does not run /usr/bin/redis-memwatch" >&2
  failures=$((failures + 1))
fi
# --man=no: the unit names no man page, and man-db may be absent.
systemd-analyze verify --man=no "$tmp/redis-memwatch.service" \
  >"$tmp/verify.out" 2>"$tmp/verify.err"
rc=$?
if [ $rc -ne 0 ] || [ -s "$tmp/verify.err" ]; then
  echo "FAIL: systemd-analyze verify (exit $rc):" >&2
  cat "$tmp/verify.out" "$tmp/verify.err" >&2
  failures=$((failures + 1))
else
  echo "verify: no complaints"
fi

if [ $failures -ne 0 ]; then
  echo "systemd_test: $failures failure(s)" >&2
  exit 1
fi
echo "systemd_test: OK"
