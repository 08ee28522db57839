#!/usr/bin/env bash
# npm run demo: set up from scratch (npm deps, pinned Node.js runtime, the real
# grpc_health_probe built from its Go module), then run detect + build on samples/grpc-probe
# against a local GitHub stand-in. The bootstrap (npm ci, scripts/runtime.mjs) runs on the
# machine's Node.js (>= 20); everything after it on the pinned one, which runs .ts directly.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
NODE_BIN="$(node scripts/runtime.mjs --print)"
export PATH="$(dirname "$NODE_BIN"):$PATH"
echo "== runtime: node $(node --version) ($NODE_BIN)"
node scripts/compile.ts
echo "== building grpc_health_probe from its Go module (cached after the first run)"
probe_amd64="$(node scripts/probe.ts --arch amd64 --print)"
probe_arm64="$(node scripts/probe.ts --arch arm64 --print)"
node scripts/demo.ts "$PWD" "$probe_amd64" "$probe_arm64"
