// The retry policy's pure parts: backoff growth and jitter bounds, GitHub rate-limit headers,
// and which statuses and errors count as transient.

import { describe, expect, it } from 'vitest';
import { backoffMs, isTransientError, isTransientStatus, rateLimitOf, verdictForStatus, type RetryPolicy } from '../../src/net/retry.js';

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({
  attempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  rateLimitMaxWaitMs: 60_000,
  ...over,
});
const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('backoffMs', () => {
  it('doubles per retry, capped, and keeps between half and all of it', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffMs(policy({ random: () => 0 }), n))).toEqual([
      500, 1000, 2000, 4000, 8000, 15_000, 15_000,
    ]);
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffMs(policy({ random: () => 0.999999 }), n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });
});

describe('rateLimitOf', () => {
  const now = Date.UTC(2030, 0, 1, 0, 0, 0);
  it('primary: 403 with remaining 0 waits until the reset plus a second', () => {
    const limit = rateLimitOf(403, headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }), now);
    expect(limit).toEqual({ kind: 'primary', waitMs: 31_000, resetAt: new Date(now + 30_000) });
  });
  it('secondary: retry-after in seconds or as a date', () => {
    expect(rateLimitOf(429, headers({ 'retry-after': '12' }), now)).toEqual({ kind: 'secondary', waitMs: 12_000 });
    expect(rateLimitOf(403, headers({ 'retry-after': new Date(now + 5000).toUTCString() }), now)).toEqual({
      kind: 'secondary',
      waitMs: 5000,
    });
  });
  it('a bare 429 waits a minute; a bare 403 is not a rate limit', () => {
    expect(rateLimitOf(429, headers({}), now)).toEqual({ kind: 'secondary', waitMs: 60_000 });
    expect(rateLimitOf(403, headers({ 'x-ratelimit-remaining': '12' }), now)).toBeUndefined();
  });
});

describe('verdictForStatus', () => {
  it('retries 5xx and 408 while attempts remain; never 4xx', () => {
    expect(verdictForStatus(policy(), 1, 503, headers({})).retry).toBe(true);
    expect(verdictForStatus(policy(), 5, 503, headers({})).retry).toBe(false);
    for (const status of [400, 401, 404, 410, 422, 501]) expect(verdictForStatus(policy(), 1, status, headers({})).retry).toBe(false);
    expect(isTransientStatus(408)).toBe(true);
  });
  it('waits out a rate limit under the cap, not over it', () => {
    expect(verdictForStatus(policy(), 1, 429, headers({ 'retry-after': '60' }))).toMatchObject({ retry: true, waitMs: 60_000 });
    expect(verdictForStatus(policy(), 1, 429, headers({ 'retry-after': '61' }))).toMatchObject({
      retry: false,
      rateLimit: { waitMs: 61_000 },
    });
  });
});

describe('isTransientError', () => {
  it('finds connection codes anywhere in the cause chain', () => {
    expect(
      isTransientError(new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })),
    ).toBe(true);
    expect(isTransientError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe(false);
    expect(isTransientError(Object.assign(new Error('x'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }))).toBe(false);
  });
});
