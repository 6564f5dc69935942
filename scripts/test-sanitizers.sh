#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each from its own build folder
# (.build-asan, .build-tsan), and fails on any test failure or sanitizer report.
# Usage: scripts/test-sanitizers.sh [address] [thread]   (both by default)
#
# What runs (see the README's Testing section): under AddressSanitizer the whole suite, the engine's
# compute-bound tests first and on their own as in scripts/test.sh; under ThreadSanitizer every test except the
# engine's compute-bound parity and kernel suites, to stay inside CI's budget. Both builds leave PostgreSQL out
# (GATEWAY_WITHOUT_POSTGRES, see Package.swift): its TLS stack is a third of a build, so StoreTests (the
# PostgreSQL store's own suite) run only in the ordinary suite and scripts/test-postgres.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export GATEWAY_WITHOUT_POSTGRES=1

compute_bound='LocalProviderTests\.(ModelParity|PipelineParity|RealShapeParity|SchedulerParity|Ops)Tests'
# A report ends the test process with an error, which fails `swift test`. Leaks are checked too; the few in
# the toolchain and in one test double are suppressed in scripts/sanitizers/, each with its reason.
export LSAN_OPTIONS="suppressions=$PWD/scripts/sanitizers/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export TSAN_OPTIONS="halt_on_error=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
for sanitizer in "${sanitizers[@]}"; do
  case "$sanitizer" in
    address) scratch=.build-asan runs=("--filter LocalProviderTests" "--skip LocalProviderTests") ;;
    thread) scratch=.build-tsan runs=("--skip $compute_bound") ;;
    *) echo "unknown sanitizer: $sanitizer (address or thread)" >&2; exit 2 ;;
  esac
  echo "sanitizers: building the tests with --sanitize=$sanitizer in $scratch"
  start=$SECONDS
  swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
  echo "sanitizers: $sanitizer build took $((SECONDS - start)) s"
  start=$SECONDS
  for run in "${runs[@]}"; do
    read -r option pattern <<<"$run"
    swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "$option" "$pattern"
  done
  echo "sanitizers: $sanitizer tests took $((SECONDS - start)) s"
done
