// bzip2 decompression of a file, one block at a time, as an async iterable of chunks. It drives
// the block decoder of unbzip2-stream directly because that package's own stream wrapper decodes
// every buffered block in one synchronous loop, so a small bomb could fill memory before any
// limit is checked. Decoding stops between blocks whenever the consumer stops pulling.
// Memory: one block's output is held at once (900 kB for typical data; up to ~46 MB for a block
// of long runs, e.g. zeros), so the peak depends on the block, never on the file's size.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import bitIterator from 'unbzip2-stream/lib/bit_iterator.js';
import bzip2 from 'unbzip2-stream/lib/bzip2.js';

const READ_SIZE = 64 * 1024;
const OUT_CHUNK = 64 * 1024;

export class TruncatedInputError extends Error {
  constructor() {
    super('unexpected end of input');
    this.name = 'TruncatedInputError';
  }
}

/** Collects the decoder's bytes into fixed-size buffers. */
class ByteSink {
  private current = Buffer.allocUnsafe(OUT_CHUNK);
  private used = 0;
  full: Buffer[] = [];

  readonly write = (byte: number) => {
    this.current[this.used++] = byte;
    if (this.used === OUT_CHUNK) {
      this.full.push(this.current);
      this.current = Buffer.allocUnsafe(OUT_CHUNK);
      this.used = 0;
    }
  };

  take(): Buffer[] {
    const out = this.full;
    if (this.used > 0) out.push(Buffer.from(this.current.subarray(0, this.used)));
    this.full = [];
    this.used = 0;
    return out;
  }
}

export async function* bunzip2File(file: string): AsyncGenerator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let offset = 0;
    // The input is a file on disk, so synchronous reads of 64 KiB are cheap and keep the
    // decoder's pull interface simple.
    const nextBuffer = () => {
      if (offset >= size) throw new TruncatedInputError();
      const buffer = Buffer.allocUnsafe(Math.min(READ_SIZE, size - offset));
      const read = readSync(fd, buffer, 0, buffer.length, offset);
      if (read <= 0) throw new TruncatedInputError();
      offset += read;
      return buffer.subarray(0, read);
    };
    const bits = bitIterator(nextBuffer);
    const sink = new ByteSink();
    // A file can hold several concatenated bzip2 streams (pbzip2 writes them).
    do {
      const level = bzip2.header(bits);
      const bufsize = 100_000 * level;
      const work = new Int32Array(bufsize);
      let streamCRC: number | null = 0;
      while (streamCRC !== null) {
        streamCRC = bzip2.decompress(bits, sink.write, work, bufsize, streamCRC);
        for (const chunk of sink.take()) yield chunk;
      }
    } while (bits.bytesRead < size);
  } finally {
    closeSync(fd);
  }
}
