#!/usr/bin/env bash
# Builds the Debian package from an existing build directory and checks what it holds
# (tests/systemd/CMakeLists.txt, test package_contents).
#
#   check_package.sh BUILD_DIR
#
# cpack only re-runs the install rules into its own staging directory (a scratch directory,
# so the build tree's _CPack_Packages is not touched); the binary must already be built.
set -euo pipefail

build_dir=${1:?build dir}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup.sh installs it)"
done
[ -x "$build_dir/daemon/tokenwarden" ] || fail "$build_dir/daemon/tokenwarden is not built"

if ! cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$scratch" >"$scratch/cpack.log" 2>&1
then
  cat "$scratch/cpack.log"
  fail "cpack -G DEB failed"
fi
deb=$(find "$scratch" -maxdepth 1 -name 'tokenwarden_*.deb' | head -n 1)
[ -n "$deb" ] || { cat "$scratch/cpack.log"; fail "cpack made no tokenwarden_*.deb"; }
echo "package: $(basename "$deb")"

dpkg-deb -c "$deb" >"$scratch/contents"
# The paths alone, without the leading "." (lines end with "./usr/bin/tokenwarden" and such).
awk '{ print $6 }' "$scratch/contents" | sed 's#^\./#/#' >"$scratch/paths"

missing=0
expect() {
  local path=$1 mode=${2:-}
  local line
  line=$(awk -v p=".$path" '$6 == p' "$scratch/contents")
  if [ -z "$line" ]; then
    echo "missing: $path" >&2
    missing=1
  elif [ -n "$mode" ] && [ "${line%% *}" != "$mode" ]; then
    echo "wrong mode: $path is ${line%% *}, expected $mode" >&2
    missing=1
  fi
}
expect /usr/bin/tokenwarden -rwxr-xr-x
expect /usr/lib/systemd/system/tokenwarden.service -rw-r--r--
expect /usr/lib/sysusers.d/tokenwarden.conf -rw-r--r--
expect /usr/lib/tmpfiles.d/tokenwarden.conf -rw-r--r--
expect /etc/logrotate.d/tokenwarden -rw-r--r--
expect /etc/tokenwarden/tokenwarden.yaml -rw-r--r--
expect /etc/tokenwarden/policies.d/10-baseline.yaml -rw-r--r--
expect /usr/share/doc/tokenwarden/README.md
expect /usr/share/doc/tokenwarden/configuration.md
expect /usr/share/doc/tokenwarden/systemd.md
expect /usr/share/doc/tokenwarden/examples/tokenwarden.yaml
for policy in "$(dirname "$0")"/../../examples/policies/*.yaml; do
  expect "/usr/share/doc/tokenwarden/examples/policies/$(basename "$policy")"
done
# Nothing of the build machine or the tests: no mock fleet, no test binaries, no build paths.
allowed='^/$|^/(usr|usr/bin|usr/lib|usr/lib/systemd|usr/lib/systemd/system|usr/lib/sysusers\.d'
allowed+='|usr/lib/tmpfiles\.d|usr/share|usr/share/doc|etc|etc/logrotate\.d)/$'
allowed+='|^/usr/bin/tokenwarden$|^/usr/lib/systemd/system/tokenwarden\.service$'
allowed+='|^/usr/lib/(sysusers|tmpfiles)\.d/tokenwarden\.conf$|^/etc/logrotate\.d/tokenwarden$'
allowed+='|^/etc/tokenwarden/|^/usr/share/doc/tokenwarden/'
if grep -Ev "$allowed" \
  "$scratch/paths" >"$scratch/unexpected"; then
  echo "unexpected files:" >&2
  cat "$scratch/unexpected" >&2
  missing=1
fi
# Each file is the one from the source tree (two files of one name must not overwrite each other).
same_size() {
  local path=$1 source=$2 size
  size=$(awk -v p=".$path" '$6 == p { print $3 }' "$scratch/contents")
  if [ "$size" != "$(stat -c %s "$source")" ]; then
    echo "$path is not $source (size $size)" >&2
    missing=1
  fi
}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
same_size /usr/share/doc/tokenwarden/README.md "$source_dir/README.md"
same_size /usr/share/doc/tokenwarden/systemd.md "$source_dir/systemd/README.md"
same_size /usr/lib/systemd/system/tokenwarden.service "$source_dir/systemd/tokenwarden.service"
same_size /etc/tokenwarden/tokenwarden.yaml "$source_dir/systemd/tokenwarden.yaml"
[ "$missing" -eq 0 ] || { cat "$scratch/contents"; fail "the package does not hold what it should"; }

dpkg-deb -I "$deb" >"$scratch/info"
cat "$scratch/info"
dpkg-deb -e "$deb" "$scratch/control"
for conffile in /etc/tokenwarden/tokenwarden.yaml /etc/tokenwarden/policies.d/10-baseline.yaml \
  /etc/logrotate.d/tokenwarden; do
  grep -qx "$conffile" "$scratch/control/conffiles" || fail "$conffile is not a conffile"
done
for script in postinst prerm postrm; do
  [ -x "$scratch/control/$script" ] || fail "no executable $script in the package"
  sh -n "$scratch/control/$script" || fail "$script is not valid sh"
done
grep -q '^ Package: tokenwarden$' "$scratch/info" || fail "the package is not named tokenwarden"
depends=$(sed -n 's/^ Depends: //p' "$scratch/info")
for library in libcurl4 libyaml-cpp0.7 libssl3 libboost-json1.81.0 systemd; do
  case ", $depends," in
    *", $library"[\ ,]*) ;;
    *) fail "Depends: lacks $library ($depends)" ;;
  esac
done
echo "PASS: $(wc -l <"$scratch/paths") entries, conffiles and maintainer scripts present"
