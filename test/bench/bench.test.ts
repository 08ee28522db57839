// The benchmark's own logic (bench/): statistics, goal verdicts and the CI checks --quick
// exits on, the shell baselines (run for real on temp files), and generated asset content.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stats, readUsageFile } from '../../bench/measure.js';
import { evaluateGoals, renderReport, type BenchResults, type ColdRow } from '../../bench/report.js';
import { installCommand } from '../../bench/shell.js';
import { writeBinaryLike } from '../../bench/assets.js';
import { parseStartupTiming } from '../../bench/startup.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gha-bench-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('stats', () => {
  it('gives median, min and max of odd and even counts', () => {
    expect(stats([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
    expect(stats([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(stats([]).n).toBe(0);
  });

  it('reads GNU time output, also after a non-zero exit line', () => {
    const file = join(dir, 'usage');
    writeFileSync(file, 'Command exited with non-zero status 1\n91234 0.42 0.08\n');
    expect(readUsageFile(file)).toEqual({ maxRssKiB: 91234, cpuMs: 500 });
    expect(readUsageFile(join(dir, 'missing'))).toEqual({});
  });
});

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  /** A cold row: `ours`/`seq`/`xargs` are the buildpack's, curl-seq's and curl-xargs' wall ms, `rssMiB` the buildpack's peak. */
  interface ColdNumbers {
    count: number;
    sizeMiB: number;
    ours: number;
    seq: number;
    rssMiB: number;
    xargs?: number;
  }
  const cold = ({ count, sizeMiB, ours, seq, rssMiB, xargs }: ColdNumbers): ColdRow => ({
    count,
    sizeMiB,
    format: 'tar.gz',
    assetBytes: sizeMiB * 1024 * 1024,
    runs: {
      buildpack: [{ ms: ours, maxRssKiB: rssMiB * 1024, cpuMs: ours }],
      'curl-seq': [{ ms: seq, maxRssKiB: 10 * 1024, cpuMs: seq / 2 }],
      ...(xargs !== undefined ? { 'curl-xargs': [{ ms: xargs }] } : {}),
      floor: [{ ms: seq / 2 }],
    },
    downloadedBytes: [count * sizeMiB * 1024 * 1024],
  });
  return {
    quick: true,
    machine: { cpu: 'test cpu', cores: 2, memoryGiB: 4, kernel: 'Linux', node: 'v26', curl: 'curl', tar: 'tar', gzip: 'gzip' },
    date: '2026-01-01T00:00:00.000Z',
    cold: [
      {
        ...cold({ count: 1, sizeMiB: 1, ours: 200, seq: 20, rssMiB: 90 }),
        startup: {
          nodeMs: [100, 90, 110],
          minimalMs: [150, 140, 160],
          timings: [{ runtime: 20, modules: 60, firstRequest: 80, firstAnswer: 90, firstByte: 110, done: 190 }],
        },
      },
      cold({ count: 16, sizeMiB: 1, ours: 400, seq: 500, rssMiB: 95, xargs: 300 }),
      cold({ count: 1, sizeMiB: 500, ours: 1050, seq: 1000, rssMiB: 100 }),
    ],
    warm: [
      {
        count: 16,
        sizeMiB: 1,
        format: 'tar.gz',
        runs: [{ ms: 250 }],
        downloadRequests: 0,
        downloadedBytes: 0,
        apiRequests: [16],
        coldMs: [400],
      },
    ],
    detect: [
      { id: 'node', label: 'node', runs: [30, 30, 30] },
      { id: 'no-entries', label: 'none', runs: [3, 3, 3] },
      { id: 'entries', label: 'entries', runs: [40, 40, 40] },
    ],
    otherTools: { ubi: undefined },
    load: { start: 0.1, end: 0.2 },
    seconds: 12,
    ...overrides,
  };
}

describe('goals', () => {
  it('marks every goal met when the numbers meet them', () => {
    const goals = evaluateGoals(results());
    expect(goals.filter((g) => !g.met).map((g) => g.id)).toEqual([]);
    expect(goals.filter((g) => g.ci && !g.ciMet)).toEqual([]);
    expect(goals.find((g) => g.id === '1a')!.measured).toContain('1.05×');
  });

  it('fails the CI checks on downloads in a warm rebuild, a slow detect and a large-asset regression', () => {
    const r = results();
    r.warm[0]!.downloadRequests = 1;
    r.warm[0]!.downloadedBytes = 1024;
    r.detect[1]!.runs = [60, 60, 60];
    r.cold[2]!.runs.buildpack = [{ ms: 6000, maxRssKiB: 400 * 1024 }];
    const failed = evaluateGoals(r)
      .filter((g) => g.ci && !g.ciMet)
      .map((g) => g.id);
    expect(failed).toEqual(['1a', '2a', '2b', '3a', '4a']);
  });

  it('judges start-up against node -e 0 of the same run, and renders the phase breakdown', () => {
    const r = results();
    expect(evaluateGoals(r).find((g) => g.id === '1c')).toMatchObject({
      met: true,
      measured: '2.00× (tar.gz; a minimal Node.js install: 1.50×)',
      ciMet: true,
    });
    r.cold[0]!.startup!.nodeMs = [42, 42, 42];
    expect(evaluateGoals(r).find((g) => g.id === '1c')).toMatchObject({
      met: false,
      measured: '4.76× (tar.gz; a minimal Node.js install: 3.57×)',
      ciMet: true,
    });
    const report = renderReport(r, evaluateGoals(r));
    expect(report).toContain('| bundle loaded (compiled, linked, top level run) | 60.0 ms (60.0–60.0) | 40.0 ms |');
    expect(report).toContain('| first asset byte | 110 ms (110–110) | 20.0 ms |');
    expect(report).toContain('| wall: bin/build | 200 ms (200–200) | 4.76× of node |');
    expect(report).toContain('| wall: a minimal Node.js install (bench/minimal-install.cjs) | 150 ms (140–160) | 3.57× of node |');
    r.cold[0]!.startup!.nodeMs = [30, 35, 35];
    expect(evaluateGoals(r).find((g) => g.id === '1c')).toMatchObject({ met: false, ciMet: false });
  });

  it("bounds what a client that also hashes can do on these cores, from the stand-in CPU of curl's own run", () => {
    const r = results({ sha256MiBs: 1000 });
    const big = r.cold[2]!; // 1 × 500 MiB: curl seq 1000 ms with 500 ms of its own CPU
    big.runs['curl-seq'] = [{ ms: 1000, cpuMs: 500, standInCpuMs: 700 }];
    big.runs.buildpack = [{ ms: 1050, cpuMs: 900, standInCpuMs: 720 }];
    // (700 stand-in + 500 curl + 500 hashing 500 MiB at 1000 MiB/s) / 2 cores = 850 ms < curl's own 1000 ms: 1.00×.
    expect(renderReport(r, evaluateGoals(r))).toContain('| 900 / 500 / – ms | 720 / 700 ms | 1.00× |');
    big.runs['curl-seq'] = [{ ms: 600, cpuMs: 500, standInCpuMs: 700 }];
    // Now curl takes 600 ms: the bound is 850 ms, 1.42× the best curl time, past the 1.1× goal.
    expect(renderReport(r, evaluateGoals(r))).toContain('| 720 / 700 ms | 1.42× |');
    // Results from before the stand-in was measured render without the bound column.
    expect(renderReport(results(), evaluateGoals(results()))).not.toContain('hashing client bound');
  });

  it('reads the timing line bin/build prints with GITHUB_ASSETS_TIMING=1, and nothing else', () => {
    const output =
      'GitHub Assets 0.1.0\n  Done in 50 ms\ngithub-assets timing: {"runtime":21.5,"modules":80,"firstRequest":99.1,"done":150}\n';
    expect(parseStartupTiming(output)).toEqual({ runtime: 21.5, modules: 80, firstRequest: 99.1, done: 150 });
    expect(parseStartupTiming('github-assets timing: {"modules":80}\n')).toBeUndefined();
    expect(parseStartupTiming('no timing here')).toBeUndefined();
  });

  it('reports unmet goals with their reason and plan', () => {
    const r = results();
    r.detect[2]!.runs = [60, 60, 60];
    const report = renderReport(r, evaluateGoals(r));
    expect(report).toContain('| CPU | test cpu |');
    expect(report).not.toContain('huge pages');
    r.fileHugePagesMiB = { start: 0, end: 12 };
    expect(renderReport(r, evaluateGoals(r))).toContain('| file pages held as huge pages at start / end | 0 / 12 MiB — RSS includes');
    expect(report).toMatch(
      /\*\*4b\. detect with entries within 1\.5× of a bare runtime start\*\* — measured 2\.00× node -e 0\.\n {2}Reason: .+\n {2}Plan: /,
    );
    expect(report).toContain('| 16 × 1 MiB tar.gz | 400 ms (400–400) | 500 ms (500–500) | 300 ms (300–300) | 1.33× | 0.80× | 1.60× |');
  });
});

describe('shell baselines', () => {
  it('installs archives and raw files from local sources, in sequence and with xargs -P4', () => {
    const tool = join(dir, 'tool');
    writeBinaryLike(tool, 300_000);
    execFileSync('sh', [
      '-c',
      `mkdir -p "${dir}/t/tool-1.0/bin" && cp "${tool}" "${dir}/t/tool-1.0/bin/tool" && tar -C "${dir}/t" -czf "${dir}/tool.tar.gz" tool-1.0`,
    ]);
    for (const [format, source] of [
      ['tar.gz', join(dir, 'tool.tar.gz')],
      ['raw', tool],
    ] as const) {
      for (const parallel of [1, 4]) {
        const items = [1, 2, 3].map((i) => ({ source, dir: join(dir, `${format}-${parallel}-${i}`) }));
        const command = installCommand(items, { format, via: 'copy', parallel, scratch: dir });
        const run = spawnSync(command.cmd, command.args, { encoding: 'utf8' });
        expect(run.status, run.stderr).toBe(0);
        for (const item of items) {
          const installed = join(item.dir, 'bin', 'tool');
          expect(readFileSync(installed).equals(readFileSync(tool))).toBe(true);
          expect(statSync(installed).mode & 0o111).not.toBe(0);
        }
      }
    }
  });

  it('fails when a source is missing, so a broken baseline is never timed', () => {
    const command = installCommand([{ source: join(dir, 'nope'), dir: join(dir, 'out') }], {
      format: 'raw',
      via: 'copy',
      parallel: 1,
      scratch: dir,
    });
    expect(spawnSync(command.cmd, command.args).status).not.toBe(0);
  });
});

describe('generated assets', () => {
  it('start with an ELF header and compress about 2:1, like binaries', () => {
    const file = join(dir, 'bin');
    writeBinaryLike(file, 2 * 1024 * 1024 + 123);
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(2 * 1024 * 1024 + 123);
    expect([...bytes.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    const ratio = bytes.length / gzipSync(bytes).length;
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.4);
  });
});
