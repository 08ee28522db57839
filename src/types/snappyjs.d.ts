// Types for snappyjs (raw Snappy block format), which ships none: only what github/client.ts (and the fake GitHub) use.
declare module 'snappyjs' {
  /** Throws when the data is not valid Snappy or would uncompress to more than maxLength bytes. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
  const snappy: { uncompress: typeof uncompress; compress: typeof compress };
  export default snappy;
}
