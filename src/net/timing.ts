// Start-up timing for the benchmark (GITHUB_ASSETS_TIMING=1): when the runtime finished
// booting, when the bundle was loaded, the first HTTP request, answer and asset byte (from
// undici's diagnostics channels), and the exit; one line on stderr at exit. Off by default
// and loaded only when asked for, so a normal build pays nothing. It never changes a request.

import { subscribe, unsubscribe } from 'node:diagnostics_channel';

export const TIMING_ENV = 'GITHUB_ASSETS_TIMING';
/** The stderr line's prefix; the rest of the line is JSON of `StartupTiming`. */
export const TIMING_PREFIX = 'github-assets timing: ';

/** Milliseconds since the process started (performance.timeOrigin). */
export interface StartupTiming {
  /** The runtime finished bootstrapping (before any of our code was read). */
  runtime: number;
  /** Every statically imported module of the entry point compiled and evaluated. */
  modules: number;
  firstRequest?: number;
  firstAnswer?: number;
  /** First body chunk of a successful non-JSON answer: an asset (or checksums file) arriving. */
  firstByte?: number;
  done?: number;
  /** User + system CPU milliseconds of the whole process at exit (all threads): steadier than wall time on a busy machine. */
  cpu?: number;
}

interface RequestMessage {
  request: object;
}
interface HeadersMessage extends RequestMessage {
  response: { statusCode: number; headers: (Buffer | string)[] };
}

function contentType(headers: (Buffer | string)[]): string {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (String(headers[i]).toLowerCase() === 'content-type') return String(headers[i + 1]).toLowerCase();
  }
  return '';
}

/** Starts recording; `modulesLoaded` is performance.now() at the top of the entry point's body. */
export function recordStartup(modulesLoaded: number, write: (line: string) => void = (line) => process.stderr.write(line)): StartupTiming {
  const timing: StartupTiming = { runtime: performance.nodeTiming.bootstrapComplete, modules: modulesLoaded };
  const assets = new WeakSet<object>();
  const onCreate = () => {
    timing.firstRequest ??= performance.now();
    unsubscribe('undici:request:create', onCreate);
  };
  const onHeaders = (message: unknown) => {
    const { request, response } = message as HeadersMessage;
    timing.firstAnswer ??= performance.now();
    if (response.statusCode >= 200 && response.statusCode < 300 && !contentType(response.headers).includes('json')) assets.add(request);
  };
  const onChunk = (message: unknown) => {
    if (!assets.has((message as RequestMessage).request)) return;
    timing.firstByte = performance.now();
    unsubscribe('undici:request:headers', onHeaders);
    unsubscribe('undici:request:bodyChunkReceived', onChunk);
  };
  subscribe('undici:request:create', onCreate);
  subscribe('undici:request:headers', onHeaders);
  subscribe('undici:request:bodyChunkReceived', onChunk);
  process.once('exit', () => {
    timing.done = performance.now();
    const cpu = process.cpuUsage();
    timing.cpu = (cpu.user + cpu.system) / 1000;
    const rounded = Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, Math.round(v * 10) / 10]));
    write(`${TIMING_PREFIX}${JSON.stringify(rounded)}\n`);
  });
  return timing;
}
