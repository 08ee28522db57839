// The one network layer: a single undici Agent (connection pool, proxy routing, connect/headers/
// idle timeouts) composed with our interceptors, which every request of a build or CLI run goes
// through. Downloads get redirects, API calls (octokit's fetch) get the retry policy and a
// capped, buffered body. It makes no requests itself and logs no headers.

import { Agent, EnvHttpProxyAgent, fetch as undiciFetch, interceptors, type Dispatcher } from 'undici';
import { formatBytes } from '../util/format.js';
import type { Logger } from '../log.js';
import { registerSecret, safeUrl } from '../util/secrets.js';
import type { NetworkConfig } from './config.js';
import { countUsage, credentialsByOrigin, deadlines, logHops, retryByPolicy, type ApiUsage } from './interceptors.js';
import { retryPolicyFrom, type RetryPolicy } from './retry.js';
import { apiAnswerTooLarge } from '../errors/catalog.js';

export type { ApiUsage } from './interceptors.js';

/** Largest API answer read into memory (one release, or one page of 100 releases with their assets). */
const MAX_API_ANSWER_BYTES = 32 * 1024 * 1024;

export interface Network {
  /** For downloads: credentials by origin, deadlines, redirects (followed hop by hop through the same checks). */
  dispatcher: Dispatcher;
  /** For the REST API (octokit's request.fetch): credentials by origin, deadlines, retries, and answers capped at MAX_API_ANSWER_BYTES. */
  fetch: typeof fetch;
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
  const api = base.compose(credentialsByOrigin(apiOrigin), limits, countUsage(apiUsage), retryByPolicy(retry, options.log));
  let closing: Promise<void> | undefined;
  return {
    dispatcher,
    fetch: cappedFetch(api, MAX_API_ANSWER_BYTES),
    retry,
    config,
    apiOrigin,
    apiUsage,
    close: () => (closing ??= base.close()),
  };
}

/**
 * undici's fetch through `dispatcher`, reading the whole answer with a cap: an answer larger
 * than `maxBytes` (announced or streamed) fails with GHA024 before it is all in memory.
 */
function cappedFetch(dispatcher: Dispatcher, maxBytes: number): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const response = await undiciFetch(
      input as Parameters<typeof undiciFetch>[0],
      { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1],
    );
    const url = response.url || (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const tooLarge = (size: { announced: number } | { arrivedOver: number }) =>
      apiAnswerTooLarge({ url: safeUrl(url), capShown: formatBytes(maxBytes), size });
    const announced = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(announced) && announced > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge({ announced });
    }
    if (!response.body) return response;
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge({ arrivedOver: total });
      }
      chunks.push(value);
    }
    const body = [204, 205, 304].includes(response.status) ? null : Buffer.concat(chunks);
    const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    Object.defineProperty(copy, 'url', { value: response.url });
    return copy;
  }) as unknown as typeof fetch;
}

function passwordOf(raw: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(raw).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}
