#!/usr/bin/env bash
# Builds and starts the gateway with dev sign-in on its embedded defaults: 127.0.0.1:8080, ./policies, ./data.
# Extra arguments go to `diffusion-gateway serve` (e.g. --port 9000); dev sign-in stays on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build -c release --product diffusion-gateway
exec .build/release/diffusion-gateway serve --dev "$@"
