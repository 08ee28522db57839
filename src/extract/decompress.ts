// Turns a downloaded file, or the download as it arrives, into a stream of decompressed bytes. gzip and zstd come from node:zlib
// (native, in the runtime), xz from xz-decompress (xz-embedded compiled to WASM), bzip2 from
// unbzip2-stream's block decoder (pure JS, see bzip2.ts). It does not interpret the content.
// xz and bzip2 are loaded only when an asset needs them (util/lazy.ts).

import { createReadStream } from 'node:fs';
import { Readable, pipeline, type Transform, type TransformCallback } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { BuildpackError } from '../errors.js';
import { lazy } from '../util/lazy.js';
import { releaseHandedOver } from '../util/release.js';
import type { Compression } from './format.js';
import { corruptArchive, xzUnsupported } from '../errors/catalog.js';

const noop = () => {};
const loadXz = lazy(() => import('xz-decompress'));
const loadBzip2 = lazy(() => import('./bzip2.js'));

/**
 * Read and decompressed chunk sizes. The defaults (64 KiB reads, 16 KiB zlib output) cut a
 * 200 MiB archive into ~14,000 chunks, each a parser step and a write round trip to the
 * thread pool; with 128 KiB output chunks a 200 MiB tar.gz installs with ~30% less CPU and the
 * same peak RSS (1 MiB reads and 256 KiB output saved no more CPU and cost ~10 MiB of RSS).
 */
export const READ_CHUNK = 256 * 1024;
export const OUTPUT_CHUNK = 128 * 1024;

export function openDecompressed(file: string, compression: Compression | 'none'): Readable {
  if (compression === 'bzip2') return Readable.from(bzip2Chunks(file), { objectMode: false });
  return decompressStream(createReadStream(file, { highWaterMark: READ_CHUNK }), compression);
}

/** The decompressed bytes of a stream (the download as it arrives); bzip2 reads a file (openDecompressed). */
export function decompressStream(input: Readable, compression: Exclude<Compression, 'bzip2'> | 'none'): Readable {
  switch (compression) {
    case 'none':
      return input;
    case 'gzip':
      return pipeline(input, releasingInput(createGunzip({ chunkSize: OUTPUT_CHUNK })), noop);
    case 'zstd':
      return pipeline(input, releasingInput(createZstdDecompress({ chunkSize: OUTPUT_CHUNK })), noop);
    case 'xz': {
      const output = Readable.from(xzChunks(input), { objectMode: false });
      // Also when the output is destroyed before the decoder ever started.
      output.once('close', () => input.destroy());
      return output;
    }
  }
}

/**
 * Releases each input chunk handed over to the decoder (the download's 128 KiB batches, see
 * util/release.ts) once the decoder has consumed it: a Transform calls back for a chunk when it
 * is processed, and node:zlib's decoders call back only after their thread-pool work on it is
 * done. Measured, 500 MiB .tar.gz build: peak RSS ~83.4 -> ~81 MiB, arrayBuffers lower.
 */
function releasingInput<T extends Transform>(decoder: T): T {
  const transform = decoder._transform.bind(decoder);
  decoder._transform = (chunk: Buffer, encoding: BufferEncoding, done: TransformCallback) =>
    transform(chunk, encoding, (err, data) => {
      if (!err) releaseHandedOver(chunk);
      done(err, data);
    });
  return decoder;
}

/** Destroying the returned stream ends the generator, which destroys the decoder and the input. */
async function* xzChunks(input: Readable): AsyncGenerator<Uint8Array> {
  const xz = (await loadXz()).default;
  const web = Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>;
  yield* Readable.fromWeb(new xz.XzReadableStream(web) as unknown as WebReadableStream<Uint8Array>) as AsyncIterable<Uint8Array>;
}

async function* bzip2Chunks(file: string): AsyncGenerator<Uint8Array> {
  const { bunzip2File } = await loadBzip2();
  yield* bunzip2File(file);
}

/** xz-embedded's return codes (xz.h), as xz-decompress reports them. */
const xzErrors: Record<string, { unsupported: boolean; text: string }> = {
  '3': { unsupported: false, text: 'xz: out of memory' },
  '4': { unsupported: true, text: 'an xz file whose dictionary is larger than the decoder allows (made with a custom --lzma2=dict=)' },
  '5': { unsupported: false, text: 'xz: not in xz format' },
  '6': { unsupported: true, text: 'an xz file with options the decoder does not support (e.g. a SHA-256 integrity check: --check=sha256)' },
  '7': { unsupported: false, text: 'xz: compressed data is corrupt' },
  '8': { unsupported: false, text: 'xz: unexpected end of input' },
};

/** Maps a decoder's failure to "corrupt or truncated" (or unsupported xz options); our own errors pass through. */
export function decoderFailure(err: unknown, what: string): BuildpackError {
  if (err instanceof BuildpackError) return err;
  let detail = err instanceof Error ? err.message : String(err);
  const xzCode = /get_next_output failed with error code (\d+)/.exec(detail)?.[1];
  const xzError = xzCode === undefined ? undefined : xzErrors[xzCode];
  if (xzError?.unsupported) {
    return xzUnsupported(what, xzError.text, err);
  }
  if (xzError) detail = xzError.text;
  return corruptArchive(what, detail, err);
}
