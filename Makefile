# Conveniences over the scripts the README names; the scripts work without make too.
.PHONY: run test build bench test-browser load fuzz test-sanitizers bench-engine bench-engine-kernels bench-cpu-peak

run:
	./scripts/run.sh

test:
	./scripts/test.sh

build:
	./scripts/install-deps.sh
	swift build


bench:
	./scripts/bench.sh

# The web front in headless Chromium (installs chromium, chromium-driver and selenium when missing).
test-browser:
	./scripts/test-browser.sh

# Load test: 60 s of wrk at 200 connections against a release build; not part of CI (see BENCHMARKS.md).
load:
	./scripts/load.sh

fuzz:
	./scripts/fuzz.sh

test-sanitizers:
	./scripts/test-sanitizers.sh

bench-engine-kernels:
	./scripts/bench-engine-kernels.sh

# The local engine against diffusers at SD 1.x shapes; ENGINE_BENCH_ARGS="--size 256,512,768 --steps 2".
bench-engine:
	./scripts/bench-engine.sh $(ENGINE_BENCH_ARGS)

# The CPU's float32 FMA and bfloat16 dot-product peak on all cores: the ceiling for the engine's figures.
bench-cpu-peak:
	./scripts/bench-cpu-peak.sh
