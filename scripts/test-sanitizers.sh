#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each from its own build folder
# (.build-asan, .build-tsan), and fails on any test failure or sanitizer report.
# Usage: scripts/test-sanitizers.sh [address] [thread]   (both by default)
#
# What runs (see the README's Testing section):
# - address: every test except the engine's compute-bound parity and kernel suites, which exercise numeric
#   loops over arrays the engine owns rather than parsing or concurrency, and would take most of the CI budget
#   at ASan speed;
# - thread: the concurrency-heavy tests: the HTTP client, the key-set and token caches, the ledger, job flow,
#   failover, policy reload, lifecycle, and the provider router and adapters.
set -euo pipefail
cd "$(dirname "$0")/.."

address_skip=(--skip 'LocalProviderTests\.(ModelParity|PipelineParity|RealShapeParity|SchedulerParity|Ops)Tests')
thread_filter=(
  --filter 'HTTPClientTests\.'
  --filter 'AuthKitTests\.(KeySetCache|VerifiedTokenCache)Tests'
  --filter 'GatewayTests\.(Ledger[A-Za-z]*|GenerationFlow|Failover|ProviderBudget|RemoteProviderFailover|PolicyReload|PolicySignalReload|Lifecycle|GatewayWorker|Admin)Tests'
  --filter 'ProvidersTests\.(ProviderRouter|ProviderRouterAdmission|BananaProvider|RunPodProvider|ReplicateProvider|Worker)Tests'
)
# A report ends the test process with an error, which fails `swift test`. Leaks are checked too; the few in
# the toolchain and in one test double are suppressed in scripts/sanitizers/, each with its reason.
export LSAN_OPTIONS="suppressions=$PWD/scripts/sanitizers/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export TSAN_OPTIONS="halt_on_error=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
for sanitizer in "${sanitizers[@]}"; do
  case "$sanitizer" in
    address) scratch=.build-asan selection=("${address_skip[@]}") ;;
    thread) scratch=.build-tsan selection=("${thread_filter[@]}") ;;
    *) echo "unknown sanitizer: $sanitizer (address or thread)" >&2; exit 2 ;;
  esac
  echo "sanitizers: building the tests with --sanitize=$sanitizer in $scratch"
  start=$SECONDS
  swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
  echo "sanitizers: $sanitizer build took $((SECONDS - start)) s"
  start=$SECONDS
  swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "${selection[@]}"
  echo "sanitizers: $sanitizer tests took $((SECONDS - start)) s"
done
