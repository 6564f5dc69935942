#!/usr/bin/env bash
# Adapter and router overhead against a self-hosted worker on loopback (release build). Prints Markdown
# tables for BENCHMARKS.md's "Providers" section. BENCH_ITERATIONS sets the sample count (default 2000).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product ProviderBenchmarks
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u +%Y-%m-%d)"
.build/release/ProviderBenchmarks
