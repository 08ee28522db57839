// Frees a body chunk's memory as soon as its last reader is done with it, instead of at V8's next
// scavenge, and carries that duty from a chunk's producer to its one reader (handOver). It decides
// nothing about who may still read a chunk: callers release only chunks they alone hold, after
// every read (hash, file write, copy, decompression) has finished.

/**
 * Releases the memory behind `chunk` now by detaching its ArrayBuffer; afterwards the chunk is
 * empty. Only a chunk that spans its whole buffer (a socket read of its own) is released: a slice
 * of a larger buffer, Node's shared Buffer pool included, may have other readers, and is left to
 * the garbage collector. Returns whether the memory was released.
 *
 * Why (bin/build, 500 MiB raw asset): every 64 KiB socket read is a buffer of its own outside the
 * JS heap, freed only when a scavenge finds it dead. With few JS allocations per chunk a scavenge
 * came every ~13 MiB of body, so ~20 MiB of spent chunks stayed resident (peak RSS 91 MiB against
 * 66 MiB for a 1 MiB asset). Released after their write, a freed chunk's memory is the next read's.
 */
export function releaseChunk(chunk: Uint8Array): boolean {
  const buffer = chunk.buffer;
  if (!(buffer instanceof ArrayBuffer) || buffer.detached || buffer.byteLength === 0) return false;
  if (chunk.byteOffset !== 0 || chunk.byteLength !== buffer.byteLength) return false;
  try {
    buffer.transfer(0);
    return true;
  } catch {
    return false; // a buffer that cannot be detached (WebAssembly memory): the collector frees it
  }
}

/** Chunks whose producer holds them no more: their one reader releases them once it is done. */
const handedOver = new WeakSet<Uint8Array>();

/**
 * Marks `chunk`, a buffer of its own that its producer made and no longer holds or reads, as its
 * reader's to release (releaseHandedOver). A reader that does not release it leaves it to the collector.
 */
export function handOver(chunk: Uint8Array): void {
  handedOver.add(chunk);
}

/** Releases `chunk` if its producer handed it over; call when nothing will read it any more. */
export function releaseHandedOver(chunk: Uint8Array): void {
  if (handedOver.delete(chunk)) releaseChunk(chunk);
}
