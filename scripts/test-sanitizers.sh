#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each from its own build folder
# (.build-asan, .build-tsan), and fails on any test failure or sanitizer report.
# Usage: scripts/test-sanitizers.sh [address] [thread]   (both by default)
#
# What runs, under both (see the README's Testing section): every test except the engine's compute-bound parity
# and kernel suites, which run numeric loops over buffers the engine owns rather than parsing or concurrency,
# and would take most of CI's budget at sanitizer speed.
set -euo pipefail
cd "$(dirname "$0")/.."

selection=(--skip 'LocalProviderTests\.(ModelParity|PipelineParity|RealShapeParity|SchedulerParity|Ops)Tests')
# A report ends the test process with an error, which fails `swift test`. Leaks are checked too; the few in
# the toolchain and in one test double are suppressed in scripts/sanitizers/, each with its reason.
export LSAN_OPTIONS="suppressions=$PWD/scripts/sanitizers/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export TSAN_OPTIONS="halt_on_error=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
for sanitizer in "${sanitizers[@]}"; do
  case "$sanitizer" in
    address) scratch=.build-asan ;;
    thread) scratch=.build-tsan ;;
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
