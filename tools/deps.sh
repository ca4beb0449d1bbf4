#!/usr/bin/env bash
# deps.sh build|test|all - make sure the Debian packages pumphil needs are
# installed.  Missing ones are installed with apt-get when running as root;
# otherwise the one command to run is printed and the script fails.
set -euo pipefail

build_pkgs=(
  gcc cmake ninja-build pkg-config
  liblua5.4-dev libusb-1.0-0-dev libjansson-dev libxml2-dev zlib1g-dev
  libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-dejavu-core
  umockdev libumockdev-dev libcmocka-dev
  libsqlite3-dev libpq-dev
)
# What the test suite drives besides the build: reference tools it compares
# against, viewers it checks with, the fuzzing compiler and the MCU toolchain,
# a PostgreSQL server (pg_virtualenv) for the results-history tests, and the
# linters (luacheck comes with lua-check), and busted, the speed `make bench`
# compares a run of empty tests against.
test_pkgs=(
  libxml2-utils scram tshark chromium xvfb xdotool imagemagick
  clang libclang-rt-14-dev gcc-arm-none-eabi libnewlib-arm-none-eabi
  cppcheck clang-format lua-check python3 lua-busted
  postgresql postgresql-common
)

case "${1:-build}" in
  build) want=("${build_pkgs[@]}") ;;
  test|all) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|all" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "pumphil needs these Debian packages: ${missing[*]}" >&2
  echo "run as root:  $cmd" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
