#!/usr/bin/env bash
# Installs every Debian 12 package that building, running and testing
# redis-memwatch need. Idempotent and non-interactive; quiet when all is there.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  libhiredis-dev libcurl4-openssl-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev nlohmann-json3-dev libgtest-dev libgmock-dev libssl-dev
  # run and test against real peers
  redis-server prometheus prometheus-alertmanager prometheus-redis-exporter
  python3 python3-yaml python3-aiosmtpd python3-jsonschema curl ca-certificates jq procps
  iproute2 openssl
  # the status page in a real browser (tests/integration/status_page_browser_test.cc)
  chromium
  # quality gates
  clang clang-format clang-tidy libclang-rt-14-dev llvm systemd lintian dpkg-dev file
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run as root (or install them) first" >&2
  exit 1
fi
echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Packages' own services must not start here (no systemd in containers/CI).
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
