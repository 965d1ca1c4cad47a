#!/usr/bin/env bash
# Configures and builds one build tree.
# Usage: scripts/build.sh DIR [cmake args...]
# Env:   BUILD_TARGET="T ..." builds only these targets (default: everything)
#        MEMWATCH_WERROR=ON warnings as errors (scripts/test.sh sets it)
#        MEMWATCH_UNITY_TESTS=ON test sources compiled in batches (test.sh sets it)
#        MEMWATCH_UNITY_SRC=ON   src/ sources compiled in batches (test.sh sets it)
# The default build type is Release, what packagers use; a later
# -DCMAKE_BUILD_TYPE=... among the arguments wins.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?build dir}
shift
# A compiler cache, when one is installed, makes rebuilds of an unchanged
# tree (another checkout, a re-run) nearly free; CI's clean machine has none.
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMEMWATCH_WERROR="${MEMWATCH_WERROR:-OFF}" -DMEMWATCH_UNITY_TESTS="${MEMWATCH_UNITY_TESTS:-OFF}" \
  -DMEMWATCH_UNITY_SRC="${MEMWATCH_UNITY_SRC:-OFF}" \
  "${launcher[@]}" "$@" >/dev/null
target=()
if [ -n "${BUILD_TARGET:-}" ]; then
  read -r -a names <<<"$BUILD_TARGET"
  target=(--target "${names[@]}")
fi
cmake --build "$dir" -j "$(nproc)" "${target[@]}"
