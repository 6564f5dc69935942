#!/usr/bin/env bash
# The shared-database scale-out test: three `diffusion-gateway serve` processes on one PostgreSQL server that the
# test starts itself (Debian's postgresql package, a temporary data folder on 127.0.0.1, run as the `postgres`
# user when this runs as root). The PostgreSQL conformance suites run with the other tests in scripts/test.sh.
# Expects the package built with its tests (scripts/test.sh does that first).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
GATEWAY_SCALE_OUT_TESTS=1 swift test --skip-build --filter StoreTests.ScaleOutTests
