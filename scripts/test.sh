#!/usr/bin/env bash
# Installs what is missing, builds, runs every test, then checks that no secret from the test
# fixtures, nor any the mock WHM fleet knew or made, appears anywhere in the tests' output.
# Usage: scripts/test.sh [--sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
./scripts/build.sh "$@"
build_dir=build
[ "${1:-}" = "--sanitize" ] && build_dir=build-asan

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The mock WHM fleet appends every secret it knows or makes to this file (absolute: each test
# runs in its own directory); check-no-secrets.sh looks for those in the tests' output too.
export TOKENWARDEN_TEST_SECRETS_FILE="$PWD/$build_dir/test-secrets.txt"
: >"$TOKENWARDEN_TEST_SECRETS_FILE"
status=0
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)" --timeout 600) || status=$?
./scripts/check-no-secrets.sh "$build_dir" || status=1
exit "$status"
