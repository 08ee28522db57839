// The one place that reads network settings (retries, timeouts, rate-limit waits, proxies,
// mirror, concurrency, progress) from the build environment and validates them. Pure: the
// caller passes the lookup (process env, then the platform env dir); no I/O here.

import { invalidSetting, wholeNumberSetting } from '../settings.js';

export type EnvLookup = (name: string) => string | undefined;

export interface ProxySettings {
  /** Proxy for https:// targets (HTTPS_PROXY / https_proxy). */
  httpsProxy?: string;
  /** Proxy for http:// targets (HTTP_PROXY / http_proxy). */
  httpProxy?: string;
  /** Comma-separated hosts, domains (.corp.example), host:port or `*` that bypass the proxy. */
  noProxy?: string;
}

export interface NetworkConfig {
  /** Total attempts per request, the first included (>= 1). */
  attempts: number;
  /** Exponential backoff with full jitter: a random wait up to min(max, base * 2^retry). */
  backoff: { baseMs: number; maxMs: number };
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  /** Rate-limit waits up to this long are sat out; longer ones fail at once with the reset time. */
  rateLimitMaxWaitMs: number;
  proxy: ProxySettings;
  /** URL template with {owner}, {repo}, {tag}, {asset}: downloads go there instead of GitHub. */
  mirror?: string;
  /** Entries downloaded at once. */
  concurrency: number;
  /** Web host for the unauthenticated download fallback (GITHUB_SERVER_URL), no trailing slash. */
  serverUrl: string;
  /** How often a long download prints a progress line. */
  progressIntervalMs: number;
}

/** Every variable this module reads, with what it means (the README table is built from this). */
export const NETWORK_ENV = {
  GITHUB_ASSETS_RETRIES: 'retries after the first attempt for connection errors, timeouts and 5xx answers (default 4; 0 disables)',
  GITHUB_ASSETS_RETRY_DELAY: 'base delay of the exponential backoff (default 1s; grows 2x per retry up to 30s, with jitter)',
  GITHUB_ASSETS_CONNECT_TIMEOUT: 'time to open a connection (default 30s)',
  GITHUB_ASSETS_HEADERS_TIMEOUT: 'time to wait for response headers (default 60s)',
  GITHUB_ASSETS_BODY_TIMEOUT: 'longest silence while receiving a body (default 60s)',
  GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT: 'longest rate-limit wait sat out before failing (default 60s; 0 never waits)',
  GITHUB_ASSETS_MIRROR: 'download URL template with {owner} {repo} {tag} {asset} (internal mirror / artifact repository)',
  GITHUB_ASSETS_CONCURRENCY: 'downloads at once (default 4)',
  GITHUB_ASSETS_PROGRESS_INTERVAL: 'seconds between progress lines of a long download (default 5s)',
  GITHUB_SERVER_URL: 'web host for the unauthenticated release-download fallback (default https://github.com)',
} as const;

export const DEFAULTS = {
  retries: 4,
  retryDelayMs: 1000,
  maxDelayMs: 30_000,
  connectMs: 30_000,
  headersMs: 60_000,
  bodyMs: 60_000,
  rateLimitMaxWaitMs: 60_000,
  concurrency: 4,
  progressIntervalMs: 5000,
  serverUrl: 'https://github.com',
} as const;

export function networkConfigFromEnv(lookup: EnvLookup): NetworkConfig {
  const read = (name: string): string | undefined => {
    const value = lookup(name)?.trim();
    return value ? value : undefined;
  };
  const retries = wholeNumberSetting(read, 'GITHUB_ASSETS_RETRIES', DEFAULTS.retries, 0, 20);
  const baseMs = duration(read, 'GITHUB_ASSETS_RETRY_DELAY', DEFAULTS.retryDelayMs);
  const mirror = read('GITHUB_ASSETS_MIRROR');
  if (mirror !== undefined) checkMirror(mirror);
  const serverUrl = (read('GITHUB_SERVER_URL') ?? DEFAULTS.serverUrl).replace(/\/+$/, '');
  checkUrl('GITHUB_SERVER_URL', serverUrl);

  const proxy: ProxySettings = {};
  const httpsProxy = read('https_proxy') ?? read('HTTPS_PROXY');
  const httpProxy = read('http_proxy') ?? read('HTTP_PROXY');
  const noProxy = read('no_proxy') ?? read('NO_PROXY');
  if (httpsProxy !== undefined) proxy.httpsProxy = checkUrl('HTTPS_PROXY', withScheme(httpsProxy));
  if (httpProxy !== undefined) proxy.httpProxy = checkUrl('HTTP_PROXY', withScheme(httpProxy));
  if (noProxy !== undefined) proxy.noProxy = noProxy;

  return {
    attempts: retries + 1,
    backoff: { baseMs, maxMs: Math.max(baseMs, DEFAULTS.maxDelayMs) },
    timeouts: {
      connectMs: duration(read, 'GITHUB_ASSETS_CONNECT_TIMEOUT', DEFAULTS.connectMs, 1),
      headersMs: duration(read, 'GITHUB_ASSETS_HEADERS_TIMEOUT', DEFAULTS.headersMs, 1),
      bodyMs: duration(read, 'GITHUB_ASSETS_BODY_TIMEOUT', DEFAULTS.bodyMs, 1),
    },
    rateLimitMaxWaitMs: duration(read, 'GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT', DEFAULTS.rateLimitMaxWaitMs),
    proxy,
    ...(mirror !== undefined ? { mirror } : {}),
    concurrency: wholeNumberSetting(read, 'GITHUB_ASSETS_CONCURRENCY', DEFAULTS.concurrency, 1, 64),
    serverUrl,
    progressIntervalMs: duration(read, 'GITHUB_ASSETS_PROGRESS_INTERVAL', DEFAULTS.progressIntervalMs, 1),
  };
}

/** `30` and `30s` are seconds; `500ms`, `2m` as written. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return Math.round(unit === 'ms' ? value : unit === 'm' ? value * 60_000 : value * 1000);
}

function duration(read: (n: string) => string | undefined, name: string, fallback: number, min = 0): number {
  const text = read(name);
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms < min) {
    throw invalidSetting(name, `"${text}" is not a duration`, `write a number of seconds (e.g. ${name}=30), or add a unit: 500ms, 30s, 2m`);
  }
  return ms;
}


/** Proxies are often written as host:port; curl and undici read that as http://host:port. */
function withScheme(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

function checkUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidSetting(name, 'is not a URL', `set ${name} to a URL such as http://proxy.example:3128`);
  }
  if (!['http:', 'https:', 'socks:', 'socks5:'].includes(url.protocol)) {
    throw invalidSetting(name, `has the unsupported scheme ${url.protocol}`, `use an http:// or https:// URL in ${name}`);
  }
  return value;
}

function checkMirror(template: string): void {
  if (!template.includes('{asset}')) {
    throw invalidSetting('GITHUB_ASSETS_MIRROR', 'has no {asset} placeholder', 'write a URL template such as https://artifacts.example/github/{owner}/{repo}/{tag}/{asset}');
  }
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((p) => !['owner', 'repo', 'tag', 'asset'].includes(p));
  if (unknown.length > 0) {
    throw invalidSetting('GITHUB_ASSETS_MIRROR', `has unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => `{${p}}`).join(', ')}`, 'the placeholders are {owner}, {repo}, {tag} and {asset}');
  }
  checkUrl('GITHUB_ASSETS_MIRROR', template.replace(/\{(owner|repo|tag|asset)\}/g, 'x'));
}

