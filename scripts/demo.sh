#!/usr/bin/env bash
# npm run demo: set up from scratch (npm deps, pinned Node.js runtime, the real
# grpc_health_probe built from its Go module), then run detect + build on samples/grpc-probe
# against a local GitHub stand-in.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
NODE_BIN="$(node scripts/runtime.mjs --print)"
export PATH="$(dirname "$NODE_BIN"):$PATH"
echo "== runtime: node $(node --version) ($NODE_BIN)"
node scripts/compile.mjs
echo "== building grpc_health_probe from its Go module (cached after the first run)"
probe_amd64="$(node scripts/probe.mjs --arch amd64 --print)"
probe_arm64="$(node scripts/probe.mjs --arch arm64 --print)"
node_modules/.bin/esbuild scripts/demo.ts --bundle --platform=node --format=esm --target=node26 \
  --log-level=warning --outfile=.cache/demo/demo.mjs \
  --banner:js="import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);"
node .cache/demo/demo.mjs "$PWD" "$probe_amd64" "$probe_arm64"
