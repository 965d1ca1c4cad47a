#!/usr/bin/env bash
# The soak test in short (~1 min): a few real redis-servers that restart,
# fill, flush and pause at random while the daemon reloads its config every
# 2 s and a webhook receiver flaps between 200, 500 and 429; fails on a
# crash, a notification lost or accepted twice, RSS growth of 2 MiB or more
# after warm-up, a descriptor leak, or /metrics not answering. The long version
# is bench/soak.sh with its defaults (20 targets, 60 s).
# Under ASan (quarantine, shadow memory) RSS moves by megabytes for reasons
# that are not leaks, so the RSS bound is relaxed there; LeakSanitizer and
# the descriptor check still apply.
# Usage: soak_test.sh PATH_TO_BUILT_redis-memwatch
# Env:   SOAK_RECEIVER=0 leaves out the flapping webhook receiver and the
#        zero-lost-notifications check (see bench/soak.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?usage: soak_test.sh PATH_TO_BUILT_redis-memwatch}
# 2 MiB here: in 12 s the daemon is still warming up (HTTP workers and
# delivery threads touched for the first time: +0.8-0.9 MiB in runs that
# deliver everything). The 1 MiB bound is the long soak's (bench/RESULTS.md).
growth=2048
if nm "$binary" 2>/dev/null | grep -q '__asan_init' || ldd "$binary" 2>/dev/null | grep -q libasan; then
  growth=65536
fi
SOAK_RECEIVER=${SOAK_RECEIVER:-1} SOAK_TARGETS=${SOAK_TARGETS:-6} SOAK_WARMUP=${SOAK_WARMUP:-10} SOAK_SECONDS=${SOAK_SECONDS:-12} \
  SOAK_HUP_EVERY=2 SOAK_MAX_RSS_GROWTH_KIB=${SOAK_MAX_RSS_GROWTH_KIB:-$growth} \
  exec "$here/../../bench/soak.sh" "$binary"
