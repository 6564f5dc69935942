#!/usr/bin/env bash
# Builds and starts the gateway on its embedded defaults: loopback, ./policies, ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build -c release --product diffusion-gateway
exec .build/release/diffusion-gateway serve "$@"
