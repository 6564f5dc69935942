# Conveniences over the scripts the README names; the scripts work without make too.
.PHONY: run test build bench bench-engine

run:
	./scripts/run.sh

test:
	./scripts/test.sh

build:
	./scripts/install-deps.sh
	swift build


bench:
	./scripts/bench.sh

# The local engine against diffusers at SD 1.x shapes; ENGINE_BENCH_ARGS="--size 256,512,768 --steps 2".
bench-engine:
	./scripts/bench-engine.sh $(ENGINE_BENCH_ARGS)
