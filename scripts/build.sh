#!/usr/bin/env bash
# Configures and builds tokenwarden into build/ (or build-asan/ with --sanitize).
# Warnings are fatal. Usage: scripts/build.sh [--sanitize] [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOKENWARDEN_WERROR=ON)
if [ "${1:-}" = "--sanitize" ]; then
  shift
  build_dir=build-asan
  options=(-DCMAKE_BUILD_TYPE=Debug -DTOKENWARDEN_WERROR=ON -DTOKENWARDEN_SANITIZE=ON)
fi

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
cmake -S . -B "$build_dir" "${generator[@]}" "${options[@]}" "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
