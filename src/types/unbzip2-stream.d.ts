// Types for the two internal modules of unbzip2-stream that src/extract/bzip2.ts drives
// directly (the package ships no types for them).

declare module 'unbzip2-stream/lib/bit_iterator.js' {
  export interface BitReader {
    (n: number | null): number;
    bytesRead: number;
  }
  const bitIterator: (nextBuffer: () => Uint8Array) => BitReader;
  export default bitIterator;
}

declare module 'unbzip2-stream/lib/bzip2.js' {
  import type { BitReader } from 'unbzip2-stream/lib/bit_iterator.js';
  const bzip2: {
    /** Reads "BZh<level>"; returns the block size level 1..9. */
    header(bits: BitReader): number;
    /** Decodes one block, calling `write` per byte; returns the running stream CRC, or null at the end of the stream. */
    decompress(bits: BitReader, write: (byte: number) => void, buf: Int32Array, bufsize: number, streamCRC: number): number | null;
  };
  export default bzip2;
}
