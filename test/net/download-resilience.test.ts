// Downloads through the shared network against the local GitHub stand-in with faults: resume
// with Range after a cut or a stalled body, restart when the server cannot resume, 5xx bursts,
// rate limits, a loopback proxy, a mirror, the web-host fallback, and parallel downloads.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/util/concurrency.js';
import { downloadAsset } from '../../src/net/download.js';
import { createGitHubClient } from '../../src/github/client.js';
import { memoryLogger } from '../../src/log.js';
import type { AssetSpec, ReleaseAsset } from '../../src/model.js';
import { createAssetDownloader, type AssetDownloadRequest } from '../../src/net/downloader.js';
import { createProgress } from '../../src/net/progress.js';
import { directRelease, directReleaseFor, qualifiesForDirectDownload } from '../../src/net/sources.js';
import { selectAsset } from '../../src/select/index.js';
import { rejected } from '../support/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { testNetwork, type TestNetwork } from '../support/network.js';
import { startProxy, type TestProxy } from '../support/proxy.js';

const TOKEN = 'ghp_resumetoken_0123456789abcdef0';
const UA = 'gha-test/1.0';
const SIZE = 3 * 1024 * 1024 + 17;
const SIGNED = { origin: 'download' as const, path: '/signed/*' };

let gh: FakeGitHub;
let net: TestNetwork;
let dir: string;
let big: Buffer;
let log: ReturnType<typeof memoryLogger>;
const cleanups: Array<() => Promise<void>> = [];

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function assetOf(repo: string, name: string, token?: string): Promise<ReleaseAsset> {
  const [owner, r] = repo.split('/') as [string, string];
  const release = await createGitHubClient({ apiUrl: gh.apiUrl, userAgent: UA }).getRelease({ owner, repo: r, token }, 'v1');
  const asset = release.assets.find((a) => a.name === name);
  if (!asset) throw new Error(`no asset ${name}`);
  gh.resetRequests();
  return asset;
}

function useNetwork(env: Record<string, string> = {}) {
  net = testNetwork({ GITHUB_API_URL: gh.apiUrl, ...env }, log);
  cleanups.push(() => net.close());
}

const download = (asset: ReleaseAsset, destFile: string, token?: string) =>
  downloadAsset({
    asset,
    destFile,
    userAgent: UA,
    dispatcher: net.dispatcher,
    retry: net.retry,
    log,
    entry: 'githubassets[1] (acme/tool)',
    ...(token ? { token, tokenEnv: 'ACME_TOKEN' } : {}),
  });

/** One download through a fresh downloader over this test's network, into `dir/x` as entry `e`; anonymous unless the request says otherwise. */
const fetchAsset = (asset: ReleaseAsset, request: Partial<AssetDownloadRequest> = {}) =>
  createAssetDownloader(net, { userAgent: UA, log })({
    asset,
    token: undefined,
    tokenEnv: undefined,
    destFile: join(dir, 'x'),
    entry: 'e',
    ...request,
  });

/** An exact entry for acme/tool's tool.bin at `tag`. */
const toolSpec = (tag: string, extra: Partial<AssetSpec> = {}): AssetSpec => ({
  index: 1,
  repo: 'acme/tool',
  owner: 'acme',
  name: 'tool',
  asset: 'tool.bin',
  tag,
  prerelease: false,
  stripComponents: 0,
  ...extra,
});

const rangesSent = () => gh.requests.filter((r) => r.origin === 'download').map((r) => r.headers.range);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gha-resilience-'));
  big = randomBytes(SIZE);
  gh = await startFakeGitHub();
  gh.addRepo('acme/tool');
  gh.addRelease('acme/tool', { tag: 'v1', assets: [{ name: 'tool.bin', content: big }] });
  gh.addRepo('acme/secret', { private: true });
  gh.addRelease('acme/secret', { tag: 'v1', assets: [{ name: 'secret.bin', content: big }] });
  gh.addToken(TOKEN, { repos: '*' });
  log = memoryLogger();
  useNetwork();
});

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

describe('resume', () => {
  it('a connection cut after N bytes resumes with Range from the bytes written; the hash covers the whole file', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, cutAfterBytes: 1_000_000 });
    const destFile = join(dir, 'tool.bin');
    const result = await download(asset, destFile);
    expect(result).toEqual({ sha256: sha(big), bytes: SIZE });
    expect(sha(await readFile(destFile))).toBe(sha(big));
    const ranges = rangesSent();
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    const from = Number(/^bytes=(\d+)-$/.exec(ranges[1]!)![1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(1_000_000);
    // Each attempt starts over at the API URL (a fresh signed URL), one per attempt.
    expect(gh.countRequests({ origin: 'api' })).toBe(2);
    expect(log.lines.some((l) => /asset tool\.bin: .*; resuming from .*; retrying in/.test(l))).toBe(true);
  });

  it('two cuts in a row resume twice, each from where the last one stopped', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, times: 2, cutAfterBytes: 700_000 });
    const result = await download(asset, join(dir, 'x'));
    expect(result.sha256).toBe(sha(big));
    const starts = rangesSent().map((r) => (r ? Number(/^bytes=(\d+)-$/.exec(r)![1]) : 0));
    expect(starts).toHaveLength(3);
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeGreaterThan(0);
    expect(starts[2]).toBeGreaterThan(starts[1]!);
  });

  it('a stalled body times out and resumes', async () => {
    await net.close();
    useNetwork({ GITHUB_ASSETS_BODY_TIMEOUT: '300ms' });
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, stallAfterBytes: 65_536 });
    const result = await download(asset, join(dir, 'x'));
    expect(result.sha256).toBe(sha(big));
    expect(rangesSent()).toEqual([undefined, 'bytes=65536-']);
    expect(log.lines.some((l) => l.includes('UND_ERR_BODY_TIMEOUT; resuming from 64 KiB'))).toBe(true);
  });

  it('a server that ignores Range (200) is read from the start again', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, cutAfterBytes: 500_000 });
    gh.injectFault({ ...SIGNED, respond: { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: big } });
    const destFile = join(dir, 'x');
    const result = await download(asset, destFile);
    expect(result).toEqual({ sha256: sha(big), bytes: SIZE });
    expect(sha(await readFile(destFile))).toBe(sha(big));
    expect(rangesSent()).toHaveLength(2);
    expect(log.lines.some((l) => l.includes('the server does not resume downloads; downloading again from the start'))).toBe(true);
  });

  it('a 206 with the wrong Content-Range is discarded and the download restarts from zero', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, cutAfterBytes: 500_000 });
    gh.injectFault({ ...SIGNED, respond: { status: 206, headers: { 'content-range': `bytes 0-99/${SIZE}` }, body: big.subarray(0, 100) } });
    const destFile = join(dir, 'x');
    const result = await download(asset, destFile);
    expect(result.sha256).toBe(sha(big));
    expect(sha(await readFile(destFile))).toBe(sha(big));
    const ranges = rangesSent();
    expect(ranges).toHaveLength(3);
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(ranges[2]).toBeUndefined();
    expect(log.lines.some((l) => l.includes('the server resumed at the wrong place (Content-Range: bytes 0-99/'))).toBe(true);
  });

  it('a 206 naming another validator (a server that ignores If-Range) is discarded: the file changed, so it restarts from zero', async () => {
    await net.close();
    useNetwork({ GITHUB_ASSETS_BODY_TIMEOUT: '300ms' });
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, stallAfterBytes: 65_536 });
    // The right place, but the tail of another upload: splicing it would install neither file.
    const otherTail = randomBytes(SIZE - 65_536);
    gh.injectFault({
      ...SIGNED,
      respond: { status: 206, headers: { 'content-range': `bytes 65536-${SIZE - 1}/${SIZE}`, etag: '"another-upload"' }, body: otherTail },
    });
    const destFile = join(dir, 'x');
    const result = await download(asset, destFile);
    expect(result).toEqual({ sha256: sha(big), bytes: SIZE });
    expect(sha(await readFile(destFile))).toBe(sha(big));
    expect(rangesSent()).toEqual([undefined, 'bytes=65536-', undefined]);
    expect(gh.requests.filter((r) => r.origin === 'download')[1]!.headers['if-range']).toMatch(/^"[0-9a-f]+"$/);
    expect(
      log.lines.some((l) => l.includes('the file changed on the server since the download began') && l.includes('"another-upload"')),
    ).toBe(true);
  });

  it('gives up after the configured attempts and removes the partial file', async () => {
    await net.close();
    useNetwork({ GITHUB_ASSETS_RETRIES: '2' });
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, times: Infinity, cutAfterBytes: 100_000 });
    const destFile = join(dir, 'x');
    const err = await rejected(download(asset, destFile));
    expect(err.code).toBe('GHA020');
    expect(err.message).toMatch(/^connection lost while downloading asset tool\.bin after \d+ of \d+ bytes \(gave up after 3 attempts\)/);
    expect(rangesSent()).toHaveLength(3);
    expect(existsSync(destFile)).toBe(false);
  });
});

describe('status answers', () => {
  it('a 502/503 burst on the download host is retried to success', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, times: 2, respond: { status: 502, body: 'bad gateway' } });
    gh.injectFault({ ...SIGNED, times: 1, respond: { status: 503, body: 'slow down' } });
    const result = await download(asset, join(dir, 'x'));
    expect(result.sha256).toBe(sha(big));
    expect(gh.countRequests({ origin: 'download' })).toBe(4);
    expect(net.waits).toHaveLength(3);
  });

  it('a 5xx from the API asset URL is retried too', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ origin: 'api', path: new URL(asset.url).pathname, respond: { status: 500, body: { message: 'oops' } } });
    expect((await download(asset, join(dir, 'x'))).sha256).toBe(sha(big));
    expect(gh.countRequests({ origin: 'api' })).toBe(2);
  });

  it('a lasting 503 fails after the attempts, saying so', async () => {
    await net.close();
    useNetwork({ GITHUB_ASSETS_RETRIES: '3' });
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, times: Infinity, respond: { status: 503, body: 'unavailable' } });
    const err = await rejected(download(asset, join(dir, 'x')));
    expect(err.code).toBe('GHA022');
    expect(err.message).toBe('download of asset tool.bin failed with HTTP 503 (unavailable) (gave up after 4 attempts)');
    expect(gh.countRequests({ origin: 'download' })).toBe(4);
  });

  it('404 and 401 fail at once', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, respond: { status: 404, body: 'Not Found' } });
    expect((await rejected(download(asset, join(dir, 'x')))).code).toBe('GHA014');
    expect(gh.countRequests({ origin: 'download' })).toBe(1);
    gh.resetRequests();
    const secret = await assetOf('acme/secret', 'secret.bin', TOKEN);
    const err = await rejected(download(secret, join(dir, 'y'), 'ghp_revoked_token_0000000000'));
    expect(err.code).toBe('GHA011');
    expect(gh.requests).toHaveLength(1);
    expect(net.waits).toEqual([]);
  });

  it('a short rate limit on the asset URL is waited out; a long one fails with the reset time', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    const path = new URL(asset.url).pathname;
    gh.injectFault({
      origin: 'api',
      path,
      respond: { status: 429, headers: { 'retry-after': '3' }, body: { message: 'secondary rate limit' } },
    });
    expect((await download(asset, join(dir, 'x'))).sha256).toBe(sha(big));
    expect(net.waits).toEqual([3000]);

    const reset = Math.floor(Date.now() / 1000) + 1800;
    gh.injectFault({
      origin: 'api',
      path,
      respond: {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        body: { message: 'API rate limit exceeded' },
      },
    });
    gh.resetRequests();
    const err = await rejected(download(asset, join(dir, 'y')));
    expect(err.code).toBe('GHA013');
    expect(err.message).toBe(
      `GitHub rate limit exceeded while downloading asset tool.bin; the limit resets at ${new Date(reset * 1000).toISOString()}, later than GITHUB_ASSETS_RATE_LIMIT_MAX_WAIT (60s) allows waiting`,
    );
    expect(err.hint).toContain('token_env');
    expect(gh.requests).toHaveLength(1);
  });
});

describe('proxy', () => {
  let proxy: TestProxy;
  beforeEach(async () => {
    proxy = await startProxy();
    cleanups.push(() => proxy.close());
  });

  it('API lookups and downloads go through HTTP_PROXY; the token reaches the API host only', async () => {
    await net.close();
    useNetwork({ HTTP_PROXY: proxy.url });
    const client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: UA, fetch: net.fetch });
    const release = await client.getRelease({ owner: 'acme', repo: 'secret', token: TOKEN }, 'v1');
    const result = await download(release.assets[0]!, join(dir, 'x'), TOKEN);
    expect(result.sha256).toBe(sha(big));

    const apiHost = new URL(gh.apiUrl).host;
    const downloadHost = new URL(gh.downloadUrl).host;
    expect(proxy.count(apiHost)).toBe(2); // the release lookup and the asset URL
    expect(proxy.count(downloadHost)).toBe(1);
    expect(proxy.count()).toBe(gh.requests.length);
    for (const r of proxy.requests.filter((r) => r.host !== apiHost)) expect(r.headers.authorization).toBeUndefined();
    expect(proxy.requests.filter((r) => r.host === apiHost).every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true);
    expect(log.lines.join('\n')).not.toContain(TOKEN);
  });

  it('a resumed download through the proxy still sends Range', async () => {
    await net.close();
    useNetwork({ http_proxy: proxy.url });
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, cutAfterBytes: 800_000 });
    expect((await download(asset, join(dir, 'x'))).sha256).toBe(sha(big));
    const viaProxy = proxy.requests.filter((r) => r.host === new URL(gh.downloadUrl).host);
    expect(viaProxy).toHaveLength(2);
    expect(viaProxy[1]!.headers.range).toMatch(/^bytes=\d+-$/);
  });

  it('NO_PROXY hosts bypass the proxy', async () => {
    await net.close();
    useNetwork({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    const asset = await assetOf('acme/tool', 'tool.bin');
    expect((await download(asset, join(dir, 'x'))).sha256).toBe(sha(big));
    expect(proxy.count()).toBe(0);
    expect(gh.countRequests()).toBe(2);
  });

  it('the proxy password never reaches the log', async () => {
    await net.close();
    const withPassword = proxy.url.replace('http://', 'http://builder:s3cr3t-proxy-pw@');
    useNetwork({ HTTPS_PROXY: withPassword });
    expect(log.lines.join('\n')).toContain(`Using proxy ${proxy.url}/ for https://`);
    expect(log.lines.join('\n')).not.toContain('s3cr3t-proxy-pw');
  });
});

describe('mirror', () => {
  let mirror: { url: string; seen: { path: string; headers: IncomingHttpHeaders }[]; server: Server };
  beforeEach(async () => {
    const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: { ...req.headers } });
      if (['/gh/acme/secret/v1/secret.bin', '/gh/acme/tool/v1/tool.bin', '/gh/acme/tool/v1.0.0/tool.bin'].includes(req.url ?? '')) {
        res.writeHead(200, { 'content-length': String(big.length) }).end(big);
      } else res.writeHead(404).end('no such artifact');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    mirror = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  });

  it('GITHUB_ASSETS_MIRROR serves the bytes; the mirror never sees the token and GitHub serves none', async () => {
    await net.close();
    useNetwork({ GITHUB_ASSETS_MIRROR: `${mirror.url}/gh/{owner}/{repo}/{tag}/{asset}` });
    const asset = await assetOf('acme/secret', 'secret.bin', TOKEN);
    const result = await fetchAsset(asset, {
      token: TOKEN,
      tokenEnv: 'ACME_TOKEN',
      coordinates: { owner: 'acme', repo: 'secret', tag: 'v1', asset: asset.name },
    });
    expect(result).toMatchObject({ sha256: sha(big), bytes: SIZE, via: 'mirror', from: `${mirror.url}/gh/acme/secret/v1/secret.bin` });
    expect(mirror.seen).toHaveLength(1);
    expect(mirror.seen[0]!.headers.authorization).toBeUndefined();
    expect(gh.requests).toHaveLength(0);
  });

  it('air-gapped: with the API unreachable, an exact entry resolves to the mirror and downloads from it', async () => {
    await net.close();
    useNetwork({ GITHUB_ASSETS_MIRROR: `${mirror.url}/gh/{owner}/{repo}/{tag}/{asset}`, GITHUB_ASSETS_RETRIES: '1' });
    const apiUrl = gh.apiUrl;
    await gh.close();
    const client = createGitHubClient({ apiUrl, userAgent: UA, fetch: net.fetch });
    expect((await rejected(client.getRelease({ owner: 'acme', repo: 'tool', token: TOKEN }, 'v1'))).code).toBe('GHA020');
    const spec = toolSpec('v1.0.0', { tokenEnv: 'ACME_TOKEN' });
    const release = directReleaseFor(spec, TOKEN, net.config)!;
    const asset = selectAsset(release, spec, { os: 'linux', arch: 'amd64' });
    const result = await fetchAsset(asset, { token: TOKEN, tokenEnv: 'ACME_TOKEN' });
    expect(result).toMatchObject({ sha256: sha(big), bytes: SIZE, via: 'mirror' });
    expect(mirror.seen.map((r) => [r.path, r.headers.authorization])).toEqual([['/gh/acme/tool/v1.0.0/tool.bin', undefined]]);
  });

  it('a mirror missing the artifact fails at once, naming the mirror URL', async () => {
    await net.close();
    useNetwork({ GITHUB_ASSETS_MIRROR: `${mirror.url}/other/{owner}/{repo}/{tag}/{asset}` });
    const asset = await assetOf('acme/tool', 'tool.bin');
    const err = await rejected(fetchAsset(asset, { coordinates: { owner: 'acme', repo: 'tool', tag: 'v1', asset: 'tool.bin' } }));
    expect(err.code).toBe('GHA014');
    expect(err.message).toBe(
      `asset tool.bin from the mirror ${mirror.url}/other/acme/tool/v1/tool.bin not found for download (HTTP 404) (no such artifact)`,
    );
    expect(mirror.seen).toHaveLength(1);
  });
});

describe('web-host fallback for a rate-limited anonymous build', () => {
  it('an exact tag and asset name download from GITHUB_SERVER_URL without any API call', async () => {
    await gh.close();
    gh = await startFakeGitHub({ rateLimit: { anonymous: 0 } });
    gh.addRepo('acme/tool');
    gh.addRelease('acme/tool', { tag: 'v1.2.0', assets: [{ name: 'tool.bin', content: big }] });
    await net.close();
    useNetwork({ GITHUB_SERVER_URL: gh.webUrl });
    const spec = toolSpec('v1.2.0');
    const client = createGitHubClient({
      apiUrl: gh.apiUrl,
      userAgent: UA,
      fetch: net.fetch,
      rateLimitMaxWaitMs: net.config.rateLimitMaxWaitMs,
    });
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1.2.0'));
    expect(err.code).toBe('GHA013');

    expect(qualifiesForDirectDownload(spec, undefined)).toBe(true);
    const release = directRelease(spec, net.config);
    const asset = selectAsset(release, spec, { os: 'linux', arch: 'amd64' });
    expect(asset).toEqual({
      id: 0,
      name: 'tool.bin',
      size: 0,
      url: `${gh.webUrl}/acme/tool/releases/download/v1.2.0/tool.bin`,
      browserDownloadUrl: `${gh.webUrl}/acme/tool/releases/download/v1.2.0/tool.bin`,
      origin: 'direct',
    });
    gh.resetRequests();
    const result = await fetchAsset(asset);
    expect(result).toMatchObject({ sha256: sha(big), bytes: SIZE, via: 'web' });
    expect(gh.requests.map((r) => r.origin)).toEqual(['web', 'download']);
  });
});

describe('parallel downloads', () => {
  it('four assets at concurrency 4 take about as long as the slowest one', async () => {
    const names = ['a.bin', 'b.bin', 'c.bin', 'd.bin'];
    const contents = names.map(() => randomBytes(256 * 1024));
    gh.addRepo('acme/many');
    gh.addRelease('acme/many', { tag: 'v1', assets: names.map((name, i) => ({ name, content: contents[i]! })) });
    const release = await createGitHubClient({ apiUrl: gh.apiUrl, userAgent: UA }).getRelease({ owner: 'acme', repo: 'many' }, 'v1');
    gh.resetRequests();
    // Every download answer waits 600ms before its headers: in sequence that is 2.4s.
    gh.injectFault({ ...SIGNED, times: 4, delayMs: 600 });
    const downloadWith = createAssetDownloader(net, { userAgent: UA, log });
    const started = Date.now();
    const results = await mapLimit(release.assets, net.config.concurrency, (asset) =>
      downloadWith({ asset, token: undefined, tokenEnv: undefined, destFile: join(dir, asset.name), entry: asset.name }),
    );
    const elapsed = Date.now() - started;
    expect(net.config.concurrency).toBe(4);
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(1500);
    expect(results.map((r) => r.sha256)).toEqual(contents.map(sha));
    for (const [i, name] of names.entries()) expect(sha(await readFile(join(dir, name)))).toBe(sha(contents[i]!));
    expect(gh.countRequests({ origin: 'download' })).toBe(4);
  });
});

describe('API budget', () => {
  it('a public asset without a token downloads from the web host: no API call', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    const result = await fetchAsset(asset);
    expect(result).toMatchObject({ sha256: sha(big), bytes: SIZE, via: 'web', from: asset.browserDownloadUrl });
    expect(gh.requests.map((r) => r.origin)).toEqual(['web', 'download']);
  });

  it('when the web host refuses, the API URL still delivers', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ origin: 'web', respond: { status: 403, body: 'blocked by policy' } });
    const result = await fetchAsset(asset);
    expect(result).toMatchObject({ sha256: sha(big), via: 'api' });
    expect(gh.requests.map((r) => r.origin)).toEqual(['web', 'api', 'download']);
    expect(
      log.lines.some((l) =>
        l.includes(
          'asset tool.bin: the web host failed (download of asset tool.bin failed with HTTP 403 (blocked by policy)); trying the API URL',
        ),
      ),
    ).toBe(true);
  });

  it('with a token the asset comes through the API URL (the web host takes no API tokens)', async () => {
    const asset = await assetOf('acme/secret', 'secret.bin', TOKEN);
    const result = await fetchAsset(asset, { token: TOKEN, tokenEnv: 'ACME_TOKEN' });
    expect(result.via).toBe('api');
    expect(gh.requests.map((r) => [r.origin, r.headers.authorization])).toEqual([
      ['api', `token ${TOKEN}`],
      ['download', undefined],
    ]);
  });
});

describe('download limit', () => {
  it('the downloader keeps at most GITHUB_ASSETS_CONCURRENCY downloads in flight, however many are asked at once', async () => {
    await net.close();
    useNetwork({ GITHUB_ASSETS_CONCURRENCY: '2' });
    const names = ['a.bin', 'b.bin', 'c.bin', 'd.bin'];
    gh.addRepo('acme/many');
    gh.addRelease('acme/many', { tag: 'v1', assets: names.map((name) => ({ name, content: randomBytes(1024) })) });
    const release = await createGitHubClient({ apiUrl: gh.apiUrl, userAgent: UA }).getRelease({ owner: 'acme', repo: 'many' }, 'v1');
    gh.resetRequests();
    gh.injectFault({ ...SIGNED, times: 4, delayMs: 300 });
    const downloadWith = createAssetDownloader(net, { userAgent: UA, log });
    const started = Date.now();
    await Promise.all(
      release.assets.map((asset) =>
        downloadWith({ asset, token: undefined, tokenEnv: undefined, destFile: join(dir, asset.name), entry: asset.name }),
      ),
    );
    // Two rounds of two: at least 600ms; all four at once would take about 300ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(gh.countRequests({ origin: 'download' })).toBe(4);
  });
});

describe('progress', () => {
  it('a download that outlasts the interval prints calm progress lines with size, percent and rate', async () => {
    await net.close();
    useNetwork({ GITHUB_ASSETS_BODY_TIMEOUT: '400ms' });
    const asset = await assetOf('acme/tool', 'tool.bin');
    gh.injectFault({ ...SIGNED, stallAfterBytes: 65_536 });
    const progress = createProgress(log, { intervalMs: 100 });
    const downloadWith = createAssetDownloader(net, { userAgent: UA, log, progress });
    const result = await downloadWith({ asset, token: undefined, tokenEnv: undefined, destFile: join(dir, 'x'), entry: 'e' });
    expect(result.sha256).toBe(sha(big));
    const lines = log.lines.filter((l) => l.includes('Downloading tool.bin: '));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    // On a loaded machine a tick may come before the first 64 KiB arrive ("0 B of 3.0 MiB"); every
    // line has the calm format, and the stall after 64 KiB is reported with its size and percent.
    for (const line of lines)
      expect(line).toMatch(/^ {4}Downloading tool\.bin: [\d.]+ (B|KiB|MiB) of 3\.0 MiB \(\d+%\), [\d.]+ (B|KiB|MiB)\/s$/);
    expect(lines.some((l) => l.includes(': 64 KiB of 3.0 MiB (2%), '))).toBe(true);
    expect(log.lines.join('\n')).not.toMatch(/\r/);
    // Nothing more once the download is done.
    const count = log.lines.length;
    await new Promise((r) => setTimeout(r, 250));
    expect(log.lines.length).toBe(count);
  });
});

describe('files', () => {
  it('an existing file is overwritten from byte zero', async () => {
    const asset = await assetOf('acme/tool', 'tool.bin');
    const destFile = join(dir, 'x');
    await writeFile(destFile, randomBytes(SIZE + 1000));
    await download(asset, destFile);
    expect(sha(await readFile(destFile))).toBe(sha(big));
  });
});
