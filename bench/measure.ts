// Timing and memory measurement of child processes, and the statistics the report prints.
// Wall time is taken in this process around spawn-to-exit; peak memory and CPU time come from
// GNU time (the kernel's rusage of the measured process and every descendant it waited for).

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

export const GNU_TIME = '/usr/bin/time';
/** Peak RSS (KiB), user and system CPU seconds. */
export const GNU_TIME_FORMAT = '%M %U %S';

export interface RunResult {
  ms: number;
  code: number;
  output: string;
  /** Peak resident set size in KiB, when measured with GNU time. */
  maxRssKiB?: number;
  /** User + system CPU milliseconds, when measured with GNU time. */
  cpuMs?: number;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stats(values: number[]): Stats {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

export function requireGnuTime(): void {
  if (!existsSync(GNU_TIME)) {
    throw new Error(`${GNU_TIME} (GNU time) is needed to measure peak memory: apt-get install time`);
  }
}

/** Runs a command to completion, timing it; with `rssFile`, wraps it in GNU time writing its rusage there. */
export function runTimed(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; rssFile?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const [file, argv] = opts.rssFile ? [GNU_TIME, ['-f', GNU_TIME_FORMAT, '-o', opts.rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      const result: RunResult = { ms, code: code ?? (signal ? 128 : -1), output };
      if (opts.rssFile) {
        Object.assign(result, readUsageFile(opts.rssFile));
        rmSync(opts.rssFile, { force: true });
      }
      resolve(result);
    });
  });
}

/** GNU time's -o file: the usage is the last line (a "Command exited with non-zero status" line may precede it). */
export function readUsageFile(path: string): { maxRssKiB?: number; cpuMs?: number } {
  if (!existsSync(path)) return {};
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const [rss, user, system] = lines[lines.length - 1]!.split(' ').map(Number);
  const usage: { maxRssKiB?: number; cpuMs?: number } = {};
  if (Number.isFinite(rss)) usage.maxRssKiB = rss!;
  if (Number.isFinite(user) && Number.isFinite(system)) usage.cpuMs = Math.round((user! + system!) * 1000);
  return usage;
}

/** Milliseconds of an async function. */
export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}
