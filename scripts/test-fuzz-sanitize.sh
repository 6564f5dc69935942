#!/usr/bin/env bash
# CI's reliability step for hostile input: every fuzz target for a bounded time (30 s each with CI=true), then
# the tests under AddressSanitizer and ThreadSanitizer. scripts/test.sh calls it after the ordinary suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/fuzz.sh
./scripts/test-sanitizers.sh
