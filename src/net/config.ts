// Validates the network settings (retries, timeouts, rate-limit waits, proxies, mirror,
// concurrency, progress) into a NetworkConfig. Pure: the composition root's settings reader
// (src/main/settings/read.ts) passes the lookup; no I/O and no environment access here.

import { registerSecret } from '../util/secrets.js';
import { settingInvalid } from '../errors/catalog.js';
import { wholeNumberSetting, type NetworkConfig, type ProxySettings, type SettingReader } from '../settings.js';

// The shapes live with the settings object (src/settings.ts), which the composition roots build.
export type { NetworkConfig } from '../settings.js';

export const DEFAULTS = {
  retries: 4,
  retryDelayMs: 1000,
  maxDelayMs: 30_000,
  connectMs: 30_000,
  headersMs: 60_000,
  bodyMs: 60_000,
  requestMs: 3_600_000,
  minBytesPerSecond: 1024,
  maxDownloadBytes: 4 * 1024 ** 3,
  rateLimitMaxWaitMs: 60_000,
  concurrency: 4,
  progressIntervalMs: 5000,
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
} as const;

export function networkConfigFromEnv(lookup: SettingReader): NetworkConfig {
  const read = (name: string): string | undefined => {
    const value = lookup(name)?.trim();
    return value ? value : undefined;
  };
  const retries = wholeNumberSetting(read, 'GITHUB_ASSETS_RETRIES', { fallback: DEFAULTS.retries, min: 0, max: 20 });
  const baseMs = duration(read, 'GITHUB_ASSETS_RETRY_DELAY', DEFAULTS.retryDelayMs);
  const mirror = read('GITHUB_ASSETS_MIRROR');
  if (mirror !== undefined) checkMirror(mirror);
  const serverUrl = credentialFreeBase('GITHUB_SERVER_URL', read('GITHUB_SERVER_URL') ?? '', DEFAULTS.serverUrl);
  const apiUrl = apiBase(read('GITHUB_API_URL'));

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
      requestMs: duration(read, 'GITHUB_ASSETS_REQUEST_TIMEOUT', DEFAULTS.requestMs, 1),
    },
    minBytesPerSecond: wholeNumberSetting(read, 'GITHUB_ASSETS_MIN_SPEED', {
      fallback: DEFAULTS.minBytesPerSecond,
      min: 0,
      max: 1024 ** 3,
    }),
    maxDownloadBytes: byteSize(read, 'GITHUB_ASSETS_MAX_DOWNLOAD_SIZE', DEFAULTS.maxDownloadBytes),
    rateLimitMaxWaitMs: duration(read, 'GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT', DEFAULTS.rateLimitMaxWaitMs),
    proxy,
    ...(mirror !== undefined ? { mirror } : {}),
    concurrency: wholeNumberSetting(read, 'GITHUB_ASSETS_CONCURRENCY', { fallback: DEFAULTS.concurrency, min: 1, max: 64 }),
    serverUrl,
    serverUrlKnown: read('GITHUB_SERVER_URL') !== undefined || apiUrl === DEFAULTS.apiUrl,
    progressIntervalMs: duration(read, 'GITHUB_ASSETS_PROGRESS_INTERVAL', DEFAULTS.progressIntervalMs, 1),
    apiUrl,
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
    throw settingInvalid({ kind: 'duration', name, text });
  }
  return ms;
}

/** `1048576`, `512KiB`, `100MiB`, `4GiB` (KB/MB/GB are read as the binary units too). */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const factor = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit as 'b'] ?? 1;
  const bytes = Math.floor(Number(m[1]) * factor);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

function byteSize(read: (n: string) => string | undefined, name: string, fallback: number): number {
  const text = read(name);
  if (text === undefined) return fallback;
  const bytes = parseByteSize(text);
  if (bytes === undefined || bytes < 1) throw settingInvalid({ kind: 'size', name, text });
  return bytes;
}

/** GITHUB_API_URL without a trailing slash and without user info (see credentialFreeBase). */
export function apiBase(value: string | undefined): string {
  return credentialFreeBase('GITHUB_API_URL', value ?? '', DEFAULTS.apiUrl);
}

/**
 * A base URL setting without a trailing slash, query or user info: credentials in it would be
 * printed with every failing request, or sent to hosts that must get none (the token goes in
 * token_env instead). User name and password are registered as secrets so no message shows them.
 */
function credentialFreeBase(name: 'GITHUB_API_URL' | 'GITHUB_SERVER_URL', value: string, fallback: string): string {
  const text = (value.trim() || fallback).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw settingInvalid({ kind: 'base-url-not-url', name });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw settingInvalid({ kind: 'base-url-scheme', name, protocol: url.protocol });
  if (url.username || url.password) {
    registerSecret(decodeURIComponentSafe(url.password));
    registerSecret(decodeURIComponentSafe(url.username));
    url.username = '';
    url.password = '';
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
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
    throw settingInvalid({ kind: 'proxy-not-url', name });
  }
  if (!['http:', 'https:', 'socks:', 'socks5:'].includes(url.protocol)) {
    throw settingInvalid({ kind: 'proxy-scheme', name, protocol: url.protocol });
  }
  return value;
}

function checkMirror(template: string): void {
  if (!template.includes('{asset}')) {
    throw settingInvalid({ kind: 'mirror-no-asset' });
  }
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((p) => !['owner', 'repo', 'tag', 'asset'].includes(p));
  if (unknown.length > 0) {
    throw settingInvalid({ kind: 'mirror-placeholders', unknown });
  }
  checkUrl('GITHUB_ASSETS_MIRROR', template.replace(/\{(owner|repo|tag|asset)\}/g, 'x'));
}
