// Streaming downloads against the local GitHub stand-in: redirects without leaking the token,
// bytes and SHA-256 of a multi-MiB asset, GHES direct delivery, and cleanup on every failure.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuildpackError } from '../../src/errors.js';
import { downloadAsset, downloadUrl } from '../../src/net/download.js';
import { createGitHubClient } from '../../src/github/client.js';
import { memoryLogger } from '../../src/log.js';
import type { ReleaseAsset } from '../../src/model.js';
import { rejected } from '../support/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';

const TOKEN = 'ghp_downloadtoken_abcdef0123456789';
const UA = 'gha-test/1.0';
const SIX_MIB = 6 * 1024 * 1024 + 123;

let gh: FakeGitHub;
let dir: string;
let big: Buffer;
let bigFile: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gha-download-'));
  big = randomBytes(SIX_MIB);
  bigFile = join(dir, 'source.bin');
  await writeFile(bigFile, big);
});

afterEach(async () => {
  await gh?.close();
  await rm(dir, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function expectNoSecret(err: BuildpackError) {
  const cause = err.cause as Error | undefined;
  const visible = [err.message, err.hint ?? '', err.stack ?? '', String(cause ?? ''), cause?.stack ?? ''].join('\n');
  expect(visible).not.toContain(TOKEN);
}

async function assetOf(repo: string, tag: string, name: string, token?: string): Promise<ReleaseAsset> {
  const [owner, r] = repo.split('/') as [string, string];
  const release = await createGitHubClient({ apiUrl: gh.apiUrl, userAgent: UA }).getRelease({ owner, repo: r, token }, tag);
  const asset = release.assets.find((a) => a.name === name);
  if (!asset) throw new Error(`no asset ${name}`);
  return asset;
}

describe('downloadAsset', () => {
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/tool');
    gh.addRelease('acme/tool', {
      tag: 'v1',
      assets: [
        { name: 'tool.bin', content: { path: bigFile } },
        { name: 'small.txt', content: 'small\n' },
      ],
    });
    gh.addRepo('acme/secret', { private: true });
    gh.addRelease('acme/secret', { tag: 'v1', assets: [{ name: 'secret.bin', content: { path: bigFile } }] });
    gh.addToken(TOKEN, { repos: ['acme/secret'] });
  });

  it('follows the API redirect to the download host and writes a multi-MiB asset with its sha256', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'tool.bin');
    gh.resetRequests();
    const destFile = join(dir, 'out.bin');
    const result = await downloadAsset({ asset, destFile, userAgent: UA, apiUrl: gh.apiUrl });
    expect(result).toEqual({ sha256: sha(big), bytes: SIX_MIB });
    expect(asset.digest).toBe(`sha256:${result.sha256}`);
    expect(sha(await readFile(destFile))).toBe(sha(big));
    expect((await stat(destFile)).mode & 0o777).toBe(0o600);

    expect(gh.requests.map((r) => r.origin)).toEqual(['api', 'download']);
    expect(gh.requests[0]!.headers.accept).toBe('application/octet-stream');
    expect(gh.requests[0]!.headers['user-agent']).toBe(UA);
    expect(gh.requests[1]!.path).toMatch(/^\/signed\/[^?]+\?X-Amz-/);
  });

  it('sends the token to the API only: the download host sees no Authorization', async () => {
    const asset = await assetOf('acme/secret', 'v1', 'secret.bin', TOKEN);
    gh.resetRequests();
    const destFile = join(dir, 'secret.bin');
    const result = await downloadAsset({ asset, token: TOKEN, tokenEnv: 'ACME_TOKEN', destFile, userAgent: UA, apiUrl: gh.apiUrl });
    expect(result.sha256).toBe(sha(big));
    expect(result.bytes).toBe(SIX_MIB);
    const api = gh.requests.filter((r) => r.origin === 'api');
    const download = gh.requests.filter((r) => r.origin === 'download');
    expect(api).toHaveLength(1);
    expect(api[0]!.headers.authorization).toBe(`token ${TOKEN}`);
    expect(download).toHaveLength(1);
    expect(download[0]!.headers.authorization).toBeUndefined();
    expect(download[0]!.headers['user-agent']).toBe(UA);
  });

  it('keeps the token across a same-origin redirect', async () => {
    const asset = await assetOf('acme/secret', 'v1', 'secret.bin', TOKEN);
    const apiPath = new URL(asset.url).pathname;
    gh.injectFault({ origin: 'api', path: '/moved/asset', respond: { status: 301, headers: { location: asset.url } } });
    gh.resetRequests();
    await downloadAsset({
      asset: { ...asset, url: `${gh.apiUrl}/moved/asset` },
      token: TOKEN,
      destFile: join(dir, 'x'),
      userAgent: UA,
      apiUrl: gh.apiUrl,
    });
    expect(gh.requests.map((r) => [r.origin, r.path.split('?')[0], r.headers.authorization])).toEqual([
      ['api', '/moved/asset', `token ${TOKEN}`],
      ['api', apiPath, `token ${TOKEN}`],
      ['download', expect.stringMatching(/^\/signed\//), undefined],
    ]);
  });

  it('streams a 200 answer from the API itself (GitHub Enterprise Server)', async () => {
    await gh.close();
    gh = await startFakeGitHub({ apiPrefix: '/api/v3', assetDelivery: 'direct' });
    gh.addRepo('corp/tool', { private: true });
    gh.addRelease('corp/tool', { tag: 'v2', assets: [{ name: 'tool.bin', content: { path: bigFile } }] });
    gh.addToken(TOKEN, { repos: '*' });
    const asset = await assetOf('corp/tool', 'v2', 'tool.bin', TOKEN);
    expect(asset.url.startsWith(`${gh.apiUrl}/repos/corp/tool/releases/assets/`)).toBe(true);
    gh.resetRequests();
    const result = await downloadAsset({ asset, token: TOKEN, destFile: join(dir, 'ghes.bin'), userAgent: UA, apiUrl: gh.apiUrl });
    expect(result).toEqual({ sha256: sha(big), bytes: SIX_MIB });
    expect(gh.requests.map((r) => r.origin)).toEqual(['api']);
    expect(gh.requests[0]!.path.startsWith('/api/v3/repos/corp/tool/releases/assets/')).toBe(true);
  });

  it('removes the partial file when the connection is cut mid-body', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'tool.bin');
    const destFile = join(dir, 'cut.bin');
    gh.injectFault({ origin: 'download', path: '/signed/*', cutAfterBytes: 1_000_000 });
    const err = await rejected(downloadAsset({ asset, destFile, userAgent: UA, apiUrl: gh.apiUrl, entry: 'githubassets[1] (acme/tool)' }));
    expect(err.code).toBe('GHA020');
    expect(err.entry).toBe('githubassets[1] (acme/tool)');
    expect(err.message).toMatch(new RegExp(`^connection lost while downloading asset tool\\.bin after \\d+ of ${SIX_MIB} bytes`));
    expect(existsSync(destFile)).toBe(false);
  });

  it('times out a stalled body and removes the partial file', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'tool.bin');
    const destFile = join(dir, 'stall.bin');
    gh.injectFault({ origin: 'download', path: '/signed/*', stallAfterBytes: 65_536 });
    const err = await rejected(downloadAsset({ asset, destFile, userAgent: UA, apiUrl: gh.apiUrl, bodyTimeoutMs: 300 }));
    expect(err.code).toBe('GHA020');
    expect(err.message).toContain('timed out');
    expect(existsSync(destFile)).toBe(false);
  });

  it('private asset without a token: not found, hint says to set token_env; no file', async () => {
    const asset = await assetOf('acme/secret', 'v1', 'secret.bin', TOKEN);
    const destFile = join(dir, 'nope.bin');
    const err = await rejected(downloadAsset({ asset, destFile, userAgent: UA, apiUrl: gh.apiUrl }));
    expect(err.code).toBe('GHA014');
    expect(err.message).toBe('asset secret.bin not found for download (HTTP 404) (Not Found)');
    expect(err.hint).toContain('set token_env');
    expect(existsSync(destFile)).toBe(false);
  });

  it('a revoked token is bad credentials naming the env var, never the value', async () => {
    const asset = await assetOf('acme/secret', 'v1', 'secret.bin', TOKEN);
    await gh.close();
    const url = new URL(asset.url);
    gh = await startFakeGitHub(); // same data gone, token unknown now: 401
    const moved = { ...asset, url: `${gh.apiUrl}${url.pathname}` };
    const err = await rejected(
      downloadAsset({ asset: moved, token: TOKEN, tokenEnv: 'ACME_TOKEN', destFile: join(dir, 'r'), userAgent: UA, apiUrl: gh.apiUrl }),
    );
    expect(err.code).toBe('GHA011');
    expect(err.message).toBe('download of asset secret.bin was refused: bad credentials for the token in $ACME_TOKEN');
    expectNoSecret(err);
  });

  it('a 5xx from the download host is download-failed with the status', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'small.txt');
    gh.injectFault({ origin: 'download', path: '/signed/*', respond: { status: 503, body: 'Service Unavailable' } });
    const err = await rejected(downloadAsset({ asset, token: TOKEN, destFile: join(dir, 's'), userAgent: UA, apiUrl: gh.apiUrl }));
    expect(err.code).toBe('GHA022');
    expect(err.message).toBe('download of asset small.txt failed with HTTP 503 (Service Unavailable)');
    expectNoSecret(err);
  });

  it('stops a redirect loop', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'small.txt');
    gh.injectFault({ origin: 'api', path: '/loop', times: Infinity, respond: { status: 302, headers: { location: '/loop' } } });
    gh.resetRequests();
    const err = await rejected(
      downloadAsset({ asset: { ...asset, url: `${gh.apiUrl}/loop` }, destFile: join(dir, 'l'), userAgent: UA, apiUrl: gh.apiUrl }),
    );
    expect(err.code).toBe('GHA022');
    expect(err.message).toBe('download of asset small.txt failed: the server redirects in a loop');
    // undici's redirect interceptor notices the repeated Location before following it.
    expect(gh.countRequests({ path: '/loop' })).toBe(1);
  });

  it('rejects a body shorter than the size the release lists', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'small.txt');
    const destFile = join(dir, 'short');
    const err = await rejected(downloadAsset({ asset: { ...asset, size: 999 }, destFile, userAgent: UA, apiUrl: gh.apiUrl }));
    expect(err.code).toBe('GHA022');
    expect(err.message).toBe('download of asset small.txt has 6 bytes but the release lists 999');
    expect(existsSync(destFile)).toBe(false);
  });

  it('overwrites an existing file and logs hops without the token or the signature', async () => {
    const asset = await assetOf('acme/secret', 'v1', 'secret.bin', TOKEN);
    const destFile = join(dir, 'existing');
    await writeFile(destFile, 'x'.repeat(SIX_MIB + 50));
    const log = memoryLogger(true);
    await downloadAsset({ asset, token: TOKEN, destFile, userAgent: UA, apiUrl: gh.apiUrl, log });
    expect(sha(await readFile(destFile))).toBe(sha(big));
    const text = log.lines.join('\n');
    expect(text).toContain('(with token)');
    expect(text).toContain(`${gh.downloadUrl}/signed/`);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('X-Amz-Signature');
  });
});

describe('downloadUrl', () => {
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/tool');
    gh.addRelease('acme/tool', { tag: 'v1', assets: [{ name: 'tool.bin', content: { path: bigFile } }] });
  });

  it('follows the web host redirect (browser_download_url) to the download host', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'tool.bin');
    gh.resetRequests();
    const result = await downloadUrl({ url: asset.browserDownloadUrl, destFile: join(dir, 'web.bin') });
    expect(result).toEqual({ sha256: sha(big), bytes: SIX_MIB });
    expect(gh.requests.map((r) => r.origin)).toEqual(['web', 'download']);
  });

  it('an Authorization header a caller sends straight to the download host is stripped by the network layer', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'tool.bin');
    const signed = gh.signedUrlFor(asset.id);
    gh.resetRequests();
    // The download host answers 400 to any Authorization (see fake-github): success means none arrived.
    const result = await downloadUrl({
      url: signed,
      headers: { authorization: `Bearer ${TOKEN}` },
      destFile: join(dir, 'a'),
      what: 'tool.bin',
      apiUrl: gh.apiUrl,
    });
    expect(result.sha256).toBe(sha(big));
    expect(gh.requests.map((r) => [r.origin, r.headers.authorization])).toEqual([['download', undefined]]);
  });

  it('the default description is the URL without its signed query', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'tool.bin');
    gh.injectFault({ origin: 'download', path: '/signed/*', respond: { status: 500 } });
    const signed = gh.signedUrlFor(asset.id);
    const err = await rejected(downloadUrl({ url: signed, destFile: join(dir, 'b') }));
    expect(err.message).toBe(`download of ${signed.split('?')[0]}?… failed with HTTP 500`);
  });

  it('a refused connection is a network error', async () => {
    const url = `${gh.downloadUrl}/signed/x?X-Amz-Signature=1`;
    await gh.close();
    const err = await rejected(downloadUrl({ url, destFile: join(dir, 'c') }));
    expect(err.code).toBe('GHA020');
    expect(err.message).toMatch(/^could not download .* \(.*ECONNREFUSED/);
    expect(existsSync(join(dir, 'c'))).toBe(false);
  });

  it('an unwritable destination is a filesystem error, not a network one', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'tool.bin');
    const err = await rejected(
      downloadUrl({ url: asset.browserDownloadUrl, destFile: join(dir, 'missing-dir', 'x.bin'), what: 'tool.bin' }),
    );
    expect(err.code).toBe('GHA051');
    expect(err.message).toMatch(/^filesystem error while writing tool\.bin to disk: ENOENT/);
  });

  it.runIf(existsSync('/dev/full'))('a full disk is GHA050 and the partial file link is removed', async () => {
    const asset = await assetOf('acme/tool', 'v1', 'tool.bin');
    const destFile = join(dir, 'full.bin');
    await symlink('/dev/full', destFile);
    const err = await rejected(
      downloadUrl({ url: asset.browserDownloadUrl, destFile, what: 'tool.bin', entry: 'githubassets[3] (acme/tool)' }),
    );
    expect(err.code).toBe('GHA050');
    expect(err.message).toBe('no space left on device while writing tool.bin to disk');
    expect(err.entry).toBe('githubassets[3] (acme/tool)');
    await expect(lstat(destFile)).rejects.toThrow(/ENOENT/);
    expect(existsSync('/dev/full')).toBe(true);
  });
});
