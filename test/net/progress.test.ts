// Progress lines: nothing for a download shorter than the interval; one plain line per
// interval with size, percent and the rate over that interval; silent once done.

import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/log.js';
import { createProgress, progressLine } from '../../src/net/progress.js';

const MiB = 1024 * 1024;

function manualClock() {
  let now = 0;
  let ticks: Array<() => void> = [];
  return {
    now: () => now,
    every: (_ms: number, tick: () => void) => {
      ticks.push(tick);
      return () => {
        ticks = ticks.filter((t) => t !== tick);
      };
    },
    advance(ms: number) {
      now += ms;
      for (const t of ticks) t();
    },
  };
}

describe('progress', () => {
  it('prints size, percent and rate each interval, and stops when done', () => {
    const log = memoryLogger();
    const clock = manualClock();
    const progress = createProgress(log, { intervalMs: 5000, now: clock.now, every: clock.every });
    const tracker = progress.start('tool.tar.gz', 500 * MiB);
    tracker.update(48 * MiB);
    clock.advance(5000);
    tracker.update(148 * MiB);
    clock.advance(5000);
    tracker.done();
    clock.advance(5000);
    expect(log.lines).toEqual([
      '    Downloading tool.tar.gz: 48 MiB of 500 MiB (9%), 9.6 MiB/s',
      '    Downloading tool.tar.gz: 148 MiB of 500 MiB (29%), 20 MiB/s',
    ]);
  });

  it('a download done before the first interval prints nothing', () => {
    const log = memoryLogger();
    const clock = manualClock();
    const tracker = createProgress(log, { intervalMs: 5000, now: clock.now, every: clock.every }).start('small', 10);
    tracker.update(10);
    tracker.done();
    clock.advance(5000);
    expect(log.lines).toEqual([]);
  });

  it('without a known size: bytes and rate only; plain lines, no carriage returns', () => {
    expect(progressLine('x.zip', 3 * MiB, undefined, 1.5 * MiB)).toBe('Downloading x.zip: 3.0 MiB, 1.5 MiB/s');
    expect(progressLine('x.zip', 3 * MiB, 0, 0)).not.toMatch(/\r/);
  });
});
