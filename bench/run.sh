#!/usr/bin/env bash
# npm run bench [-- --quick]: runs bench/run.ts directly on the pinned Node.js runtime (which
# strips the types) against freshly compiled lib/ bundles. Loopback only.
#   --quick      a small subset with ratio checks, for CI (exit 1 on a regression)
#   --render     rewrite the report from the last run's numbers (.cache/bench/results.json)
#   --build-ubi  first build ubi (crates.io ubi-cli, ~7 min on 2 cores) for the "other tool" column
#   BENCH_RATE_MIB_S=100  the download host sends each body at ~100 MiB/s per connection (a CDN-like
#                link) for every command; the report goes to bench/results-100mibs.md (--quick: .cache/bench/)
set -euo pipefail
cd "$(dirname "$0")/.."
UBI_VERSION=0.13.0
args=()
for a in "$@"; do
  if [ "$a" = "--build-ubi" ]; then
    cargo install ubi-cli --locked --version "$UBI_VERSION" --root .cache/bench/ubi
  else
    args+=("$a")
  fi
done
if [ -z "${BENCH_UBI:-}" ] && [ -x .cache/bench/ubi/bin/ubi ]; then export BENCH_UBI="$PWD/.cache/bench/ubi/bin/ubi"; fi
[ -d node_modules ] || npm ci --no-audit --no-fund
NODE_BIN="$(node scripts/runtime.mjs --print)"
export PATH="$(dirname "$NODE_BIN"):$PATH"
node scripts/compile.ts
exec node bench/run.ts "$PWD" "${args[@]}"
