// The composition roots' settings reader (src/main/settings.ts): every variable the buildpack
// reads reaches its field, unset means the default, an unusable value is GHA007 naming the
// variable (never echoing a secret), fields are validated on first read, and the build's lookup
// prefers the process environment to <platform>/env files as the CNB lookup always has.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildpackError } from '../../../src/errors.js';
import { platformReader, processReader, readOutputSettings, readSettings } from '../../../src/main/settings/read.js';
import type { Settings } from '../../../src/settings.js';
import { thrown } from '../../support/errors.js';
import { settingsFrom } from '../../support/settings.js';

const from = settingsFrom;

/** Every field read (getters run), as a plain object. */
function materialised(s: Settings): Record<string, unknown> {
  return {
    debug: s.debug,
    noColor: s.noColor,
    network: s.network,
    extractLimits: s.extractLimits,
    strict: s.strict,
    attestations: s.attestations,
    trustedRoot: s.trustedRoot,
    descriptorPath: s.descriptorPath,
    testHold: s.testHold,
  };
}

const DEFAULT_SETTINGS = {
  debug: false,
  noColor: false,
  network: {
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
  },
  extractLimits: { maxBytes: 4 * 1024 ** 3, maxEntries: 100_000 },
  strict: false,
  attestations: 'auto',
  trustedRoot: undefined,
  descriptorPath: undefined,
  testHold: undefined,
};

/** One valid, non-default value per variable, and where it lands. */
const EVERY_VARIABLE: [string, string, (s: Settings) => unknown, unknown][] = [
  ['GITHUB_ASSETS_RETRIES', '2', (s) => s.network.attempts, 3],
  ['GITHUB_ASSETS_RETRY_DELAY', '250ms', (s) => s.network.backoff.baseMs, 250],
  ['GITHUB_ASSETS_CONNECT_TIMEOUT', '5', (s) => s.network.timeouts.connectMs, 5000],
  ['GITHUB_ASSETS_HEADERS_TIMEOUT', '2m', (s) => s.network.timeouts.headersMs, 120_000],
  ['GITHUB_ASSETS_BODY_TIMEOUT', '90s', (s) => s.network.timeouts.bodyMs, 90_000],
  ['GITHUB_ASSETS_REQUEST_TIMEOUT', '2m', (s) => s.network.timeouts.requestMs, 120_000],
  ['GITHUB_ASSETS_MIN_SPEED', '0', (s) => s.network.minBytesPerSecond, 0],
  ['GITHUB_ASSETS_MAX_DOWNLOAD_SIZE', '500MiB', (s) => s.network.maxDownloadBytes, 500 * 1024 ** 2],
  ['GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT', '0', (s) => s.network.rateLimitMaxWaitMs, 0],
  ['GITHUB_ASSETS_MIRROR', 'https://m.example/{owner}/{asset}', (s) => s.network.mirror, 'https://m.example/{owner}/{asset}'],
  ['GITHUB_ASSETS_CONCURRENCY', '8', (s) => s.network.concurrency, 8],
  ['GITHUB_ASSETS_PROGRESS_INTERVAL', '10', (s) => s.network.progressIntervalMs, 10_000],
  ['GITHUB_API_URL', 'https://ghe.example/api/v3/', (s) => s.network.apiUrl, 'https://ghe.example/api/v3'],
  ['GITHUB_SERVER_URL', 'https://ghe.example/', (s) => s.network.serverUrl, 'https://ghe.example'],
  ['HTTPS_PROXY', 'proxy.example:3128', (s) => s.network.proxy.httpsProxy, 'http://proxy.example:3128'],
  ['https_proxy', 'http://lower.example:3128', (s) => s.network.proxy.httpsProxy, 'http://lower.example:3128'],
  ['HTTP_PROXY', 'http://plain.example:3128', (s) => s.network.proxy.httpProxy, 'http://plain.example:3128'],
  ['http_proxy', 'http://plain-lower.example:3128', (s) => s.network.proxy.httpProxy, 'http://plain-lower.example:3128'],
  ['NO_PROXY', '.corp.example', (s) => s.network.proxy.noProxy, '.corp.example'],
  ['no_proxy', 'localhost', (s) => s.network.proxy.noProxy, 'localhost'],
  ['GITHUB_ASSETS_MAX_EXTRACT_BYTES', '1000', (s) => s.extractLimits.maxBytes, 1000],
  ['GITHUB_ASSETS_MAX_ENTRIES', '5', (s) => s.extractLimits.maxEntries, 5],
  ['GITHUB_ASSETS_STRICT', 'yes', (s) => s.strict, true],
  ['GITHUB_ASSETS_ATTESTATIONS', ' Required ', (s) => s.attestations, 'required'],
  ['GITHUB_ASSETS_TRUSTED_ROOT', ' roots/trusted_root.json\n', (s) => s.trustedRoot, 'roots/trusted_root.json'],
  ['GITHUB_ASSETS_PATH', ' deploy/assets.toml ', (s) => s.descriptorPath, 'deploy/assets.toml'],
  ['GITHUB_ASSETS_TEST_HOLD', 'after-swap:/tmp/marker', (s) => s.testHold, 'after-swap:/tmp/marker'],
  ['BP_LOG_LEVEL', 'debug', (s) => s.debug, true],
  ['GITHUB_ASSETS_DEBUG', 'TRUE', (s) => s.debug, true],
  ['NO_COLOR', '', (s) => s.noColor, true],
];

/** Values each variable refuses (GHA007), with a fragment the message must hold. */
const INVALID: [string, string, string][] = [
  ['GITHUB_ASSETS_RETRIES', '21', 'GITHUB_ASSETS_RETRIES "21" is not a whole number from 0 to 20'],
  ['GITHUB_ASSETS_RETRY_DELAY', 'soon', 'GITHUB_ASSETS_RETRY_DELAY "soon" is not a duration'],
  ['GITHUB_ASSETS_CONNECT_TIMEOUT', '0', 'GITHUB_ASSETS_CONNECT_TIMEOUT "0" is not a duration'],
  ['GITHUB_ASSETS_HEADERS_TIMEOUT', '1h', 'GITHUB_ASSETS_HEADERS_TIMEOUT "1h" is not a duration'],
  ['GITHUB_ASSETS_BODY_TIMEOUT', '-1', 'GITHUB_ASSETS_BODY_TIMEOUT "-1" is not a duration'],
  ['GITHUB_ASSETS_REQUEST_TIMEOUT', 'forever', 'GITHUB_ASSETS_REQUEST_TIMEOUT "forever" is not a duration'],
  ['GITHUB_ASSETS_MIN_SPEED', 'fast', 'GITHUB_ASSETS_MIN_SPEED "fast" is not a whole number'],
  ['GITHUB_ASSETS_MAX_DOWNLOAD_SIZE', 'huge', 'GITHUB_ASSETS_MAX_DOWNLOAD_SIZE "huge" is not a size'],
  ['GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT', 'a while', 'GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT "a while" is not a duration'],
  ['GITHUB_ASSETS_MIRROR', 'https://m.example/{name}', 'GITHUB_ASSETS_MIRROR has no {asset} placeholder'],
  ['GITHUB_ASSETS_CONCURRENCY', '0', 'GITHUB_ASSETS_CONCURRENCY "0" is not a whole number from 1 to 64'],
  ['GITHUB_ASSETS_PROGRESS_INTERVAL', '0', 'GITHUB_ASSETS_PROGRESS_INTERVAL "0" is not a duration'],
  ['GITHUB_API_URL', 'ftp://ghe.example', 'GITHUB_API_URL has the unsupported scheme ftp:'],
  ['GITHUB_SERVER_URL', 'not a url', 'GITHUB_SERVER_URL is not a URL'],
  ['HTTPS_PROXY', 'ftp://proxy.example', 'HTTPS_PROXY has the unsupported scheme ftp:'],
  ['HTTP_PROXY', 'http://[proxy', 'HTTP_PROXY is not a URL'],
  ['GITHUB_ASSETS_MAX_EXTRACT_BYTES', 'lots', 'GITHUB_ASSETS_MAX_EXTRACT_BYTES "lots" is not a whole number from 1 to 9007199254740991'],
  ['GITHUB_ASSETS_MAX_ENTRIES', '0', 'GITHUB_ASSETS_MAX_ENTRIES "0" is not a whole number'],
  ['GITHUB_ASSETS_STRICT', 'maybe', 'GITHUB_ASSETS_STRICT "maybe" is neither on (1, true, yes, on) nor off (0, false, no, off)'],
  ['GITHUB_ASSETS_ATTESTATIONS', 'sometimes', 'GITHUB_ASSETS_ATTESTATIONS = "sometimes" is not one of required, auto, off'],
  ['GITHUB_ASSETS_PATH', 'x'.repeat(5000), 'GITHUB_ASSETS_PATH is not a usable path (5000 characters)'],
];

const PROXY_NAMES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

const scratch = mkdtempSync(join(tmpdir(), 'settings-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A platform dir whose env/ holds `files` (name → content). */
function platformWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'platform-'));
  mkdirSync(join(dir, 'env'));
  for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, 'env', name), value);
  return dir;
}

describe('readSettings', () => {
  it('gives the defaults when nothing is set', () => {
    expect(materialised(from({}))).toEqual(DEFAULT_SETTINGS);
  });

  it.each(EVERY_VARIABLE)('reads %s=%j into its field', (name, value, field, expected) => {
    const s = from({ [name]: value });
    expect(field(s)).toEqual(expected);
    expect(field(from({}))).not.toEqual(expected);
  });

  it('reads every variable the README documents, and only variables it documents or lists as internal', () => {
    const read = new Set<string>();
    materialised(
      readSettings((name) => {
        read.add(name);
        return undefined;
      }),
    );
    const readme = readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const names = /\b(?:GITHUB_ASSETS_[A-Z_]+|GITHUB_API_URL|GITHUB_SERVER_URL|BP_LOG_LEVEL|HTTPS?_PROXY|NO_PROXY|NO_COLOR)\b/g;
    const documented = new Set(readme.match(names));
    // GITHUB_ASSETS_TIMING is read by bin/build's composition root before anything else, to time start-up itself.
    const readBeforeSettings = ['GITHUB_ASSETS_TIMING'];
    expect([...documented].filter((name) => !read.has(name) && !readBeforeSettings.includes(name))).toEqual([]);
    // Not in the README: the lowercase proxy spellings, a debug alias, NO_COLOR (a convention) and the test pause point.
    const undocumented = ['https_proxy', 'http_proxy', 'no_proxy', 'HTTP_PROXY', 'NO_PROXY', 'NO_COLOR'];
    undocumented.push('GITHUB_ASSETS_DEBUG', 'GITHUB_ASSETS_TEST_HOLD');
    expect([...read].filter((name) => !documented.has(name) && !undocumented.includes(name))).toEqual([]);
    expect(EVERY_VARIABLE.map(([name]) => name).sort()).toEqual([...read].sort());
  });

  it.each(INVALID)('refuses an invalid %s with GHA007 naming it', (name, value, message) => {
    const err = thrown(() => materialised(from({ [name]: value })));
    expect(err.code).toBe('GHA007');
    expect(err.message).toContain(message);
    expect(err.message.startsWith(`${name} `)).toBe(true);
  });

  it('never echoes a proxy URL or its password in a GHA007', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{8,24}$/), fc.constantFrom(...PROXY_NAMES), (password, name) => {
        const url = `ftp://user:${password}@proxy.example:3128`;
        const err = thrown(() => from({ [name]: url }).network);
        expect(err.code).toBe('GHA007');
        expect(`${err.message}\n${err.hint}`).not.toContain(password);
      }),
    );
  });

  it('answers any value of a whole-number setting with a number in range or GHA007 naming it, never another error', () => {
    const settings: [string, (s: Settings) => number, number, number][] = [
      ['GITHUB_ASSETS_RETRIES', (s) => s.network.attempts - 1, 0, 20],
      ['GITHUB_ASSETS_CONCURRENCY', (s) => s.network.concurrency, 1, 64],
      ['GITHUB_ASSETS_MAX_ENTRIES', (s) => s.extractLimits.maxEntries, 1, Number.MAX_SAFE_INTEGER],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...settings), fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)), (numeric, value) => {
        const [name, field, min, max] = numeric;
        let got: number;
        try {
          got = field(from({ [name]: value }));
        } catch (err) {
          expect(err).toBeInstanceOf(BuildpackError);
          expect((err as BuildpackError).code).toBe('GHA007');
          expect((err as BuildpackError).message.startsWith(`${name} `)).toBe(true);
          return;
        }
        expect(Number.isSafeInteger(got)).toBe(true);
        expect(got).toBeGreaterThanOrEqual(min);
        expect(got).toBeLessThanOrEqual(max);
        if (value.trim() !== '') expect(got).toBe(Number(value.trim()));
      }),
    );
  });

  it('validates each field on first read: a bad setting fails only what reads it, every time it is read', () => {
    let reads = 0;
    const s = readSettings((name) => {
      reads++;
      return name === 'GITHUB_ASSETS_RETRIES' ? 'many' : undefined;
    });
    expect(s.strict).toBe(false);
    expect(s.extractLimits).toEqual(DEFAULT_SETTINGS.extractLimits);
    expect(s.descriptorPath).toBeUndefined();
    expect(thrown(() => s.network).message).toContain('GITHUB_ASSETS_RETRIES');
    expect(thrown(() => s.network).code).toBe('GHA007');
    // A field read once is kept: reading it again looks nothing up.
    const before = reads;
    expect(s.strict).toBe(false);
    expect(s.extractLimits.maxEntries).toBe(100_000);
    expect(reads).toBe(before);
  });

  it('takes debug and colour from the output settings it is given', () => {
    const s = readSettings(processReader({ BP_LOG_LEVEL: 'DEBUG' }), { debug: false, noColor: true });
    expect([s.debug, s.noColor]).toEqual([false, true]);
  });
});

describe('readOutputSettings', () => {
  it('turns debug on with BP_LOG_LEVEL=DEBUG (any case) or GITHUB_ASSETS_DEBUG=1/true, and colour off with NO_COLOR set even empty', () => {
    const out = (env: NodeJS.ProcessEnv) => readOutputSettings(processReader(env));
    expect(out({})).toEqual({ debug: false, noColor: false });
    const on = [{ BP_LOG_LEVEL: 'DEBUG' }, { BP_LOG_LEVEL: 'debug' }, { GITHUB_ASSETS_DEBUG: '1' }, { GITHUB_ASSETS_DEBUG: 'True' }];
    for (const env of on) expect(out(env).debug).toBe(true);
    const off = [{ BP_LOG_LEVEL: 'INFO' }, { GITHUB_ASSETS_DEBUG: '0' }, { GITHUB_ASSETS_DEBUG: 'yes' }];
    for (const env of off) expect(out(env).debug).toBe(false);
    expect(out({ NO_COLOR: '' }).noColor).toBe(true);
    expect(out({ NO_COLOR: '1' }).noColor).toBe(true);
  });
});

describe('platformReader (the build and detect)', () => {
  it('reads <platform>/env/<NAME> when the process environment does not set the variable', () => {
    const platform = platformWith({ GITHUB_ASSETS_CONCURRENCY: '7\n', GITHUB_ASSETS_STRICT: 'on', GITHUB_TOKEN: 'from-file\n' });
    const read = platformReader({}, platform);
    const s = readSettings(read);
    expect(s.network.concurrency).toBe(7);
    expect(s.strict).toBe(true);
    expect(read('GITHUB_TOKEN')?.trim()).toBe('from-file');
  });

  it('prefers the process environment to the platform file, and treats an empty process value as unset', () => {
    const platform = platformWith({ GITHUB_ASSETS_CONCURRENCY: '7', GITHUB_ASSETS_ATTESTATIONS: 'off' });
    const s = readSettings(platformReader({ GITHUB_ASSETS_CONCURRENCY: '3', GITHUB_ASSETS_ATTESTATIONS: '' }, platform));
    expect(s.network.concurrency).toBe(3);
    expect(s.attestations).toBe('off');
  });

  it('gives the defaults when neither sets a variable (an empty file is unset too)', () => {
    const platform = platformWith({ GITHUB_ASSETS_RETRIES: '' });
    expect(materialised(readSettings(platformReader({}, platform)))).toEqual(DEFAULT_SETTINGS);
    expect(materialised(readSettings(platformReader({}, join(scratch, 'no-such-platform'))))).toEqual(DEFAULT_SETTINGS);
  });

  it('refuses an invalid value from a platform file with GHA007 naming the variable', () => {
    const platform = platformWith({ GITHUB_ASSETS_MAX_ENTRIES: 'lots\n' });
    const err = thrown(() => readSettings(platformReader({}, platform)).extractLimits);
    expect(err.code).toBe('GHA007');
    expect(err.message).toBe('GITHUB_ASSETS_MAX_ENTRIES "lots" is not a whole number from 1 to 9007199254740991');
  });

  it('refuses a control character in a value without showing the value', () => {
    const platform = platformWith({ HTTPS_PROXY: 'http://user:hunter2@proxy\x1b[2J.example' });
    const err = thrown(() => readSettings(platformReader({}, platform)).network);
    expect(err.code).toBe('GHA007');
    expect(err.message).toContain(`HTTPS_PROXY (from ${join(platform, 'env', 'HTTPS_PROXY')}) contains a control or invisible character`);
    expect(`${err.message}${err.hint}`).not.toContain('hunter2');
  });
});

describe('processReader (the CLI)', () => {
  it('reads the process environment only, as it is', () => {
    const read = processReader({ GITHUB_ASSETS_PATH: 'a.toml', NO_COLOR: '' });
    expect(read('GITHUB_ASSETS_PATH')).toBe('a.toml');
    expect(read('NO_COLOR')).toBe('');
    expect(read('GITHUB_TOKEN')).toBeUndefined();
  });
});
