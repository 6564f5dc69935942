#!/usr/bin/env bash
# Policy reload and resolution benchmark (release build): 10,000 user rules by default.
# Usage: scripts/bench-policy.sh [RULE_COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product PolicyBenchmarks
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores)"
.build/release/PolicyBenchmarks "${1:-10000}"
