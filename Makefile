# Conveniences over the scripts the README names; the scripts work without make too.
.PHONY: run test build bench fuzz test-sanitizers

run:
	./scripts/run.sh

test:
	./scripts/test.sh

build:
	./scripts/install-deps.sh
	swift build


bench:
	./scripts/bench.sh

fuzz:
	./scripts/fuzz.sh

test-sanitizers:
	./scripts/test-sanitizers.sh
