// Builds the one undici dispatcher every request of a build goes through (API and downloads):
// connect/headers/body timeouts and HTTP(S)_PROXY / NO_PROXY routing, plus a fetch bound to it
// (with retry.ts's policy) for octokit. It makes no requests itself and logs no headers.

import { Agent, EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Logger } from '../log.js';
import { registerSecret, safeUrl } from '../secrets.js';
import type { NetworkConfig } from './config.js';
import { retryingFetch, retryPolicyFrom, type RetryPolicy } from './retry.js';

/** What the API calls of this build cost, for a closing log line ("3 API requests, 57 left"). */
export interface ApiUsage {
  /** HTTP requests of release lookups (through `fetch`), retries included; asset downloads are not counted. */
  requests: number;
  /** From the last answer's x-ratelimit-* headers, when it had them. */
  rateLimit?: { limit: number; remaining: number; resetAt: Date };
}

export interface Network {
  dispatcher: Dispatcher;
  /** undici's fetch through `dispatcher`, retrying transient failures (pass as octokit's request.fetch). */
  fetch: typeof fetch;
  retry: RetryPolicy;
  config: NetworkConfig;
  readonly apiUsage: ApiUsage;
  close(): Promise<void>;
}

export function createDispatcher(config: NetworkConfig, log?: Logger): Dispatcher {
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
  // Explicit values (empty string = none) so undici does not read process.env behind our back:
  // the settings may come from the platform env dir instead.
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
  const dispatcher = createDispatcher(config, options.log);
  // Like proxy passwords: credentials in a mirror URL never reach a message.
  if (config.mirror) registerSecret(passwordOf(config.mirror));
  const retry = { ...retryPolicyFrom(config), ...options.retry };
  const apiUsage: ApiUsage = { requests: 0 };
  const bound = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    apiUsage.requests++;
    const response = await undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1]);
    const [limit, remaining, reset] = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((n) => Number(response.headers.get(n) ?? NaN));
    if (Number.isFinite(limit) && Number.isFinite(remaining) && Number.isFinite(reset)) apiUsage.rateLimit = { limit: limit!, remaining: remaining!, resetAt: new Date(reset! * 1000) };
    return response;
  }) as unknown as typeof fetch;
  let closing: Promise<void> | undefined;
  return {
    dispatcher,
    fetch: retryingFetch(bound, retry, options.log),
    retry,
    config,
    apiUsage,
    close: () => (closing ??= dispatcher.close()),
  };
}

function passwordOf(raw: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(raw).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}
