# The two entry points of the README's Quick start. Both install what they need first.
.PHONY: setup demo test test-device-host test-suites device-app device-app-check bench

setup:
	@scripts/setup.sh

demo: setup
	npx tsx scripts/demo.ts

# Every test: lint, type-check, the device app's host build under sanitizers, then the vitest
# suites (crypto oracle, device app under Speculos, operator network on btcd).
# The host C build (compile, sanitizers, fuzzers: CPU-bound) runs beside the vitest suites (mostly
# waiting on btcd, operators and Speculos), so the two share the machine's cores; --output-sync
# keeps each one's output in one piece.
test: setup
	npm run lint
	npm run typecheck
	$(MAKE) --no-print-directory -j2 --output-sync=target test-device-host test-suites

test-device-host:
	$(MAKE) -C device-app/host test

test-suites:
	npx vitest run

bench: setup
	npx tsx scripts/bench-crypto.ts
	$(MAKE) -C device-app/host bench
	npx tsx scripts/bench-device.ts
	npx tsx scripts/bench-clear-sign.ts
	npx tsx scripts/bench-network.ts
	npx tsx scripts/bench-bridge.ts
	npx tsx scripts/bench-signer.ts
