#!/usr/bin/env bash
# Installs everything the demo and the tests need, on a fresh machine of this kind (Debian 12,
# root, registries only). Idempotent: each step is skipped when what it installs is present, so
# `make demo` and `make test` can both call it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: hidapi build deps (node-hid), the ARM toolchain and qemu for the device app
# under Speculos, clang for the host fuzzer, PostgreSQL for the real-server runs, Chromium for
# the bridge UI tests.
APT_PACKAGES=(libusb-1.0-0-dev libudev-dev gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-user-static
  clang libclang-rt-14-dev llvm valgrind postgresql chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Speculos (Ledger's emulator) from PyPI, in the project's own virtualenv.
if ! .venv/bin/python -c 'import speculos' 2>/dev/null || ! cmp -s emulator/speculos/requirements.txt .venv/.requirements; then
  echo "setup: python venv with $(tr '\n' ' ' < emulator/speculos/requirements.txt)"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r emulator/speculos/requirements.txt
  cp emulator/speculos/requirements.txt .venv/.requirements
fi

# btcd, the regtest chain, from the Go module proxy (version pinned: docs/btcd.md, section "Version and
# install").
BTCD_VERSION=v0.26.0
if ! [ -x .tools/bin/btcd ] || ! grep -qx "$BTCD_VERSION" .tools/btcd.version 2>/dev/null; then
  echo "setup: go install btcd@$BTCD_VERSION"
  mkdir -p .tools/bin
  GOBIN="$PWD/.tools/bin" go install "github.com/btcsuite/btcd@$BTCD_VERSION" "github.com/btcsuite/btcd/cmd/btcctl@$BTCD_VERSION"
  echo "$BTCD_VERSION" > .tools/btcd.version
fi

# Node dependencies, exactly as locked. Not `npm ci`: the registry reachable here serves only this
# platform's optional packages (rollup's other-OS binaries answer 404), and `npm ci` refuses a lock
# file that lacks them, while `npm install` installs the locked versions and skips them.
if ! [ -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm install (locked)"
  npm install --no-audit --no-fund --loglevel=error
fi

# TypeScript for our own .proto files (proto/buf.gen.yaml): made here rather than committed, so
# the repository holds the .proto files as the one source and no generated code to keep in step.
echo "setup: npm run proto:gen"
npm run --silent proto:gen
