#!/bin/sh
# Runs the Spark Signer ELF in Ledger's Speculos Docker image (same as docker-compose.yml, without
# compose). NOT exercised in CI, which has no Docker. Usage, from the repository root:
#   emulator/speculos/run-docker.sh [extra speculos args...]
# Env: SPECULOS_IMAGE (default ghcr.io/ledgerhq/speculos:latest), SPECULOS_SEED, SPECULOS_APDU_PORT
# (default 9999), SPECULOS_API_PORT (default 5000). Ports are published on 127.0.0.1 only.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$root/device-app"
image=${SPECULOS_IMAGE:-ghcr.io/ledgerhq/speculos:latest}
seed=${SPECULOS_SEED:-abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about}
exec docker run --rm -it \
  -v "$root/device-app/build/nanosp:/speculos/apps:ro" \
  -p "127.0.0.1:${SPECULOS_APDU_PORT:-9999}:9999" \
  -p "127.0.0.1:${SPECULOS_API_PORT:-5000}:5000" \
  "$image" \
  --model nanosp --apiLevel 25 --display headless --apdu-port 9999 --api-port 5000 \
  --seed "$seed" "$@" apps/spark-signer.elf
