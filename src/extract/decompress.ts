// Opens a downloaded file as a stream of decompressed bytes. gzip and zstd come from node:zlib
// (native, in the runtime), xz from xz-decompress (xz-embedded compiled to WASM), bzip2 from
// unbzip2-stream's block decoder (pure JS, see bzip2.ts). It does not interpret the content.

import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import xz from 'xz-decompress';
import { BuildpackError } from '../errors.js';
import { bunzip2File } from './bzip2.js';
import type { Compression } from './format.js';
import { corruptArchive, unsupportedFormat } from '../errors/catalog.js';

const noop = () => {};

export function openDecompressed(file: string, compression: Compression | 'none'): Readable {
  switch (compression) {
    case 'none':
      return createReadStream(file);
    case 'gzip':
      return pipeline(createReadStream(file), createGunzip(), noop);
    case 'zstd':
      return pipeline(createReadStream(file), createZstdDecompress(), noop);
    case 'xz': {
      const input = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
      return Readable.fromWeb(new xz.XzReadableStream(input) as unknown as WebReadableStream<Uint8Array>);
    }
    case 'bzip2':
      return Readable.from(bunzip2File(file), { objectMode: false });
  }
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
    return unsupportedFormat(`${what} is ${xzError.text}`, {
      hint: 'pick another asset of the release (e.g. the .tar.gz), or ask the publisher to use default xz settings',
      cause: err,
    });
  }
  if (xzError) detail = xzError.text;
  return corruptArchive(`${what} is corrupt or truncated (${detail}); nothing was installed`, {
    hint: 'download it again; if it keeps failing, the release asset itself is broken: pick another asset or release',
    cause: err,
  });
}
