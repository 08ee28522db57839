// The network layer's pure parts: header stripping in every shape undici accepts, Retry-After and
// x-ratelimit-reset parsing and clamping, URL redaction in free text, the new settings, and the
// API answer schema. The end-to-end behaviour is in test/net/hostile-network.test.ts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRelease, parseReleaseList } from '../../src/github/api-schema.js';
import { apiBase, networkConfigFromEnv, parseByteSize } from '../../src/net/config.js';
import { withoutHeader } from '../../src/net/headers.js';
import { clampTimer, credentialsByOrigin, MAX_TIMER_MS } from '../../src/net/interceptors.js';
import {
  parseReset,
  parseRetryAfter,
  rateLimitOf,
  rateLimitWhen,
  UNPARSABLE_RETRY_AFTER_MS,
  verdictForStatus,
} from '../../src/net/retry.js';
import { redact } from '../../src/util/secrets.js';
import { thrown } from '../support/errors.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('withoutHeader', () => {
  it('drops a header case-insensitively from objects, flat arrays and pair lists', () => {
    expect(withoutHeader({ Authorization: 'x', accept: 'a' }, 'authorization')).toEqual({ accept: 'a' });
    expect(withoutHeader(['AUTHORIZATION', 'x', 'accept', 'a'], 'authorization')).toEqual(['accept', 'a']);
    expect(
      withoutHeader(
        [
          ['authorization', 'x'],
          ['accept', 'a'],
        ] as never,
        'authorization',
      ),
    ).toEqual([['accept', 'a']]);
    expect(
      withoutHeader(
        new Map([
          ['Authorization', 'x'],
          ['accept', 'a'],
        ]) as never,
        'authorization',
      ),
    ).toEqual([['accept', 'a']]);
    expect(withoutHeader(undefined, 'authorization')).toBeUndefined();
  });
});

describe('bounded waits', () => {
  it('reads Retry-After as seconds or an HTTP date, and nothing else', () => {
    expect(parseRetryAfter('12', now)).toBe(12_000);
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter('-3', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('an unparsable Retry-After is a short wait; a huge one is refused, never retried at once', () => {
    expect(rateLimitOf(429, headers({ 'retry-after': 'later' }), now)).toEqual({ kind: 'secondary', waitMs: UNPARSABLE_RETRY_AFTER_MS });
    const policy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, rateLimitMaxWaitMs: 2 ** 40 };
    expect(verdictForStatus(policy, 1, 429, headers({ 'retry-after': '99999999999' }))).toMatchObject({ retry: false });
  });

  it('an x-ratelimit-reset beyond any date is a limit no wait can sit out, named in the message', () => {
    expect(parseReset('99999999999999999999')).toBeUndefined();
    expect(parseReset('1767225600')).toEqual(new Date(1767225600 * 1000));
    expect(rateLimitOf(403, headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '99999999999999999999' }), now)).toEqual({
      kind: 'primary',
      waitMs: Number.MAX_SAFE_INTEGER,
    });
    expect(rateLimitWhen(headers({ 'x-ratelimit-reset': '99999999999999999999' }))).toContain('beyond any wait allowed');
    expect(rateLimitWhen(headers({ 'retry-after': '99999999999' }))).toBe('retry after more than a year');
  });

  it('timers never get more than 2^31-1 ms (setTimeout would fire at once)', () => {
    expect(clampTimer(2 ** 40)).toBe(MAX_TIMER_MS);
    expect(clampTimer(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_MS);
    expect(clampTimer(-5)).toBe(0);
  });
});

describe('redaction of URLs in free text', () => {
  it('removes user info and query strings from every URL, wherever it sits in a message', () => {
    const text =
      'TypeError: Request cannot be constructed from a URL that includes credentials: https://user:pa%3Ass@ghe.example/api/v3/repos/a/b?access_token=abc&x=1 (see http://u@h:8080/p)';
    const out = redact(text);
    expect(out).not.toContain('pa%3Ass');
    expect(out).not.toContain('user:');
    expect(out).not.toContain('access_token');
    expect(out).toContain('https://ghe.example/api/v3/repos/a/b?…');
    expect(out).toContain('http://h:8080/p');
  });

  it('GITHUB_API_URL loses its credentials before use, and the password becomes a secret', () => {
    expect(apiBase('https://bob:hunter2hunter2@ghe.example/api/v3/')).toBe('https://ghe.example/api/v3');
    expect(redact('failed: hunter2hunter2')).toBe('failed: ***');
    expect(thrown(() => apiBase('ftp://x')).code).toBe('GHA007');
  });
});

describe('network settings', () => {
  it('reads the minimum speed, request deadline and unknown-size cap', () => {
    const config = networkConfigFromEnv(
      (n) => ({ GITHUB_ASSETS_MIN_SPEED: '0', GITHUB_ASSETS_REQUEST_TIMEOUT: '2m', GITHUB_ASSETS_MAX_DOWNLOAD_SIZE: '500MiB' })[n],
    );
    expect(config.minBytesPerSecond).toBe(0);
    expect(config.timeouts.requestMs).toBe(120_000);
    expect(config.maxDownloadBytes).toBe(500 * 1024 ** 2);
    expect(parseByteSize('4GiB')).toBe(4 * 1024 ** 3);
    expect(parseByteSize('12 bytes')).toBeUndefined();
    expect(thrown(() => networkConfigFromEnv((n) => (n === 'GITHUB_ASSETS_MAX_DOWNLOAD_SIZE' ? 'huge' : undefined))).code).toBe('GHA007');
  });
});

describe('API answers', () => {
  const asset = {
    id: 1,
    name: 'tool',
    size: 3,
    url: 'https://api.github.com/a',
    browser_download_url: 'https://github.com/a',
    digest: `sha256:${'a'.repeat(64)}`,
  };
  const release = { id: 9, tag_name: 'v1', draft: false, prerelease: false, assets: [asset] };
  const ctx = { subject: 'release "v1" of acme/tool', entry: 'githubassets[1] (acme/tool)' };

  it('maps a good answer into the model', () => {
    expect(parseRelease(release, ctx)).toEqual({
      id: 9,
      tag: 'v1',
      draft: false,
      prerelease: false,
      assets: [{ id: 1, name: 'tool', size: 3, url: asset.url, browserDownloadUrl: asset.browser_download_url, digest: asset.digest }],
    });
    expect(parseReleaseList([release, release], ctx)).toHaveLength(2);
  });

  it.each([
    ['digest as a number', { ...release, assets: [{ ...asset, digest: 5 }] }, 'assets.0.digest'],
    ['name null', { ...release, assets: [{ ...asset, name: null }] }, 'assets.0.name'],
    ['size beyond safe integers', { ...release, assets: [{ ...asset, size: 2 ** 60 }] }, 'assets.0.size'],
    ['a newline in the name', { ...release, assets: [{ ...asset, name: 'a\nb' }] }, 'assets.0.name'],
    ['tag missing', { ...release, tag_name: undefined }, 'tag_name'],
  ])('%s is GHA028 naming the field and the entry', (_what, data, field) => {
    const err = thrown(() => parseRelease(data, ctx));
    expect(err.code).toBe('GHA028');
    expect(err.entry).toBe(ctx.entry);
    expect(err.message).toContain(field);
  });

  it('a string (non-JSON body) says so', () => {
    expect(thrown(() => parseRelease('<html>', ctx)).message).toContain('the answer is not JSON');
  });
});

describe('invariants with generated inputs', () => {
  const host = fc.oneof(
    fc.constantFrom('api.github.com', 'github.com', 'objects.githubusercontent.com', '127.0.0.1', 'API.GITHUB.COM'),
    fc.domain(),
  );
  const origin = fc
    .record({ scheme: fc.constantFrom('http', 'https'), host, port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }) })
    .map(({ scheme, host: h, port }) => `${scheme}://${h}${port === undefined ? '' : `:${port}`}`);
  const headerShape = fc.constantFrom('object', 'flat', 'pairs');
  const asShape = (shape: string, h: Record<string, string>) =>
    shape === 'object' ? h : shape === 'flat' ? Object.entries(h).flat() : Object.entries(h);
  const names = (headers: unknown): string[] =>
    Array.isArray(headers)
      ? Array.isArray(headers[0])
        ? headers.map((p: [string]) => p[0])
        : headers.filter((_, i) => i % 2 === 0)
      : Object.keys(headers as object);

  it('Authorization reaches a dispatch only when its origin is exactly the API origin', () => {
    fc.assert(
      fc.property(
        origin,
        origin,
        headerShape,
        fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION'),
        (api, target, shape, name) => {
          const apiOrigin = new URL(api).origin;
          let seen: unknown;
          const dispatch = credentialsByOrigin(apiOrigin)(((opts: { headers: unknown }) => {
            seen = opts.headers;
            return true;
          }) as never);
          dispatch(
            { origin: target, path: '/x', method: 'GET', headers: asShape(shape, { [name]: 'token t', accept: '*/*' }) } as never,
            {} as never,
          );
          const carried = names(seen).some((n) => n.toLowerCase() === 'authorization');
          expect(carried).toBe(new URL(target).origin === apiOrigin);
          expect(names(seen).map((n) => n.toLowerCase())).toContain('accept');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('redact never prints the user info of any URL in a message', () => {
    const secretPart = fc.stringMatching(/^[A-Za-z0-9._~-]{6,20}$/);
    fc.assert(
      fc.property(origin, secretPart, secretPart, fc.string({ maxLength: 30 }), (o, user, pass, around) => {
        const url = new URL(o);
        const text = `${around} ${url.protocol}//${user}:${pass}@${url.host}/api/v3?token=${pass} ${around}`;
        const out = redact(text);
        expect(out).not.toContain(`${user}:${pass}@`);
        expect(out).not.toContain(`token=${pass}`);
      }),
      { numRuns: 300 },
    );
  });
});
