#!/usr/bin/env bash
# Installs, from Debian 12's packages, exactly what tokenwarden needs to build, test and run its
# demo and that is not installed yet. Idempotent: a second run installs nothing. Works on a
# minimal Debian 12 root (debootstrap --variant=minbase); needs root or sudo.
set -euo pipefail

packages=(
  # toolchain
  g++ make cmake ninja-build pkg-config ca-certificates
  # libraries
  libboost1.81-dev libboost-json1.81-dev libcurl4-openssl-dev libyaml-cpp-dev libspdlog-dev
  libsystemd-dev libssl-dev libgtest-dev libgmock-dev
  # tools the demo and the tests use
  openssl jq
  # the systemd unit's and the Debian package's tests (tests/systemd): systemd-analyze,
  # systemd-sysusers, systemd-tmpfiles; cpack -G DEB's dpkg-shlibdeps and file; logrotate -d
  systemd dpkg-dev file logrotate
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
