# The two entry points of the README's Quick start. Both install what they need first.
.PHONY: setup demo test device-app device-app-check bench

setup:
	@scripts/setup.sh

demo: setup
	npx tsx scripts/demo.ts

# Every test: lint, type-check, the device app's host build under sanitizers, then the vitest
# suites (crypto oracle, device app under Speculos, operator network on btcd).
test: setup
	npm run lint
	npm run typecheck
	$(MAKE) -C device-app/host test
	npx vitest run

bench: setup
	npx tsx scripts/bench-crypto.ts
	$(MAKE) -C device-app/host bench
	npx tsx scripts/bench-device.ts
	npx tsx scripts/bench-network.ts
	npx tsx scripts/bench-bridge.ts
