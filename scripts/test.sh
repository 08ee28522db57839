#!/usr/bin/env bash
# The test command (npm test): installs what is missing, then type-checks, lints, checks the
# formatting and unused code, compiles the bundles and runs the whole suite on the pinned
# Node.js runtime (runtime.json), the same runtime the packaged buildpack ships. Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
NODE_BIN="$(node scripts/runtime.mjs --print)"
export PATH="$(dirname "$NODE_BIN"):$PATH"
node --version >/dev/null
node node_modules/typescript/bin/tsc --noEmit -p .
node node_modules/typescript/bin/tsc --noEmit -p tsconfig.scripts.json
# Hygiene (issue 18): lint and format check without writing (biome.json; `npm run format`
# fixes formatting), then unused files, exports and dependencies (knip.jsonc). Any finding,
# warnings included, fails the run.
node_modules/.bin/biome check --error-on-warnings --no-errors-on-unmatched
node_modules/.bin/knip --no-progress
node scripts/compile.ts
exec node node_modules/vitest/vitest.mjs run "$@"
