#!/usr/bin/env bash
# clang-tidy gate: configures build-tidy with clang++ (configure only: the
# compile database is all clang-tidy needs) and runs the checks in
# .clang-tidy over every source file of src/, with the project headers they
# include. Any finding fails the run (WarningsAsErrors: '*').
# Usage: scripts/tidy.sh [FILE_REGEX]     e.g. scripts/tidy.sh 'src/poller/'
# Env:   TIDY_JOBS (default nproc)
#        TIDY_DEEP=1  the static analyzer (clang-analyzer-*) at its full depth.
#                     By default it runs in its shallow mode (-analyzer-config
#                     mode=shallow, what IDEs run as you type: fewer paths and
#                     less inlining), about a quarter of its CPU: the analyzer
#                     was most of the gate's time, and the gate shares CI's two
#                     cores with the builds. Run it deep before a release.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-tidy
filter=${1:-$root/src/}
started=$(date +%s)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMWATCH_BUILD_TESTS=ON >/dev/null
# run-clang-tidy exits non-zero iff a file had an error (every finding is
# one here); -quiet drops the "N warnings generated" chatter of headers
# outside HeaderFilterRegex.
analyzer=()
if [ "${TIDY_DEEP:-0}" != 1 ]; then
  analyzer=(-extra-arg=-Xclang -extra-arg=-analyzer-config -extra-arg=-Xclang
    -extra-arg=mode=shallow)
fi
if run-clang-tidy -p "$build" -quiet -j "${TIDY_JOBS:-$(nproc)}" "${analyzer[@]}" "$filter" \
  >"$build/tidy.log" 2>&1; then
  status=0
else
  status=$?
fi
# Findings only, without colour codes and the per-file command lines.
sed 's/\x1b\[[0-9;]*m//g' "$build/tidy.log" | grep -E ': (error|warning): ' | sort -u || true
files=$(grep -c '^clang-tidy' "$build/tidy.log" || true)
echo "tidy ($([ "${TIDY_DEEP:-0}" = 1 ] && echo deep || echo shallow) analyzer): $files files in $(($(date +%s) - started)) s: $([ "$status" = 0 ] && echo clean || echo FAILED)"
exit "$status"
