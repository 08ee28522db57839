// bin/build (and the CLI) against a hostile GitHub stand-in: foreign asset URLs, bodies larger
// than listed, trickling bodies, endless pagination, absurd rate-limit headers, malformed API
// answers, credentials in GITHUB_API_URL and a file replaced between resume attempts. Each test
// asserts the exit code, the error code (never GHA099), which origin saw a token, and the layers.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type AddedRelease } from '../support/fake-github/index.js';
import { errorCodes, fakeGitHubForFile, workspacePerTest } from '../support/e2e.js';
import { runBuild, runCli } from '../support/cnb.js';
import { allFiles, simulateRestore } from '../support/layers.js';

const TOKEN = 'ghp_hostileNetworkToken0123456789ab';
const BIG = 2 * 1024 * 1024;
const gh = await fakeGitHubForFile();
const ws = workspacePerTest();
let secret: AddedRelease;
let plain: Buffer;
let sums: AddedRelease;

beforeAll(() => {
  plain = Buffer.from(randomBytes(BIG * 0.75).toString('base64'));
  gh.addRepo('acme/plain');
  gh.addRelease('acme/plain', { tag: 'v1', assets: [{ name: 'plain', content: plain }] });
  gh.addRelease('acme/plain', { tag: 'v2', assets: [{ name: 'plain', content: Buffer.concat([plain, Buffer.from('v2')]) }] });
  gh.addRepo('acme/secret', { private: true });
  gh.addToken(TOKEN, { repos: ['acme/secret'] });
  secret = gh.addRelease('acme/secret', { tag: 'v1', assets: [{ name: 'secret', content: 'secret tool\n' }] });
  gh.addRepo('acme/sums');
  sums = gh.addRelease('acme/sums', {
    tag: 'v1',
    assets: [
      { name: 'tool', content: 'tool\n', digest: null },
      { name: 'SHA256SUMS', content: `${'a'.repeat(64)}  tool\n`, digest: null },
    ],
  });
  gh.addRepo('acme/pages');
  gh.addRelease('acme/pages', { tag: 'v1.0.0', assets: [{ name: 'tool', content: 'x\n' }] });
});

const env = (extra: Record<string, string> = {}) => ({ GITHUB_API_URL: gh.apiUrl, GITHUB_ASSETS_RETRY_DELAY: '100ms', ...extra });
const entry = (repo: string, asset: string, tag = 'v1', extra = '') =>
  `[[metadata.githubassets]]\nrepo = "${repo}"\nasset = "${asset}"\ntag = "${tag}"\n${extra}`;
const SECRET_ENTRY = entry('acme/secret', 'secret', 'v1', 'token_env = "SECRET_TOKEN"\n');

function expectNoLayers() {
  expect(readdirSync(ws.layersDir)).toEqual([]);
}

/** Nothing below the layers root or the app dir mentions the token. */
function expectTokenNowhere(output: string) {
  expect(output).not.toContain(TOKEN);
  for (const file of allFiles(ws.layersRoot)) expect(readFileSync(file).includes(TOKEN), file).toBe(false);
}

function releaseAnswer(assets: Record<string, unknown>[]) {
  return {
    status: 200,
    body: { id: 4242, tag_name: 'v1', name: 'v1', draft: false, prerelease: false, published_at: '2026-01-01T00:00:00Z', assets },
  };
}

describe('credentials by origin', () => {
  it('an asset URL from the API that names another origin gets no token; only the API origin sees it', async () => {
    const id = secret.assets.secret!;
    // The API answer points the asset at the download origin directly (as a hostile or broken API could).
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/secret/releases/tags/v1',
      respond: releaseAnswer([
        {
          id,
          name: 'secret',
          size: 12,
          url: gh.signedUrlFor(id),
          browser_download_url: `${gh.webUrl}/acme/secret/releases/download/v1/secret`,
          digest: null,
        },
      ]),
    });
    ws.writeApp({ 'project.toml': SECRET_ENTRY });
    const result = await runBuild(ws, env({ SECRET_TOKEN: TOKEN, BP_LOG_LEVEL: 'DEBUG' }));
    // The download host refuses any Authorization with 400: success proves none arrived.
    expect(result.code, result.output).toBe(0);
    const sawToken = new Set(gh.requests.filter((r) => r.headers.authorization !== undefined).map((r) => r.origin));
    expect([...sawToken]).toEqual(['api']);
    expect(gh.requests.filter((r) => r.origin === 'download')).toHaveLength(1);
    expect(readFileSync(join(ws.layersDir, 'acme_secret', 'bin', 'secret'), 'utf8')).toBe('secret tool\n');
    expectTokenNowhere(result.output);
  });

  it('a redirect from the API through a foreign origin never carries the token there, nor back', async () => {
    const apiPath = `/repos/acme/secret/releases/assets/${secret.assets.secret}`;
    // API asset URL → web origin (foreign) → back to the API asset URL.
    gh.injectFault({ origin: 'api', path: apiPath, respond: { status: 302, headers: { location: `${gh.webUrl}/bounce` } } });
    gh.injectFault({ origin: 'web', path: '/bounce', respond: { status: 302, headers: { location: `${gh.apiUrl}${apiPath}?again=1` } } });
    ws.writeApp({ 'project.toml': SECRET_ENTRY });
    const result = await runBuild(ws, env({ SECRET_TOKEN: TOKEN }));
    // Once a redirect left the API origin the token is gone for the rest of the chain: the private asset is then not found.
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA014']);
    // The download's hops: not the release lookup, nor the attestation lookup sent alongside (API origin, token).
    const lookups = ['/repos/acme/secret/releases/tags/v1', '/repos/acme/secret/attestations/'];
    const hops = gh.requests
      .filter((r) => !lookups.some((path) => r.path.split('?')[0]!.startsWith(path)))
      .map((r) => [r.origin, r.headers.authorization !== undefined]);
    expect(hops).toEqual([
      ['api', true],
      ['web', false],
      ['api', false],
    ]);
    expectTokenNowhere(result.output);
  });
});

describe('caps while streaming', () => {
  it('cuts an asset body that runs past the listed size (no Content-Length) and keeps the previous layer', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain', 'v1') });
    expect((await runBuild(ws, env())).code).toBe(0);
    const before = readFileSync(join(ws.layersDir, 'acme_plain', 'bin', 'plain'));
    simulateRestore(ws.layersDir);
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain', 'v2') });
    gh.injectFault({
      origin: 'download',
      path: '/signed/*',
      times: Infinity,
      respond: { status: 200, headers: { 'content-type': 'application/octet-stream' } },
      fillBytes: 512 * 1024 * 1024,
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA023']);
    const stopped = Number(/was stopped at (\d+) bytes: the release lists (\d+) bytes/.exec(result.output)?.[1]);
    expect(result.output).toContain(`the release lists ${plain.length + 2} bytes`);
    // Cut at the first chunk past the cap, not after hundreds of MiB.
    expect(stopped).toBeGreaterThan(plain.length + 2);
    expect(stopped).toBeLessThan(plain.length + 2 + 1024 * 1024);
    expect(readFileSync(join(ws.layersDir, 'acme_plain', 'bin', 'plain'))).toEqual(before);
    expect(readdirSync(ws.layersDir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses an announced Content-Length larger than the listed size before reading the body', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain', 'v1') });
    gh.injectFault({
      origin: 'download',
      path: '/signed/*',
      times: Infinity,
      respond: { status: 200, headers: { 'content-length': String(10 * 1024 ** 3) } },
      fillBytes: 1024,
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA023']);
    expectNoLayers();
  });

  it('caps the checksums file while streaming (GHA032), whatever the server sends', async () => {
    ws.writeApp({ 'project.toml': entry('acme/sums', 'tool') });
    gh.injectFault({
      origin: 'web',
      path: '/acme/sums/releases/download/v1/SHA256SUMS',
      respond: { status: 200 },
      fillBytes: 64 * 1024 * 1024,
    });
    gh.injectFault({
      origin: 'api',
      path: `/repos/acme/sums/releases/assets/${sums.assets.SHA256SUMS}`,
      respond: { status: 200 },
      fillBytes: 64 * 1024 * 1024,
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA032']);
    expect(result.output).toMatch(/checksums file SHA256SUMS was stopped at \d+ bytes/);
    expectNoLayers();
  });

  it('stops an endless pagination after the page cap (GHA025)', async () => {
    ws.writeApp({ 'project.toml': entry('acme/pages', 'tool', '^1.0') });
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/pages/releases',
      times: Infinity,
      respond: { status: 200, headers: { link: `<${gh.apiUrl}/repos/acme/pages/releases?per_page=100&page=2>; rel="next"` }, body: [] },
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA025']);
    expect(result.output).toContain('after 100 pages');
    expect(gh.countRequests({ origin: 'api', path: '/repos/acme/pages/releases' })).toBe(101);
  });

  it('refuses an API answer larger than its cap (GHA024)', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/plain/releases/tags/v1',
      respond: { status: 200, headers: { 'content-type': 'application/json' } },
      fillBytes: 200 * 1024 * 1024,
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA024']);
    expectNoLayers();
  });
});

describe('deadlines', () => {
  it('a body trickling one byte a second fails for being too slow (GHA026)', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    gh.injectFault({ origin: 'download', path: '/signed/*', times: Infinity, trickle: { bytes: 1, everyMs: 1000 } });
    const result = await runBuild(ws, env({ GITHUB_ASSETS_BODY_TIMEOUT: '2s', GITHUB_ASSETS_RETRIES: '1' }));
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA026']);
    expect(result.output).toContain('less than the minimum of 1024 bytes/s');
    expectNoLayers();
  });

  it('a request that outlives GITHUB_ASSETS_REQUEST_TIMEOUT fails (GHA027), however steadily it trickles', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    gh.injectFault({ origin: 'download', path: '/signed/*', times: Infinity, trickle: { bytes: 8192, everyMs: 100 } });
    const result = await runBuild(ws, env({ GITHUB_ASSETS_REQUEST_TIMEOUT: '2s' }));
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA027']);
    expectNoLayers();
  });
});

describe('safe resume', () => {
  it('a file replaced between attempts is downloaded again from the start, never spliced', async () => {
    const repo = 'acme/changing';
    const first = Buffer.from(randomBytes(BIG * 0.75).toString('base64'));
    const second = Buffer.from(randomBytes(BIG * 0.75).toString('base64'));
    gh.addRepo(repo);
    const added = gh.addRelease(repo, { tag: 'v1', assets: [{ name: 'changing', content: first, digest: null }] });
    gh.injectFault({
      origin: 'download',
      path: '/signed/*',
      cutAfterBytes: 500_000,
      onServed: () => setTimeout(() => gh.replaceAssetContent(added.assets.changing!, second), 0),
    });
    ws.writeApp({ 'project.toml': entry(repo, 'changing') });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    const downloads = gh.requests.filter((r) => r.origin === 'download');
    expect(downloads).toHaveLength(2);
    expect(downloads[1]!.headers.range).toMatch(/^bytes=\d+-$/);
    expect(downloads[1]!.headers['if-range']).toMatch(/^"[0-9a-f]+"$/);
    expect(readFileSync(join(ws.layersDir, 'acme_changing', 'bin', 'changing'))).toEqual(second);
  });

  it('without a validator from the server, a cut download restarts from zero instead of resuming', async () => {
    const bare = await startFakeGitHub({ assetValidators: 'none' });
    try {
      bare.addRepo('acme/bare');
      bare.addRelease('acme/bare', { tag: 'v1', assets: [{ name: 'bare', content: plain }] });
      bare.injectFault({ origin: 'download', path: '/signed/*', cutAfterBytes: 300_000 });
      ws.writeApp({ 'project.toml': entry('acme/bare', 'bare') });
      const result = await runBuild(ws, { ...env(), GITHUB_API_URL: bare.apiUrl, GITHUB_SERVER_URL: bare.webUrl });
      expect(result.code, result.output).toBe(0);
      expect(bare.requests.filter((r) => r.origin === 'download').map((r) => r.headers.range)).toEqual([undefined, undefined]);
      expect(readFileSync(join(ws.layersDir, 'acme_bare', 'bin', 'bare'))).toEqual(plain);
    } finally {
      await bare.close();
    }
  });
});

describe('bounded waits', () => {
  it('an x-ratelimit-reset far beyond any date fails at once with GHA013, not GHA099', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/plain/releases/tags/v1',
      times: Infinity,
      respond: {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '99999999999999999999' },
        body: { message: 'API rate limit exceeded' },
      },
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA013']);
    expect(result.output).toContain('beyond any wait allowed');
    expect(gh.countRequests({ origin: 'api', path: '/repos/acme/plain/releases/tags/v1' })).toBe(1);
  });

  it('a Retry-After beyond the timer limit is not retried at once but fails with GHA013', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/plain/releases/tags/v1',
      times: Infinity,
      respond: { status: 429, headers: { 'retry-after': '9999999999' }, body: { message: 'secondary rate limit' } },
    });
    const result = await runBuild(ws, env({ GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT: '100000000' }));
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA013']);
    expect(gh.countRequests({ origin: 'api', path: '/repos/acme/plain/releases/tags/v1' })).toBe(1);
  });

  it('an unparsable Retry-After is a short wait, then the retry succeeds', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/plain/releases/tags/v1',
      respond: { status: 429, headers: { 'retry-after': 'soon-ish' }, body: { message: 'secondary rate limit' } },
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/secondary rate limit \(HTTP 429\); retrying in 5\.0s/);
  });
});

describe('API answers are type-checked at the edge', () => {
  const ID = 777;
  const good = { id: ID, name: 'plain', size: 10, url: 'https://api.example/x', browser_download_url: 'https://example/x', digest: null };
  it.each([
    ['a digest that is a number', [{ ...good, digest: 12345 }], /assets\.0\.digest .*\(got number\)/],
    ['an asset name of null', [{ ...good, name: null }], /assets\.0\.name .*\(got null\)/],
    ['an asset URL that is not http(s)', [{ ...good, url: 'file:///etc/passwd' }], /assets\.0\.url /],
  ])('%s is GHA028 naming the field', async (_what, assets, message) => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    gh.injectFault({ origin: 'api', path: '/repos/acme/plain/releases/tags/v1', respond: releaseAnswer(assets) });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA028']);
    expect(result.output).toMatch(message);
    expectNoLayers();
  });

  it('a body that is not JSON is GHA028', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/plain/releases/tags/v1',
      respond: { status: 200, headers: { 'content-type': 'application/json' }, body: '<html>captive portal</html>' },
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA028']);
    expect(result.output).toContain('the answer is not JSON');
  });
});

describe('attestation listings are type-checked at the edge too', () => {
  const notJson = { status: 200, headers: { 'content-type': 'application/json' }, body: '<html>captive portal</html>' };
  it.each([
    ['a body that is not JSON', notJson, 'the answer is not JSON'],
    ['attestations that are not a list', { status: 200, body: { attestations: 'none' } }, 'attestations '],
  ])('%s is GHA028 under required, never "no attestation"', async (_what, respond, detail) => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain', 'v1', 'attestations = "required"\n') });
    gh.injectFault({ origin: 'api', path: /\/attestations\//, times: Infinity, respond });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA028']);
    expect(result.output).toMatch(/the GitHub API answered the attestations of sha256:[0-9a-f]{16}… in acme\/plain with malformed data/);
    expect(result.output).toContain(detail);
    expect(result.output).not.toContain('no SLSA provenance attestation');
    expectNoLayers();
  });

  it('under auto a malformed listing is noted as a failed lookup, not reported as "none found"', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    gh.injectFault({ origin: 'api', path: /\/attestations\//, times: Infinity, respond: notJson });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('attestations could not be looked up (GHA028');
    expect(result.output).not.toContain('no SLSA provenance attestation');
  });

  it('a failing attestation lookup names the attestations, not "releases"', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain', 'v1', 'attestations = "required"\n') });
    gh.injectFault({ origin: 'api', path: /\/attestations\//, times: Infinity, respond: { status: 500, body: { message: 'boom' } } });
    const result = await runBuild(ws, env({ GITHUB_ASSETS_RETRIES: '0' }));
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA021']);
    expect(result.output).toMatch(/answered 500 while looking up the attestations of sha256:[0-9a-f]{16}… in acme\/plain/);
  });
});

describe('redaction', () => {
  it('credentials in GITHUB_API_URL are never printed, not even in errors undici builds', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    const closed = 'http://apiuser:s3cr3tPassw0rd@127.0.0.1:9/api/v3';
    const result = await runBuild(ws, env({ GITHUB_API_URL: closed, GITHUB_ASSETS_RETRIES: '0', BP_LOG_LEVEL: 'DEBUG' }));
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA020']);
    expect(result.output).not.toContain('s3cr3tPassw0rd');
    expect(result.output).not.toContain('apiuser');
    expect(result.output).toContain('http://127.0.0.1:9/api/v3');
  });

  it('credentials in GITHUB_API_URL are not sent as Basic auth and not printed when the API fails', async () => {
    ws.writeApp({ 'project.toml': entry('acme/plain', 'plain') });
    const url = new URL(gh.apiUrl);
    url.username = 'apiuser';
    url.password = 's3cr3tPassw0rd';
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/plain/releases/tags/v1',
      times: Infinity,
      respond: { status: 502, body: { message: 'bad gateway' } },
    });
    const result = await runBuild(ws, env({ GITHUB_API_URL: url.toString(), GITHUB_ASSETS_RETRIES: '1', BP_LOG_LEVEL: 'DEBUG' }));
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA021']);
    expect(result.output).not.toContain('s3cr3tPassw0rd');
    expect(gh.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

describe('the CLI uses the same network layer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gha-hostile-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function cli(args: string[], extra: Record<string, string> = {}) {
    return runCli(args, { cwd: dir, env: { ...env(), ...extra } });
  }

  it('check retries a transient 502 under GITHUB_ASSETS_RETRIES like the build', async () => {
    writeFileSync(join(dir, 'project.toml'), entry('acme/plain', 'plain'));
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/plain/releases/tags/v1',
      times: 2,
      respond: { status: 502, body: { message: 'bad gateway' } },
    });
    const result = await cli(['check', '--json']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(gh.countRequests({ origin: 'api', path: '/repos/acme/plain/releases/tags/v1' })).toBe(3);
  });

  it('pin downloads through the network layer: a foreign asset URL gets no token', async () => {
    const id = secret.assets.secret!;
    writeFileSync(join(dir, 'project.toml'), SECRET_ENTRY);
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/secret/releases/tags/v1',
      times: Infinity,
      respond: releaseAnswer([
        { id, name: 'secret', size: 12, url: gh.signedUrlFor(id), browser_download_url: `${gh.webUrl}/x`, digest: null },
      ]),
    });
    const result = await cli(['pin', '--dry-run'], { SECRET_TOKEN: TOKEN });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const sawToken = new Set(gh.requests.filter((r) => r.headers.authorization !== undefined).map((r) => r.origin));
    expect([...sawToken]).toEqual(['api']);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it('an invalid network setting is GHA007 for the CLI as for the build', async () => {
    writeFileSync(join(dir, 'project.toml'), entry('acme/plain', 'plain'));
    const result = await cli(['check'], { GITHUB_ASSETS_RETRIES: 'many' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[GHA007]');
    expect(existsSync(join(dir, 'project.toml'))).toBe(true);
  });
});
