// Describes the machine a benchmark ran on (CPU, cores, memory, kernel, runtime, tools), so
// results can be read against it. Reads /proc and runs version commands; changes nothing.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  curl: string;
  tar: string;
  gzip: string;
}

function firstLine(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]!
      .trim();
  } catch {
    return 'unavailable';
  }
}

export function describeMachine(): Machine {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: keep "unknown"
  }
  return {
    cpu,
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `Linux ${release()}`,
    node: process.version,
    curl: firstLine('curl', ['--version']).split(' ').slice(0, 2).join(' '),
    tar: firstLine('tar', ['--version']),
    gzip: firstLine('gzip', ['--version']),
  };
}

/** The 1-minute load average: other work on the machine makes every number noisier. */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

export function toolVersion(path: string): string {
  return firstLine(path, ['--version']);
}

/**
 * MiB of file pages the kernel holds as transparent huge pages (/proc/meminfo FileHugePages). Once
 * khugepaged has collapsed node's executable text, every node process's RSS includes all of it
 * (`node -e 0`: ~77 MiB instead of ~41 MiB, measured), so peak-memory rows read ~35 MiB higher.
 */
export function fileHugePagesMiB(): number {
  try {
    const kiB = /^FileHugePages:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
    return kiB === undefined ? NaN : Math.round(Number(kiB) / 1024);
  } catch {
    return NaN;
  }
}
