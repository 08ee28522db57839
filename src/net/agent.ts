// The one network layer: a single undici Agent (connection pool, proxy routing, connect/headers/
// idle timeouts) composed with our interceptors, which every request of a build or CLI run goes
// through. Downloads get redirects, API calls (octokit's fetch) get the retry policy and a
// capped, buffered body. It makes no requests itself and logs no headers.

import { Agent, EnvHttpProxyAgent, interceptors, type Dispatcher } from 'undici';
import { BuildpackError } from '../errors.js';
import { formatBytes } from '../util/format.js';
import type { Logger } from '../log.js';
import { registerSecret, safeUrl } from '../util/secrets.js';
import { apiBase, networkConfigFromEnv, type NetworkConfig } from './config.js';
import { countUsage, credentialsByOrigin, deadlines, logHops, retryByPolicy, type ApiUsage } from './interceptors.js';
import { retryPolicyFrom, type RetryPolicy } from './retry.js';
import { apiAnswerTooLarge } from '../errors/catalog.js';

export type { ApiUsage } from './interceptors.js';

/** Largest API answer read into memory (one release, or one page of 100 releases with their assets). */
const MAX_API_ANSWER_BYTES = 32 * 1024 * 1024;

export interface Network {
  /** For downloads: credentials by origin, deadlines, redirects (followed hop by hop through the same checks). */
  dispatcher: Dispatcher;
  /** For the REST API (octokit's request.fetch): credentials by origin, deadlines, retries, redirects, and answers capped at MAX_API_ANSWER_BYTES. */
  fetch: ApiFetch;
  retry: RetryPolicy;
  config: NetworkConfig;
  /** The origin tokens may go to (GITHUB_API_URL's). */
  apiOrigin: string;
  readonly apiUsage: ApiUsage;
  close(): Promise<void>;
}

/** The pooled connections: plain Agent, or proxy routing from the settings (never from process.env behind our back). */
function createDispatcher(config: NetworkConfig, log?: Logger): Dispatcher {
  const timeouts = {
    connect: { timeout: config.timeouts.connectMs },
    headersTimeout: config.timeouts.headersMs,
    bodyTimeout: config.timeouts.bodyMs,
  };
  const { httpProxy, httpsProxy, noProxy } = config.proxy;
  if (!httpProxy && !httpsProxy) return new Agent(timeouts);
  for (const raw of [httpProxy, httpsProxy]) {
    // A proxy password must not reach the log through any message that quotes the URL.
    if (raw) registerSecret(passwordOf(raw));
  }
  if (httpsProxy) log?.info(`Using proxy ${safeUrl(httpsProxy)} for https://${noProxy ? ` (NO_PROXY: ${noProxy})` : ''}`);
  if (httpProxy) log?.debug(`using proxy ${safeUrl(httpProxy)} for http://`);
  return new EnvHttpProxyAgent({
    ...timeouts,
    httpProxy: httpProxy ?? '',
    httpsProxy: httpsProxy ?? httpProxy ?? '',
    noProxy: noProxy ?? '',
    // Plain-http targets are forwarded with absolute URIs like curl does; https always tunnels (CONNECT).
    proxyTunnel: false,
  } as ConstructorParameters<typeof EnvHttpProxyAgent>[0]);
}

export function createNetwork(config: NetworkConfig, options: { log?: Logger; retry?: Partial<RetryPolicy> } = {}): Network {
  const base = createDispatcher(config, options.log);
  // Like proxy passwords: credentials in a mirror URL never reach a message.
  if (config.mirror) registerSecret(passwordOf(config.mirror));
  const retry = { ...retryPolicyFrom(config), ...options.retry };
  const apiUsage: ApiUsage = { requests: 0 };
  const apiOrigin = new URL(config.apiUrl).origin;
  const limits = deadlines({
    minBytesPerSecond: config.minBytesPerSecond,
    windowMs: config.timeouts.bodyMs,
    requestMs: config.timeouts.requestMs,
  });
  // compose([a, b, c]): c sees the request first. Credentials sit innermost, so every hop of a
  // redirect and every retry passes through them; a download's deadline spans all its hops.
  const dispatcher = base.compose(
    logHops(),
    credentialsByOrigin(apiOrigin),
    interceptors.redirect({ maxRedirections: 5, throwOnMaxRedirect: false }),
    limits,
  );
  // Redirects outermost: every hop is retried, counted, limited and checked for credentials on its own, as fetch's hops were.
  const api = base.compose(
    credentialsByOrigin(apiOrigin),
    limits,
    countUsage(apiUsage),
    retryByPolicy(retry, options.log),
    interceptors.redirect({ maxRedirections: 0, throwOnMaxRedirect: true }),
  );
  let closing: Promise<void> | undefined;
  return {
    dispatcher,
    fetch: cappedFetch(api, MAX_API_ANSWER_BYTES),
    retry,
    config,
    apiOrigin,
    apiUsage,
    close: () => (closing ??= closeWithoutStacks(base)),
  };
}

/** Networks for callers given none (tests, a client built alone), one per API URL, kept for the process. */
const defaultNetworks = new Map<string, Network>();

/**
 * The network for `apiUrl` (default api.github.com) with default settings and no API retries: what a
 * download or a GitHub client uses when its caller passes no dispatcher or fetch. Downloads retry
 * under their own policy, so the download dispatcher is the same whatever the API's retries are.
 */
export function defaultNetwork(apiUrl: string | undefined): Network {
  const key = apiBase(apiUrl);
  let network = defaultNetworks.get(key);
  if (!network) {
    network = createNetwork(
      networkConfigFromEnv((name) => (name === 'GITHUB_API_URL' ? key : name === 'GITHUB_ASSETS_RETRIES' ? '0' : undefined)),
    );
    defaultNetworks.set(key, network);
  }
  return network;
}

/**
 * Closes the pool. undici ends each connection with a ClientDestroyedError that nobody sees, and Node's
 * stream destroy reads its `stack`: formatting it made V8 compute the line ends of the whole 1.25 MB
 * bundle at every exit (~8 M instructions, callgrind). Made while closing, they capture no frames.
 */
async function closeWithoutStacks(agent: Dispatcher): Promise<void> {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    await agent.close();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Redirects an API request may follow (fetch's limit); each hop passes every interceptor again. */
const MAX_API_REDIRECTS = 20;

/** What an API call passes: the part of fetch's RequestInit that octokit's request and the attestation bundle fetch use. */
export interface ApiRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** `follow` (default) or `error` (a 3xx answer fails the call, as in fetch). */
  redirect?: 'follow' | 'error';
  signal?: AbortSignal | null;
}

/** A whole, already read API answer, shaped like the part of fetch's Response that octokit reads. */
export interface ApiResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly headers: ApiHeaders;
  /** The bytes as one chunk (null for 204, 205, 304 and HEAD), so `for await` reads it like a stream. */
  readonly body: AsyncIterable<Uint8Array> | null;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface ApiHeaders extends Iterable<[string, string]> {
  get(name: string): string | null;
}

/** The API's fetch: what octokit gets as `request.fetch` (see cappedFetch). */
export type ApiFetch = (input: string | URL, init?: ApiRequestInit) => Promise<ApiResponse>;

/**
 * A fetch for the REST API over `dispatcher.request` (undici's fetch with its web streams costs
 * ~20 ms of start-up for four JSON calls): follows redirects through the same interceptors, and
 * reads the whole answer with a cap: one larger than `maxBytes` (announced or streamed) fails
 * with GHA024 before it is all in memory. A failure to get an answer rejects like fetch's
 * (TypeError "fetch failed" with the cause), which octokit reports as status 500 with that cause.
 */
function cappedFetch(dispatcher: Dispatcher, maxBytes: number): ApiFetch {
  return async (input, init = {}) => {
    const url = new URL(String(input));
    const method = (init.method ?? 'GET').toUpperCase();
    let answer: Dispatcher.ResponseData;
    try {
      answer = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers: init.headers ?? {},
        body: init.body ?? null,
        signal: init.signal ?? undefined,
        maxRedirections: init.redirect === 'error' ? 0 : MAX_API_REDIRECTS,
      } as Dispatcher.RequestOptions);
    } catch (err) {
      if (init.signal?.aborted) throw init.signal.reason;
      throw new TypeError('fetch failed', { cause: err });
    }
    const { statusCode: status, body } = answer;
    // Destroying a body we stop reading makes it emit an abort error nobody else listens for.
    body.on('error', () => {});
    const tooLarge = (size: { announced: number } | { arrivedOver: number }) =>
      apiAnswerTooLarge({ url: safeUrl(url.href), capShown: formatBytes(maxBytes), size });
    if (init.redirect === 'error' && status >= 300 && status < 400) {
      body.destroy();
      throw new TypeError('fetch failed', { cause: new Error(`redirect (${status}) refused`) });
    }
    const headers = apiHeaders(answer.headers);
    const announced = Number(headers.get('content-length') ?? NaN);
    if (Number.isFinite(announced) && announced > maxBytes) {
      body.destroy();
      throw tooLarge({ announced });
    }
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        total += chunk.byteLength;
        if (total > maxBytes) throw tooLarge({ arrivedOver: total });
        chunks.push(chunk);
      }
    } catch (err) {
      body.destroy();
      if (err instanceof BuildpackError) throw err;
      throw new TypeError('fetch failed', { cause: err });
    }
    const bytes = [204, 205, 304].includes(status) || method === 'HEAD' ? null : Buffer.concat(chunks);
    return apiResponse({ status, statusText: answer.statusText ?? '', url: url.href, headers, bytes });
  };
}

function apiHeaders(raw: Record<string, string | string[] | undefined>): ApiHeaders {
  // Repeated headers are joined as fetch's Headers joins them.
  const entries = new Map<string, string>();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) entries.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  }
  return {
    get: (name) => entries.get(name.toLowerCase()) ?? null,
    [Symbol.iterator]: () => entries[Symbol.iterator](),
  };
}

function apiResponse(answer: { status: number; statusText: string; url: string; headers: ApiHeaders; bytes: Buffer | null }): ApiResponse {
  const { status, statusText, url, headers, bytes } = answer;
  const text = async () => (bytes ? bytes.toString('utf8') : '');
  return {
    status,
    statusText,
    ok: status >= 200 && status < 300,
    url,
    headers,
    body: bytes ? oneChunk(bytes) : null,
    text,
    json: async () => JSON.parse(await text()) as unknown,
    arrayBuffer: async () => (bytes ? new Uint8Array(bytes).buffer : new ArrayBuffer(0)),
  };
}

async function* oneChunk(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

function passwordOf(raw: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(raw).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}
