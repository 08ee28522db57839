// npm run bench [-- --quick]: measures the buildpack against what it replaces. Starts the
// local GitHub stand-in with generated assets, runs the real bin/build and bin/detect as the
// lifecycle would, runs the shell baselines and the floor side by side, and writes a report
// (bench/results.md; .cache/bench/results-quick.md with --quick). Loopback only.

import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  statfsSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../test/support/fake-github/index.ts';
import { createWorkspace, runBuild, runDetect, type Workspace } from '../test/support/cnb.ts';
import { simulateRestore } from '../test/support/layers.ts';
import { generateAssets, MiB, sha256File, sha256Speed, type AssetFiles } from './assets.ts';
import { describeMachine, fileHugePagesMiB, loadAverage, toolVersion } from './machine.ts';
import { readUsageFile, requireGnuTime, runTimed, timeAsync, GNU_TIME, GNU_TIME_FORMAT, type RunResult } from './measure.ts';
import { installCommand, ubiCommand, type AssetFormat, type ShellCommand } from './shell.ts';
import {
  evaluateGoals,
  renderReport,
  type BenchResults,
  type ColdRow,
  type DetectRow,
  type Run,
  type VariantName,
  type WarmRow,
} from './report.ts';
import { parseStartupTiming, STARTUP_ENV, type StartupTiming } from './startup.ts';

interface Config {
  count: number;
  sizeMiB: number;
  format: AssetFormat;
}

interface Plan {
  quick: boolean;
  cold: { config: Config; rounds: number }[];
  warmRounds: number;
  detectRounds: number;
}

const TAG = 'v1.0.0';
/** Workspaces not yet cleaned up, so a failed run leaves nothing in the temp dir. */
const liveWorkspaces = new Set<Workspace>();
const REPOS = 16;
const repoName = (i: number) => `bench/tool${String(i + 1).padStart(2, '0')}`;
const assetName = (sizeMiB: number, format: AssetFormat) => `tool-${sizeMiB}mib-linux-amd64${format === 'tar.gz' ? '.tar.gz' : ''}`;

/**
 * The matrix. 1 MiB and 50 MiB run at 1, 4 and 16 assets; 500 MiB at 1 asset only: 4 x 500 MiB
 * (2 GiB a run, four commands, three rounds, two formats) would take most of the 10-minute
 * budget on a 2-core machine by itself, and 16 x 500 MiB needs 8 GiB of layer per run.
 */
function planFor(quick: boolean): Plan {
  const formats: AssetFormat[] = ['tar.gz', 'raw'];
  if (quick) {
    return {
      quick,
      cold: [
        { config: { count: 1, sizeMiB: 1, format: 'tar.gz' }, rounds: 3 },
        { config: { count: 16, sizeMiB: 1, format: 'tar.gz' }, rounds: 3 },
        { config: { count: 1, sizeMiB: 50, format: 'tar.gz' }, rounds: 3 },
        { config: { count: 4, sizeMiB: 50, format: 'raw' }, rounds: 3 },
      ],
      warmRounds: 3,
      detectRounds: 10,
    };
  }
  const cold: Plan['cold'] = [];
  for (const format of formats) {
    for (const count of [1, 4, 16]) cold.push({ config: { count, sizeMiB: 1, format }, rounds: 7 });
    for (const count of [1, 4, 16]) cold.push({ config: { count, sizeMiB: 50, format }, rounds: 3 });
    cold.push({ config: { count: 1, sizeMiB: 500, format }, rounds: 3 });
  }
  return { quick, cold, warmRounds: 5, detectRounds: 30 };
}

function descriptor(config: Config): string {
  const entries: string[] = [];
  for (let i = 0; i < config.count; i++) {
    entries.push(
      [
        '[[metadata.githubassets]]',
        `repo = "${repoName(i)}"`,
        `asset = "${assetName(config.sizeMiB, config.format)}"`,
        `tag = "${TAG}"`,
        config.format === 'tar.gz' ? 'strip_components = 1' : 'destination = "bin/tool"',
        '',
      ].join('\n'),
    );
  }
  return entries.join('\n');
}

/** A buildpack dir whose bin/build runs the real one under GNU time (rusage to $BENCH_RSS_FILE). */
function wrapBuildpack(root: string, into: string): string {
  mkdirSync(join(into, 'bin'), { recursive: true });
  symlinkSync(join(root, 'buildpack.toml'), join(into, 'buildpack.toml'));
  // A copy, not a link: the compile cache in lib/ is keyed by paths relative to it, as in the package.
  cpSync(join(root, 'lib'), join(into, 'lib'), { recursive: true });
  writeFileSync(
    join(into, 'bin', 'build'),
    `#!/bin/sh\nexec ${GNU_TIME} -f '${GNU_TIME_FORMAT}' -o "$BENCH_RSS_FILE" ${JSON.stringify(join(root, 'bin', 'build'))} "$@"\n`,
    { mode: 0o755 },
  );
  return into;
}

function requireTools(): void {
  requireGnuTime();
  for (const tool of ['curl', 'tar', 'gzip', 'xargs', 'sha256sum']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is needed by the benchmark baselines`);
    }
  }
}

/** The installed tool must be the asset's bytes, at <dir>/bin/tool, executable. */
function checkInstalled(dir: string, expectedBytes: number, what: string): void {
  const file = join(dir, 'bin', 'tool');
  const info = existsSync(file) ? statSync(file) : undefined;
  if (!info || info.size !== expectedBytes || (info.mode & 0o111) === 0) {
    throw new Error(
      `${what}: ${file} is ${info ? `${info.size} bytes, mode ${(info.mode & 0o777).toString(8)}` : 'missing'}; expected ${expectedBytes} bytes, executable`,
    );
  }
}

function usageRun(r: Pick<RunResult, 'ms' | 'maxRssKiB' | 'cpuMs'> & { standInCpuMs?: number }): Run {
  return {
    ms: r.ms,
    ...(r.maxRssKiB !== undefined ? { maxRssKiB: r.maxRssKiB } : {}),
    ...(r.cpuMs !== undefined ? { cpuMs: r.cpuMs } : {}),
    ...(r.standInCpuMs !== undefined ? { standInCpuMs: r.standInCpuMs } : {}),
  };
}

/** CPU milliseconds of this process (the stand-in) since `start` (process.cpuUsage()). */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function syncDisks(): void {
  // Writeback of the previous run's data must not land in the next run's time.
  execFileSync('sync');
}

function findUbi(): string | undefined {
  const candidates = [process.env.BENCH_UBI, join(process.env.HOME ?? '/root', '.cargo', 'bin', 'ubi'), '/usr/local/bin/ubi'].filter(
    (p): p is string => !!p,
  );
  return candidates.find((p) => existsSync(p));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const root = resolve(args.find((a) => !a.startsWith('--')) ?? '.');
  const quick = args.includes('--quick');
  if (args.includes('--render')) return renderSaved(root, quick);
  const plan = planFor(quick);
  requireTools();
  if (!existsSync(join(root, 'lib', 'build.cjs'))) throw new Error(`${root}/lib/build.cjs is missing: run npm run compile first`);

  const started = Date.now();
  const sizes = [...new Set(plan.cold.map((c) => c.config.sizeMiB))];
  const needBytes =
    plan.cold.reduce((n, c) => Math.max(n, c.config.count * c.config.sizeMiB * MiB * 4), 0) + sizes.reduce((n, s) => n + 2 * s * MiB, 0);
  const fs = statfsSync(tmpdir());
  if (fs.bavail * fs.bsize < needBytes)
    throw new Error(
      `${tmpdir()} has ${Math.round((fs.bavail * fs.bsize) / MiB)} MiB free; the benchmark needs about ${Math.round(needBytes / MiB)} MiB`,
    );

  const scratch = mkdtempSync(join(tmpdir(), 'gha-bench-'));
  let gh: FakeGitHub | undefined;
  const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
  try {
    log(`generating assets (${sizes.map((s) => `${s} MiB`).join(', ')}) in ${scratch}`);
    const assets = await generateAssets(join(scratch, 'assets'), sizes);
    // Every build looks releases up anonymously; the real per-IP limit (60/h) is not what is measured.
    gh = await startFakeGitHub({ rateLimit: { anonymous: 1_000_000 } });
    await addReleases(gh, plan, assets);
    // BENCH_RATE_MIB_S: the download host sends every body at about this rate per connection (a
    // CDN-like link instead of loopback), for every command alike; the report says so.
    const rate = Number(process.env.BENCH_RATE_MIB_S ?? 0);
    if (rate > 0) gh.injectFault({ origin: 'download', times: Infinity, trickle: { bytes: Math.round((rate * MiB) / 1000), everyMs: 1 } });
    const buildpack = wrapBuildpack(root, join(scratch, 'buildpack'));
    const ubi = quick ? undefined : findUbi(); // CI's --quick compares ratios against curl only
    // Both, as a GitHub Actions runner sets them: the web host is known, so a public asset's download starts alongside its lookup.
    const env = { GITHUB_API_URL: gh.apiUrl, GITHUB_SERVER_URL: gh.webUrl };
    const bench: Bench = { gh, buildpack, env, scratch, ubi };
    const results: BenchResults = {
      quick,
      machine: describeMachine(),
      date: new Date().toISOString(),
      cold: [],
      warm: [],
      detect: [],
      otherTools: { ubi: ubi ? toolVersion(ubi) : undefined },
      load: { start: loadAverage(), end: NaN },
      fileHugePagesMiB: { start: fileHugePagesMiB(), end: NaN },
      seconds: 0,
      ...(rate > 0 ? { downloadRateMiBs: rate } : {}),
      sha256MiBs: sha256Speed(assets.get(Math.max(...assets.keys()))!.raw),
    };

    for (const { config, rounds } of plan.cold) {
      const label = `${config.count} x ${config.sizeMiB} MiB ${config.format}`;
      log(`cold install: ${label}, ${rounds} rounds`);
      const files = assets.get(config.sizeMiB)!;
      const row: ColdRow = {
        ...config,
        assetBytes: config.format === 'tar.gz' ? files.targzBytes : files.rawBytes,
        runs: {},
        downloadedBytes: [],
      };
      // One small asset: where does the time go, next to a bare runtime start in the same round.
      const startup: ColdRow['startup'] =
        config.count === 1 && config.sizeMiB === 1 ? { nodeMs: [], minimalMs: [], timings: [] } : undefined;
      if (startup) row.startup = startup;
      const variants: VariantName[] = [
        'buildpack',
        'curl-seq',
        ...(config.count > 1 ? (['curl-xargs'] as const) : []),
        'floor',
        ...(ubi ? (['ubi'] as const) : []),
      ];
      let lastWorkspace: Workspace | undefined;
      for (let round = 0; round < rounds; round++) {
        // Rotate the order so no command always runs first (or right after the biggest writer).
        const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
        for (const variant of order) {
          syncDisks();
          const keep = variant === 'buildpack' && round === rounds - 1;
          let measured: Pick<RunResult, 'ms' | 'maxRssKiB' | 'cpuMs'> & { standInCpuMs?: number };
          if (variant === 'buildpack') {
            if (startup) {
              startup.nodeMs.push(await bareNodeStart(scratch));
              startup.minimalMs.push(await minimalInstall(bench, config, files));
              // The phase times come from a build of their own: recording them costs the measured build ~2-4 ms
              // (the performance global loads 11 of Node's modules; undici publishes to the subscribed channels).
              const timed = await coldBuild(bench, { config, files, keep: false, startup: true });
              if (timed.timing) startup.timings.push(timed.timing);
            }
            const build = await coldBuild(bench, { config, files, keep, startup: false });
            row.downloadedBytes.push(build.downloadedBytes);
            if (keep) lastWorkspace = build.workspace;
            measured = build;
          } else {
            measured = await shellInstall(variant, bench, config, files);
          }
          const runs = row.runs[variant] ?? [];
          runs.push(usageRun(measured));
          row.runs[variant] = runs;
        }
      }
      results.cold.push(row);

      if (lastWorkspace) {
        results.warm.push(await warmRebuilds(bench, { config, ws: lastWorkspace, rounds: plan.warmRounds, cold: row }));
        lastWorkspace.cleanup();
        liveWorkspaces.delete(lastWorkspace);
      }
    }

    log(`detect: ${plan.detectRounds} rounds`);
    results.detect = await detectLatency(root, plan.detectRounds);

    results.seconds = (Date.now() - started) / 1000;
    results.load.end = loadAverage();
    if (results.fileHugePagesMiB) results.fileHugePagesMiB.end = fileHugePagesMiB();
    const goals = evaluateGoals(results);
    const report = renderReport(results, goals);
    // A full run is committed: bench/results.md at loopback speed, bench/results-<rate>mibs.md at a CDN-like rate.
    const out = quick
      ? join(root, '.cache', 'bench', `results-quick${rate > 0 ? `-${rate}mibs` : ''}.md`)
      : join(root, 'bench', `results${rate > 0 ? `-${rate}mibs` : ''}.md`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, report);
    // Every run's raw numbers, for a closer look than the report's medians.
    mkdirSync(join(root, '.cache', 'bench'), { recursive: true });
    writeFileSync(
      join(root, '.cache', 'bench', `results${quick ? '-quick' : ''}${rate > 0 ? `-${rate}mibs` : ''}.json`),
      JSON.stringify({ ...results, goals }, null, 2),
    );
    console.log(report);
    log(`wrote ${out} in ${results.seconds.toFixed(0)} s`);

    if (quick) {
      const failures = goals.filter((g) => g.ci && !g.ciMet);
      for (const g of failures) console.error(`bench --quick: REGRESSION ${g.id}: ${g.ciCheck} — measured ${g.measured}`);
      if (failures.length > 0) process.exitCode = 1;
      else console.error(`bench --quick: all ${goals.filter((g) => g.ci).length} ratio checks passed`);
    }
  } finally {
    await gh?.close();
    for (const ws of liveWorkspaces) ws.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** --render: rewrites the report from the last run's saved numbers (after editing plans.ts or report.ts). */
function renderSaved(root: string, quick: boolean): void {
  const saved = join(root, '.cache', 'bench', quick ? 'results-quick.json' : 'results.json');
  if (!existsSync(saved)) throw new Error(`${saved} is missing: run the benchmark first`);
  const { goals: _old, ...results } = JSON.parse(readFileSync(saved, 'utf8')) as BenchResults & { goals: unknown };
  const out = quick ? join(root, '.cache', 'bench', 'results-quick.md') : join(root, 'bench', 'results.md');
  writeFileSync(out, renderReport(results, evaluateGoals(results)));
  console.error(`bench: rewrote ${out} from ${saved}`);
}

/** 16 repos, each with release v1.0.0 holding the sizes and formats its position needs. */
async function addReleases(gh: FakeGitHub, plan: Plan, assets: Map<number, AssetFiles>): Promise<void> {
  const digests = new Map<string, string>();
  const digestOf = (path: string) => {
    if (!digests.has(path)) digests.set(path, `sha256:${sha256File(path)}`);
    return digests.get(path)!;
  };
  for (let i = 0; i < REPOS; i++) {
    const wanted = plan.cold.filter((c) => c.config.count > i).map((c) => c.config);
    const release = new Map<string, { name: string; content: { path: string }; digest: string }>();
    for (const c of wanted) {
      const files = assets.get(c.sizeMiB)!;
      const path = c.format === 'tar.gz' ? files.targz : files.raw;
      release.set(assetName(c.sizeMiB, c.format), { name: assetName(c.sizeMiB, c.format), content: { path }, digest: digestOf(path) });
    }
    if (release.size === 0) continue;
    gh.addRepo(repoName(i));
    gh.addRelease(repoName(i), { tag: TAG, assets: [...release.values()] });
  }
}

/** Bytes of asset bodies served since the last reset (the signed download URL names the asset). */
function servedAssetBytes(gh: FakeGitHub, perAsset: number): { requests: number; bytes: number; api: number } {
  const downloads = gh.requests.filter((r) => r.origin === 'download' && r.method === 'GET');
  return { requests: downloads.length, bytes: downloads.length * perAsset, api: gh.requests.filter((r) => r.origin === 'api').length };
}

/** What every measured command of one run shares: the stand-in GitHub, the wrapped buildpack, its env, the scratch dir, ubi if found. */
interface Bench {
  gh: FakeGitHub;
  buildpack: string;
  env: Record<string, string>;
  scratch: string;
  ubi: string | undefined;
}

/** One cold bin/build: `keep` leaves its workspace for the warm rebuilds, `startup` asks the build for its phase timings. */
async function coldBuild(
  { gh, buildpack, env, scratch }: Bench,
  { config, files, keep, startup }: { config: Config; files: AssetFiles; keep: boolean; startup: boolean },
): Promise<
  Pick<RunResult, 'ms' | 'maxRssKiB' | 'cpuMs'> & {
    standInCpuMs: number;
    downloadedBytes: number;
    workspace?: Workspace;
    timing?: StartupTiming;
  }
> {
  const ws = createWorkspace();
  liveWorkspaces.add(ws);
  ws.writeApp({ 'project.toml': descriptor(config) });
  const rssFile = join(scratch, 'build.rss');
  gh.resetRequests();
  const buildEnv = { ...env, ...(startup ? { [STARTUP_ENV]: '1' } : {}), BENCH_RSS_FILE: rssFile };
  const standIn = process.cpuUsage();
  const { ms, value: result } = await timeAsync(() => runBuild(ws, buildEnv, buildpack));
  const standInCpuMs = cpuMsSince(standIn);
  if (result.code !== 0) throw new Error(`bin/build failed (exit ${result.code}):\n${result.output}`);
  for (let i = 0; i < config.count; i++)
    checkInstalled(join(ws.layersDir, repoName(i).replace('/', '_')), files.rawBytes, `bin/build, entry ${i + 1}`);
  const usage = readUsageFile(rssFile);
  rmSync(rssFile, { force: true });
  const served = servedAssetBytes(gh, config.format === 'tar.gz' ? files.targzBytes : files.rawBytes);
  if (!keep) {
    ws.cleanup();
    liveWorkspaces.delete(ws);
  }
  const timing = parseStartupTiming(result.output);
  return { ms, ...usage, standInCpuMs, downloadedBytes: served.bytes, ...(keep ? { workspace: ws } : {}), ...(timing ? { timing } : {}) };
}

async function shellInstall(variant: Exclude<VariantName, 'buildpack'>, { gh, scratch, ubi }: Bench, config: Config, files: AssetFiles) {
  const dir = mkdtempSync(join(scratch, `${variant}-`));
  const dirs = Array.from({ length: config.count }, (_, i) => join(dir, `layer${i + 1}`));
  const source = (i: number) => `${gh.webUrl}/${repoName(i)}/releases/download/${TAG}/${assetName(config.sizeMiB, config.format)}`;
  const local = config.format === 'tar.gz' ? files.targz : files.raw;
  let command: ShellCommand;
  if (variant === 'curl-seq')
    command = installCommand(
      dirs.map((d, i) => ({ source: source(i), dir: d })),
      { format: config.format, via: 'curl', parallel: 1, scratch: dir },
    );
  else if (variant === 'curl-xargs')
    command = installCommand(
      dirs.map((d, i) => ({ source: source(i), dir: d })),
      { format: config.format, via: 'curl', parallel: 4, scratch: dir },
    );
  else if (variant === 'floor')
    command = installCommand(
      dirs.map((d) => ({ source: local, dir: d })),
      { format: config.format, via: 'copy', parallel: config.count > 1 ? 4 : 1, scratch: dir },
    );
  else {
    for (const d of dirs) mkdirSync(join(d, 'bin'), { recursive: true });
    command = ubiCommand(
      dirs.map((d, i) => ({ repo: repoName(i), tag: TAG, asset: assetName(config.sizeMiB, config.format), dir: d })),
      { ubi: ubi!, apiUrl: gh.apiUrl, format: config.format, scratch: dir },
    );
  }
  const standIn = process.cpuUsage();
  const result = await runTimed(command.cmd, command.args, { rssFile: join(scratch, `${variant}.rss`) });
  const standInCpuMs = cpuMsSince(standIn);
  if (result.code !== 0) throw new Error(`${variant} failed (exit ${result.code}):\n${result.output}`);
  for (const [i, d] of dirs.entries()) checkInstalled(d, files.rawBytes, `${variant}, item ${i + 1}`);
  rmSync(dir, { recursive: true, force: true });
  return { ...result, standInCpuMs };
}

/** `rounds` rebuilds of the workspace a cold build kept, each after the lifecycle's restore, measured against that cold row. */
async function warmRebuilds(
  { gh, buildpack, env, scratch }: Bench,
  { config, ws, rounds, cold }: { config: Config; ws: Workspace; rounds: number; cold: ColdRow },
): Promise<WarmRow> {
  const row: WarmRow = {
    ...config,
    runs: [],
    downloadRequests: 0,
    downloadedBytes: 0,
    apiRequests: [],
    coldMs: cold.runs.buildpack!.map((r) => r.ms),
  };
  for (let round = 0; round < rounds; round++) {
    simulateRestore(ws.layersDir);
    gh.resetRequests();
    const rssFile = join(scratch, 'warm.rss');
    const { ms, value: result } = await timeAsync(() => runBuild(ws, { ...env, BENCH_RSS_FILE: rssFile }, buildpack));
    if (result.code !== 0) throw new Error(`warm bin/build failed (exit ${result.code}):\n${result.output}`);
    const reused = (result.output.match(/Reused {4}/g) ?? []).length;
    if (reused !== config.count) throw new Error(`warm bin/build reused ${reused} of ${config.count} entries:\n${result.output}`);
    const served = servedAssetBytes(gh, cold.assetBytes);
    row.downloadRequests = Math.max(row.downloadRequests, served.requests);
    row.downloadedBytes = Math.max(row.downloadedBytes, served.bytes);
    row.apiRequests.push(served.api);
    const usage = readUsageFile(rssFile);
    rmSync(rssFile, { force: true });
    row.runs.push(usageRun({ ms, ...usage }));
  }
  // The layers are still the ones the cold build wrote (nothing was swapped).
  const layers = readdirSync(ws.layersDir).filter((n) => !n.includes('.'));
  if (layers.length !== config.count) throw new Error(`warm rebuild left ${layers.length} layers, expected ${config.count}`);
  return row;
}

/** The environment of the yardsticks (`node -e 0`, the minimal install) and bin/detect here: PATH and HOME only. */
function bareEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
}

/** `node -e 0` with the environment bin/build gets: the runtime's own start-up, the floor of every phase. */
async function bareNodeStart(scratch: string): Promise<number> {
  const r = await runTimed(process.execPath, ['-e', '0'], {
    cwd: scratch,
    env: bareEnv(),
  });
  if (r.code !== 0) throw new Error(`node -e 0 exited ${r.code}`);
  return r.ms;
}

/** bench/minimal-install.cjs on the row's asset: the least a Node.js program does for the same install (its yardstick). */
async function minimalInstall({ gh, scratch }: Bench, config: Config, files: AssetFiles): Promise<number> {
  const dir = mkdtempSync(join(scratch, 'minimal-'));
  const script = join(import.meta.dirname, 'minimal-install.cjs');
  const r = await runTimed(process.execPath, [script, gh.apiUrl, repoName(0), TAG, assetName(config.sizeMiB, config.format), dir], {
    cwd: scratch,
    env: bareEnv(),
  });
  if (r.code !== 0) throw new Error(`bench/minimal-install.cjs exited ${r.code}:\n${r.output}`);
  checkInstalled(dir, files.rawBytes, 'bench/minimal-install.cjs');
  rmSync(dir, { recursive: true, force: true });
  return r.ms;
}

/** bin/detect with no project.toml and with 16 entries, against a bare `node -e 0`, interleaved. */
async function detectLatency(root: string, rounds: number): Promise<DetectRow[]> {
  const empty = createWorkspace();
  const withEntries = createWorkspace();
  withEntries.writeApp({ 'project.toml': descriptor({ count: 16, sizeMiB: 1, format: 'tar.gz' }) });
  const node = process.execPath;
  const bare = bareEnv();
  const rows: DetectRow[] = [
    { id: 'node', label: 'bare runtime start: `node -e 0`', runs: [] },
    { id: 'no-entries', label: '`bin/detect`, app without project.toml (exit 100)', runs: [] },
    { id: 'entries', label: '`bin/detect`, project.toml with 16 entries (exit 0)', runs: [] },
  ];
  const measure: Record<string, () => Promise<number>> = {
    node: async () => {
      const r = await runTimed(node, ['-e', '0'], { cwd: empty.appDir, env: bare });
      if (r.code !== 0) throw new Error(`node -e 0 exited ${r.code}`);
      return r.ms;
    },
    'no-entries': async () => {
      const { ms, value } = await timeAsync(() => runDetect(empty, {}, root));
      if (value.code !== 100) throw new Error(`bin/detect without project.toml exited ${value.code}, expected 100:\n${value.output}`);
      return ms;
    },
    entries: async () => {
      const { ms, value } = await timeAsync(() => runDetect(withEntries, {}, root));
      if (value.code !== 0 || !value.plan.includes('github-assets'))
        throw new Error(`bin/detect with entries exited ${value.code}:\n${value.output}`);
      return ms;
    },
  };
  try {
    for (let round = -3; round < rounds; round++) {
      for (const row of round % 2 === 0 ? rows : [...rows].reverse()) {
        const ms = await measure[row.id]!();
        if (round >= 0) row.runs.push(ms); // the first rounds only warm the page cache
      }
    }
  } finally {
    empty.cleanup();
    withEntries.cleanup();
  }
  return rows;
}

await main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
});
