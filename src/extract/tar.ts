// Reads a tar stream with node-tar's Parser (strict: any malformed header is an error) and hands
// each entry, in order, to the LayerWriter. It never writes to disk itself and never lets
// node-tar unpack: node-tar only parses headers, pax records and long names.

import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { ReadEntry } from 'tar';
import { lazy } from '../util/lazy.js';
import type { EntryInfo, LayerWriter } from './writer.js';
import { archiveTooLarge, tarTruncated } from '../errors/catalog.js';

/** node-tar's parser alone (not its packer or unpacker), loaded when the first tar archive is read. */
const loadParser = lazy(() => import('tar/parse'));

const fileTypes = new Set(['File', 'OldFile', 'ContiguousFile']);
const directoryTypes = new Set(['Directory', 'GNUDumpDir']);

function describe(entry: ReadEntry): EntryInfo {
  const base = { path: entry.path, typeName: entry.type, mode: entry.mode };
  if (fileTypes.has(entry.type)) return { ...base, kind: 'file' };
  if (directoryTypes.has(entry.type)) return { ...base, kind: 'directory' };
  if (entry.type === 'SymbolicLink') return { ...base, kind: 'symlink', linkTarget: entry.linkpath ?? '' };
  if (entry.type === 'Link') return { ...base, kind: 'hardlink', linkTarget: entry.linkpath ?? '' };
  return { ...base, kind: 'other' };
}

/**
 * Tar headers and padding add to the content; the decompressed stream may exceed the content
 * limit by this much before it counts as a bomb (a bomb hidden in entries we skip, or in
 * padding, is stopped by this check rather than by the bytes we write).
 */
function streamAllowance(maxBytes: number, maxEntries: number): number {
  return maxBytes + maxEntries * 1536 + 1024 * 1024;
}

/**
 * Settles like `promise`, or rejects as soon as the extraction fails. Unlike Promise.race with a
 * long-lived promise, it leaves no reaction behind (those would pin every chunk in memory).
 */
function unlessFailed<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** An entry's content that stops with the extraction's failure instead of waiting for data that will never come. */
async function* untilFailure(entry: ReadEntry, signal: AbortSignal): AsyncGenerator<Buffer> {
  const chunks = entry[Symbol.asyncIterator]();
  while (true) {
    const next = await unlessFailed(chunks.next(), signal);
    if (next.done) return;
    yield next.value;
  }
}

export async function extractTar(source: Readable, writer: LayerWriter, limits: { maxBytes: number; maxEntries: number }): Promise<void> {
  const { Parser } = await loadParser();
  const parser = new Parser({ strict: true, brotli: false, zstd: false });
  let failure: unknown;
  const aborter = new AbortController();
  const signal = aborter.signal;
  const fail = (err: unknown) => {
    if (failure !== undefined) return;
    failure = err;
    aborter.abort(err);
  };
  let sawEndMarker = false;
  parser.on('nullBlock', () => (sawEndMarker = true));
  parser.on('eof', () => (sawEndMarker = true));
  parser.on('error', (err: unknown) => fail(err));
  parser.on('warn', (code: string, message: string) => fail(new Error(`${code}: ${message}`)));

  // Entries arrive while the parser is fed; each is written only after the previous one is
  // done. An entry that waits buffers at most one chunk, and the parser's backpressure
  // (write() returning false until that entry drains) stops us from reading further.
  let queue: Promise<void> = Promise.resolve();
  parser.on('entry', (entry: ReadEntry) => {
    queue = queue.then(async () => {
      if (failure !== undefined) {
        entry.resume();
        return;
      }
      try {
        await writer.add(describe(entry), async () => untilFailure(entry, signal));
      } catch (err) {
        fail(err);
      } finally {
        entry.resume();
      }
    });
  });

  const ended = once(parser, 'end');
  ended.catch(() => {});
  const allowance = streamAllowance(limits.maxBytes, limits.maxEntries);
  let streamed = 0;
  try {
    for await (const chunk of source) {
      if (failure !== undefined) break;
      streamed += chunk.length;
      if (streamed > allowance) fail(archiveTooLarge({ kind: 'stream-bytes', max: allowance }));
      if (!parser.write(chunk)) await once(parser, 'drain', { signal });
    }
    if (failure === undefined) {
      parser.end();
      await unlessFailed(ended, signal);
      await unlessFailed(queue, signal);
    }
  } catch (err) {
    fail(err);
  } finally {
    source.destroy();
  }
  if (failure !== undefined) {
    // The entry being written sees the failure too (untilFailure) and closes its file; wait
    // for that so the caller can remove what was written.
    await queue;
    throw failure;
  }
  if (!sawEndMarker) {
    throw tarTruncated();
  }
}
