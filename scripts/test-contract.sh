#!/usr/bin/env bash
# Contract test: schemathesis (PyPI, in .build/venv-contract) generates requests from docs/openapi.yaml and sends
# them to a live gateway (`diffusion-gateway serve --dev` on a free loopback port, a temp database and policy, and
# as its fast provider the real banana adapter in front of scripts/contract/backend.py, which answers at once),
# once with a dev token and once with none. Every answer must be documented and match its schema, and none may be
# a 5xx. The number of generated cases per operation is bounded (CONTRACT_EXAMPLES, default 25) so the step fits
# its CI budget of 5 minutes. Expects a built gateway (scripts/test.sh builds first); builds it when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES=${CONTRACT_EXAMPLES:-25}
VENV=.build/venv-contract
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis>=4.0,<5"
fi
BIN=$(swift build --show-bin-path)
[ -x "$BIN/diffusion-gateway" ] || swift build --product diffusion-gateway

WORK=$(mktemp -d)
GATEWAY=""
BACKEND=""
cleanup() {
  [ -n "$GATEWAY" ] && kill "$GATEWAY" 2>/dev/null || true
  [ -n "$BACKEND" ] && kill "$BACKEND" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 scripts/contract/backend.py >"$WORK/backend-port" &
BACKEND=$!
for _ in $(seq 1 100); do
  [ -s "$WORK/backend-port" ] && break
  sleep 0.1
done
mkdir -p "$WORK/policies"
cat >"$WORK/policies/contract.yaml" <<YAML
providers:
  - name: fast
    kind: banana
    endpoint: "http://127.0.0.1:$(cat "$WORK/backend-port")"
    price_per_second_usd: 0.001
    api_key_env: CONTRACT_BACKEND_KEY
    options: {style: v4}
admins:
  emails: [contract-admin@example.com]
tiers:
  - name: free
    providers: [fast]
    limits: {images_per_day: 100000, max_width: 512, max_height: 512, max_steps: 50}
users:
  - {default: true, tier: free}
YAML
CONTRACT_BACKEND_KEY=contract \
"$BIN/diffusion-gateway" serve --dev --port "$PORT" --policies "$WORK/policies" --data "$WORK/data" \
  >"$WORK/gateway.log" 2>&1 &
GATEWAY=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do
  curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "$BASE/healthz" >/dev/null || { echo "the gateway did not come up" >&2; cat "$WORK/gateway.log" >&2; exit 1; }
TOKEN=$(curl -sf "$BASE/dev/login?format=json&email=contract-admin@example.com" |
  sed -n 's/.*"id_token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "could not mint a dev token" >&2; exit 1; }

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
run() { # label, extra arguments
  local label=$1
  shift
  echo "== schemathesis: $label"
  "$VENV/bin/schemathesis" run docs/openapi.yaml --url "$BASE" --checks "$CHECKS" --max-examples "$EXAMPLES" \
    --seed 12 --workers 1 --request-timeout 30 --phases examples,coverage,fuzzing --no-shrink \
    --suppress-health-check all --warnings off "$@"
}
status=0
run "with a dev token" -H "Authorization: Bearer $TOKEN" || status=1
run "without a token" || status=1
if [ "$status" -ne 0 ]; then
  echo "gateway log (last 40 lines):" >&2
  tail -n 40 "$WORK/gateway.log" >&2
fi
exit "$status"
