# Conveniences over the scripts the README names; the scripts work without make too.
.PHONY: run test build bench load

run:
	./scripts/run.sh

test:
	./scripts/test.sh

build:
	./scripts/install-deps.sh
	swift build


bench:
	./scripts/bench.sh

# Load test: 60 s of wrk at 200 connections against a release build; not part of CI (see BENCHMARKS.md).
load:
	./scripts/load.sh
