# Conveniences over the scripts the README names; the scripts work without make too.
.PHONY: run test build

run:
	./scripts/run.sh

test:
	./scripts/test.sh

build:
	./scripts/install-deps.sh
	swift build

