// Release lookups through the shared network against the local GitHub stand-in with faults:
// 5xx bursts and dropped connections are retried with backoff, short rate limits are waited
// out, long ones fail at once with the reset time, and 404/401 are never retried.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { memoryLogger } from '../../src/log.js';
import { createReleaseResolver } from '../../src/github/resolve.js';
import type { AssetSpec } from '../../src/model.js';
import { rejected } from '../support/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { testNetwork, type TestNetwork } from '../support/network.js';

const TOKEN = 'ghp_resiliencetoken_0123456789abcdef';
const RELEASE = '/repos/acme/tool/releases/tags/v1';

let gh: FakeGitHub;
let net: TestNetwork;
let client: GitHubClient;
let log: ReturnType<typeof memoryLogger>;

function setup(env: Record<string, string> = {}) {
  net = testNetwork({ GITHUB_API_URL: gh.apiUrl, ...env }, log);
  client = createGitHubClient({
    apiUrl: gh.apiUrl,
    userAgent: 'gha-test/1.0',
    fetch: net.fetch,
    rateLimitMaxWaitMs: net.config.rateLimitMaxWaitMs,
    log,
  });
}

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.addRepo('acme/tool');
  gh.addRelease('acme/tool', { tag: 'v1', assets: [{ name: 'tool.tar.gz', content: 'tool bytes' }] });
  gh.addToken(TOKEN, { repos: '*' });
  log = memoryLogger();
  setup();
});

afterEach(async () => {
  await net.close();
  await gh.close();
});

describe('transient failures are retried', () => {
  it('a 502/503 burst: three failures, then the release; backoff doubles with jitter', async () => {
    gh.injectFault({ path: RELEASE, times: 2, respond: { status: 502, body: 'bad gateway' } });
    gh.injectFault({ path: RELEASE, times: 1, respond: { status: 503, body: 'unavailable' } });
    const release = await client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1');
    expect(release.assets.map((a) => a.name)).toEqual(['tool.tar.gz']);
    expect(gh.countRequests({ path: RELEASE })).toBe(4);
    expect(net.apiUsage.requests).toBe(4);
    // base 100ms: retry n waits between half and all of 100 * 2^n
    expect(net.waits).toHaveLength(3);
    net.waits.forEach((ms, n) => {
      expect(ms).toBeGreaterThanOrEqual((100 * 2 ** n) / 2);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** n);
    });
    expect(log.lines.filter((l) => /HTTP 50[23]; retrying in \d+ms \(attempt \d of 5\)/.test(l))).toHaveLength(3);
  });

  it('dropped connections are retried', async () => {
    gh.injectFault({ path: RELEASE, times: 2, reset: true });
    await client.getRelease({ owner: 'acme', repo: 'tool', token: TOKEN }, 'v1');
    expect(gh.countRequests({ path: RELEASE })).toBe(3);
  });

  it('a server that never sends headers times out and the retry succeeds', async () => {
    await net.close();
    setup({ GITHUB_ASSETS_HEADERS_TIMEOUT: '200ms' });
    gh.injectFault({ path: RELEASE, stallBeforeHeaders: true });
    const started = Date.now();
    await client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(gh.countRequests({ path: RELEASE })).toBe(2);
    expect(log.lines.some((l) => l.includes('UND_ERR_HEADERS_TIMEOUT; retrying'))).toBe(true);
  });

  it('a lasting 5xx gives up after the configured attempts with a server error', async () => {
    await net.close();
    setup({ GITHUB_ASSETS_RETRIES: '2' });
    gh.injectFault({ path: RELEASE, times: Infinity, respond: { status: 503, body: 'unavailable' } });
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1'));
    expect(err.code).toBe('GHA021');
    expect(gh.countRequests({ path: RELEASE })).toBe(3);
  });

  it('GITHUB_ASSETS_RETRIES=0 makes one attempt', async () => {
    await net.close();
    setup({ GITHUB_ASSETS_RETRIES: '0' });
    gh.injectFault({ path: RELEASE, respond: { status: 502, body: 'x' } });
    expect((await rejected(client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1'))).code).toBe('GHA021');
    expect(gh.countRequests({ path: RELEASE })).toBe(1);
  });
});

describe('non-retryable answers fail at once', () => {
  it('404: one lookup and one repo check, no retries', async () => {
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool' }, 'v9'));
    expect(err.code).toBe('GHA010');
    expect(gh.requests.map((r) => r.path)).toEqual(['/repos/acme/tool/releases/tags/v9', '/repos/acme/tool']);
    expect(net.waits).toEqual([]);
  });

  it('401: one request', async () => {
    const err = await rejected(
      client.getRelease({ owner: 'acme', repo: 'tool', token: 'ghp_not_a_known_token_123', ctx: { tokenEnv: 'GH_TOKEN' } }, 'v1'),
    );
    expect(err.code).toBe('GHA011');
    expect(gh.requests).toHaveLength(1);
  });
});

describe('rate limits', () => {
  const primary = (resetInSeconds: number) => ({
    status: 403,
    headers: {
      'x-ratelimit-limit': '60',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetInSeconds),
    },
    body: { message: 'API rate limit exceeded for 127.0.0.1.' },
  });

  it('a primary limit that resets within the cap is waited out', async () => {
    gh.injectFault({ path: RELEASE, respond: primary(20) });
    await client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1');
    expect(gh.countRequests({ path: RELEASE })).toBe(2);
    expect(net.waits).toHaveLength(1);
    expect(net.waits[0]).toBeGreaterThan(19_000);
    expect(net.waits[0]).toBeLessThanOrEqual(22_000);
    expect(log.lines.some((l) => l.includes('rate limit (HTTP 403); retrying in'))).toBe(true);
  });

  it('a secondary limit (429 + retry-after) waits the seconds it asks for', async () => {
    gh.injectFault({
      path: RELEASE,
      respond: { status: 429, headers: { 'retry-after': '7' }, body: { message: 'You have exceeded a secondary rate limit.' } },
    });
    await client.getRelease({ owner: 'acme', repo: 'tool', token: TOKEN }, 'v1');
    expect(net.waits).toEqual([7000]);
    expect(gh.countRequests({ path: RELEASE })).toBe(2);
  });

  it('a limit resetting later than the cap fails at once with the reset time and how to pass a token', async () => {
    const fault = primary(3000);
    gh.injectFault({ path: RELEASE, respond: fault });
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1'));
    expect(err.code).toBe('GHA013');
    const reset = new Date(Number(fault.headers['x-ratelimit-reset']) * 1000).toISOString();
    expect(err.message).toBe(
      `GitHub API rate limit exceeded (60 requests/hour) while looking up release "v1" of acme/tool; the limit resets at ${reset}, later than GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT (60s) allows waiting`,
    );
    expect(err.hint).toContain('token_env = "GITHUB_TOKEN"');
    expect(gh.countRequests({ path: RELEASE })).toBe(1);
    expect(net.waits).toEqual([]);
  });

  it('GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT=0 never waits', async () => {
    await net.close();
    setup({ GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT: '0' });
    gh.injectFault({ path: RELEASE, respond: { status: 429, headers: { 'retry-after': '1' }, body: { message: 'secondary rate limit' } } });
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1'));
    expect(err.code).toBe('GHA013');
    expect(err.message).toContain('retry after 1s, later than GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT (0s) allows waiting');
    expect(gh.countRequests({ path: RELEASE })).toBe(1);
  });

  it('one release lookup per distinct repo and tag, however many entries use it', async () => {
    const { resolve } = createReleaseResolver(client);
    const spec = (index: number, asset: string): AssetSpec => ({
      index,
      repo: 'acme/tool',
      owner: 'acme',
      name: 'tool',
      asset,
      tag: 'v1',
      prerelease: false,
      stripComponents: 0,
    });
    const releases = await Promise.all([1, 2, 3].map((i) => resolve(spec(i, 'tool.tar.gz'), { token: undefined, source: undefined })));
    expect(new Set(releases.map((r) => r.id)).size).toBe(1);
    expect(gh.countRequests({ origin: 'api' })).toBe(1);
    expect(net.apiUsage).toEqual({ requests: 1, rateLimit: { limit: 1000, remaining: 999, resetAt: expect.any(Date) } });
  });
});
