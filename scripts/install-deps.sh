#!/usr/bin/env bash
# Installs what kkr needs to build and test, from Debian's packages (skips what is there).
set -eu
# libclang-rt-dev: clang's sanitizer and libFuzzer runtimes (only "recommended" by clang, so
# --no-install-recommends would leave -fsanitize=fuzzer without them)
packages="build-essential meson ninja-build pkg-config python3 libgsl-dev libcairo2-dev
  libpango1.0-dev libcsv-dev zlib1g-dev libzip-dev libexpat1-dev libxlsxwriter-dev
  python3-openpyxl
  fonts-dejavu-core poppler-utils valgrind clang libclang-rt-dev"
# --bench: also the optional benchmark dependencies (R's forecast package for
# tests/bench/bench-forecast-m3.py; CI does not need it, the benchmark skips R without it)
[ "${1:-}" = "--bench" ] && packages="$packages r-cran-forecast"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
