#!/usr/bin/env bash
# Runs the pinned Node.js (runtime.json) with the given arguments, fetching it first if needed
# (scripts/runtime.mjs runs on the machine's node >= 20). npm scripts start the .ts scripts
# through it: only the pinned runtime is sure to run TypeScript directly (type stripping).
#   bash scripts/pinned-node.sh scripts/compile.ts [args...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
node_bin="$(node "$root/scripts/runtime.mjs" --print)"
exec "$node_bin" "$@"
