# Conveniences over the scripts the README names; the scripts work without make too.
.PHONY: run test build bench

run:
	./scripts/run.sh

test:
	./scripts/test.sh

build:
	./scripts/install-deps.sh
	swift build


bench:
	./scripts/bench.sh

.PHONY: bench-engine-kernels
bench-engine-kernels:
	./scripts/bench-engine-kernels.sh
