#!/usr/bin/env bash
# Checks the files in systemd/ with the tools that will read them (tests/systemd/CMakeLists.txt).
#
#   check_unit.sh security SOURCE_DIR MAX_EXPOSURE
#       `systemd-analyze security --offline=true` rates the unit as shipped; fails when the
#       overall exposure is above MAX_EXPOSURE (e.g. 1.5) or a setting is not understood.
#   check_unit.sh verify SOURCE_DIR BINARY
#       `systemd-analyze verify --recursive-errors=yes` passes with nothing on stderr. verify
#       insists that ExecStart='s binary exists, and /usr/bin/tokenwarden is not installed on a
#       build machine (a test must not install it there), while `--root=` would also move
#       /bin/kill and every target the unit orders against into the empty root. So the unit is
#       verified as a copy in which only the path /usr/bin/tokenwarden is replaced by BINARY,
#       the binary just built; every other line is the shipped one.
#   check_unit.sh companions SOURCE_DIR
#       sysusers.d and tmpfiles.d are applied to an empty root (systemd 252 has no
#       `systemd-tmpfiles --dry-run`); the logrotate snippet is parsed by `logrotate -d` when
#       logrotate is installed.
#   check_unit.sh example-config SOURCE_DIR BINARY
#       `tokenwarden check` accepts the example configuration (systemd/tokenwarden.yaml) with
#       the baseline policy, given dummy credentials through $CREDENTIALS_DIRECTORY as
#       systemd's LoadCredential= would.
set -euo pipefail

mode=${1:?mode}
source_dir=${2:?source dir}
unit="$source_dir/systemd/tokenwarden.service"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

need() {
  command -v "$1" >/dev/null || fail "$1 is not installed (scripts/setup.sh installs it)"
}

case "$mode" in
  security)
    max=${3:?max exposure}
    need systemd-analyze
    # Run from an empty directory: --offline reads the unit file given, nothing else.
    (cd "$scratch" && systemd-analyze security --offline=true "$unit") >"$scratch/out" 2>"$scratch/err" ||
      true
    cat "$scratch/out"
    if [ -s "$scratch/err" ]; then
      cat "$scratch/err" >&2
      fail "systemd-analyze security printed warnings (unknown or misspelt settings?)"
    fi
    exposure=$(sed -n 's/.*Overall exposure level for tokenwarden.service: \([0-9.]*\).*/\1/p' \
      "$scratch/out")
    [ -n "$exposure" ] || fail "no overall exposure level in systemd-analyze's output"
    if awk -v e="$exposure" -v m="$max" 'BEGIN { exit !(e > m) }'; then
      fail "overall exposure $exposure is above $max"
    fi
    echo "PASS: overall exposure $exposure <= $max"
    ;;

  verify)
    binary=${3:?binary}
    need systemd-analyze
    [ -x "$binary" ] || fail "$binary is not built (ninja tokenwarden)"
    mkdir "$scratch/unit"
    sed "s#/usr/bin/tokenwarden#$binary#g" "$unit" >"$scratch/unit/tokenwarden.service"
    grep -q "^ExecStart=$binary run " "$scratch/unit/tokenwarden.service" ||
      fail "ExecStart= does not run /usr/bin/tokenwarden run"
    status=0
    (cd "$scratch" && systemd-analyze verify --recursive-errors=yes \
      "$scratch/unit/tokenwarden.service") >"$scratch/out" 2>"$scratch/err" || status=$?
    cat "$scratch/out" "$scratch/err"
    [ "$status" -eq 0 ] || fail "systemd-analyze verify exited $status"
    [ ! -s "$scratch/err" ] || fail "systemd-analyze verify printed warnings"
    echo "PASS: systemd-analyze verify --recursive-errors=yes: no warnings"
    ;;

  companions)
    need systemd-sysusers
    need systemd-tmpfiles
    root="$scratch/root"
    mkdir -p "$root/etc"
    systemd-sysusers --root="$root" "$source_dir/systemd/sysusers.d/tokenwarden.conf" \
      >"$scratch/out" 2>&1 || { cat "$scratch/out"; fail "systemd-sysusers refused the file"; }
    cat "$scratch/out"
    grep -q '^tokenwarden:x:[0-9]*:[0-9]*:.*:/var/lib/tokenwarden:' "$root/etc/passwd" ||
      fail "systemd-sysusers did not create the tokenwarden user"
    grep -q '^tokenwarden:x:' "$root/etc/group" || fail "no tokenwarden group"
    if grep -q 'Failed\|Ignoring\|[Ii]nvalid' "$scratch/out"; then
      fail "systemd-sysusers complained"
    fi
    systemd-tmpfiles --root="$root" --create "$source_dir/systemd/tmpfiles.d/tokenwarden.conf" \
      >"$scratch/out" 2>&1 || { cat "$scratch/out"; fail "systemd-tmpfiles refused the file"; }
    [ ! -s "$scratch/out" ] || { cat "$scratch/out"; fail "systemd-tmpfiles complained"; }
    [ "$(stat -c %a "$root/etc/tokenwarden/credentials")" = 700 ] ||
      fail "/etc/tokenwarden/credentials is not 0700"
    [ -d "$root/etc/tokenwarden/policies.d" ] || fail "no /etc/tokenwarden/policies.d"
    echo "PASS: sysusers.d and tmpfiles.d"
    if command -v logrotate >/dev/null; then
      logrotate -d -s "$scratch/logrotate.state" "$source_dir/systemd/logrotate/tokenwarden" \
        >"$scratch/out" 2>&1 || { cat "$scratch/out"; fail "logrotate refused the snippet"; }
      if grep -qi 'error' "$scratch/out"; then
        cat "$scratch/out"
        fail "logrotate reported an error"
      fi
      grep -q 'rotating pattern: /var/log/tokenwarden/audit.jsonl' "$scratch/out" ||
        fail "logrotate does not rotate /var/log/tokenwarden/audit.jsonl"
      echo "PASS: logrotate -d"
    else
      echo "logrotate is not installed: its snippet was not parsed"
    fi
    ;;

  example-config)
    binary=${3:?binary}
    credentials="$scratch/credentials"
    mkdir -m 700 "$credentials"
    # Every credential the example names, as LoadCredential= would provide it.
    names=$(sed -n 's/.*credential: \([A-Za-z0-9._-]*\).*/\1/p' \
      "$source_dir/systemd/tokenwarden.yaml" | grep -v '^$' | sort -u)
    [ -n "$names" ] || fail "the example configuration names no credential"
    for name in $names; do
      (umask 077 && printf 'EXAMPLECREDENTIAL000000000000000\n' >"$credentials/$name")
    done
    mkdir "$scratch/policies.d"
    cp "$source_dir/examples/policies/10-baseline.yaml" "$scratch/policies.d/"
    status=0
    CREDENTIALS_DIRECTORY="$credentials" "$binary" check \
      --config "$source_dir/systemd/tokenwarden.yaml" --policies "$scratch/policies.d" || status=$?
    [ "$status" -eq 0 ] || fail "tokenwarden check exited $status on the example configuration"
    echo "PASS: tokenwarden check accepts systemd/tokenwarden.yaml"
    ;;

  *)
    fail "unknown mode '$mode'"
    ;;
esac
