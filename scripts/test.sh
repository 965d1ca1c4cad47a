#!/usr/bin/env bash
# Sets everything up, builds, and runs every test and quality gate:
#   1. clang-format check over our sources
#   2. release build (-Werror): unit + integration tests
#   3. ASan+UBSan build: unit + integration tests again
# Usage: scripts/test.sh            (CI runs exactly this via .ci/run)
# Env:   MEMWATCH_SKIP_SANITIZERS=1 skips step 3 for a quick local run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)

step() { printf '\n=== %s\n' "$*"; }

step "setup"
scripts/setup.sh

step "clang-format"
mapfile -t sources < <(find include src tests bench -name '*.h' -o -name '*.cc' 2>/dev/null | sort)
clang-format --dry-run --Werror "${sources[@]}"
echo "clang-format: ${#sources[@]} files clean"

run_tests() {
  local dir=$1
  ctest --test-dir "$dir" -L unit --output-on-failure -j "$jobs" --timeout 120
  ctest --test-dir "$dir" -L integration --output-on-failure -j "$jobs" --timeout 300
}

step "build (RelWithDebInfo, -Werror)"
scripts/build.sh build
step "tests"
run_tests build

if [ "${MEMWATCH_SKIP_SANITIZERS:-0}" != 1 ]; then
  step "build (ASan+UBSan)"
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DMEMWATCH_SANITIZE=address,undefined
  step "tests under ASan+UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_tests build-asan
fi
step "all tests passed"
