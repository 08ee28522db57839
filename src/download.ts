// Streams a release asset (or any URL) to a file while hashing it, following redirects by
// hand so the Authorization header never leaves the origin it was meant for. It does not
// verify checksums against expectations, retry, or extract: callers decide what the bytes mean.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { BuildpackError, fromFsError } from './errors.js';
import type { Logger } from './log.js';
import type { ReleaseAsset } from './model.js';
import { redact, registerSecret, safeUrl } from './secrets.js';

export interface DownloadResult {
  /** Lower-case hex SHA-256 of the bytes written. */
  sha256: string;
  bytes: number;
}

export interface DownloadUrlOptions {
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
  /** Fail unless exactly this many bytes arrive (e.g. the asset size from the API). */
  expectedBytes?: number;
  maxRedirects?: number;
  /** Milliseconds to wait for response headers / between body chunks (undici defaults otherwise). */
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  log?: Logger;
}

export interface DownloadAssetOptions {
  asset: ReleaseAsset;
  token?: string;
  tokenEnv?: string;
  destFile: string;
  entry?: string;
  userAgent: string;
  log?: Logger;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

const DEFAULT_MAX_REDIRECTS = 5;

/** Downloads a release asset through its API URL (302 to the download host, or 200 on some GHES). */
export async function downloadAsset(options: DownloadAssetOptions): Promise<DownloadResult> {
  const { asset, token } = options;
  const headers: Record<string, string> = { accept: 'application/octet-stream', 'user-agent': options.userAgent };
  if (token) {
    registerSecret(token);
    headers.authorization = `token ${token}`;
  }
  return downloadUrl({
    url: asset.url,
    headers,
    destFile: options.destFile,
    entry: options.entry,
    what: `asset ${asset.name}`,
    tokenEnv: options.tokenEnv,
    expectedBytes: asset.size > 0 ? asset.size : undefined,
    headersTimeoutMs: options.headersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs,
    log: options.log,
  });
}

/** GETs a URL into destFile (mode 0600), hashing while streaming; removes the file on any failure. */
export async function downloadUrl(options: DownloadUrlOptions): Promise<DownloadResult> {
  const what = options.what ?? safeUrl(options.url);
  const ctx: FailureContext = { what, entry: options.entry, tokenEnv: options.tokenEnv, hadToken: options.headers?.authorization !== undefined };
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const headers = { ...options.headers };
  let url = options.url;

  for (let hop = 0; ; hop++) {
    options.log?.debug(`GET ${safeUrl(url)}${headers.authorization ? ' (with token)' : ''}`);
    const response = await send(url, headers, options, ctx);
    const { statusCode } = response;

    if (statusCode >= 300 && statusCode < 400 && statusCode !== 304) {
      await response.body.dump().catch(() => {});
      const location = header(response.headers, 'location');
      if (!location) throw new BuildpackError('GHA022', `download of ${what} failed: redirect ${statusCode} without a Location`, { entry: ctx.entry, hint: 'retry the build; if it persists, the server is misbehaving' });
      if (hop >= maxRedirects) throw new BuildpackError('GHA022', `download of ${what} failed: more than ${maxRedirects} redirects`, { entry: ctx.entry, hint: 'the server redirects in a loop; retry later or report it' });
      const next = new URL(location, url);
      if (next.origin !== new URL(url).origin) {
        // The download host is a different service: the token is not for it (and S3-style hosts reject it).
        delete headers.authorization;
      }
      url = next.toString();
      continue;
    }

    if (statusCode !== 200) {
      const detail = await readSmallBody(response.body);
      throw httpFailure(statusCode, response.headers, detail, ctx);
    }

    const lengthHeader = header(response.headers, 'content-length');
    const announced = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    return writeBody(response.body, options.destFile, announced, options.expectedBytes, ctx);
  }
}

interface FailureContext {
  what: string;
  entry?: string;
  tokenEnv?: string;
  hadToken: boolean;
}

type UndiciResponse = Awaited<ReturnType<typeof request>>;

async function send(url: string, headers: Record<string, string>, options: DownloadUrlOptions, ctx: FailureContext): Promise<UndiciResponse> {
  try {
    return await request(url, {
      method: 'GET',
      headers,
      ...(options.headersTimeoutMs !== undefined ? { headersTimeout: options.headersTimeoutMs } : {}),
      ...(options.bodyTimeoutMs !== undefined ? { bodyTimeout: options.bodyTimeoutMs } : {}),
    });
  } catch (err) {
    throw networkFailure(err, ctx, `could not download ${ctx.what} from ${safeUrl(url)}`);
  }
}

async function writeBody(body: Readable, destFile: string, announced: number | undefined, expected: number | undefined, ctx: FailureContext): Promise<DownloadResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  // Whichever side failed first decides the error: the network (body) or the disk (file).
  let failedFirst: { side: 'network' | 'disk'; err: unknown } | undefined;
  const file = createWriteStream(destFile, { mode: 0o600, flags: 'w' });
  // Both listeners run before pipeline() passes the error on to the other streams.
  body.once('error', (err) => (failedFirst ??= { side: 'network', err }));
  file.once('error', (err) => (failedFirst ??= { side: 'disk', err }));
  try {
    await pipeline(
      body,
      async function* count(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      file,
    );
  } catch (err) {
    await rm(destFile, { force: true }).catch(() => {});
    if (failedFirst?.side === 'disk') throw fromFsError(failedFirst.err, `writing ${ctx.what} to disk`, ctx.entry);
    const progress = announced !== undefined ? ` after ${bytes} of ${announced} bytes` : ` after ${bytes} bytes`;
    throw networkFailure(failedFirst?.err ?? err, ctx, `connection lost while downloading ${ctx.what}${progress}`);
  }

  const want = announced ?? expected;
  if (want !== undefined && bytes !== want) {
    await rm(destFile, { force: true }).catch(() => {});
    throw new BuildpackError('GHA022', `download of ${ctx.what} is incomplete: got ${bytes} bytes, expected ${want}`, {
      entry: ctx.entry,
      hint: 'the connection or server cut the transfer short; retry the build',
    });
  }
  if (expected !== undefined && announced !== undefined && announced !== expected) {
    await rm(destFile, { force: true }).catch(() => {});
    throw new BuildpackError('GHA022', `download of ${ctx.what} has ${bytes} bytes but the release lists ${expected}`, {
      entry: ctx.entry,
      hint: 'the asset may have been replaced while downloading, or a proxy altered it; retry the build',
    });
  }
  return { sha256: hash.digest('hex'), bytes };
}

function httpFailure(status: number, headers: UndiciResponse['headers'], detail: string, ctx: FailureContext): BuildpackError {
  const source = ctx.tokenEnv ? `the token in $${ctx.tokenEnv}` : 'the token';
  const said = detail ? ` (${detail})` : '';
  if (status === 401) {
    return new BuildpackError('GHA011', `download of ${ctx.what} was refused: bad credentials for ${source}`, {
      entry: ctx.entry,
      hint: ctx.tokenEnv ? `create a new token with read access to contents and put it in ${ctx.tokenEnv}` : 'check the token; it may be invalid, expired or revoked',
    });
  }
  if (status === 429 || (status === 403 && header(headers, 'x-ratelimit-remaining') === '0')) {
    const reset = Number(header(headers, 'x-ratelimit-reset'));
    const when = Number.isFinite(reset) && reset > 0 ? `; the limit resets at ${new Date(reset * 1000).toISOString()}` : '';
    return new BuildpackError('GHA013', `GitHub rate limit exceeded while downloading ${ctx.what}${when}`, {
      entry: ctx.entry,
      hint: ctx.hadToken ? 'wait until the limit resets, or use another token' : 'set token_env on the entry to an environment variable holding a GitHub token, or wait until the limit resets',
    });
  }
  if (status === 404) {
    return new BuildpackError('GHA014', `${ctx.what} not found for download (HTTP 404)${said}`, {
      entry: ctx.entry,
      hint: ctx.hadToken
        ? `the asset may have been deleted, or ${source} lacks read access to contents of the repository`
        : 'the asset may have been deleted; if the repository is private, set token_env to an environment variable holding a token with read access to contents',
    });
  }
  return new BuildpackError('GHA022', `download of ${ctx.what} failed with HTTP ${status}${said}`, {
    entry: ctx.entry,
    hint: status >= 500 ? 'the server had a problem; retry the build in a few minutes' : 'retry the build; if it persists, check the asset and any proxy in between',
  });
}

function networkFailure(err: unknown, ctx: FailureContext, doing: string): BuildpackError {
  if (err instanceof BuildpackError) return err;
  const code = (err as { code?: unknown })?.code;
  const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
  const reason = redact(`${typeof code === 'string' ? `${code}: ` : ''}${(err as Error)?.message ?? String(err)}`);
  return new BuildpackError('GHA020', `${doing} (${timedOut ? 'timed out, ' : ''}${reason})`, {
    entry: ctx.entry,
    hint: 'check the network and any proxy settings of the build, then retry',
    cause: err instanceof Error ? Object.assign(new Error(redact(err.message)), { code }) : undefined,
  });
}

/** First few hundred bytes of an error body, as one line (for messages; never huge, never binary). */
async function readSmallBody(body: Readable): Promise<string> {
  try {
    let text = '';
    for await (const chunk of body) {
      text += Buffer.from(chunk as Buffer).toString('utf8');
      if (text.length > 400) break;
    }
    body.destroy();
    let message = text;
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      const xml = /<Message>([^<]*)<\/Message>/.exec(text);
      if (xml) message = xml[1]!;
    }
    message = message.replace(/\s+/g, ' ').trim();
    if (!/^[\x20-\x7e]*$/.test(message)) return '';
    return redact(message.length > 200 ? `${message.slice(0, 200)}…` : message);
  } catch {
    return '';
  }
}

function header(headers: UndiciResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
