#!/usr/bin/env bash
# Browser tests of the web front (make test-browser): installs Debian's chromium and chromium-driver when missing,
# makes a Python venv with selenium under .build/venv-browser, builds the gateway, starts it with `serve --dev`
# on a free loopback port with a temporary policy (a quota of one image a day, the tiny local test model, and a
# banana provider on a closed port that fails over to it) and database, and runs scripts/browser/test_web_front.py against it. Screenshots go to .build/artifacts/browser/.
# Arguments are test names to run (all by default).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

packages=(chromium chromium-driver)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing missing packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

venv=.build/venv-browser
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r scripts/browser/requirements.txt
fi

# After `swift build --build-tests` (scripts/test.sh) the same command only links what changed; building the product
# alone would recompile every module without testing enabled, and the next test build would again.
if [ -e "$(swift build --show-bin-path)/diffusion-gatewayPackageTests.xctest" ]; then
  swift build --build-tests
else
  swift build --product diffusion-gateway
fi
binary=$(swift build --show-bin-path)/diffusion-gateway

work=$(mktemp -d "${TMPDIR:-/tmp}/webfront-browser.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fixtures="$root/Tests/LocalProviderTests/Fixtures"
mkdir -p "$work/policies" "$work/data"
cat > "$work/policies/policy.yaml" <<EOF
auth:
  issuers:
    - name: dev
      issuers: ["http://127.0.0.1:$port/dev"]
      jwks_url: "http://127.0.0.1:$port/dev/jwks.json"
      client_ids: [diffusion-gateway-dev]
admins:
  emails: [ops@example.com]
network:
  trusted_proxies: [127.0.0.1]
  embed_origins: [https://pages.example.com]
providers:
  - name: down
    kind: banana
    endpoint: http://127.0.0.1:1
    price_per_second_usd: 0.0002
    start_deadline_seconds: 5
    total_deadline_seconds: 10
    api_key_env: BROWSER_TEST_BANANA_KEY
  - name: local
    kind: local
    price_per_second_usd: 0.0002
    start_deadline_seconds: 120
    total_deadline_seconds: 300
    options:
      model: $fixtures/pipeline/narrow
      tokenizer: $fixtures/bpe_simple_vocab_16e6.txt.gz
tiers:
  - name: free
    description: one small image a day
    providers: [local]
    limits: {images_per_day: 1, concurrent_jobs: 1, max_steps: 8, max_width: 64, max_height: 64}
  - name: patient
    description: long jobs, for the cancel test
    providers: [local]
    limits: {images_per_day: 1, concurrent_jobs: 1, max_steps: 150, max_width: 64, max_height: 64}
  - name: failover
    description: a provider that is down first, for the failover test
    providers: [down, local]
    limits: {images_per_day: 1, concurrent_jobs: 1, max_steps: 8, max_width: 64, max_height: 64}
users:
  - email: bob@example.com
    tier: patient
  - email: erin@example.com
    tier: failover
  - default: true
    tier: free
EOF

BROWSER_TEST_BANANA_KEY=unused "$binary" serve --dev --host 127.0.0.1 --port "$port" --policies "$work/policies" --data "$work/data" \
  > "$work/gateway.log" 2>&1 &
server_pid=$!
healthy() {
  "$venv/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "http://127.0.0.1:$port/healthz" 2>/dev/null
}
for attempt in $(seq 1 150); do
  if healthy; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null || [ "$attempt" -eq 150 ]; then
    cat "$work/gateway.log"
    echo "the gateway did not start" >&2
    exit 1
  fi
  sleep 0.2
done

artifacts=.build/artifacts/browser
rm -rf "$artifacts"
status=0
"$venv/bin/python" scripts/browser/test_web_front.py --base "http://127.0.0.1:$port" --artifacts "$artifacts" \
  --cancel-steps 150 "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- gateway log (last 60 lines)"
  tail -n 60 "$work/gateway.log"
fi
exit "$status"
