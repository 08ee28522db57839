// Network settings from the environment: defaults, units, proxies (lowercase first), mirror
// template checks, and GHA007 messages that never echo a proxy URL.

import { describe, expect, it } from 'vitest';
import { thrown } from '../support/errors.js';
import { DEFAULTS, networkConfigFromEnv, parseDuration } from '../../src/net/config.js';
import { redact } from '../../src/util/secrets.js';

const from = (env: Record<string, string>) => networkConfigFromEnv((name) => env[name]);

const invalid = (env: Record<string, string>) => thrown(() => from(env));

describe('networkConfigFromEnv', () => {
  it('defaults: 5 attempts, 1s backoff up to 30s, 30/60/60s timeouts, 1h per request, 1 KiB/s minimum, 4 GiB unknown-size cap, 60s rate-limit cap, 4 at once, github.com', () => {
    expect(from({})).toEqual({
      attempts: 5,
      backoff: { baseMs: 1000, maxMs: 30_000 },
      timeouts: { connectMs: 30_000, headersMs: 60_000, bodyMs: 60_000, requestMs: 3_600_000 },
      minBytesPerSecond: 1024,
      maxDownloadBytes: 4 * 1024 ** 3,
      rateLimitMaxWaitMs: 60_000,
      proxy: {},
      concurrency: 4,
      serverUrl: 'https://github.com',
      serverUrlKnown: true,
      progressIntervalMs: 5000,
      apiUrl: 'https://api.github.com',
    });
    expect(DEFAULTS.concurrency).toBe(4);
  });

  it('reads every setting, with units', () => {
    const config = from({
      GITHUB_ASSETS_RETRIES: '2',
      GITHUB_ASSETS_RETRY_DELAY: '250ms',
      GITHUB_ASSETS_CONNECT_TIMEOUT: '5',
      GITHUB_ASSETS_HEADERS_TIMEOUT: '1m',
      GITHUB_ASSETS_BODY_TIMEOUT: '90s',
      GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT: '0',
      GITHUB_ASSETS_MIRROR: 'https://artifacts.example/gh/{owner}/{repo}/{tag}/{asset}',
      GITHUB_ASSETS_CONCURRENCY: '8',
      GITHUB_ASSETS_PROGRESS_INTERVAL: '10',
      GITHUB_SERVER_URL: 'https://ghe.example/',
    });
    expect(config).toMatchObject({
      attempts: 3,
      backoff: { baseMs: 250, maxMs: 30_000 },
      timeouts: { connectMs: 5000, headersMs: 60_000, bodyMs: 90_000 },
      rateLimitMaxWaitMs: 0,
      mirror: 'https://artifacts.example/gh/{owner}/{repo}/{tag}/{asset}',
      concurrency: 8,
      progressIntervalMs: 10_000,
      serverUrl: 'https://ghe.example',
      serverUrlKnown: true,
    });
  });

  it('knows the web host when GITHUB_SERVER_URL is set or the API is github.com, and only assumes it otherwise', () => {
    expect(from({}).serverUrlKnown).toBe(true);
    expect(from({ GITHUB_API_URL: 'https://api.github.com/' }).serverUrlKnown).toBe(true);
    expect(from({ GITHUB_API_URL: 'https://ghe.example/api/v3' })).toMatchObject({
      serverUrl: 'https://github.com',
      serverUrlKnown: false,
    });
    expect(from({ GITHUB_API_URL: 'https://ghe.example/api/v3', GITHUB_SERVER_URL: 'https://ghe.example' }).serverUrlKnown).toBe(true);
  });

  it('proxies: lowercase wins over uppercase, host:port gets http://, empty values are unset', () => {
    expect(
      from({
        https_proxy: 'http://lower:3128',
        HTTPS_PROXY: 'http://upper:3128',
        HTTP_PROXY: 'proxy.corp:8080',
        NO_PROXY: 'localhost,.corp',
        no_proxy: '',
      }).proxy,
    ).toEqual({
      httpsProxy: 'http://lower:3128',
      httpProxy: 'http://proxy.corp:8080',
      noProxy: 'localhost,.corp',
    });
  });

  it('bad values are GHA007 naming the variable and the fix', () => {
    const retries = invalid({ GITHUB_ASSETS_RETRIES: 'many' });
    expect(retries.code).toBe('GHA007');
    expect(retries.message).toBe('GITHUB_ASSETS_RETRIES "many" is not a whole number from 0 to 20');
    expect(invalid({ GITHUB_ASSETS_CONCURRENCY: '0' }).message).toContain('from 1 to 64');
    const timeout = invalid({ GITHUB_ASSETS_BODY_TIMEOUT: 'soon' });
    expect(timeout.message).toBe('GITHUB_ASSETS_BODY_TIMEOUT "soon" is not a duration');
    expect(timeout.hint).toContain('500ms, 30s, 2m');
    expect(invalid({ GITHUB_ASSETS_CONNECT_TIMEOUT: '0' }).code).toBe('GHA007');
    expect(invalid({ GITHUB_ASSETS_MIRROR: 'https://m.example/{owner}/{repo}' }).message).toBe(
      'GITHUB_ASSETS_MIRROR has no {asset} placeholder',
    );
    expect(invalid({ GITHUB_ASSETS_MIRROR: 'https://m.example/{version}/{asset}' }).message).toBe(
      'GITHUB_ASSETS_MIRROR has unknown placeholder {version}',
    );
  });

  it('a bad proxy URL is reported without echoing it (it may hold a password)', () => {
    const err = invalid({ HTTPS_PROXY: 'ftp://user:hunter2@proxy:21' });
    expect(err.message).toBe('HTTPS_PROXY has the unsupported scheme ftp:');
    expect(`${err.message} ${err.hint}`).not.toContain('hunter2');
  });

  it('GITHUB_SERVER_URL and GITHUB_API_URL lose user info and query, and their passwords become secrets', () => {
    const config = from({
      GITHUB_SERVER_URL: 'https://bob:s3rverpass@ghe.example/?t=1',
      GITHUB_API_URL: 'https://bob:ap1pass@ghe.example/api/v3/',
    });
    expect(config.serverUrl).toBe('https://ghe.example');
    expect(config.apiUrl).toBe('https://ghe.example/api/v3');
    expect(redact('s3rverpass and ap1pass')).not.toMatch(/s3rverpass|ap1pass/);
    expect(invalid({ GITHUB_SERVER_URL: 'ftp://ghe.example' }).message).toBe('GITHUB_SERVER_URL has the unsupported scheme ftp:');
  });
});

describe('parseDuration', () => {
  it('reads seconds by default, and ms/s/m units', () => {
    expect(parseDuration('30')).toBe(30_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('200ms')).toBe(200);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('2h')).toBeUndefined();
    expect(parseDuration('-1')).toBeUndefined();
  });
});
