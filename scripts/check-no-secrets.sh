#!/usr/bin/env bash
# Fails when any credential secret known to the test suite appears in what the tests printed
# (CTest keeps every test's output in Testing/Temporary/LastTest.log; the process-level tests
# print what the binaries they run wrote, see tests/support/process/run_process.h). The secrets
# are the 32-character WHM tokens written in the test sources and the example fixtures, plus
# every secret the mock WHM fleet knew or made while the tests ran (fixture secrets, random
# ones, those api_token_create returned): with $TOKENWARDEN_TEST_SECRETS_FILE set, as
# scripts/test.sh sets it to BUILD_DIR/test-secrets.txt, the mock appends them there.
# Usage: scripts/check-no-secrets.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:?usage: check-no-secrets.sh BUILD_DIR}
log="$build_dir/Testing/Temporary/LastTest.log"
[ -s "$log" ] || { echo "check-no-secrets: no test log at $log" >&2; exit 1; }
exported=${TOKENWARDEN_TEST_SECRETS_FILE:-$build_dir/test-secrets.txt}

secrets=$(mktemp)
trap 'rm -f "$secrets"' EXIT
grep -rhoE '\b[0-9A-Z]{32}\b' tests examples 2>/dev/null >"$secrets" || true
fixtures=$(sort -u "$secrets" | grep -c . || true)
if [ -f "$exported" ]; then
  if [ ! -s "$exported" ]; then
    echo "check-no-secrets: $exported is empty: the mock exported no secret" >&2
    exit 1
  fi
  grep -oE '^[0-9A-Z]{32}$' "$exported" >>"$secrets" || true
else
  echo "check-no-secrets: no $exported (scripts/test.sh makes it): fixture secrets only" >&2
fi
sort -u -o "$secrets" "$secrets"
count=$(grep -c . "$secrets" || true)
if [ "$count" -eq 0 ]; then
  echo "check-no-secrets: found no secrets to look for" >&2
  exit 1
fi
if grep -F -f "$secrets" "$log" >/dev/null; then
  echo "check-no-secrets: a credential secret appears in the test output ($log):" >&2
  grep -n -o -F -f "$secrets" "$log" | sed -E 's/:[0-9A-Z]{32}$/: <secret>/' | head -5 >&2
  exit 1
fi
echo "check-no-secrets: none of $count known secrets ($fixtures from the sources, the rest" \
  "exported by the mock) appears in the test output"
