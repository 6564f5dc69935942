#!/usr/bin/env bash
# Runs the whole test suite: installs missing system packages, builds, and runs every test target.
# Arguments go to `swift test` (e.g. --filter AuthKitTests) and then select what runs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Runs one step and says how long it took, so a slow CI run shows where its time went.
step() {
  local start=$SECONDS
  "$@"
  echo "test.sh: '$*' took $((SECONDS - start)) s (total $SECONDS s)"
}

step ./scripts/install-deps.sh
step swift build --build-tests
if [ $# -gt 0 ]; then
  swift test --skip-build "$@"
  exit
fi
# The engine's tests are compute-bound and occupy every core; they run on their own first, so the
# gateway's timing-sensitive tests (watchers, deadlines, long polls) are not starved of threads.
step swift test --skip-build --filter LocalProviderTests
step swift test --skip-build --skip LocalProviderTests
step ./scripts/test-browser.sh
step ./scripts/test-contract.sh
step ./scripts/test-postgres.sh
step ./scripts/fuzz.sh
step ./scripts/test-sanitizers.sh
