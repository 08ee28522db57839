// The asset's bytes as the download delivers them, for an extraction that runs alongside it:
// a small bounded queue (the download waits while it is full), started over as a new pass when
// the download starts again from byte zero, and a signal once the whole file is downloaded and
// verified. It holds no policy: it neither verifies nor extracts nor touches a layer.

import type { BodySink } from '../net/download.js';
import { handOver, releaseChunk } from '../util/release.js';

/**
 * Bytes queued between the download and the extraction before the download waits. Small: with
 * bin/build's 1 MiB young generation, chunks that wait longer are promoted to the old generation.
 * Measured with 4 × 50 MiB .tar.gz at once: a 1 MiB queue peaked at 135-154 MiB RSS and used
 * ~20% more CPU; 256 KiB peaked at 107-112 MiB (the download-then-extract build: 101 MiB).
 */
const QUEUE_BYTES = 256 * 1024;
/**
 * What the reader is handed at once: two 64 KiB network chunks joined, so a decompressor takes
 * fewer, larger steps (each a round trip through the thread pool). Handing on the chunks as they
 * are peaked at 139-144 MiB in the same measurement.
 */
const READ_BYTES = 128 * 1024;

/** How one pass over the bytes ended, as far as the download is concerned. */
export type PassEnd = 'ended' | 'restarted' | 'failed';

/** The pass was abandoned because the download starts over from byte zero. */
class RestartedError extends Error {
  constructor() {
    super('the download started again from the beginning');
    this.name = 'RestartedError';
  }
}

/** One pass over the body from byte zero: an async iterable of its chunks, in order, read once. */
export class IncomingPass implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  /** For each chunk of `queue`: whether this pass alone reads it, so it may release it once copied. */
  private readonly ownQueue: boolean[] = [];
  private queued = 0;
  private state: 'open' | PassEnd = 'open';
  private error: unknown;
  /** The reader stopped reading: later bytes are dropped, so the download never waits for it. */
  private dropping = false;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;
  private settle!: (end: PassEnd) => void;
  /** How the download ended this pass: its end, a restart from zero, or a failure. */
  readonly end: Promise<PassEnd> = new Promise((resolve) => (this.settle = resolve));

  /**
   * The download's side: the next bytes; a returned promise waits for room. `own`: nothing but
   * this pass reads the chunk (the download does not write it to its file), so the pass releases
   * it once it is copied into a batch for the reader.
   */
  push(chunk: Buffer, own = false): Promise<void> | undefined {
    if (!this.keeping) return undefined;
    this.queue.push(chunk);
    this.ownQueue.push(own);
    this.queued += chunk.length;
    if (this.queued >= READ_BYTES) this.wake('reader');
    if (this.queued < QUEUE_BYTES) return undefined;
    return new Promise((resolve) => (this.wakeWriter = resolve));
  }

  /** Whether push() keeps what it is given (the reader still reads this pass). */
  get keeping(): boolean {
    return !this.dropping && this.state === 'open';
  }

  /** The download's side: no more bytes in this pass. */
  finish(end: PassEnd, error?: unknown): void {
    // A failure after the last byte (a check that found a mismatch) still stops a reader that is behind.
    if (this.state !== 'open' && !(end === 'failed' && this.state === 'ended')) return;
    this.state = end;
    this.error = error;
    if (end !== 'ended') this.drop();
    this.wake('reader');
    this.wake('writer');
    this.settle(end);
  }

  /** The reader is done with this pass (finished or failed): drop what is queued and what comes. */
  stopReading(): void {
    this.dropping = true;
    this.drop();
    this.wake('writer');
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        // Network chunks (64 KiB) are handed on in batches: every chunk a decompressor gets costs a
        // round trip through the thread pool and the main thread.
        if (this.queued >= READ_BYTES || (this.queued > 0 && this.state !== 'open')) {
          yield this.take();
          continue;
        }
        if (this.state === 'ended') return;
        if (this.state === 'restarted') throw new RestartedError();
        if (this.state === 'failed') throw this.error;
        await new Promise<void>((resolve) => (this.wakeReader = resolve));
      }
    } finally {
      // Whatever ended the reading (the end, an error, the consumer breaking off) ends it for good.
      this.stopReading();
    }
  }

  /** Up to READ_BYTES of the queue, as one buffer. */
  private take(): Buffer {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && (count === 0 || bytes + this.queue[count]!.length <= READ_BYTES)) {
      bytes += this.queue[count]!.length;
      count++;
    }
    const taken = this.queue.splice(0, count);
    const own = this.ownQueue.splice(0, count);
    this.queued -= bytes;
    if (this.queued < QUEUE_BYTES / 2) this.wake('writer');
    if (taken.length === 1) return taken[0]!;
    const batch = Buffer.concat(taken, bytes);
    // The network chunks are copied into the batch: free them now rather than at the next
    // scavenge (500 MiB .tar.gz: ~2 MiB less peak RSS; see util/release.ts).
    for (let i = 0; i < taken.length; i++) if (own[i]) releaseChunk(taken[i]!);
    // The batch is a copy only its reader holds: a decompressor releases it once it has read it.
    handOver(batch);
    return batch;
  }

  private drop(): void {
    this.queue.length = 0;
    this.ownQueue.length = 0;
    this.queued = 0;
  }

  private wake(side: 'reader' | 'writer'): void {
    const wake = side === 'reader' ? this.wakeReader : this.wakeWriter;
    if (side === 'reader') this.wakeReader = undefined;
    else this.wakeWriter = undefined;
    wake?.();
  }
}

/**
 * The download's sink and the extraction's source for one asset. The caller (the entry's
 * install) ends it: end() when the last byte arrived, verified() once every check passed,
 * fail() otherwise. The extraction attaches, reads passes, and may wait for `verifiedFile`.
 */
export class IncomingAsset implements BodySink {
  private pass = new IncomingPass();
  /** Bytes fed to the current pass (a restart before the first byte needs no new pass). */
  private fed = 0;
  private nextOpened: (() => void) | undefined;
  private opened = false;
  /** The extraction waits for the verified file: no pass is read any more. */
  private detached = false;
  /** The current pass is extracted from the stream: the download need not keep the file. */
  private streamed = false;
  private markAttached!: () => void;
  /** Resolves when the extraction holds its turn and is ready to read (see `attach`). */
  readonly attached: Promise<void> = new Promise((resolve) => (this.markAttached = resolve));
  private resolveVerified!: () => void;
  private rejectVerified!: (err: unknown) => void;
  /** Resolves once the whole file is downloaded and verified; rejects when the install fails. */
  readonly verifiedFile: Promise<void> = new Promise((resolve, reject) => {
    this.resolveVerified = resolve;
    this.rejectVerified = reject;
  });

  constructor() {
    this.verifiedFile.catch(() => {}); // observed by whoever waits for it
  }

  // The download's side (BodySink).

  write(chunk: Buffer): Promise<void> | undefined {
    this.fed += chunk.length;
    // Once the pass is streamed the download never writes its chunks to the file (needsFile):
    // the pass is their last reader. A chunk pushed before that may still be in a file write.
    return this.pass.push(chunk, this.streamed);
  }

  keepsChunks(): boolean {
    return this.pass.keeping;
  }

  needsFile(): boolean {
    return !this.streamed;
  }

  /** Ends the pass being read; resolves when the extraction has cleaned up and opened the next one. */
  restart(): Promise<void> {
    if (this.fed === 0) return Promise.resolve();
    this.fed = 0;
    this.streamed = false;
    const old = this.pass;
    this.pass = new IncomingPass();
    if (this.detached) this.pass.stopReading();
    const wasOpened = this.opened;
    this.opened = false;
    old.finish('restarted');
    // An extraction that reads passes comes back for the new one; one waiting for the file does not.
    if (!wasOpened) return Promise.resolve();
    return new Promise((resolve) => (this.nextOpened = resolve));
  }

  // The install's side.

  /** Bytes fed since the last start from byte zero: must equal what the download hashed. */
  get received(): number {
    return this.fed;
  }

  /** Every byte has arrived. */
  end(): void {
    this.pass.finish('ended');
  }

  /** The file is complete and passed every check: an extraction waiting for the file may go on. */
  verified(): void {
    this.resolveVerified();
  }

  /** The download or a check failed: the extraction stops, and nothing waits on the download any more. */
  fail(err: unknown): void {
    this.pass.finish('failed', err);
    this.rejectVerified(err);
    this.releaseRestart();
  }

  // The extraction's side.

  /** The extraction has its turn (the extractions' limiter): the download may start. */
  attach(): void {
    this.markAttached();
  }

  /** The current pass, to read from byte zero. */
  open(): IncomingPass {
    this.opened = true;
    this.releaseRestart();
    return this.pass;
  }

  /** This pass is all the extraction reads (it will not ask for the file); a pass already replaced changes nothing. */
  streaming(pass: IncomingPass): void {
    if (pass === this.pass) this.streamed = true;
  }

  /** The extraction will not read passes (it waits for the verified file): the download never waits for it. */
  detach(): void {
    this.detached = true;
    this.opened = false;
    this.pass.stopReading();
    this.releaseRestart();
  }

  private releaseRestart(): void {
    const release = this.nextOpened;
    this.nextOpened = undefined;
    release?.();
  }
}
