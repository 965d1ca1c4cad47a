#!/usr/bin/env bash
# Builds the .deb with cpack in a configured build directory and checks it:
#  - its file list has the binary, the unit, the config (a conffile), the
#    rules, the dashboard, the docs, the copyright and the changelog;
#  - the binary extracted from it runs (--version) and accepts the packaged
#    config (--check-config);
#  - lintian reports no error (E:) and no hardening-no-* tag (Debian's
#    hardening flags, MEMWATCH_HARDENING); warnings are printed, not failures.
# Usage: package_test.sh BUILD_DIR   (configured with include(cmake/install.cmake),
# redis-memwatch built.)
set -uo pipefail

build=${1:?usage: package_test.sh BUILD_DIR}
build=$(cd "$build" && pwd)
if [ ! -f "$build/CPackConfig.cmake" ]; then
  echo "FAIL: no $build/CPackConfig.cmake: is include(cmake/install.cmake) in CMakeLists.txt?" >&2
  exit 1
fi
for tool in cpack dpkg-deb dpkg-shlibdeps lintian; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool not found (apt-get install lintian dpkg-dev)" >&2
    exit 1
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# Package what was built (as ctest runs after the build; cpack builds
# nothing) into a private directory, so concurrent runs never mix.
if ! cpack -G DEB -B "$tmp/out" --config "$build/CPackConfig.cmake" >"$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log" >&2
  fail "cpack -G DEB (is redis-memwatch built in $build?)"
  exit 1
fi
shopt -s nullglob
debs=("$tmp"/out/*.deb)
if [ ${#debs[@]} -ne 1 ]; then
  cat "$tmp/cpack.log" >&2
  fail "expected one .deb from cpack, found ${#debs[@]}"
  exit 1
fi
deb=${debs[0]}
echo "package: $(basename "$deb")"
dpkg-deb -f "$deb" Package Version Architecture Section Depends

# File list: paths as dpkg-deb -c prints them ("./usr/bin/...").
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$tmp/files.txt"
expect_file() {
  grep -qxF "./$1" "$tmp/files.txt" || fail "the package lacks /$1"
}
expect_file usr/bin/redis-memwatch
expect_file usr/lib/systemd/system/redis-memwatch.service
expect_file etc/redis-memwatch/config.yml
expect_file usr/share/redis-memwatch/rules/redis-memwatch.rules.yml
expect_file usr/share/redis-memwatch/grafana/redis-memwatch.json
expect_file usr/share/doc/redis-memwatch/copyright
expect_file usr/share/doc/redis-memwatch/changelog.Debian.gz
grep -q '^\./usr/share/redis-memwatch/docs/.*\.md$' "$tmp/files.txt" ||
  fail "the package has no docs under /usr/share/redis-memwatch/docs/"
if grep -q '/tests/' "$tmp/files.txt"; then
  fail "the package ships test files: $(grep '/tests/' "$tmp/files.txt" | tr '\n' ' ')"
fi

# The config must be a conffile, or an upgrade overwrites the admin's edits.
dpkg-deb -e "$deb" "$tmp/control"
grep -qxF /etc/redis-memwatch/config.yml "$tmp/control/conffiles" 2>/dev/null ||
  fail "/etc/redis-memwatch/config.yml is not listed in conffiles"

# The packaged binary runs, and accepts the packaged config.
dpkg-deb -x "$deb" "$tmp/root"
version=$("$tmp/root/usr/bin/redis-memwatch" --version 2>&1)
rc=$?
echo "packaged binary: $version"
[ $rc -eq 0 ] || fail "the packaged binary's --version exited $rc: $version"
[[ "$version" == "redis-memwatch $(dpkg-deb -f "$deb" Version | sed 's/-[^-]*$//')" ]] ||
  fail "--version says '$version', the package is $(dpkg-deb -f "$deb" Version)"
if ! "$tmp/root/usr/bin/redis-memwatch" --config "$tmp/root/etc/redis-memwatch/config.yml" \
    --check-config >"$tmp/check.log" 2>&1; then
  cat "$tmp/check.log" >&2
  fail "the packaged config does not pass --check-config"
fi

# lintian: errors fail, warnings are shown. Exit 1 means errors (E:), 2 that
# lintian itself failed. --tag-display-limit 0: every instance of a tag;
# --display-info: the hardening tags, some of which are only info (I:).
lintian --display-info --tag-display-limit 0 "$deb" >"$tmp/lintian.txt" 2>"$tmp/lintian.err"
rc=$?
# Debian's hardening flags (CMake's MEMWATCH_HARDENING): none may be missing.
if grep -E 'hardening-no-' "$tmp/lintian.txt" >&2; then
  fail "lintian: the binary misses hardening flags"
fi
grep -E '^W: ' "$tmp/lintian.txt" | sed 's/^/lintian warning: /' || true
if grep -qE '^E: ' "$tmp/lintian.txt"; then
  grep -E '^E: ' "$tmp/lintian.txt" >&2
  fail "lintian reported errors"
elif [ $rc -ne 0 ]; then
  cat "$tmp/lintian.txt" "$tmp/lintian.err" >&2
  fail "lintian exited $rc"
fi

if [ $failures -ne 0 ]; then
  echo "package_test: $failures failure(s)" >&2
  exit 1
fi
echo "package_test: OK"
