#!/usr/bin/env bash
# Runs the whole test suite: installs missing system packages, builds, and runs every test target.
# Arguments go to `swift test` (e.g. --filter AuthKitTests) and then select what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
if [ $# -gt 0 ]; then
  swift test --skip-build "$@"
  exit
fi
# The engine's tests are compute-bound and occupy every core; they run on their own first, so the
# gateway's timing-sensitive tests (watchers, deadlines, long polls) are not starved of threads.
swift test --skip-build --filter LocalProviderTests
swift test --skip-build --skip LocalProviderTests
./scripts/test-browser.sh
./scripts/test-contract.sh
./scripts/test-postgres.sh
./scripts/test-fuzz-sanitize.sh
