#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts a mock WHM fleet on
# loopback (examples/demo-fleet.yaml), runs `tokenwarden inventory` against it in all three
# formats, checks the example policies (examples/policies), shows the plan a sweep would carry
# out (dry run), then enforces it (`scan --enforce`: revokes and updates, each confirmed and
# recorded in the audit trail), shows the inventory after, verifies the audit trail's hash
# chain and prints the auditor's report; runs the daemon (`tokenwarden run`) for a few seconds
# with a reload and a clean stop; runs the example policy tests and shuts the mock down.
# Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
./scripts/build.sh

work=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

build/tests/support/mock_whm/mock-whm-fleet --fixture examples/demo-fleet.yaml --out "$work" \
  --ready-file "$work/ready" >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 300); do
  [ -e "$work/ready" ] && break
  kill -0 "$mock_pid" 2>/dev/null || { cat "$work/mock.log" >&2; exit 1; }
  sleep 0.1
done
[ -e "$work/ready" ] || { echo "demo: the mock fleet did not start" >&2; exit 1; }

tokenwarden=build/daemon/tokenwarden
config="$work/tokenwarden.yaml"
echo "== The mock fleet: 5 WHM hosts on 127.0.0.1 (whm05 answers 503 on purpose)"
echo "   configuration written by the mock: $config"
echo
echo "== tokenwarden inventory --config $config"
status=0
"$tokenwarden" inventory --config "$config" || status=$?
echo "(exit status $status: 1 means some hosts could not be inventoried)"
echo
echo "== tokenwarden inventory --format json  (summary, through jq)"
"$tokenwarden" inventory --config "$config" --format json |
  jq -c '.summary, (.accounts[] | select(.status != "ok") | {host, user, error})' || true
echo
echo "== tokenwarden inventory --format csv  (first lines)"
"$tokenwarden" inventory --config "$config" --format csv | head -n 5 || true
if [ "$status" -ne 1 ]; then
  echo "demo: expected exit status 1 (whm05 is broken on purpose), got $status" >&2
  exit 1
fi

# The generated configuration gets the example policies.
echo "policies: $PWD/examples/policies" >>"$config"
echo
echo "== tokenwarden check --config $config"
"$tokenwarden" check --config "$config"
echo
echo "== tokenwarden scan --config $config   (dry run: nothing is changed)"
scan_status=0
"$tokenwarden" scan --config "$config" || scan_status=$?
echo "(exit status $scan_status: 1 means some hosts were not covered)"
echo
echo "== tokenwarden scan --format json  (the decisions, through jq)"
"$tokenwarden" scan --config "$config" --format json |
  jq -r '.actions[] | "\(.host) \(.user) \(.token): \(.action) [\(.decision)]"' || true

# Enforcement: the configuration says `mode: enforce` and where the audit trail and the grace
# state live; `scan --enforce` then acts.
{
  echo "mode: enforce"
  echo "audit: {path: $work/log/audit.jsonl}"
  echo "state_dir: $work/state"
} >>"$config"
echo
echo "== tokenwarden scan --enforce   (revokes and updates; whm05 stays not covered)"
enforce_status=0
"$tokenwarden" scan --config "$config" --enforce || enforce_status=$?
echo "(exit status $enforce_status: 1 means some hosts were not covered)"
if [ "$enforce_status" -ne 1 ]; then
  echo "demo: expected exit status 1 (whm05 is broken on purpose), got $enforce_status" >&2
  exit 1
fi
echo
echo "== tokenwarden inventory after enforcement"
"$tokenwarden" inventory --config "$config" || true
echo
echo "== tokenwarden audit verify $work/log/audit.jsonl"
"$tokenwarden" audit verify "$work"/log/audit.jsonl*
echo
echo "== tokenwarden audit report   (what was changed, why, under which policy; what was not covered)"
"$tokenwarden" audit report "$work"/log/audit.jsonl*
echo
echo "== the first records of the audit trail (JSON lines, hash-chained: docs/audit.md)"
head -n 2 "$work/log/audit.jsonl"

# The daemon, as systemd runs it, for a few seconds: each host swept every 2 s at its own
# offset, a reload (SIGHUP) half-way, then a clean stop (SIGTERM).
echo "interval: 2s" >>"$config"
echo
echo "== tokenwarden run   (the daemon, 6 s: a sweep of each host every 2 s, SIGHUP, SIGTERM)"
"$tokenwarden" run --config "$config" --log-level info 2>"$work/run.log" &
daemon_pid=$!
sleep 3
kill -HUP "$daemon_pid"
sleep 3
kill -TERM "$daemon_pid"
run_status=0
wait "$daemon_pid" || run_status=$?
cut -c 1-160 "$work/run.log"
echo "(exit status $run_status after SIGTERM)"
if [ "$run_status" -ne 0 ]; then
  echo "demo: tokenwarden run should stop cleanly with status 0, got $run_status" >&2
  exit 1
fi
echo
echo "== tokenwarden audit verify, after the daemon"
"$tokenwarden" audit verify "$work"/log/audit.jsonl*
echo
echo "== tokenwarden test examples/policy-tests"
"$tokenwarden" test examples/policy-tests
echo
echo "demo: done"
