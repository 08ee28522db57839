// Turns measured runs into goal verdicts and the Markdown report (bench/results.md): machine,
// one table per section with median, min–max spread and ratios, then unmet goals with their
// reason and plan (bench/plans.ts). Pure: no I/O.

import type { Machine } from './machine.ts';
import { stats, type Stats } from './measure.ts';
import { OTHER_TOOLS, PLANS } from './plans.ts';
import { STARTUP_PHASES, type StartupTiming } from './startup.ts';

export type VariantName = 'buildpack' | 'curl-seq' | 'curl-xargs' | 'floor' | 'ubi';

export interface Run {
  ms: number;
  maxRssKiB?: number;
  /** User + system CPU of the command and its children (not of the stand-in serving it). */
  cpuMs?: number;
  /** CPU of the benchmark's own process (the stand-in GitHub, serving) while the command ran. */
  standInCpuMs?: number;
}

export interface ColdRow {
  count: number;
  sizeMiB: number;
  format: 'tar.gz' | 'raw';
  /** Bytes of one asset as served (compressed size for .tar.gz). */
  assetBytes: number;
  runs: Partial<Record<VariantName, Run[]>>;
  /** Asset bytes the stand-in served to each cold build. */
  downloadedBytes: number[];
  /**
   * 1 × 1 MiB rows: `node -e 0` and bench/minimal-install.cjs (the least a Node.js program does for
   * the same install) right before each buildpack round, and bin/build's own phase times.
   */
  startup?: { nodeMs: number[]; minimalMs: number[]; timings: StartupTiming[] };
}

export interface WarmRow {
  count: number;
  sizeMiB: number;
  format: 'tar.gz' | 'raw';
  runs: Run[];
  /** Worst round: asset downloads and their bytes (the goal is zero). */
  downloadRequests: number;
  downloadedBytes: number;
  apiRequests: number[];
  coldMs: number[];
}

export interface DetectRow {
  id: 'node' | 'no-entries' | 'entries';
  label: string;
  runs: number[];
}

export interface BenchResults {
  quick: boolean;
  machine: Machine;
  date: string;
  cold: ColdRow[];
  warm: WarmRow[];
  detect: DetectRow[];
  otherTools: { ubi: string | undefined };
  /** 1-minute load average when the run started and ended. */
  load: { start: number; end: number };
  /** FileHugePages (bench/machine.ts) when the run started and ended; absent in results made before it was recorded. */
  fileHugePagesMiB?: { start: number; end: number };
  /** BENCH_RATE_MIB_S: the download host's rate per connection; loopback speed when absent. */
  downloadRateMiBs?: number;
  /** sha256 of the largest raw asset in this process (node:crypto, the OpenSSL bin/build uses): MiB/s. */
  sha256MiBs?: number;
  seconds: number;
}

export interface Goal {
  id: string;
  text: string;
  met: boolean;
  measured: string;
  /** Checked by --quick in CI (ratios and counts only, never absolute times). */
  ci: boolean;
  ciCheck?: string;
  ciMet?: boolean;
}

const MEMORY_LIMIT_MIB = 150;
/**
 * --quick bounds for CI: today's ratios (bench/results.md) with room for a noisy shared
 * runner, so they catch a regression (a second download, a buffered asset, a detect that
 * starts loading the build code) rather than restate the goals.
 */
const CI_BOUNDS = {
  /**
   * Large rows of --quick (1 × 50 MiB tar.gz, 4 × 50 MiB raw) measured 1.56–2.6× on a loaded 2-core machine
   * (5× before issue 17). Loopback throughput is CPU-bound and swings with the machine's load (the full run's
   * 1 × 50 MiB raw: 3.2×), so 4× keeps CI from failing on noise while still catching a lost fast path.
   */
  largeVsBestBaseline: 4,
  manyVsSequential: 3.5,
  detectNoEntriesVsNode: 1.5,
  /**
   * Measured 1.24-1.29× with the trained code cache and the plain-TOML reader (1.5-1.9× before them,
   * 2.1-2.2× before issue 17); 1.9× catches detect loading build code or losing its cache.
   */
  detectEntriesVsNode: 1.9,
  /**
   * Measured 1.16× (raw) and 1.21× (.tar.gz) from 1 to 500 MiB once spent chunks are released at once
   * (util/release.ts; 1.40× and 1.26× before); 1.35× catches chunks piling up until a scavenge again.
   */
  memoryGrowth: 1.35,
  /**
   * Fastest 1 × 1 MiB build ÷ fastest `node -e 0` of the same rounds (minima: waiting for a busy core only adds time).
   * Measured 2.9–4.1× on a loaded 2-core machine (3.8–4.8× before node:assert's stand-in and the
   * semver-free tags, 4.9–5.6× before the trained code cache, 6–11× before issue 17); the goal (2.5×)
   * is not met, so this catches a regression (the undici index, a code cache that stops matching: +1×,
   * llhttp's TurboFan recompile back: +0.7–2.5×).
   */
  startupVsNode: 5,
};
/** The goals' own bounds against a bare `node -e 0` in the same run. */
const STARTUP_GOAL = 2.5;
const DETECT_ENTRIES_GOAL = 1.5;
/** The goal's own bound for "flat in asset size". */
const FLAT_MEMORY_GROWTH = 1.25;

const median = (runs: { ms: number }[] | undefined) => stats((runs ?? []).map((r) => r.ms)).median;
const cpuMedian = (runs: Run[] | undefined) => stats((runs ?? []).flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]))).median;
const standInMedian = (runs: Run[] | undefined) =>
  stats((runs ?? []).flatMap((r) => (r.standInCpuMs === undefined ? [] : [r.standInCpuMs]))).median;

/**
 * The least time a client that also hashes every byte needs for curl's job here: the stand-in's CPU
 * and curl's CPU in curl's run, plus sha256 of the bytes, spread over every core, and never less
 * than curl's own time; as a ratio to the best curl baseline (the 1.1× goal).
 */
function hashingBound(c: ColdRow, sha256MiBs: number, cores: number): string {
  const standIn = standInMedian(c.runs['curl-seq']);
  const client = cpuMedian(c.runs['curl-seq']);
  if (!Number.isFinite(standIn) || !Number.isFinite(client)) return '–';
  const hashMs = ((c.count * c.assetBytes) / 1024 ** 2 / sha256MiBs) * 1000;
  const curl = median(c.runs['curl-seq']);
  const bound = Math.max(curl, (standIn + client + hashMs) / Math.max(1, cores));
  return ratio(bound, bestBaseline(c).ms);
}
const rssStats = (runs: Run[] | undefined) => stats((runs ?? []).flatMap((r) => (r.maxRssKiB === undefined ? [] : [r.maxRssKiB / 1024])));
const label = (r: { count: number; sizeMiB: number; format: string }) => `${r.count} × ${r.sizeMiB} MiB ${r.format}`;

/** The best (lowest median) curl baseline of a row. */
function bestBaseline(row: ColdRow): { name: VariantName; ms: number } {
  const candidates = (['curl-seq', 'curl-xargs'] as const)
    .filter((v) => row.runs[v]?.length)
    .map((v) => ({ name: v as VariantName, ms: median(row.runs[v]) }));
  return candidates.reduce((a, b) => (b.ms < a.ms ? b : a));
}

export function evaluateGoals(r: BenchResults): Goal[] {
  const goals: Goal[] = [];
  const large = r.cold.filter((c) => c.sizeMiB >= 50);
  const largeRatios = large.map((c) => ({ c, ratio: median(c.runs.buildpack) / bestBaseline(c).ms }));
  const worstLarge = largeRatios.reduce<{ c: ColdRow; ratio: number } | undefined>((a, b) => (!a || b.ratio > a.ratio ? b : a), undefined);
  goals.push({
    id: '1a',
    text: 'cold install of large assets (≥ 50 MiB) within 1.1× of the best curl baseline',
    met: largeRatios.every((x) => x.ratio <= 1.1),
    measured: worstLarge
      ? `worst ${worstLarge.ratio.toFixed(2)}× (${label(worstLarge.c)}); ${largeRatios.filter((x) => x.ratio <= 1.1).length} of ${largeRatios.length} rows met`
      : 'no large rows',
    ci: large.length > 0,
    ciCheck: `every large row ≤ ${CI_BOUNDS.largeVsBestBaseline}× the best curl baseline`,
    ciMet: largeRatios.every((x) => x.ratio <= CI_BOUNDS.largeVsBestBaseline),
  });

  const many = r.cold.filter((c) => c.count >= 4);
  const manyRatios = many.map((c) => ({ c, ratio: median(c.runs.buildpack) / median(c.runs['curl-seq']) }));
  const worstMany = manyRatios.reduce<{ c: ColdRow; ratio: number } | undefined>((a, b) => (!a || b.ratio > a.ratio ? b : a), undefined);
  goals.push({
    id: '1b',
    text: 'cold install of many assets (4 and 16) faster than the sequential curl baseline',
    met: manyRatios.every((x) => x.ratio < 1),
    measured: worstMany
      ? `worst ${worstMany.ratio.toFixed(2)}× of sequential (${label(worstMany.c)}); ${manyRatios.filter((x) => x.ratio < 1).length} of ${manyRatios.length} rows met`
      : 'no rows',
    // CI looks at 16 assets: with 4 small ones the fixed start-up cost (3b) decides the ratio.
    ci: manyRatios.some((x) => x.c.count >= 16),
    ciCheck: `every 16-asset row ≤ ${CI_BOUNDS.manyVsSequential}× sequential curl`,
    ciMet: manyRatios.filter((x) => x.c.count >= 16).every((x) => x.ratio <= CI_BOUNDS.manyVsSequential),
  });

  const startupRows = r.cold.filter((c) => c.startup && c.startup.nodeMs.length > 0);
  // The yardstick beside it: what a minimal Node.js program doing the same install takes (no such runs in older results).
  const minimalRatio = (c: ColdRow) =>
    (c.startup!.minimalMs ?? []).length > 0
      ? `; a minimal Node.js install: ${(stats(c.startup!.minimalMs).median / stats(c.startup!.nodeMs).median).toFixed(2)}×`
      : '';
  const startupRatios = startupRows.map((c) => ({ c, ratio: median(c.runs.buildpack) / stats(c.startup!.nodeMs).median }));
  const worstStartup = startupRatios.reduce<{ c: ColdRow; ratio: number } | undefined>(
    (a, b) => (!a || b.ratio > a.ratio ? b : a),
    undefined,
  );
  goals.push({
    id: '1c',
    text: `bin/build for one 1 MiB asset within ${STARTUP_GOAL}× of a bare \`node -e 0\` in the same run`,
    met: startupRatios.length > 0 && startupRatios.every((x) => x.ratio <= STARTUP_GOAL),
    measured: worstStartup
      ? startupRatios.map((x) => `${x.ratio.toFixed(2)}× (${x.c.format}${minimalRatio(x.c)})`).join(', ')
      : 'no 1 × 1 MiB row',
    ci: startupRatios.length > 0,
    ciCheck: `every 1 × 1 MiB row: fastest round ≤ ${CI_BOUNDS.startupVsNode}× the fastest node -e 0`,
    ciMet: startupRows.every(
      (c) => stats((c.runs.buildpack ?? []).map((x) => x.ms)).min / stats(c.startup!.nodeMs).min <= CI_BOUNDS.startupVsNode,
    ),
  });

  const peak = Math.max(...r.cold.map((c) => rssStats(c.runs.buildpack).max));
  const largestSize = Math.max(...r.cold.map((c) => c.sizeMiB));
  const peakAtLargest = Math.max(...r.cold.filter((c) => c.sizeMiB === largestSize).map((c) => rssStats(c.runs.buildpack).max));
  goals.push({
    id: '2a',
    text: `peak memory of bin/build under ${MEMORY_LIMIT_MIB} MiB at 500 MiB`,
    met: largestSize >= 500 && peakAtLargest < MEMORY_LIMIT_MIB,
    measured: `${peakAtLargest.toFixed(0)} MiB at ${largestSize} MiB (highest in any row: ${peak.toFixed(0)} MiB)`,
    ci: true,
    ciCheck: `max RSS of every cold build < ${MEMORY_LIMIT_MIB} MiB`,
    ciMet: peak < MEMORY_LIMIT_MIB,
  });

  const growth = (['tar.gz', 'raw'] as const).flatMap((format) => {
    const singles = r.cold.filter((c) => c.format === format && c.count === 1);
    if (singles.length < 2) return [];
    const small = singles.reduce((a, b) => (b.sizeMiB < a.sizeMiB ? b : a));
    const big = singles.reduce((a, b) => (b.sizeMiB > a.sizeMiB ? b : a));
    return [{ format, small, big, ratio: rssStats(big.runs.buildpack).median / rssStats(small.runs.buildpack).median }];
  });
  goals.push({
    id: '2b',
    text: `peak memory flat in asset size (1 asset: largest size within ${FLAT_MEMORY_GROWTH}× of 1 MiB)`,
    met: growth.length > 0 && growth.every((g) => g.ratio <= FLAT_MEMORY_GROWTH),
    measured:
      growth.map((g) => `${g.format}: ${g.ratio.toFixed(2)}× from ${g.small.sizeMiB} to ${g.big.sizeMiB} MiB`).join('; ') || 'no data',
    ci: growth.length > 0,
    ciCheck: `RSS growth from the smallest to the largest single asset ≤ ${CI_BOUNDS.memoryGrowth}×`,
    ciMet: growth.every((g) => g.ratio <= CI_BOUNDS.memoryGrowth),
  });

  const bytes = Math.max(0, ...r.warm.map((w) => w.downloadedBytes));
  const requests = Math.max(0, ...r.warm.map((w) => w.downloadRequests));
  goals.push({
    id: '3a',
    text: 'warm rebuild with restored layers downloads zero bytes',
    met: bytes === 0 && requests === 0,
    measured: `${requests} asset downloads, ${bytes} bytes (worst round of ${r.warm.length} configurations)`,
    ci: true,
    ciCheck: 'zero asset downloads in every warm rebuild',
    ciMet: bytes === 0 && requests === 0,
  });
  const warm16 = r.warm.filter((w) => w.count === 16);
  const worst16 = Math.max(...warm16.map((w) => median(w.runs)));
  const warmVsCold = r.warm.map((w) => median(w.runs) / stats(w.coldMs).median);
  goals.push({
    id: '3b',
    text: 'warm rebuild of 16 unchanged entries (exact tags) under 300 ms',
    met: warm16.length > 0 && worst16 < 300,
    measured: warm16.length
      ? `${worst16.toFixed(0)} ms (slowest median of ${warm16.length} 16-entry configurations)`
      : 'no 16-entry configuration',
    ci: r.warm.length > 0,
    ciCheck: 'every warm rebuild faster than the cold build of the same configuration',
    ciMet: warmVsCold.every((x) => x < 1),
  });

  // Fastest rounds, as for start-up (1c): on a shared machine waiting for a busy core only adds time.
  const d = (id: DetectRow['id']) => stats(r.detect.find((x) => x.id === id)?.runs ?? []).min;
  const noEntries = d('no-entries') / d('node');
  const entries = d('entries') / d('node');
  goals.push({
    id: '4a',
    text: 'detect without entries costs less than a bare runtime start',
    met: noEntries < 1,
    measured: `${noEntries.toFixed(2)}× node -e 0`,
    ci: true,
    ciCheck: `< ${CI_BOUNDS.detectNoEntriesVsNode}× node -e 0`,
    ciMet: noEntries < CI_BOUNDS.detectNoEntriesVsNode,
  });
  goals.push({
    id: '4b',
    text: `detect with entries within ${DETECT_ENTRIES_GOAL}× of a bare runtime start`,
    met: entries <= DETECT_ENTRIES_GOAL,
    measured: `${entries.toFixed(2)}× node -e 0`,
    ci: true,
    ciCheck: `≤ ${CI_BOUNDS.detectEntriesVsNode}× node -e 0`,
    ciMet: entries <= CI_BOUNDS.detectEntriesVsNode,
  });
  return goals;
}

// ---- rendering ---------------------------------------------------------------------------

function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 100 ? `${value.toFixed(0)}` : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function cell(s: Stats, unit = 'ms'): string {
  if (s.n === 0) return '–';
  return `${ms(s.median)} ${unit} (${ms(s.min)}–${ms(s.max)})`;
}

function runsCell(runs: Run[] | undefined): string {
  return cell(stats((runs ?? []).map((r) => r.ms)));
}

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}

function mibPerSecond(bytes: number, msValue: number): string {
  return Number.isFinite(msValue) && msValue > 0 ? `${(bytes / 1024 ** 2 / (msValue / 1000)).toFixed(0)}` : '–';
}

const verdict = (met: boolean) => (met ? 'met' : '**not met**');

export function renderReport(r: BenchResults, goals: Goal[]): string {
  const m = r.machine;
  const out: string[] = [];
  const goal = (id: string) => goals.find((g) => g.id === id)!;
  out.push(`# Benchmark results${r.quick ? ' (--quick subset)' : ''}`, '');
  out.push(
    `Generated by \`npm run bench${r.quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${r.date.slice(0, 16).replace('T', ' ')} UTC in ${r.seconds.toFixed(0)} s. Do not edit by hand: re-run the benchmark.`,
    '',
  );
  out.push('| machine | |', '|---|---|');
  out.push(`| CPU | ${m.cpu} |`, `| cores (nproc) | ${m.cores} |`, `| memory | ${m.memoryGiB} GiB |`, `| kernel | ${m.kernel} |`);
  out.push(`| runtime | Node.js ${m.node} (the pinned runtime) |`, `| baselines | ${m.curl}, ${m.tar}, ${m.gzip} |`);
  out.push(
    `| load average (1 min) at start / end | ${r.load.start} / ${r.load.end}${Math.max(r.load.start, r.load.end) > m.cores * 0.5 ? ' — other work shared the machine: wall times are noisy; the CPU columns in section 5 are not affected by waiting' : ''} |`,
  );
  const thp = r.fileHugePagesMiB;
  if (thp)
    out.push(
      `| file pages held as huge pages at start / end | ${thp.start} / ${thp.end} MiB${Math.max(thp.start, thp.end) > 0 ? " — RSS includes whole huge pages of node's executable text: peak memory reads higher than on a machine without them" : ''} |`,
    );
  out.push('');
  out.push(
    'Method. A local GitHub stand-in (test/support/fake-github/: API, web and download hosts on 127.0.0.1) serves generated assets from files;',
    'each asset is half random 4 KiB blocks and half repetitive text, like a binary (gzip -6 compresses it about 1.9:1). ',
    'Every command runs as a child process, one at a time, after `sync`, in a rotating order per round; times are wall clock from spawn to exit, ',
    'reported as median (min–max) over the rounds. **buildpack** is the real `bin/build` with the CNB environment (one layer per repository, exact tags, ',
    'release lookup through the API, sha256 verified against the API digest, archives extracted with strip_components = 1). ',
    '**curl seq** is a Dockerfile-style `curl -sSfL <browser_download_url> | tar xzf - --strip-components=1` (raw: `curl -o … && chmod`) per asset, ',
    'one after another; **curl -P4** the same through `xargs -P4`. **floor** is the same install from the local file (`tar xzf file` / `cp`, `xargs -P4` for several assets): no network, no hashing. ',
    'Peak memory is GNU time `%M` (ru_maxrss) of the bin/build process (sh exec-ing node, which starts no other processes). ',
    "The stand-in serves from this benchmark's own Node.js process, for the buildpack and curl alike; all asset files stay in the page cache (the machine has memory to spare).",
    ...(r.downloadRateMiBs
      ? [
          ` **This run: the download host sent every body at about ${r.downloadRateMiBs} MiB/s per connection** (BENCH_RATE_MIB_S, a CDN-like link instead of loopback; 1 ms ticks, so a little under), for every command alike.`,
        ]
      : []),
    '',
    r.quick
      ? 'Matrix (--quick): 1 and 16 × 1 MiB .tar.gz, 1 × 50 MiB .tar.gz, 4 × 50 MiB raw, 3 rounds each; warm rebuilds 3 rounds; detect 10 rounds.'
      : 'Matrix: .tar.gz and raw, 1 and 50 MiB at 1, 4 and 16 assets, 500 MiB at 1 asset (4 × 500 MiB would take most of the 10-minute budget on 2 cores by itself, 16 × 500 MiB needs 8 GiB of layers a run); 7 rounds at 1 MiB, 3 at 50 and 500 MiB; warm rebuilds 5 rounds after the last cold round of each row; detect 30 rounds.',
    '',
  );

  out.push('## 1. Cold install', '');
  out.push(
    `Goals: ${goal('1a').text} — ${verdict(goal('1a').met)} (${goal('1a').measured}); ${goal('1b').text} — ${verdict(goal('1b').met)} (${goal('1b').measured}).`,
    '',
  );
  const withUbi = r.cold.some((c) => c.runs.ubi?.length);
  out.push(
    `| assets | buildpack | curl seq | curl -P4 | ${withUbi ? 'ubi | ' : ''}buildpack ÷ best curl | buildpack ÷ curl seq | CPU: buildpack ÷ curl seq |`,
  );
  out.push(`|---|---|---|---|${withUbi ? '---|' : ''}---|---|---|`);
  for (const c of r.cold) {
    const ours = median(c.runs.buildpack);
    const best = bestBaseline(c);
    out.push(
      `| ${label(c)} | ${runsCell(c.runs.buildpack)} | ${runsCell(c.runs['curl-seq'])} | ${runsCell(c.runs['curl-xargs'])} | ${withUbi ? `${runsCell(c.runs.ubi)} | ` : ''}${ratio(ours, best.ms)} | ${ratio(ours, median(c.runs['curl-seq']))} | ${ratio(cpuMedian(c.runs.buildpack), cpuMedian(c.runs['curl-seq']))} |`,
    );
  }
  out.push('');

  const startupRows = r.cold.filter((c) => c.startup && c.startup.timings.length > 0);
  if (startupRows.length > 0) {
    out.push('### Start-up breakdown (1 × 1 MiB)', '');
    out.push(`Goal: ${goal('1c').text} — ${verdict(goal('1c').met)} (${goal('1c').measured}).`, '');
    out.push(
      'An extra bin/build each round ran with GITHUB_ASSETS_TIMING=1 (src/net/timing.ts): at exit it prints when each phase ended, in ms since its own process started (median over the rounds, min–max);',
      "the first request, answer and asset byte come from undici's diagnostics channels. `node -e 0` ran right before each round with the same environment.",
      'The last rows are wall clock as this benchmark sees them (spawn to exit, through the shell shim and GNU time), of the builds without the timing line (recording it costs ~2-4 ms).',
      'The minimal install (bench/minimal-install.cjs, run right before each round) is the least a Node.js program does for the same install: one API lookup, the download and its redirect through node:http,',
      "sha256 against the API digest, the bytes written (node-tar for the .tar.gz); no checks, no layer, no SBOM. It is the runtime's floor for this row, not a tool.",
      '',
    );
    out.push(
      `| phase ends | ${startupRows.map((c) => `${c.format}: since start | ${c.format}: phase`).join(' | ')} |`,
      `|---|${startupRows.map(() => '---|---|').join('')}`,
    );
    for (const [i, { key, label: text }] of STARTUP_PHASES.entries()) {
      const cells = startupRows.map((c) => {
        const at = stats(c.startup!.timings.flatMap((t) => (t[key] === undefined ? [] : [t[key]!])));
        const prev = i === 0 ? undefined : STARTUP_PHASES[i - 1]!.key;
        const phase = stats(
          c
            .startup!.timings.flatMap((t) => (t[key] === undefined ? [] : [t[key]! - (prev === undefined ? 0 : (t[prev] ?? NaN))]))
            .filter(Number.isFinite),
        );
        return `${cell(at)} | ${ms(phase.median)} ms`;
      });
      out.push(`| ${text} | ${cells.join(' | ')} |`);
    }
    out.push(
      `| CPU of bin/build at exit (user + system, all threads) | ${startupRows.map((c) => `${cell(stats(c.startup!.timings.flatMap((t) => (t.cpu === undefined ? [] : [t.cpu]))))} | `).join(' | ')} |`,
    );
    out.push(
      `| wall: bin/build | ${startupRows.map((c) => `${runsCell(c.runs.buildpack)} | ${ratio(median(c.runs.buildpack), stats(c.startup!.nodeMs).median)} of node`).join(' | ')} |`,
    );
    if (startupRows.every((c) => (c.startup!.minimalMs ?? []).length > 0)) {
      out.push(
        `| wall: a minimal Node.js install (bench/minimal-install.cjs) | ${startupRows.map((c) => `${cell(stats(c.startup!.minimalMs))} | ${ratio(stats(c.startup!.minimalMs).median, stats(c.startup!.nodeMs).median)} of node`).join(' | ')} |`,
      );
    }
    out.push(`| wall: \`node -e 0\` | ${startupRows.map((c) => `${cell(stats(c.startup!.nodeMs))} | 1×`).join(' | ')} |`);
    out.push('');
  }

  out.push('## 2. Peak memory (max RSS of bin/build)', '');
  out.push(
    `Goals: ${goal('2a').text} — ${verdict(goal('2a').met)} (${goal('2a').measured}); ${goal('2b').text} — ${verdict(goal('2b').met)} (${goal('2b').measured}).`,
    '',
  );
  out.push('| assets | buildpack max RSS | curl seq max RSS (largest single process) |', '|---|---|---|');
  for (const c of r.cold)
    out.push(`| ${label(c)} | ${cell(rssStats(c.runs.buildpack), 'MiB')} | ${cell(rssStats(c.runs['curl-seq']), 'MiB')} |`);
  out.push('');

  out.push('## 3. Warm rebuild (layers restored, nothing changed)', '');
  out.push(
    `Goals: ${goal('3a').text} — ${verdict(goal('3a').met)} (${goal('3a').measured}); ${goal('3b').text} — ${verdict(goal('3b').met)} (${goal('3b').measured}).`,
    '',
  );
  out.push(
    'The layers of the last cold round are rewritten the way the lifecycle restores them (`[metadata]` only), then bin/build runs again. Bytes are asset bodies served by the download host.',
    '',
  );
  out.push(
    '| assets | warm rebuild | cold build | warm ÷ cold | asset downloads | bytes downloaded | API requests | max RSS | CPU |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const w of r.warm) {
    out.push(
      `| ${label(w)} | ${runsCell(w.runs)} | ${cell(stats(w.coldMs))} | ${ratio(median(w.runs), stats(w.coldMs).median)} | ${w.downloadRequests} | ${w.downloadedBytes} | ${stats(w.apiRequests).median} | ${cell(rssStats(w.runs), 'MiB')} | ${ms(cpuMedian(w.runs))} ms |`,
    );
  }
  out.push('');

  out.push('## 4. Detect latency', '');
  out.push(
    `Goals: ${goal('4a').text} — ${verdict(goal('4a').met)} (${goal('4a').measured}); ${goal('4b').text} — ${verdict(goal('4b').met)} (${goal('4b').measured}).`,
    '',
  );
  const nodeMedian = stats(r.detect.find((d) => d.id === 'node')?.runs ?? []).median;
  out.push('| case | time | ÷ node -e 0 |', '|---|---|---|');
  for (const d of r.detect) out.push(`| ${d.label} | ${cell(stats(d.runs))} | ${ratio(stats(d.runs).median, nodeMedian)} |`);
  out.push('');

  out.push('## 5. Throughput ceiling', '');
  out.push(
    'Bytes installed per second (the asset as served: compressed for .tar.gz), against the floor: the same install from a local file, no network and no hashing.',
    '',
  );
  out.push(
    'CPU is user + system time of the command and its children (GNU time), median; it excludes the stand-in serving the bytes and does not grow while a process waits for a core.',
    '',
  );
  const hashing = r.sha256MiBs;
  if (hashing) {
    out.push(
      `The stand-in serves from this benchmark's own process, so its CPU while a command ran is measured too. On ${r.machine.cores} cores shared by the stand-in and the installer,`,
      `an installer that must also hash what it downloads (sha256 here: ${hashing.toFixed(0)} MiB/s) cannot finish before (stand-in CPU + curl's CPU + the hashing) ÷ cores, whatever it is written in:`,
      "the last column is that bound for curl's own run, against the best curl time (≥ 1.1× means the 1.1× goal of section 1 is out of reach on this machine for a client that verifies).",
      '',
    );
  }
  out.push(
    `| assets | bytes | buildpack MiB/s | best curl MiB/s | floor | floor MiB/s | buildpack ÷ floor (time) | CPU: buildpack / curl seq / floor | stand-in CPU: buildpack / curl seq |${hashing ? ' hashing client bound ÷ best curl |' : ''}`,
    `|---|---|---|---|---|---|---|---|---|${hashing ? '---|' : ''}`,
  );
  for (const c of r.cold) {
    const total = c.count * c.assetBytes;
    const ours = median(c.runs.buildpack);
    const floor = median(c.runs.floor);
    const cpu = (v: VariantName) => ms(cpuMedian(c.runs[v]));
    const standIn = (v: VariantName) => ms(standInMedian(c.runs[v]));
    const bound = hashing ? ` ${hashingBound(c, hashing, r.machine.cores)} |` : '';
    out.push(
      `| ${label(c)} | ${(total / 1024 ** 2).toFixed(0)} MiB | ${mibPerSecond(total, ours)} | ${mibPerSecond(total, bestBaseline(c).ms)} | ${runsCell(c.runs.floor)} | ${mibPerSecond(total, floor)} | ${ratio(ours, floor)} | ${cpu('buildpack')} / ${cpu('curl-seq')} / ${cpu('floor')} ms | ${standIn('buildpack')} / ${standIn('curl-seq')} ms |${bound}`,
    );
  }
  out.push('');

  out.push('## 6. Other installers of GitHub release assets', '');
  out.push(r.otherTools.ubi ? `${OTHER_TOOLS.ubiMeasured} Version: ${r.otherTools.ubi}.` : OTHER_TOOLS.ubiMissing, '');
  for (const line of OTHER_TOOLS.notPointable) out.push(`- ${line}`);
  out.push('');

  out.push('## Goals', '');
  out.push('| goal | verdict | measured | CI check (--quick) |', '|---|---|---|---|');
  for (const g of goals)
    out.push(
      `| ${g.id}. ${g.text} | ${verdict(g.met)} | ${g.measured} | ${g.ci ? `${g.ciCheck}: ${g.ciMet ? 'pass' : '**fail**'}` : '–'} |`,
    );
  out.push('');
  const unmet = goals.filter((g) => !g.met);
  out.push('### Goals not met: reason and plan', '');
  if (unmet.length === 0) out.push('All goals are met.');
  for (const g of unmet) {
    const plan = PLANS[g.id];
    out.push(`- **${g.id}. ${g.text}** — measured ${g.measured}.`);
    out.push(plan ? `  Reason: ${plan.reason}\n  Plan: ${plan.plan}` : '  Reason and plan: not analysed yet.');
  }
  out.push('');
  return out.join('\n');
}
