#!/usr/bin/env bash
# Runs every benchmark (scripts/bench-*.sh) in turn; each prints its own table and says where it belongs in
# BENCHMARKS.md. Pass names to run only some: ./scripts/bench.sh auth ledger
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
if [ $# -gt 0 ]; then
  scripts=()
  for name in "$@"; do scripts+=("scripts/bench-$name.sh"); done
else
  scripts=(scripts/bench-*.sh)
fi
for script in "${scripts[@]}"; do
  if [ ! -x "$script" ]; then
    echo "no benchmark script $script" >&2
    exit 1
  fi
  echo "== $script"
  "$script"
done
