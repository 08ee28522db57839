#!/usr/bin/env bash
# bash bench/raw-download.sh [MiB=200] [rounds=6]: the raw-download path alone against `curl -o`,
# interleaved rounds in one run, from one loopback server holding random bytes in memory. Prints
# each round (the downloader's own time, CPU and max RSS; curl's wall time and CPU) and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=${1:-200}
ROUNDS=${2:-6}
NODE="$(node scripts/runtime.mjs --print)"
work=.cache/bench/raw-download
rm -rf "$work" && mkdir -p "$work"
cat > "$work/server.mjs" <<'JS'
import http from 'node:http';
import { randomFillSync } from 'node:crypto';
const body = randomFillSync(Buffer.alloc(Number(process.argv[2]) * 1024 * 1024));
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-length': body.length, etag: '"v1"' });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
JS
cat > "$work/entry.ts" <<'JS'
import { downloadUrl } from '../../../src/net/download.ts';
const c0 = process.cpuUsage();
const t0 = performance.now();
const r = await downloadUrl({ url: process.argv[2]!, destFile: process.argv[3]!, apiUrl: 'http://127.0.0.1:1' });
const cpu = process.cpuUsage(c0);
console.log(`ms=${Math.round(performance.now() - t0)} cpu_ms=${Math.round((cpu.user + cpu.system) / 1000)} rss_mib=${Math.round(process.resourceUsage().maxRSS / 1024)} bytes=${r.bytes}`);
process.exit(0);
JS
# Bundled with the one set of bundle settings (scripts/compile.ts ESM_BUNDLE), like lib/.
"$NODE" --input-type=module -e "
import { build } from 'esbuild';
import { ESM_BUNDLE } from './scripts/compile.ts';
await build({ ...ESM_BUNDLE, entryPoints: ['$work/entry.ts'], outfile: '$work/download.mjs' });
"
"$NODE" "$work/server.mjs" "$MIB" > "$work/port" & server=$!
trap 'kill $server' EXIT
while [ ! -s "$work/port" ]; do sleep 0.1; done
url="http://127.0.0.1:$(cat "$work/port")/asset.bin"
for i in $(seq 1 "$ROUNDS"); do
  rm -f "$work/curl.bin" "$work/node.bin"
  start=$(date +%s%N)
  curl_cpu=$( { /usr/bin/time -f '%U %S' curl -sS -o "$work/curl.bin" "$url"; } 2>&1 | awk '{printf "%d", ($1 + $2) * 1000}')
  echo "round $i curl ms=$(( ($(date +%s%N) - start) / 1000000 )) cpu_ms=$curl_cpu"
  # bin/build runs node with --max-semi-space-size=1; so does this.
  echo "round $i node $("$NODE" --max-semi-space-size=1 "$work/download.mjs" "$url" "$work/node.bin")"
done | tee "$work/rounds.txt"
cmp -s "$work/curl.bin" "$work/node.bin" || { echo "the two files differ" >&2; exit 1; }
median() { grep " $1 ms=" "$work/rounds.txt" | sed -E 's/.* ms=([0-9]+).*/\1/' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
c=$(median curl)
n=$(median node)
echo "median ms: curl $c, downloader $n; downloader / curl $(awk -v n="$n" -v c="$c" 'BEGIN { printf "%.2f", n / c }')"
