// Streams a release asset (or any URL) to a file while hashing it, through the network layer's
// dispatcher (redirects, credentials by origin, deadlines). The body is capped while streaming;
// transient failures are retried under a RetryPolicy, and a cut body resumes with Range + If-Range
// only when the server named a validator. It does not verify checksums against expectations or extract.

import { createHash, type Hash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { BuildpackError, fromFsError, isTooSlow } from '../errors.js';
import { formatBytes } from '../util/format.js';
import type { Logger } from '../log.js';
import type { ReleaseAsset } from '../model.js';
import { defaultNetwork } from './agent.js';
import { Exchange, type ResponseHead, type ResponseHeaders } from './exchange.js';
import { header } from './headers.js';
import {
  NO_RETRIES,
  errorSummary,
  isRateLimitAnswer,
  logRetry,
  rateLimitCapNote,
  rateLimitWhen,
  sleepFor,
  verdictForError,
  verdictForStatus,
  type RetryPolicy,
  type Verdict,
} from './retry.js';
import type { Progress, ProgressTracker } from './progress.js';
import { isPlainAscii } from '../util/printable.js';
import { releaseChunk } from '../util/release.js';
import { redact, registerSecret, safeUrl } from '../util/secrets.js';
import {
  assetGoneForDownload,
  badCredentials,
  downloadHttpError,
  downloadSizeDiffers,
  downloadTooLarge,
  gaveUpAfter,
  rateLimited,
  redirectLoop,
  redirectWithoutLocation,
  transferCutShort,
  unreachable,
} from '../errors/catalog.js';

export interface DownloadResult {
  /** Lower-case hex SHA-256 of the bytes written. */
  sha256: string;
  bytes: number;
}

/** How a download talks to the network; all optional (defaults: the default network for apiUrl, one attempt, no progress). */
export interface TransferOptions {
  /**
   * The network layer's download dispatcher (createNetwork().dispatcher): it follows redirects
   * and strips credentials from every origin but the API's. Default: defaultNetwork(apiUrl) (agent.ts).
   */
  dispatcher?: Dispatcher;
  /** Only used to build the default network when no dispatcher is given (default api.github.com). */
  apiUrl?: string;
  retry?: RetryPolicy;
  progress?: Progress;
  /** Milliseconds to wait for response headers / between body chunks (override the dispatcher's). */
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  log?: Logger;
  /** A second consumer of the body (an extraction running alongside the download); see BodySink. */
  sink?: BodySink;
}

/**
 * Another reader of the body, fed every byte in order right after it is hashed, so work on the
 * bytes (extraction) overlaps the download. It sees one continuous stream: a resume (Range)
 * just continues it, and a start from byte zero (a changed file, a refused resume, another
 * source) calls restart() first. It is never told the bytes are verified: that is the caller's.
 */
export interface BodySink {
  /** The body starts over from byte zero: drop what was fed; resolves when ready for new bytes. */
  restart(): Promise<void>;
  /** The next bytes; a returned promise holds the body back until the reader has room (backpressure). */
  write(chunk: Buffer): Promise<void> | undefined;
  /**
   * False once the reader has taken over the bytes (an archive extracting from the stream): the
   * rest of the body is hashed and counted but not written to destFile, which is then incomplete
   * and must not be read. True again after a restart. Absent: always true.
   */
  needsFile?(): boolean;
  /**
   * Whether the reader keeps the chunk just written beyond write() (it queued it to read later).
   * A chunk no reader keeps is released by the download once it is hashed and on disk (its memory
   * freed at once, util/release.ts); a kept one is the reader's to release. Absent: always true.
   */
  keepsChunks?(): boolean;
}

export interface DownloadUrlOptions extends TransferOptions {
  url: string;
  /** Sent to the first origin; `authorization` is dropped as soon as a redirect leaves that origin. */
  headers?: Record<string, string>;
  destFile: string;
  /** Entry label for errors, e.g. `githubassets[1] (acme/tool)`. */
  entry?: string;
  /** What is being fetched, for messages (default: the URL without its query). */
  what?: string;
  /** Env var the Authorization token came from, for messages (never the value). */
  tokenEnv?: string;
  /** Fail unless exactly this many bytes arrive (e.g. the asset size from the API); also the cap while streaming. */
  expectedBytes?: number;
  /** Where no size is known: the body is cut with `overCap` as soon as it passes this many bytes. */
  maxBytes?: number;
  /** The error for a body over its cap, listed size or maxBytes (default GHA023). */
  overCap?: (bytes: number, cap: number) => BuildpackError;
  maxRedirects?: number;
  /** Shown in progress lines (default: the file name part of `what`). */
  progressName?: string;
  /**
   * This download's first request, sent ahead (sendEarly) with the same URL and headers: the first
   * attempt takes its answer when that is a success, and otherwise drops it and asks again itself,
   * so every failure is reported as if nothing had been sent early.
   */
  early?: EarlyRequest;
}

/** A download's first GET, sent before the download starts; its answer waits, paused, to be taken. */
export interface EarlyRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly exchange: Exchange;
}

export interface DownloadAssetOptions extends TransferOptions {
  asset: ReleaseAsset;
  token?: string;
  tokenEnv?: string;
  destFile: string;
  entry?: string;
  userAgent: string;
  /** Cap for an asset whose size the release does not list (GITHUB_ASSETS_MAX_DOWNLOAD_SIZE). */
  maxBytes?: number;
}

const DEFAULT_MAX_REDIRECTS = 5;

/** Downloads a release asset through its API URL (302 to the download host, or 200 on some GHES). */
export async function downloadAsset(options: DownloadAssetOptions): Promise<DownloadResult> {
  const { asset, token, ...transfer } = options;
  const headers: Record<string, string> = { accept: 'application/octet-stream', 'user-agent': options.userAgent };
  if (token) {
    registerSecret(token);
    headers.authorization = `token ${token}`;
  }
  return downloadUrl({
    ...transfer,
    url: asset.url,
    headers,
    what: `asset ${asset.name}`,
    progressName: asset.name,
    expectedBytes: asset.size > 0 ? asset.size : undefined,
  });
}

interface FailureContext {
  what: string;
  entry?: string;
  tokenEnv?: string;
  hadToken: boolean;
}

/** The bytes on disk so far: the file holds exactly `bytes` bytes and `hash` covers them. */
interface PartialFile {
  bytes: number;
  /** Made on first use (hashOf), so undefined only while no byte is hashed. */
  hash: Hash | undefined;
  /** The full size, once a response announced it. */
  total: number | undefined;
  /** What identifies the bytes on disk (a strong ETag, else Last-Modified): sent as If-Range on resume. */
  validator: string | undefined;
}

/** How one attempt ended, when it did not finish the file. */
type Interruption =
  | { kind: 'network'; err: unknown; doing: string }
  | { kind: 'status'; status: number; headers: ResponseHeaders; detail: string }
  | { kind: 'short'; doing: string }
  /** The server would not resume (200 to a Range, wrong Content-Range, 416, another validator): start over at once. */
  | { kind: 'restart'; reason: string };

/** One download in progress: what it fetches, through what, and the file and hash it has so far. */
interface Transfer {
  options: DownloadUrlOptions;
  dispatcher: Dispatcher;
  partial: PartialFile;
  file: FileHandle;
  ctx: FailureContext;
  tracker: ProgressTracker | undefined;
  /** options.early until the first attempt takes or drops it. */
  early: EarlyRequest | undefined;
}

/**
 * GETs a URL into destFile (mode 0600), hashing while streaming; retries transient failures
 * under options.retry, resuming a cut body with Range + If-Range; removes the file on failure.
 */
export async function downloadUrl(options: DownloadUrlOptions): Promise<DownloadResult> {
  const what = options.what ?? safeUrl(options.url);
  const ctx: FailureContext = {
    what,
    entry: options.entry,
    tokenEnv: options.tokenEnv,
    hadToken: options.headers?.authorization !== undefined,
  };
  const policy = options.retry ?? NO_RETRIES;
  const log = options.log;
  const dispatcher = options.dispatcher ?? defaultNetwork(options.apiUrl).dispatcher;
  let file: FileHandle;
  try {
    file = await open(options.destFile, 'w', 0o600);
  } catch (err) {
    if (options.early) discard(options.early.exchange);
    throw fromFsError(err, `writing ${what} to disk`, ctx.entry);
  }
  const partial: PartialFile = { bytes: 0, hash: undefined, total: undefined, validator: undefined };
  // A second call for the same sink (the downloader's fallback to the API URL) starts over too.
  await options.sink?.restart();
  const tracker = options.progress?.start(options.progressName ?? what.replace(/^asset /, ''), options.expectedBytes);
  const transfer: Transfer = { options, dispatcher, partial, file, ctx, tracker, early: options.early };
  let failed = true;
  try {
    for (let attempt = 1; ; attempt++) {
      const stop = await attemptOnce(transfer);
      if (stop === undefined) break;
      // Every byte the server announced is on disk and hashed: a connection lost after the last one
      // (a reset read before the body's end) changes nothing, and a resume from there would get a 416.
      if (stop.kind === 'network' && partial.total !== undefined && partial.bytes === partial.total) break;
      if (stop.kind === 'restart') {
        log?.info(`${what}: ${stop.reason}; downloading again from the start`);
        await restart(transfer);
        attempt--; // the server answered; this is not a failed attempt
        continue;
      }
      const verdict = verdictFor(policy, attempt, stop);
      if (!verdict.retry) throw finalFailure(stop, verdict, { ctx, attempt, policy });
      logRetry(log, what, { ...verdict, reason: describe(stop, verdict, partial) }, { attempt, policy });
      await sleepFor(policy, verdict.waitMs);
    }
    checkSize(partial, options.expectedBytes, ctx);
    failed = false;
    return { sha256: hashOf(partial).digest('hex'), bytes: partial.bytes };
  } finally {
    tracker?.done();
    await file.close().catch(() => {});
    if (failed) await rm(options.destFile, { force: true }).catch(() => {});
  }
}

/**
 * The download's sha256, made on first use. Making it loads node:crypto (~20 of Node's modules, 5-8 ms),
 * which used to delay the request; attemptOnce makes it once the request is sent, while the server answers.
 */
function hashOf(partial: PartialFile): Hash {
  partial.hash ??= createHash('sha256');
  return partial.hash;
}

/** The cap on the whole body: the listed size when known, else the declared cap. */
function capOf(options: DownloadUrlOptions): number | undefined {
  const cap = Math.min(options.expectedBytes ?? Infinity, options.maxBytes ?? Infinity);
  return Number.isFinite(cap) ? cap : undefined;
}

function overCap(options: DownloadUrlOptions, ctx: FailureContext, bytes: number): BuildpackError {
  const cap = capOf(options)!;
  if (options.overCap) return options.overCap(bytes, cap);
  const listed = cap === options.expectedBytes;
  return downloadTooLarge({ entry: ctx.entry, what: ctx.what, bytes, cap, listed });
}

type RequestOptions = Pick<
  DownloadUrlOptions,
  'url' | 'dispatcher' | 'apiUrl' | 'maxRedirects' | 'log' | 'headersTimeoutMs' | 'bodyTimeoutMs'
>;

/** A GET of `url` through the download dispatcher (redirects followed there); the answer arrives on the exchange. */
function sendGet(dispatcher: Dispatcher, options: RequestOptions, headers: Record<string, string>): Exchange {
  const { origin, pathname, search } = new URL(options.url);
  return Exchange.send(dispatcher, {
    origin,
    path: `${pathname}${search}`,
    method: 'GET',
    headers,
    maxRedirections: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    hopLog: options.log,
    ...(options.headersTimeoutMs !== undefined ? { headersTimeout: options.headersTimeoutMs } : {}),
    ...(options.bodyTimeoutMs !== undefined ? { bodyTimeout: options.bodyTimeoutMs } : {}),
  } as Dispatcher.DispatchOptions);
}

/**
 * Sends the first GET of a download now, before the download itself starts (the build sends an
 * asset's while its release lookup is still under way); downloadUrl takes it as `early`. Its body
 * stays paused until then (a paused body is neither too slow nor idle: interceptors.ts, undici).
 * Whoever sends one must take or abort it: an unanswered exchange keeps its connection.
 */
export function sendEarly(options: RequestOptions & { headers: Record<string, string> }): EarlyRequest {
  const headers = { ...options.headers };
  const exchange = sendGet(options.dispatcher ?? defaultNetwork(options.apiUrl).dispatcher, options, headers);
  // node:crypto loads (5-8 ms) while the answers are awaited, as attemptOnce has it do for its own request.
  setImmediate(() => createHash('sha256'));
  return { url: options.url, headers, exchange };
}

/** The early request's answer, once, when it is for this request and a success; else it is dropped (undefined). */
async function takeEarly(
  transfer: Transfer,
  headers: Record<string, string>,
): Promise<{ exchange: Exchange; response: ResponseHead } | undefined> {
  const early = transfer.early;
  if (!early) return undefined;
  transfer.early = undefined;
  const same = early.url === transfer.options.url && sameHeaders(early.headers, headers);
  const response = same ? await early.exchange.head.catch(() => undefined) : undefined;
  if (response && response.statusCode >= 200 && response.statusCode < 300) return { exchange: early.exchange, response };
  discard(early.exchange);
  return undefined;
}

function sameHeaders(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** One request (redirects followed by the dispatcher) and its body; resolves undefined when the file is complete. */
async function attemptOnce(transfer: Transfer): Promise<Interruption | undefined> {
  const { options, dispatcher, partial, ctx } = transfer;
  const headers: Record<string, string> = { ...options.headers };
  if (partial.bytes > 0 && partial.validator === undefined) {
    // Nothing proves the server still has the same file: a spliced head and tail is worse than a restart.
    options.log?.info(
      `${ctx.what}: the server named no ETag or Last-Modified, so a resume could splice two files; downloading again from the start`,
    );
    await restart(transfer);
  }
  const resumeAt = partial.bytes;
  if (resumeAt > 0) {
    headers.range = `bytes=${resumeAt}-`;
    headers['if-range'] = partial.validator!;
  }
  const url = options.url;
  if (resumeAt > 0) options.log?.debug(`${ctx.what}: asking to resume from byte ${resumeAt} (If-Range: ${partial.validator})`);
  let exchange: Exchange;
  let response: ResponseHead;
  // The early request can serve only the first attempt (resumeAt 0), which takes it.
  const early = resumeAt === 0 ? await takeEarly(transfer, headers) : undefined;
  try {
    if (early) {
      ({ exchange, response } = early);
    } else {
      exchange = sendGet(dispatcher, options, headers);
      // After the event loop's next poll, which connects and writes the request (a macrotask, unlike
      // the connect's nextTick): node:crypto then loads while the server answers, not before it is asked.
      if (partial.hash === undefined) setImmediate(() => hashOf(partial));
      response = await exchange.head;
    }
  } catch (err) {
    if ((err as { code?: unknown }).code === 'UND_ERR_INVALID_ARG' && /redirect loop/i.test((err as Error).message)) {
      // undici's redirect interceptor stops when a Location repeats one already visited.
      throw redirectLoop({ entry: ctx.entry, what: ctx.what, seen: 'the server redirects in a loop' });
    }
    return { kind: 'network', err, doing: `could not download ${ctx.what} from ${safeUrl(url)}` };
  }
  try {
    return await answer(exchange, response, transfer, resumeAt);
  } catch (err) {
    discard(exchange); // whatever failed, the connection is not left paused (a no-op once the body ended)
    throw err;
  }
}

/** What to do with the answer to one attempt: read its body into the file, or end the attempt. */
async function answer(exchange: Exchange, response: ResponseHead, transfer: Transfer, resumeAt: number): Promise<Interruption | undefined> {
  const { options, partial, ctx } = transfer;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const { statusCode } = response;

  if (statusCode >= 300 && statusCode < 400 && statusCode !== 304) {
    await drain(exchange);
    if (!header(response.headers, 'location')) throw redirectWithoutLocation({ entry: ctx.entry, what: ctx.what, status: statusCode });
    throw redirectLoop({ entry: ctx.entry, what: ctx.what, seen: `more than ${maxRedirects} redirects` });
  }

  if (resumeAt > 0 && statusCode === 416) {
    await drain(exchange);
    return { kind: 'restart', reason: 'the server refused to resume (416)' };
  }
  if (resumeAt > 0 && statusCode === 200) {
    // The server ignored the Range, or If-Range found that the file changed: keep this answer, from zero.
    options.log?.info(`${ctx.what}: the server does not resume downloads; downloading again from the start`);
    await restart(transfer);
  } else if (resumeAt > 0 && statusCode === 206) {
    const range = parseContentRange(header(response.headers, 'content-range'));
    const known = partial.total ?? options.expectedBytes;
    if (!range || range.start !== resumeAt || (range.total !== undefined && known !== undefined && range.total !== known)) {
      discard(exchange);
      return {
        kind: 'restart',
        reason: `the server resumed at the wrong place (Content-Range: ${header(response.headers, 'content-range') ?? 'missing'}, wanted bytes ${resumeAt}-)`,
      };
    }
    const now = validatorOf(response.headers);
    if (now !== partial.validator) {
      discard(exchange);
      return {
        kind: 'restart',
        reason: `the file changed on the server since the download began (${partial.validator} is now ${now ?? 'not named'})`,
      };
    }
    options.log?.debug(`${ctx.what}: resumed at byte ${resumeAt}`);
    if (range.total !== undefined) partial.total = range.total;
  } else if (statusCode !== 200) {
    const detail = await readSmallBody(exchange);
    return { kind: 'status', status: statusCode, headers: response.headers, detail };
  }

  if (statusCode === 200) {
    const length = header(response.headers, 'content-length');
    partial.total = length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : undefined;
    partial.validator = validatorOf(response.headers);
    const cap = capOf(options);
    if (partial.total !== undefined && cap !== undefined && partial.total > cap) {
      discard(exchange);
      throw overCap(options, ctx, partial.total);
    }
    if (partial.total !== undefined && options.expectedBytes !== undefined && partial.total !== options.expectedBytes) {
      discard(exchange);
      throw downloadSizeDiffers({ entry: ctx.entry, what: ctx.what, bytes: partial.total, listed: options.expectedBytes });
    }
  }
  return writeBody(exchange, transfer, (bytes) => {
    const cap = capOf(options);
    return cap !== undefined && bytes > cap ? overCap(options, ctx, bytes) : undefined;
  });
}

/** A strong ETag, else Last-Modified: what If-Range may carry (weak ETags may not). */
function validatorOf(headers: ResponseHeaders): string | undefined {
  const etag = header(headers, 'etag')?.trim();
  if (etag && /^"[^"]*"$/.test(etag)) return etag;
  const modified = header(headers, 'last-modified')?.trim();
  return modified && Number.isFinite(Date.parse(modified)) ? modified : undefined;
}

/**
 * Body chunks are gathered into writes of about this size: one thread-pool round trip per four
 * 64 KiB chunks. 1 MiB was slightly faster alone, but with --max-semi-space-size=1 the held chunks
 * were promoted to the old generation: 4 × 50 MiB raw peaked at 113 MiB RSS against 98 MiB here.
 */
const WRITE_BATCH_BYTES = 256 * 1024;
/** ...or of this many chunks, so a body cut into tiny chunks cannot pile up buffer objects. */
const WRITE_BATCH_CHUNKS = 256;
/**
 * Writes queued behind the one in flight before the body waits. 3 was no faster than 1 (500 MiB
 * raw and .tar.gz, one run, noisy) and holds more chunks.
 */
const WRITES_AHEAD = 1;

/**
 * Appends the body to the file. Each chunk is hashed as it arrives and gathered into a batch of
 * about 256 KiB, written with one writev while the next batch fills; at most one write is in flight
 * (the body is paused meanwhile: backpressure). Whenever this returns or throws, nothing is in flight,
 * and on return every byte received is on disk, so `partial` (bytes and hash) matches the disk.
 */
function writeBody(
  exchange: Exchange,
  transfer: Transfer,
  overCap: (bytes: number) => BuildpackError | undefined,
): Promise<Interruption | undefined> {
  const { partial, ctx, tracker } = transfer;
  const writer = new BatchedWriter(transfer.file, partial, ctx, transfer.options.sink);
  /** The first failure of our own (cap, disk, sink): it wins over the abort error undici reports for it. */
  let failure: unknown;
  const fail = (err: unknown): Promise<never> => {
    failure ??= err;
    return Promise.reject(err);
  };
  return new Promise<Interruption | undefined>((resolve, reject) => {
    /** After the body ended either way: wait for the write in flight, then report. */
    const conclude = async (ending: () => Promise<Interruption | undefined>) => {
      let outcome: { value: Interruption | undefined } | { error: unknown };
      try {
        outcome = { value: await ending() };
      } catch (err) {
        outcome = { error: err };
      }
      await writer.settle();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    };
    exchange.receive({
      data(chunk) {
        // Cut before writing: the disk never holds more than the cap.
        const tooMuch = overCap(writer.received + chunk.length);
        if (tooMuch) return fail(tooMuch);
        let wait: Promise<void> | undefined;
        try {
          wait = writer.add(chunk);
        } catch (err) {
          return fail(err);
        }
        tracker?.update(writer.received);
        return wait?.catch(fail);
      },
      end() {
        void conclude(async () => {
          await writer.flush();
          if (partial.total !== undefined && partial.bytes < partial.total) {
            return { kind: 'short', doing: `download of ${ctx.what} is incomplete: got ${partial.bytes} bytes, expected ${partial.total}` };
          }
          return undefined;
        });
      },
      error(err) {
        void conclude(async () => {
          if (failure !== undefined) throw failure;
          // Our own limits (interceptors.ts) end the body with a BuildpackError; only "too slow" is worth a resume.
          if (err instanceof BuildpackError && !isTooSlow(err)) throw ctx.entry ? err.forEntry(ctx.entry) : err;
          await writer.flush(); // what arrived before the cut is good: keep it for the resume
          const of = partial.total !== undefined ? ` of ${partial.total}` : '';
          return { kind: 'network', err, doing: `connection lost while downloading ${ctx.what} after ${partial.bytes}${of} bytes` };
        });
      },
    });
  });
}

/**
 * Hashes chunks as they arrive and writes them in batches at the end of the file, one write at a
 * time. `partial.bytes` counts what is on disk; `received` also counts the batch being gathered and
 * the ones queued or in flight. The hash runs ahead of the disk only until flush() brings them level.
 */
class BatchedWriter {
  received: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The chunks of `pending` that only this writer holds: released once written. */
  private pendingOwn: Buffer[] = [];
  /** The writes queued and not yet done, oldest first; each starts when the one before it is done, at the end of the file. */
  private readonly writes: Promise<void>[] = [];

  constructor(
    private readonly file: FileHandle,
    private readonly partial: PartialFile,
    private readonly ctx: FailureContext,
    private readonly sink: BodySink | undefined,
  ) {
    this.received = partial.bytes;
  }

  /**
   * Hashes the chunk, hands it to the sink and queues it. Returns a promise when the body must
   * wait: a full batch queued behind a write in flight waits for it, and the sink for its reader.
   */
  add(chunk: Buffer): Promise<void> | undefined {
    hashOf(this.partial).update(chunk);
    const fed = this.sink?.write(chunk);
    if (this.sink === undefined || this.sink.keepsChunks?.() === false) this.pendingOwn.push(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.received += chunk.length;
    let written: Promise<void> | undefined;
    if (this.pendingBytes >= WRITE_BATCH_BYTES || this.pending.length >= WRITE_BATCH_CHUNKS) {
      this.queueWrite();
      // Only a write still pending holds the body back: pausing for one already done costs a round trip per batch.
      if (this.writes.length > WRITES_AHEAD) written = this.writes[this.writes.length - 1 - WRITES_AHEAD];
    }
    if (written && fed) return Promise.all([written, fed]).then(() => {});
    return written ?? fed;
  }

  /** Writes everything received; afterwards the file holds exactly `received` bytes. */
  async flush(): Promise<void> {
    if (this.pending.length > 0) this.queueWrite();
    await this.writes.at(-1);
  }

  /** Waits for the writes queued (after a failure elsewhere), ignoring their outcome: the caller is already failing. */
  async settle(): Promise<void> {
    await this.writes.at(-1)?.catch(() => {});
  }

  private queueWrite(): void {
    const buffers = this.pending;
    const length = this.pendingBytes;
    const own = this.pendingOwn;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingOwn = [];
    const writeAndRelease = async () => {
      await this.writeAll(buffers, length);
      // Hashed, on disk (or not needed there), and no reader keeps them: nothing reads these again.
      for (const chunk of own) releaseChunk(chunk);
    };
    const before = this.writes.at(-1);
    const write = before ? before.then(writeAndRelease) : writeAndRelease();
    // Done writes leave the queue in order (each starts after the one before); a failed one's error
    // is thrown where it is awaited, not reported as unhandled meanwhile.
    const leave = () => {
      if (this.writes[0] === write) this.writes.shift();
    };
    write.then(leave, leave);
    this.writes.push(write);
  }

  private async writeAll(buffers: Buffer[], length: number): Promise<void> {
    const position = this.partial.bytes;
    if (this.sink?.needsFile?.() === false) {
      // Counted (a resume asks for what follows) and hashed, but nobody reads the file.
      this.partial.bytes = position + length;
      return;
    }
    try {
      let written = 0;
      while (written < length) {
        // A short write (a disk filling up) is retried for the rest, so the next call reports the errno.
        const rest = written === 0 ? buffers : remainder(buffers, written);
        const { bytesWritten } = await this.file.writev(rest, position + written);
        if (bytesWritten <= 0) throw new Error(`the file system accepted no bytes at offset ${position + written}`);
        written += bytesWritten;
      }
    } catch (err) {
      throw fromFsError(err, `writing ${this.ctx.what} to disk`, this.ctx.entry);
    }
    this.partial.bytes = position + length;
  }
}

/** The buffers after the first `skip` bytes (views, no copies). */
function remainder(buffers: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    out.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return out;
}

/** Drops a body we will not read (closes the connection). */
function discard(exchange: Exchange): void {
  exchange.abort(new Error('body not needed'));
}

/** Reads and drops a short body so the connection can be reused; a longer one is cut (undici's dump() limit). */
function drain(exchange: Exchange, limit = 128 * 1024): Promise<void> {
  return new Promise((resolve) => {
    let bytes = 0;
    exchange.receive({
      data(chunk) {
        bytes += chunk.length;
        return bytes > limit ? Promise.reject(new Error('body too long to drain')) : undefined;
      },
      end: resolve,
      error: () => resolve(),
    });
  });
}

async function restart({ partial, file, ctx, options }: Transfer): Promise<void> {
  try {
    await file.truncate(0);
  } catch (err) {
    throw fromFsError(err, `writing ${ctx.what} to disk`, ctx.entry);
  }
  await options.sink?.restart();
  partial.bytes = 0;
  partial.hash = undefined;
  partial.total = undefined;
  partial.validator = undefined;
}

function checkSize(partial: PartialFile, expected: number | undefined, ctx: FailureContext): void {
  const want = partial.total ?? expected;
  if (want !== undefined && partial.bytes !== want) {
    throw transferCutShort(`download of ${ctx.what} is incomplete: got ${partial.bytes} bytes, expected ${want}`, ctx.entry);
  }
  if (expected !== undefined && partial.bytes !== expected) {
    throw downloadSizeDiffers({ entry: ctx.entry, what: ctx.what, bytes: partial.bytes, listed: expected });
  }
}

/** `bytes 100-199/200` (total may be `*`). */
function parseContentRange(value: string | undefined): { start: number; end: number; total: number | undefined } | undefined {
  const m = value ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

function verdictFor(policy: RetryPolicy, attempt: number, stop: Exclude<Interruption, { kind: 'restart' }>): Verdict {
  if (stop.kind === 'status') return verdictForStatus(policy, attempt, stop.status, (n) => header(stop.headers, n));
  if (stop.kind === 'short') return verdictForError(policy, attempt, { code: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' });
  return verdictForError(policy, attempt, stop.err);
}

function describe(stop: Exclude<Interruption, { kind: 'restart' }>, verdict: Verdict, partial: PartialFile): string {
  const kept = partial.bytes > 0 ? `; resuming from ${formatBytes(partial.bytes)}` : '';
  if (stop.kind === 'status') return verdict.retry ? `${verdict.reason}${kept}` : `HTTP ${stop.status}`;
  if (stop.kind === 'short') return `the body ended early${kept}`;
  return `${errorSummary(stop.err)}${kept}`;
}

function finalFailure(
  stop: Exclude<Interruption, { kind: 'restart' }>,
  verdict: Verdict,
  { ctx, attempt, policy }: { ctx: FailureContext; attempt: number; policy: RetryPolicy },
): BuildpackError {
  const tries = attempt > 1 ? ` (gave up after ${attempt} attempts)` : '';
  if (stop.kind === 'status') {
    const tooLong = verdict.rateLimit !== undefined && verdict.rateLimit.waitMs > policy.rateLimitMaxWaitMs;
    const err = httpFailure(stop, ctx, tooLong ? policy : undefined);
    return tries && stop.status >= 500 ? gaveUpAfter(err, attempt) : err;
  }
  if (stop.kind === 'short') {
    return transferCutShort(stop.doing + tries, ctx.entry);
  }
  return networkFailure(stop.err, ctx, stop.doing + tries);
}

function httpFailure(
  { status, headers, detail }: { status: number; headers: ResponseHeaders; detail: string },
  ctx: FailureContext,
  waitedUnder?: RetryPolicy,
): BuildpackError {
  if (status === 401) {
    return badCredentials({ entry: ctx.entry, tokenEnv: ctx.tokenEnv, refused: { download: ctx.what } });
  }
  const read = (name: string) => header(headers, name);
  if (isRateLimitAnswer(status, read)) {
    const lifts = rateLimitWhen(read);
    const when = lifts ? `; ${lifts}` : '';
    const cap = waitedUnder ? rateLimitCapNote(waitedUnder.rateLimitMaxWaitMs) : '';
    return rateLimited({
      entry: ctx.entry,
      doing: `downloading ${ctx.what}`,
      limit: 'rate limit exceeded',
      when: `${when}${cap}`,
      tokenName: ctx.tokenEnv ? `the token in $${ctx.tokenEnv}` : undefined,
      hadToken: ctx.hadToken,
    });
  }
  if (status === 404) {
    return assetGoneForDownload({ entry: ctx.entry, what: ctx.what, detail, tokenEnv: ctx.tokenEnv, hadToken: ctx.hadToken });
  }
  return downloadHttpError({ entry: ctx.entry, what: ctx.what, status, detail });
}

function networkFailure(err: unknown, ctx: FailureContext, doing: string): BuildpackError {
  if (err instanceof BuildpackError) return ctx.entry ? err.forEntry(ctx.entry) : err;
  const code = (err as { code?: unknown })?.code;
  const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
  const reason = redact(`${typeof code === 'string' ? `${code}: ` : ''}${(err as Error)?.message ?? String(err)}`);
  return unreachable({
    entry: ctx.entry,
    doing,
    reason: `${timedOut ? 'timed out, ' : ''}${reason}`,
    host: 'download',
    cause: err instanceof Error ? Object.assign(new Error(redact(err.message)), { code }) : undefined,
  });
}

/** First few hundred bytes of an error body, as one line (for messages; never huge, never binary). */
async function readSmallBody(exchange: Exchange): Promise<string> {
  const text = await new Promise<string>((resolve) => {
    let text = '';
    exchange.receive({
      data(chunk) {
        text += Buffer.from(chunk).toString('utf8');
        if (text.length <= 400) return undefined;
        resolve(text);
        return Promise.reject(new Error('enough of the body read'));
      },
      end: () => resolve(text),
      error: () => resolve(''),
    });
  });
  let message = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    const xml = /<Message>([^<]*)<\/Message>/.exec(text);
    if (xml) message = xml[1]!;
  }
  message = message.replace(/\s+/g, ' ').trim();
  if (!isPlainAscii(message)) return '';
  return redact(message.length > 200 ? `${message.slice(0, 200)}…` : message);
}
