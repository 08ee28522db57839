// The streamed decoders (gzip, zstd) release the download's batches handed over to them
// (util/release.ts) once they have consumed them, and never an input chunk that was not handed over.

import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressStream } from '../../src/extract/decompress.js';
import { handOver } from '../../src/util/release.js';

const detached = (chunk: Uint8Array) => (chunk.buffer as ArrayBuffer).detached;

/** `data` cut into buffers of their own, every other one handed over. */
function chunksOf(data: Buffer, size: number): { chunks: Buffer[]; handed: Set<Buffer> } {
  const chunks: Buffer[] = [];
  const handed = new Set<Buffer>();
  for (let at = 0; at < data.length; at += size) {
    const chunk = Buffer.allocUnsafeSlow(Math.min(size, data.length - at));
    data.copy(chunk, 0, at, at + chunk.length);
    if (chunks.length % 2 === 0) {
      handOver(chunk);
      handed.add(chunk);
    }
    chunks.push(chunk);
  }
  return { chunks, handed };
}

describe.each([
  ['gzip', gzipSync],
  ['zstd', zstdCompressSync],
] as const)('%s decoder', (compression, compress) => {
  it('decompresses every byte and releases exactly the handed-over input it consumed', async () => {
    const content = Buffer.concat([randomBytes(300_000), Buffer.alloc(700_000, 'a')]);
    const { chunks, handed } = chunksOf(compress(content), 16 * 1024);
    const output: Buffer[] = [];
    for await (const part of decompressStream(Readable.from(chunks, { objectMode: false }), compression)) output.push(part);
    expect(Buffer.concat(output).equals(content)).toBe(true);
    const indices = (pick: (chunk: Buffer) => boolean) => chunks.flatMap((chunk, i) => (pick(chunk) ? [i] : []));
    expect(indices(detached)).toEqual(indices((chunk) => handed.has(chunk)));
    expect(handed.size).toBeGreaterThan(1);
  });
});
