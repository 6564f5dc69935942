#!/usr/bin/env bash
# Gateway overhead: wrk at 64 connections on loopback against the Swift gateway (release build, real middleware
# chain, SQLite ledger and jobs, an instant in-process provider) and against bench/fastapi_gateway.py (FastAPI +
# google-auth + SQLite doing the same work), for GET /v1/me and a full synchronous generation round trip
# (POST /v1/images/generations); then, for /v1/me, the same gateway on Swift's cooperative pool and a bare
# Hummingbird route (the framework's floor on this machine). Installs wrk and the Python packages for itself
# (bench-only, not install-deps).
# Environment: DURATION (default 15s), CONNECTIONS (64), THREADS (2), WORKERS (uvicorn workers, 2).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo

./scripts/install-deps.sh
if ! command -v wrk >/dev/null; then
  $SUDO apt-get install -y -q wrk
fi
VENV=.build/bench-venv
if [ ! -x "$VENV/bin/uvicorn" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q fastapi uvicorn google-auth cryptography
fi
swift build -c release --product GatewayBenchmarks

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 600); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server at $1 did not come up" >&2
  exit 1
}

run_wrk() { # name url body
  local line
  line=$(BODY="$3" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/wrk-bearer.lua "$2" | grep '^RESULT')
  echo "$1 ${line#RESULT }"
}

BODY='{"prompt": "a lighthouse at dusk", "n": 1, "size": "64x64", "steps": 4, "response_format": "b64_json"}'

mkdir -p "$WORK/policies"
cat > "$WORK/policies/bench.yaml" <<'YAML'
providers:
  - {name: instant, kind: local, price_per_second_usd: 0.001, total_deadline_seconds: 120}
tiers:
  # The windows the baseline's /v1/me reports, set high enough never to refuse the benchmark.
  - {name: bench, providers: [instant], limits: {images_per_day: 100000000, images_per_month: 1000000000}}
users:
  - {default: true, tier: bench}
YAML
.build/release/GatewayBenchmarks 18181 "$WORK/policies" "$WORK/swift-data" "$WORK/swift-token" \
  >"$WORK/swift.log" 2>&1 &
PIDS+=($!)
wait_for http://127.0.0.1:18181/healthz
export TOKEN
TOKEN=$(cat "$WORK/swift-token")
run_wrk "swift /v1/me" http://127.0.0.1:18181/v1/me ""
run_wrk "swift /v1/images/generations" http://127.0.0.1:18181/v1/images/generations "$BODY"
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true

# The same gateway on Swift's cooperative pool instead of NIO's event loops (what serve did before).
GATEWAY_BENCH_EXECUTOR=pool .build/release/GatewayBenchmarks 18183 "$WORK/policies" "$WORK/pool-data" \
  "$WORK/pool-token" >"$WORK/pool.log" 2>&1 &
PIDS+=($!)
wait_for http://127.0.0.1:18183/healthz
TOKEN=$(cat "$WORK/pool-token")
run_wrk "swift-pool /v1/me" http://127.0.0.1:18183/v1/me ""
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

# The floor: bare Hummingbird, one route answering a fixed body of the same size, no middleware.
.build/release/GatewayBenchmarks floor 18180 >"$WORK/floor.log" 2>&1 &
PIDS+=($!)
wait_for http://127.0.0.1:18180/v1/me
run_wrk "floor /v1/me" http://127.0.0.1:18180/v1/me ""
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

(cd bench && GATEWAY_DB="$WORK/fastapi.sqlite" GATEWAY_TOKEN_FILE="$WORK/fastapi-token" \
  GATEWAY_KEY_FILE="$WORK/fastapi-key.pem" exec "../$VENV/bin/uvicorn" fastapi_gateway:app --host 127.0.0.1 \
  --port 18182 --workers "$WORKERS" --log-level warning --no-access-log >"$WORK/fastapi.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 600); do [ -s "$WORK/fastapi-token" ] && break; sleep 0.1; done
TOKEN=$(cat "$WORK/fastapi-token")
wait_for http://127.0.0.1:18182/docs
run_wrk "fastapi /v1/me" http://127.0.0.1:18182/v1/me ""
run_wrk "fastapi /v1/images/generations" http://127.0.0.1:18182/v1/images/generations "$BODY"
