#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (with AddressSanitizer) and runs each for a bounded time.
# Usage: scripts/fuzz.sh [seconds per target] [target ...]
#   seconds defaults to 30 when CI=true, else 60; targets default to all of them.
# Fails when any target finds a crash, a leak, an out-of-memory or a timeout; the input that caused it is kept
# under .build-fuzz/artifacts/<name>/ and its path printed. Inputs found along the way are kept in
# .build-fuzz/corpus/<name>/ (the committed seeds in Fuzz/corpus/<name>/ are only read).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${CI:-}" = true ]; then default_seconds=30; else default_seconds=60; fi
seconds=${1:-$default_seconds}
shift || true
all_targets=(token policy requests safetensors banana-reply)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# token -> FuzzToken, banana-reply -> FuzzBananaReply
executable() {
  local name=$1 result=Fuzz part
  IFS=- read -ra parts <<<"$name"
  for part in "${parts[@]}"; do result+="${part^}"; done
  echo "$result"
}

scratch=.build-fuzz
# No target needs the PostgreSQL store, whose TLS stack is a third of the build (see Package.swift).
export GATEWAY_WITHOUT_POSTGRES=1
# SwiftPM points an executable's `main` at its own entry point (main.swift calls libFuzzer's driver); with gold
# that link fails, so Fuzz/toolset.json selects lld, and --gc-sections drops libFuzzer's unused `main`.
swift build --package-path Fuzz --scratch-path "$scratch" --toolset Fuzz/toolset.json \
  -Xswiftc -sanitize=fuzzer,address -Xlinker --gc-sections
# On a crash, Swift's own backtracer would wait on the dying process; libFuzzer and ASan report it instead.
export SWIFT_BACKTRACE=enable=no
bin=$(swift build --package-path Fuzz --scratch-path "$scratch" --toolset Fuzz/toolset.json --show-bin-path)

failed=()
for name in "${targets[@]}"; do
  work="$scratch/corpus/$name"
  artifacts="$scratch/artifacts/$name/"
  log="$scratch/logs/$name.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
    -artifact_prefix="$artifacts")
  [ -f "Fuzz/dictionaries/$name.dict" ] && flags+=(-dict="Fuzz/dictionaries/$name.dict")
  echo "fuzz: $name for ${seconds}s"
  # The committed seeds come second, so inputs libFuzzer adds go to the scratch corpus.
  if timeout $((seconds + 120)) "$bin/$(executable "$name")" "${flags[@]}" "$work" "Fuzz/corpus/$name" \
    </dev/null >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^#[0-9]+ +DONE' "$log" | tail -2 | sed "s/^/fuzz: $name: /"
  else
    echo "fuzz: $name FAILED; the last lines of $log:"
    tail -40 "$log"
    ls "$artifacts" | sed "s|^|fuzz: $name: input kept in $artifacts|"
    failed+=("$name")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in: ${failed[*]}"
  exit 1
fi
echo "fuzz: no crash in ${targets[*]}"
