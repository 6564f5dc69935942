#!/usr/bin/env bash
# RS256 ID token verification: AuthKit (release build) against PyJWT + cryptography on the same tokens.
# Usage: scripts/bench-auth.sh [token-count] [seconds-per-measurement]
set -euo pipefail
cd "$(dirname "$0")/.."
TOKENS="${1:-2000}"
SECONDS_EACH="${2:-3}"
FOLDER="$(mktemp -d "${TMPDIR:-/tmp}/auth-bench.XXXXXX")"
trap 'rm -rf "$FOLDER"' EXIT

swift build -c release --product AuthBenchmarks >&2
SWIFT_JSON="$(.build/release/AuthBenchmarks "$FOLDER" "$TOKENS" "$SECONDS_EACH")"
PY_JSON="$(python3 bench/pyjwt_bench.py "$FOLDER" "$SECONDS_EACH")"

SWIFT_JSON="$SWIFT_JSON" PY_JSON="$PY_JSON" python3 - <<'PY'
import json, os, platform
s = json.loads(os.environ["SWIFT_JSON"])
p = json.loads(os.environ["PY_JSON"])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"CPU: {cpu}; tokens: {s['tokens']}; PyJWT {p['pyjwt_version']}, cryptography {p['cryptography_version']}, Python {p['python']}")
print(f"load average (1 min) after the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall-clock rates suffer on a busy machine; CPU-time rates count only each process's own work)")
print("| measurement | AuthKit | PyJWT | ratio |")
print("| --- | ---: | ---: | ---: |")
print(f"| cold verify, per wall-clock second | {s['cold_per_second']:,.0f} | {p['per_second']:,.0f} | {s['cold_per_second'] / p['per_second']:.2f}x |")
print(f"| cold verify, per CPU second | {s['cold_per_cpu_second']:,.0f} | {p['per_cpu_second']:,.0f} | {s['cold_per_cpu_second'] / p['per_cpu_second']:.2f}x |")
print(f"| cold verify, CPU us per verify | {1e6 / s['cold_per_cpu_second']:.1f} | {1e6 / p['per_cpu_second']:.1f} | |")
print(f"| cached verify, ns per verify (wall / CPU) | {s['cached_ns_per_verify']:,.0f} / {s['cached_cpu_ns_per_verify']:,.0f} | - | |")
print(f"| raw RSA-2048 PKCS#1 v1.5 verify, per CPU second | {s['raw_rsa_verify_per_cpu_second']:,.0f} | - | |")
PY
