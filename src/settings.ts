// The buildpack's settings as one typed object (what each environment variable means once
// validated), and the rules every setting reader follows: unset means the default, anything
// unusable is an error (GHA007) naming the variable, never silently ignored. Reading the
// variables is the composition roots' job (src/main/settings/read.ts); nothing here looks them up.

import { settingInvalid } from './errors/catalog.js';
import type { AttestationMode } from './model.js';

/** How a composition root reads one variable: the process env, then (the build) <platform>/env files. */
export type SettingReader = (name: string) => string | undefined;

/** What a whole-number setting accepts: from `min` to `max`; unset means `fallback`. */
export interface WholeNumberRange {
  fallback: number;
  min: number;
  max: number;
}

export function wholeNumberSetting(read: SettingReader, name: string, { fallback, min, max }: WholeNumberRange): number {
  const text = read(name)?.trim();
  if (!text) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw settingInvalid({ kind: 'whole-number', name, text, min, max, fallback });
  }
  return Number(text);
}

export interface ProxySettings {
  /** Proxy for https:// targets (HTTPS_PROXY / https_proxy). */
  httpsProxy?: string;
  /** Proxy for http:// targets (HTTP_PROXY / http_proxy). */
  httpProxy?: string;
  /** Comma-separated hosts, domains (.corp.example), host:port or `*` that bypass the proxy. */
  noProxy?: string;
}

/** The network settings (net/config.ts networkConfigFromEnv validates them). */
export interface NetworkConfig {
  /** Total attempts per request, the first included (>= 1). */
  attempts: number;
  /** Exponential backoff with full jitter: a random wait up to min(max, base * 2^retry). */
  backoff: { baseMs: number; maxMs: number };
  timeouts: { connectMs: number; headersMs: number; bodyMs: number; requestMs: number };
  /** Bodies slower than this (bytes per second over the body timeout window) fail; 0 turns it off. */
  minBytesPerSecond: number;
  /** Cap on a download whose size nobody announced (mirror, web host): bytes. */
  maxDownloadBytes: number;
  /** Rate-limit waits up to this long are sat out; longer ones fail at once with the reset time. */
  rateLimitMaxWaitMs: number;
  proxy: ProxySettings;
  /** URL template with {owner}, {repo}, {tag}, {asset}: downloads go there instead of GitHub. */
  mirror?: string;
  /** Entries downloaded at once. */
  concurrency: number;
  /** Web host for the unauthenticated download fallback (GITHUB_SERVER_URL), no trailing slash. */
  serverUrl: string;
  /**
   * Whether serverUrl is known to be the API's web host: GITHUB_SERVER_URL was set, or the API is
   * github.com's own. Otherwise it is only the default, and nothing is sent there unasked (early downloads).
   */
  serverUrlKnown: boolean;
  /** How often a long download prints a progress line. */
  progressIntervalMs: number;
  /** REST base (GITHUB_API_URL, without credentials or a trailing slash): the one origin that gets tokens. */
  apiUrl: string;
}

/** Caps that stop decompression bombs (extract/limits.ts limitsFromEnv validates them). */
export interface ExtractLimits {
  maxBytes: number;
  maxEntries: number;
}

/** Settings needed to report any other problem, so read first, from the process environment only. */
export interface OutputSettings {
  /** BP_LOG_LEVEL=DEBUG (the Paketo convention) or GITHUB_ASSETS_DEBUG=1/true: debug lines and stack traces. */
  debug: boolean;
  /** NO_COLOR is set (to anything, even empty): no colours even on a terminal. */
  noColor: boolean;
}

/**
 * Every setting the buildpack reads, validated. Built once per process by a composition root
 * (src/main/settings/read.ts readSettings) and handed down as this object or the part a module needs.
 * Each field is validated when first read, so a command that never needs a setting (detect and
 * the network, `--help`) is not failed by it, and an invalid one is reported like any other error.
 * Tokens are not here: a descriptor entry names its variable (token_env), so the roots pass a
 * `TokenLookup` (github/credentials.ts) instead.
 */
export interface Settings extends OutputSettings {
  /** GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_ASSETS_{RETRIES,…,MIRROR,CONCURRENCY,PROGRESS_INTERVAL}, proxies. */
  readonly network: NetworkConfig;
  /** GITHUB_ASSETS_MAX_EXTRACT_BYTES, GITHUB_ASSETS_MAX_ENTRIES. */
  readonly extractLimits: ExtractLimits;
  /** GITHUB_ASSETS_STRICT: every entry must pin a sha256. */
  readonly strict: boolean;
  /** GITHUB_ASSETS_ATTESTATIONS: the `attestations` mode of entries that set none. */
  readonly attestations: AttestationMode;
  /** GITHUB_ASSETS_TRUSTED_ROOT, trimmed, as written (relative paths are the reader's to resolve). */
  readonly trustedRoot: string | undefined;
  /** GITHUB_ASSETS_PATH, trimmed: the descriptor's path instead of project.toml. */
  readonly descriptorPath: string | undefined;
  /** GITHUB_ASSETS_TEST_HOLD=<point>:<marker file>: a test-only pause point in the build (see phases/build/services.ts testHoldFrom). */
  readonly testHold?: string;
}
