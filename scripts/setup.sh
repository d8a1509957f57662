#!/usr/bin/env bash
# Installs what Wild Sentinel needs on a fresh machine: npm packages and the Temporal CLI (its dev server
# is the embedded Temporal default), built from the Go module proxy once and cached.
# With --test it also installs what the tests need from Debian (PostgreSQL server binaries, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/wild-sentinel"
TEMPORAL_CLI_VERSION=v1.5.1 # the newest release that `go install` can build (later ones use replace directives)

# --test: what the test suite needs beyond npm: PostgreSQL server binaries, Debian's Chromium (the
# dashboard is tested in headless Chromium through playwright-core, which downloads no browser here) and
# ffmpeg (video hashing, vPDQ; the tests also make their videos with it).
if [ "${1:-}" = "--test" ]; then
  missing=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if command -v temporal >/dev/null 2>&1 || [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  echo "== Temporal CLI: using $(command -v temporal || echo "$TEMPORAL_CLI_PATH")"
elif [ -x "$CACHE/go/bin/temporal" ]; then
  echo "== Temporal CLI: cached at $CACHE/go/bin/temporal"
elif command -v go >/dev/null 2>&1; then
  echo "== building the Temporal CLI $TEMPORAL_CLI_VERSION (first time only; several minutes)"
  mkdir -p "$CACHE/go"
  GOBIN="$CACHE/go/bin" GOMODCACHE="$CACHE/go/mod" GOFLAGS=-modcacherw \
    go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
else
  echo "== no Go toolchain: the Temporal CLI will be downloaded by the SDK at start (needs internet)," \
    "or set TEMPORAL_ADDRESS to a running server"
fi

echo "== npm ci"
# onnxruntime-node's install script would fetch GPU libraries; its CPU binaries ship in the package.
ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci --no-audit --no-fund

echo "== WebAssembly modules"
# The screener's quick check (detectors/text/wasm/) and the image index's lookup loop
# (detectors/image/wasm/), compiled from AssemblyScript; a few seconds.
npm run --silent build:wasm

echo "== Workflow bundle and start bundle"
# What `start` would build on its first run (workflows/bundle-cache.ts, scripts/start.mjs); each is rebuilt
# when a source changes.
npm run --silent build:workflows
node scripts/start.mjs --build-only
