#!/usr/bin/env bash
# Fails when any credential secret known to the test suite appears in what the tests printed
# (CTest keeps every test's output in Testing/Temporary/LastTest.log). The secrets are the
# 32-character WHM tokens written in the test sources and the example fixtures: the credentials
# the tests hand to tokenwarden. (Secrets the mock draws at random are never sent to anyone.)
# Usage: scripts/check-no-secrets.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:?usage: check-no-secrets.sh BUILD_DIR}
log="$build_dir/Testing/Temporary/LastTest.log"
[ -s "$log" ] || { echo "check-no-secrets: no test log at $log" >&2; exit 1; }

secrets=$(mktemp)
trap 'rm -f "$secrets"' EXIT
grep -rhoE '\b[0-9A-Z]{32}\b' tests examples 2>/dev/null | sort -u >"$secrets" || true
count=$(sort -u "$secrets" | grep -c . || true)
if [ "$count" -eq 0 ]; then
  echo "check-no-secrets: found no fixture secrets to look for" >&2
  exit 1
fi
if grep -F -f "$secrets" "$log" >/dev/null; then
  echo "check-no-secrets: a credential secret appears in the test output ($log):" >&2
  grep -n -o -F -f "$secrets" "$log" | sed -E 's/:[0-9A-Z]{32}$/: <secret>/' | head -5 >&2
  exit 1
fi
echo "check-no-secrets: none of $count known secrets appears in the test output"
