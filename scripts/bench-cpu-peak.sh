#!/usr/bin/env bash
# The CPU's arithmetic peak, the ceiling for the local engine's figures in BENCHMARKS.md: builds
# bench/cpu_peak.c with the Swift toolchain's clang and runs one copy per core at once, so the sum is what all
# cores reach together (turbo clocks drop when every core is busy).
# Usage: ./scripts/bench-cpu-peak.sh   (or make bench-cpu-peak)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build
clang -O2 bench/cpu_peak.c -o .build/cpu-peak
cores=$(nproc)
outputs=()
for core in $(seq 1 "$cores"); do
  outputs+=("$(mktemp)")
  .build/cpu-peak >"${outputs[-1]}" &
done
wait
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $cores cores, one copy of bench/cpu_peak.c on each"
for kind in "float32 FMA" "bfloat16 dot"; do
  cat "${outputs[@]}" | awk -F'\t' -v kind="$kind" '
    $1 == kind && $2 ~ /GFLOP/ { sum += $2; n++; rates = rates sprintf("%s%.1f", n > 1 ? ", " : "", $2) }
    $1 == kind && $2 !~ /GFLOP/ { print kind ": " $2; exit }
    END { if (n) printf "%s: %.1f GFLOP/s on all cores (per core: %s)\n", kind, sum, rates }'
done
rm -f "${outputs[@]}"
