# Conveniences over the scripts the README names; the scripts work without make too.
.PHONY: run test build bench test-browser

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
