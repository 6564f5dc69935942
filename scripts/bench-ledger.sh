#!/usr/bin/env bash
# Measures the quota ledger's reserve+settle pairs per second (release build, file database in WAL mode), with
# synchronous=NORMAL (the default) and FULL, sequential and with 16 concurrent callers.
# Usage: scripts/bench-ledger.sh [--pairs N] [--repeat N] [--synchronous normal|full|both]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build -c release --product ledger-benchmarks
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores visible)"
echo "sqlite: $(pkg-config --modversion sqlite3)"
exec .build/release/ledger-benchmarks "$@"
