#!/usr/bin/env bash
# npm run bench [-- --quick]: bundles bench/run.ts with esbuild (like scripts/demo.sh) and runs
# it on the pinned Node.js runtime against freshly compiled lib/ bundles. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
NODE_BIN="$(node scripts/runtime.mjs --print)"
export PATH="$(dirname "$NODE_BIN"):$PATH"
node scripts/compile.mjs
node_modules/.bin/esbuild bench/run.ts --bundle --platform=node --format=esm --target=node26 \
  --log-level=warning --outfile=.cache/bench/run.mjs \
  --banner:js="import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);"
exec node .cache/bench/run.mjs "$PWD" "$@"
