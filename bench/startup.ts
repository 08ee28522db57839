// The start-up breakdown of one bin/build: the bench sets GITHUB_ASSETS_TIMING=1 and bin/build
// prints one line at exit (src/net/timing.ts) with milliseconds since its process started. Parsing
// and the phase list only; bench/run.ts collects, bench/report.ts renders.

import { TIMING_ENV, TIMING_PREFIX, type StartupTiming } from '../src/net/timing.ts';

export type { StartupTiming };
/** The variable that turns the timing line on, and the line's prefix: owned by src/net/timing.ts. */
export const STARTUP_ENV = TIMING_ENV;
const PREFIX = TIMING_PREFIX;

/** Phases in order, with what each one ends. */
export const STARTUP_PHASES: { key: keyof StartupTiming; label: string }[] = [
  { key: 'runtime', label: 'runtime booted (before any of our code)' },
  { key: 'modules', label: 'bundle loaded (compiled, linked, top level run)' },
  { key: 'firstRequest', label: 'first request sent (the release lookup, or an early asset GET)' },
  { key: 'firstAnswer', label: 'first answer (headers)' },
  { key: 'firstByte', label: 'first asset byte' },
  { key: 'done', label: 'done (process exit)' },
];

export function parseStartupTiming(output: string): StartupTiming | undefined {
  const line = output.split('\n').find((l) => l.startsWith(PREFIX));
  if (!line) return undefined;
  const value = JSON.parse(line.slice(PREFIX.length)) as Record<string, unknown>;
  const timing: Partial<StartupTiming> = {};
  for (const key of [...STARTUP_PHASES.map((p) => p.key), 'cpu'] as const)
    if (typeof value[key] === 'number' && Number.isFinite(value[key])) timing[key] = value[key];
  return timing.runtime !== undefined && timing.modules !== undefined ? (timing as StartupTiming) : undefined;
}
