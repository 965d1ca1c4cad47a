#!/usr/bin/env bash
# Builds the project the way users and packagers do: every standard build
# type (and none), with GCC and clang, with the default generator (Unix
# Makefiles) and Ninja, warnings as errors, each in a fresh tree under a
# temp dir. Not part of scripts/test.sh (one cold build takes minutes on 2
# cores); run it by hand when the build changes.
# Usage: scripts/build_matrix.sh [TARGET]   (default: every target, tests included)
# Env:   MATRIX_COMPILERS="g++ clang++"  MATRIX_TYPES="Debug Release RelWithDebInfo MinSizeRel none"
#        MATRIX_GENERATORS="make ninja"
#        MATRIX_CMAKE_ARGS="-DMEMWATCH_UNITY_TESTS=ON"  added to every configure
# Prints one line per build (ok/FAIL and seconds) and exits 1 if any failed;
# a failed build's log is kept and named.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-}
compilers=${MATRIX_COMPILERS:-g++ clang++}
types=${MATRIX_TYPES:-Debug Release RelWithDebInfo MinSizeRel none}
generators=${MATRIX_GENERATORS:-make ninja}
work=$(mktemp -d /tmp/memwatch-matrix.XXXXXX)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
failed=0
for cxx in $compilers; do
  for type in $types; do
    for gen in $generators; do
      name="$cxx-$type-$gen"
      dir=$work/$name
      args=(-S "$root" -B "$dir" -DCMAKE_CXX_COMPILER="$cxx" -DMEMWATCH_WERROR=ON "${launcher[@]}")
      read -r -a extra <<<"${MATRIX_CMAKE_ARGS:-}"
      args+=("${extra[@]}")
      [ "$gen" = ninja ] && args+=(-G Ninja)
      [ "$type" != none ] && args+=(-DCMAKE_BUILD_TYPE="$type")
      build=(--build "$dir" -j "$(nproc)")
      [ -n "$target" ] && build+=(--target "$target")
      t0=$(date +%s)
      if cmake "${args[@]}" >"$dir.log" 2>&1 && cmake "${build[@]}" >>"$dir.log" 2>&1; then
        printf 'ok    %-32s %4d s\n' "$name" $(($(date +%s) - t0))
        rm -rf "$dir" "$dir.log"
      else
        printf 'FAIL  %-32s %4d s  log: %s\n' "$name" $(($(date +%s) - t0)) "$dir.log"
        rm -rf "$dir"
        failed=1
      fi
    done
  done
done
[ $failed = 0 ] && rm -rf "$work"
exit $failed
