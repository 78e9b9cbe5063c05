#!/usr/bin/env bash
# Builds and runs the benchmarks (Release build in build-bench/). Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
cmake -S . -B build-bench "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DTOKENWARDEN_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build-bench -j "$(nproc)" --target inventory_bench policy_bench audit_bench
echo "== $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
build-bench/bench/policy_bench
echo
build-bench/bench/audit_bench
echo
build-bench/bench/inventory_bench
