// The retry policy shared by API requests and downloads: which failures are transient
// (connection errors, timeouts, 5xx, short rate limits), how long to wait (exponential
// backoff with jitter, or the server's own reset time), and when to give up. No I/O but sleep.

import { isTooSlow } from '../errors.js';
import type { Logger } from '../log.js';
import type { NetworkConfig } from './config.js';

export interface RetryPolicy {
  /** Total attempts, the first included; 1 means no retries. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Rate-limit waits longer than this are not sat out. */
  rateLimitMaxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
  now?: () => number;
}

/** One attempt, no waiting: what a caller gets when it passes no policy. */
export const NO_RETRIES: RetryPolicy = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, rateLimitMaxWaitMs: 0 };

export function retryPolicyFrom(config: NetworkConfig): RetryPolicy {
  return {
    attempts: config.attempts,
    baseDelayMs: config.backoff.baseMs,
    maxDelayMs: config.backoff.maxMs,
    rateLimitMaxWaitMs: Math.min(config.rateLimitMaxWaitMs, 2 ** 31 - 1),
  };
}

/** Never longer than a timer can hold (setTimeout fires at once beyond 2^31-1 ms). */
export const sleepFor = (policy: RetryPolicy, ms: number): Promise<void> =>
  (policy.sleep ?? ((t: number) => new Promise<void>((resolve) => setTimeout(resolve, t))))(Math.min(Math.max(0, ms), 2 ** 31 - 1));

/**
 * Wait before retry number `retry` (0 for the first retry): base * 2^retry capped at max, of
 * which a random half is dropped ("equal jitter"), so parallel builds behind one NAT spread out
 * but never hammer the server with near-zero waits.
 */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 30));
  const random = policy.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RateLimit {
  kind: 'primary' | 'secondary';
  /** How long the server asks us to wait. */
  waitMs: number;
  /** When a primary limit resets (from x-ratelimit-reset). */
  resetAt?: Date;
}

type HeaderReader = (name: string) => string | undefined;

/**
 * GitHub's limits: primary is 403/429 with x-ratelimit-remaining: 0 and x-ratelimit-reset
 * (epoch seconds); secondary is 403/429 with retry-after (seconds or an HTTP date). A bare 429
 * means "wait at least a minute" per GitHub's guidance.
 */
/** Whether an answer is GitHub saying "rate limited" (429, or 403 with the limit headers). */
export function isRateLimitAnswer(status: number, header: HeaderReader): boolean {
  return status === 429 || (status === 403 && (header('x-ratelimit-remaining') === '0' || header('retry-after') !== undefined));
}

/** When a rate limit lifts, for messages: "retry after 5s" or "the limit resets at <ISO time>". */
export function rateLimitWhen(header: HeaderReader, now: number = Date.now()): string | undefined {
  const retryAfter = parseRetryAfter(header('retry-after'), now);
  if (retryAfter !== undefined && retryAfter > 0)
    return retryAfter > MAX_SANE_WAIT_MS ? 'retry after more than a year' : `retry after ${Math.ceil(retryAfter / 1000)}s`;
  const raw = header('x-ratelimit-reset');
  const reset = parseReset(raw);
  if (reset !== undefined) return `the limit resets at ${reset.toISOString()}`;
  if (raw !== undefined && /^\d+$/.test(raw.trim()))
    return `the server names a reset time beyond any wait allowed (x-ratelimit-reset: ${raw.trim().slice(0, 24)}${raw.trim().length > 24 ? '…' : ''})`;
  return undefined;
}

/** Anything longer is reported as "more than a year" and never waited for. */
const MAX_SANE_WAIT_MS = 366 * 24 * 3600 * 1000;
/** What an unparsable Retry-After stands for: a short wait, not "now" and not forever. */
export const UNPARSABLE_RETRY_AFTER_MS = 5000;

/**
 * Retry-After as milliseconds from now: whole seconds or an HTTP date; undefined when it is
 * neither (negative, fractional, garbage). Huge values stay huge, so the cap refuses them.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,15}$/.test(text)) return Number(text) * 1000;
  if (/^\d+$/.test(text)) return Number.MAX_SAFE_INTEGER;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** x-ratelimit-reset (epoch seconds) as a Date; undefined unless a whole number a Date can hold. */
export function parseReset(value: string | undefined): Date | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return undefined;
  const seconds = Number(value.trim());
  return seconds > 0 && seconds * 1000 <= 8.64e15 ? new Date(seconds * 1000) : undefined;
}

/** The note added when the build gave up because the wait was longer than the cap. */
export function rateLimitCapNote(capMs: number): string {
  return `, later than GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT (${Math.round(capMs / 1000)}s) allows waiting`;
}

export function rateLimitOf(status: number, header: HeaderReader, now: number = Date.now()): RateLimit | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = header('retry-after');
  if (retryAfter !== undefined) {
    return { kind: 'secondary', waitMs: parseRetryAfter(retryAfter, now) ?? UNPARSABLE_RETRY_AFTER_MS };
  }
  if (header('x-ratelimit-remaining') === '0') {
    const raw = header('x-ratelimit-reset');
    const reset = parseReset(raw);
    // One extra second: the reset is whole seconds and clocks differ a little.
    if (reset) return { kind: 'primary', waitMs: Math.max(0, reset.getTime() - now) + 1000, resetAt: reset };
    // A reset too far away to be a date is "not within any wait we allow".
    if (raw !== undefined && /^\d+$/.test(raw.trim())) return { kind: 'primary', waitMs: Number.MAX_SAFE_INTEGER };
  }
  if (status === 429) return { kind: 'secondary', waitMs: 60_000 };
  return undefined;
}

/** 5xx other than "not implemented"/"version not supported", and 408 request timeout. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Connection-level failures worth another try; DNS "not found" and TLS trust errors are not. */
export function isTransientError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    // Our own: a body below the minimum rate (interceptors.ts); a resume may find a faster path.
    if (isTooSlow(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export type Verdict = { retry: false; rateLimit?: RateLimit } | { retry: true; waitMs: number; reason: string; rateLimit?: RateLimit };

/** Whether answer `status` on attempt `attempt` (1-based) is worth another attempt, and after how long. */
export function verdictForStatus(policy: RetryPolicy, attempt: number, status: number, header: HeaderReader): Verdict {
  const rateLimit = rateLimitOf(status, header, (policy.now ?? Date.now)());
  const left = attempt < policy.attempts;
  if (rateLimit) {
    if (!left || rateLimit.waitMs > policy.rateLimitMaxWaitMs) return { retry: false, rateLimit };
    return {
      retry: true,
      waitMs: rateLimit.waitMs,
      reason: `${rateLimit.kind === 'primary' ? 'rate limit' : 'secondary rate limit'} (HTTP ${status})`,
      rateLimit,
    };
  }
  if (left && isTransientStatus(status)) return { retry: true, waitMs: backoffMs(policy, attempt - 1), reason: `HTTP ${status}` };
  return { retry: false };
}

export function verdictForError(policy: RetryPolicy, attempt: number, err: unknown): Verdict {
  if (attempt < policy.attempts && isTransientError(err))
    return { retry: true, waitMs: backoffMs(policy, attempt - 1), reason: errorSummary(err) };
  return { retry: false };
}

/** `ECONNRESET`, `UND_ERR_BODY_TIMEOUT`, … : the first code in the cause chain, else the message. */
export function errorSummary(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; current && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('ERR_INVALID')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return (err as Error)?.message ?? String(err);
}

export function logRetry(
  log: Logger | undefined,
  what: string,
  verdict: Extract<Verdict, { retry: true }>,
  { attempt, policy }: { attempt: number; policy: RetryPolicy },
): void {
  const wait = verdict.waitMs >= 1000 ? `${(verdict.waitMs / 1000).toFixed(1)}s` : `${verdict.waitMs}ms`;
  log?.info(`${what}: ${verdict.reason}; retrying in ${wait} (attempt ${attempt + 1} of ${policy.attempts})`);
}
