// Progress lines for long downloads: one calm line every interval (size, percent, rate), only
// for downloads that outlast the interval, so CI logs stay readable. Plain lines through the
// Logger; no carriage-return animation. It does not download or decide anything.

import { formatBytes } from '../util/format.js';
import type { Logger } from '../log.js';

export interface ProgressTracker {
  /** Bytes written so far (absolute; may go back to 0 when a download restarts). */
  update(bytes: number): void;
  done(): void;
}

export interface Progress {
  start(name: string, totalBytes?: number): ProgressTracker;
}

export interface ProgressOptions {
  /** Milliseconds between lines (GITHUB_ASSETS_PROGRESS_INTERVAL). */
  intervalMs: number;
  now?: () => number;
  /** Runs `tick` every `ms` until the returned function is called (injectable for tests). */
  every?: (ms: number, tick: () => void) => () => void;
}

const realEvery = (ms: number, tick: () => void): (() => void) => {
  const timer = setInterval(tick, ms);
  timer.unref(); // a forgotten tracker must not keep the build alive
  return () => clearInterval(timer);
};

export function createProgress(log: Logger, options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const every = options.every ?? realEvery;
  return {
    start(name, totalBytes) {
      let bytes = 0;
      let last = { at: now(), bytes: 0 };
      const stop = every(options.intervalMs, () => {
        const at = now();
        const rate = at > last.at ? (Math.max(0, bytes - last.bytes) * 1000) / (at - last.at) : 0;
        last = { at, bytes };
        log.detail(progressLine(name, bytes, totalBytes, rate));
      });
      return {
        update(value) {
          if (value < bytes) last = { at: now(), bytes: value };
          bytes = value;
        },
        done: stop,
      };
    },
  };
}

/** `Downloading tool.tar.gz: 48 MiB of 500 MiB (9%), 95 MiB/s`. */
export function progressLine(name: string, bytes: number, totalBytes: number | undefined, bytesPerSecond: number): string {
  const of =
    totalBytes !== undefined && totalBytes > 0 ? ` of ${formatBytes(totalBytes)} (${Math.floor((bytes / totalBytes) * 100)}%)` : '';
  return `Downloading ${name}: ${formatBytes(bytes)}${of}, ${formatBytes(Math.round(bytesPerSecond))}/s`;
}
