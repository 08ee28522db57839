// Tests for the local GitHub stand-in itself: routes, auth, pagination, redirects, ranges,
// conditional requests, the request log and fault injection. Plain fetch/node:http clients.

import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from './fake-github/index.js';

let gh: FakeGitHub;
afterEach(async () => {
  await gh?.close();
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Raw GET that reports how many body bytes arrived and whether the socket died early. */
function rawGet(url: string, headers: Record<string, string> = {}, timeoutMs = 2000) {
  return new Promise<{ status: number; headers: Record<string, unknown>; bytes: number; aborted: boolean; timedOut: boolean }>(
    (resolve, reject) => {
      const req = httpRequest(url, { headers }, (res) => {
        let bytes = 0;
        let done = false;
        const finish = (aborted: boolean, timedOut = false) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, aborted, timedOut });
          req.destroy();
        };
        const timer = setTimeout(() => finish(false, true), timeoutMs);
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => finish(false));
        res.on('aborted', () => finish(true));
        res.on('error', () => finish(true));
        res.on('close', () => finish(!res.complete));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('fake GitHub: releases API', () => {
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/tool');
    gh.addRelease('acme/tool', { tag: 'v1.0.0', assets: [{ name: 'tool-linux-amd64.tar.gz', content: 'one' }] });
    gh.addRelease('acme/tool', {
      tag: 'v1.1.0',
      assets: [{ name: 'tool-linux-amd64.tar.gz', content: 'two', contentType: 'application/gzip' }],
    });
    gh.addRelease('acme/tool', { tag: 'v2.0.0-rc.1', prerelease: true, assets: [] });
    gh.addRelease('acme/tool', { tag: 'v3.0.0', draft: true, assets: [] });
  });

  it('latest is the newest published non-prerelease, shaped like the REST API', async () => {
    const { status, body, headers } = await getJson(`${gh.apiUrl}/repos/acme/tool/releases/latest`);
    expect(status).toBe(200);
    expect(body.tag_name).toBe('v1.1.0');
    expect(body).toMatchObject({ draft: false, prerelease: false });
    expect(typeof body.id).toBe('number');
    expect(body.published_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const asset = body.assets[0];
    expect(asset).toMatchObject({
      name: 'tool-linux-amd64.tar.gz',
      size: 3,
      content_type: 'application/gzip',
      digest: `sha256:${sha('two')}`,
    });
    expect(asset.url).toBe(`${gh.apiUrl}/repos/acme/tool/releases/assets/${asset.id}`);
    expect(asset.browser_download_url).toBe(`${gh.webUrl}/acme/tool/releases/download/v1.1.0/tool-linux-amd64.tar.gz`);
    expect(headers.get('x-ratelimit-limit')).toBe('1000');
    expect(Number(headers.get('x-ratelimit-remaining'))).toBeLessThan(1000);
    expect(Number(headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('by tag, including prereleases; drafts and unknown tags are 404', async () => {
    expect((await getJson(`${gh.apiUrl}/repos/acme/tool/releases/tags/v1.0.0`)).body.tag_name).toBe('v1.0.0');
    expect((await getJson(`${gh.apiUrl}/repos/acme/tool/releases/tags/v2.0.0-rc.1`)).body.prerelease).toBe(true);
    const draft = await getJson(`${gh.apiUrl}/repos/acme/tool/releases/tags/v3.0.0`);
    expect(draft.status).toBe(404);
    const missing = await getJson(`${gh.apiUrl}/repos/acme/tool/releases/tags/v9`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Not Found');
    expect((await getJson(`${gh.apiUrl}/repos/acme/nope/releases/latest`)).status).toBe(404);
  });

  it('digest can be overridden or omitted', async () => {
    gh.addRepo('acme/old');
    gh.addRelease('acme/old', {
      tag: 'v1',
      assets: [
        { name: 'a', content: 'x', digest: null },
        { name: 'b', content: 'x', digest: 'sha256:00' },
      ],
    });
    const { body } = await getJson(`${gh.apiUrl}/repos/acme/old/releases/latest`);
    expect(body.assets.map((a: { digest: unknown }) => a.digest)).toEqual([null, 'sha256:00']);
  });

  it('latest is 404 when only prereleases exist', async () => {
    gh.addRepo('acme/pre');
    gh.addRelease('acme/pre', { tag: 'v0.1.0-beta', prerelease: true });
    expect((await getJson(`${gh.apiUrl}/repos/acme/pre/releases/latest`)).status).toBe(404);
  });

  it('ETag and If-None-Match give 304', async () => {
    const first = await fetch(`${gh.apiUrl}/repos/acme/tool/releases/latest`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const second = await fetch(`${gh.apiUrl}/repos/acme/tool/releases/latest`, { headers: { 'if-none-match': etag! } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    const other = await fetch(`${gh.apiUrl}/repos/acme/tool/releases/latest`, { headers: { 'if-none-match': 'W/"nope"' } });
    expect(other.status).toBe(200);
  });
});

describe('fake GitHub: pagination', () => {
  it('pages 250 releases with Link next/last and caps per_page at 100', async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/many');
    for (let i = 1; i <= 250; i++) gh.addRelease('acme/many', { tag: `v${i}` });

    const p1 = await getJson(`${gh.apiUrl}/repos/acme/many/releases?per_page=500`);
    expect(p1.body).toHaveLength(100);
    expect(p1.body[0].tag_name).toBe('v250');
    const link = p1.headers.get('link')!;
    expect(link).toContain(`<${gh.apiUrl}/repos/acme/many/releases?per_page=100&page=2>; rel="next"`);
    expect(link).toContain(`<${gh.apiUrl}/repos/acme/many/releases?per_page=100&page=3>; rel="last"`);

    const p3 = await getJson(`${gh.apiUrl}/repos/acme/many/releases?per_page=100&page=3`);
    expect(p3.body).toHaveLength(50);
    expect(p3.body.at(-1).tag_name).toBe('v1');
    expect(p3.headers.get('link')).not.toContain('rel="next"');
    expect(p3.headers.get('link')).toContain('rel="prev"');

    const dflt = await getJson(`${gh.apiUrl}/repos/acme/many/releases`);
    expect(dflt.body).toHaveLength(30);
  });

  it('honours an API prefix like GitHub Enterprise Server', async () => {
    gh = await startFakeGitHub({ apiPrefix: '/api/v3' });
    gh.addRepo('corp/tool');
    for (let i = 1; i <= 3; i++) gh.addRelease('corp/tool', { tag: `v${i}` });
    expect(gh.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
    const res = await getJson(`${gh.apiUrl}/repos/corp/tool/releases?per_page=2`);
    expect(res.body).toHaveLength(2);
    expect(res.headers.get('link')).toContain(`${gh.apiUrl}/repos/corp/tool/releases?per_page=2&page=2`);
    const unprefixed = await getJson(`${gh.apiUrl.replace('/api/v3', '')}/repos/corp/tool/releases/latest`);
    expect(unprefixed.status).toBe(404);
  });
});

describe('fake GitHub: auth', () => {
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/secret', { private: true });
    gh.addRelease('acme/secret', { tag: 'v1', assets: [{ name: 'bin', content: 'hidden' }] });
    gh.addRepo('acme/public');
    gh.addRelease('acme/public', { tag: 'v1' });
    gh.addToken('ghp_good', { repos: ['acme/secret'] });
    gh.addToken('ghp_other', { repos: ['acme/public'] });
    gh.addToken('ghp_all', { repos: '*' });
  });

  it('private repos are 404 without a token or with a token lacking access', async () => {
    const url = `${gh.apiUrl}/repos/acme/secret/releases/latest`;
    expect((await getJson(url)).status).toBe(404);
    expect((await getJson(url, { authorization: 'Bearer ghp_other' })).body).toMatchObject({ message: 'Not Found' });
    expect((await getJson(url, { authorization: 'Bearer ghp_good' })).status).toBe(200);
    expect((await getJson(url, { authorization: 'token ghp_good' })).status).toBe(200);
    expect((await getJson(url, { authorization: 'token ghp_all' })).status).toBe(200);
    expect((await getJson(`${gh.apiUrl}/repos/acme/secret`, { authorization: 'token ghp_good' })).body.private).toBe(true);
  });

  it('unknown or malformed tokens are 401 Bad credentials, even for public repos', async () => {
    const url = `${gh.apiUrl}/repos/acme/public/releases/latest`;
    const bad = await getJson(url, { authorization: 'Bearer ghp_unknown' });
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe('Bad credentials');
    expect((await getJson(url, { authorization: 'Basic abc def' })).status).toBe(401);
  });

  it('enforces the configured rate limit per identity with 403 and remaining 0', async () => {
    await gh.close();
    gh = await startFakeGitHub({ rateLimit: { anonymous: 2 } });
    gh.addRepo('acme/public');
    gh.addRelease('acme/public', { tag: 'v1' });
    const url = `${gh.apiUrl}/repos/acme/public/releases/latest`;
    expect((await getJson(url)).headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await getJson(url)).status).toBe(200);
    const limited = await getJson(url);
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.body.message).toMatch(/rate limit exceeded/);
  });
});

describe('fake GitHub: asset downloads', () => {
  let dir: string;
  beforeEach(async () => {
    gh = await startFakeGitHub();
    dir = await mkdtemp(join(tmpdir(), 'fake-gh-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('API asset URL with octet-stream redirects to a signed download URL that serves the bytes', async () => {
    gh.addRepo('acme/tool');
    const rel = gh.addRelease('acme/tool', { tag: 'v1', assets: [{ name: 'tool.bin', content: Buffer.from('hello world') }] });
    const id = rel.assets['tool.bin']!;
    const meta = await getJson(`${gh.apiUrl}/repos/acme/tool/releases/assets/${id}`, { accept: 'application/vnd.github+json' });
    expect(meta.body).toMatchObject({ id, name: 'tool.bin', size: 11 });

    const redirect = await fetch(`${gh.apiUrl}/repos/acme/tool/releases/assets/${id}`, {
      headers: { accept: 'application/octet-stream' },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location.startsWith(`${gh.downloadUrl}/signed/`)).toBe(true);
    expect(location).toContain('X-Amz-Signature=');

    const body = await fetch(location);
    expect(body.status).toBe(200);
    expect(body.headers.get('content-length')).toBe('11');
    expect(await body.text()).toBe('hello world');
  });

  it('download origin rejects any Authorization header with 400', async () => {
    gh.addRepo('acme/tool');
    const rel = gh.addRelease('acme/tool', { tag: 'v1', assets: [{ name: 'x', content: 'abc' }] });
    const url = gh.signedUrlFor(rel.assets.x!);
    const res = await fetch(url, { headers: { authorization: 'Bearer ghp_x' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Only one auth mechanism allowed');
    expect(gh.countRequests({ origin: 'download' })).toBe(1);
    expect(gh.requests[0]!.headers.authorization).toBe('Bearer ghp_x');
  });

  it('serves ranges with 206 and Content-Range, for buffers and files', async () => {
    const file = join(dir, 'big.bin');
    const big = Buffer.alloc(300_000, 7);
    big.write('TAIL', 299_996);
    await writeFile(file, big);
    gh.addRepo('acme/tool');
    const rel = gh.addRelease('acme/tool', {
      tag: 'v1',
      assets: [
        { name: 'small', content: '0123456789' },
        { name: 'big', content: { path: file } },
      ],
    });

    const small = await fetch(gh.signedUrlFor(rel.assets.small!), { headers: { range: 'bytes=4-' } });
    expect(small.status).toBe(206);
    expect(small.headers.get('content-range')).toBe('bytes 4-9/10');
    expect(await small.text()).toBe('456789');

    const tail = await fetch(gh.signedUrlFor(rel.assets.big!), { headers: { range: 'bytes=299996-' } });
    expect(tail.status).toBe(206);
    expect(await tail.text()).toBe('TAIL');

    const whole = Buffer.from(await (await fetch(gh.signedUrlFor(rel.assets.big!))).arrayBuffer());
    expect(sha(whole)).toBe(sha(big));

    const beyond = await fetch(gh.signedUrlFor(rel.assets.small!), { headers: { range: 'bytes=10-' } });
    expect(beyond.status).toBe(416);
  });

  it('web origin redirects release download URLs for public repos only', async () => {
    gh.addRepo('acme/tool');
    gh.addRelease('acme/tool', { tag: 'v1', assets: [{ name: 'tool.bin', content: 'web bytes' }] });
    gh.addRepo('acme/secret', { private: true });
    gh.addRelease('acme/secret', { tag: 'v1', assets: [{ name: 'tool.bin', content: 'x' }] });

    const res = await fetch(`${gh.webUrl}/acme/tool/releases/download/v1/tool.bin`);
    expect(res.status).toBe(200);
    expect(res.url.startsWith(gh.downloadUrl)).toBe(true);
    expect(await res.text()).toBe('web bytes');
    expect(await (await fetch(`${gh.webUrl}/acme/tool/releases/latest/download/tool.bin`)).text()).toBe('web bytes');
    expect((await fetch(`${gh.webUrl}/acme/secret/releases/download/v1/tool.bin`, { redirect: 'manual' })).status).toBe(404);
    expect(gh.countRequests({ origin: 'web' })).toBe(3);
    expect(gh.countRequests({ origin: 'download', path: '/signed/*' })).toBe(2);
  });

  it('direct delivery streams from the API (some GHES setups)', async () => {
    await gh.close();
    gh = await startFakeGitHub({ assetDelivery: 'direct', apiPrefix: '/api/v3' });
    gh.addRepo('corp/tool');
    const rel = gh.addRelease('corp/tool', { tag: 'v1', assets: [{ name: 't', content: 'direct' }] });
    const res = await fetch(`${gh.apiUrl}/repos/corp/tool/releases/assets/${rel.assets.t}`, {
      headers: { accept: 'application/octet-stream' },
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('direct');
  });
});

describe('fake GitHub: request log and faults', () => {
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/tool');
  });

  it('records method, path and headers; counts with filters; resets', async () => {
    gh.addRelease('acme/tool', { tag: 'v1' });
    await fetch(`${gh.apiUrl}/repos/acme/tool/releases/latest`, { headers: { 'user-agent': 'probe/1' } });
    await fetch(`${gh.apiUrl}/repos/acme/tool/releases?per_page=5`);
    expect(gh.requests).toHaveLength(2);
    expect(gh.requests[0]).toMatchObject({ origin: 'api', method: 'GET', path: '/repos/acme/tool/releases/latest' });
    expect(gh.requests[0]!.headers['user-agent']).toBe('probe/1');
    expect(gh.countRequests({ path: '/repos/acme/tool/releases' })).toBe(1);
    expect(gh.countRequests({ path: /releases\?per_page=5/ })).toBe(1);
    expect(gh.countRequests((r) => r.method === 'GET')).toBe(2);
    gh.resetRequests();
    expect(gh.countRequests()).toBe(0);
  });

  it('respond faults are consumed N times, then the normal route answers', async () => {
    gh.addRelease('acme/tool', { tag: 'v1' });
    gh.injectFault({ origin: 'api', path: '/repos/acme/tool/releases/latest', times: 2, respond: { status: 502, body: 'bad gateway' } });
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/tool/releases/tags/*',
      respond: { status: 429, headers: { 'retry-after': '7' }, body: { message: 'slow down' } },
    });
    const url = `${gh.apiUrl}/repos/acme/tool/releases/latest`;
    expect((await fetch(url)).status).toBe(502);
    expect(await (await fetch(url)).text()).toBe('bad gateway');
    expect((await fetch(url)).status).toBe(200);
    const limited = await getJson(`${gh.apiUrl}/repos/acme/tool/releases/tags/v1`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toEqual({ message: 'slow down' });
    expect(gh.countRequests((r) => r.fault === true)).toBe(3);
  });

  it('cutAfterBytes sends headers with the full length, some bytes, then drops the connection', async () => {
    const rel = gh.addRelease('acme/tool', { tag: 'v1', assets: [{ name: 'x', content: Buffer.alloc(10_000, 1) }] });
    gh.injectFault({ origin: 'download', path: '/signed/*', cutAfterBytes: 1234 });
    const res = await rawGet(gh.signedUrlFor(rel.assets.x!));
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('10000');
    expect(res.bytes).toBe(1234);
    expect(res.aborted).toBe(true);
    // consumed: the next one is whole
    const again = await rawGet(gh.signedUrlFor(rel.assets.x!));
    expect(again.bytes).toBe(10_000);
    expect(again.aborted).toBe(false);
  });

  it('stallAfterBytes sends headers and then nothing', async () => {
    const rel = gh.addRelease('acme/tool', { tag: 'v1', assets: [{ name: 'x', content: Buffer.alloc(5000, 1) }] });
    gh.injectFault({ origin: 'download', path: '/signed/*', stallAfterBytes: 100 });
    const res = await rawGet(gh.signedUrlFor(rel.assets.x!), {}, 300);
    expect(res.status).toBe(200);
    expect(res.bytes).toBe(100);
    expect(res.timedOut).toBe(true);
  });

  it('reset drops the connection without a response; stallBeforeHeaders never answers', async () => {
    gh.injectFault({ origin: 'api', path: '/repos/acme/tool', reset: true });
    await expect(fetch(`${gh.apiUrl}/repos/acme/tool`)).rejects.toThrow();
    gh.injectFault({ origin: 'api', path: '/repos/acme/tool', stallBeforeHeaders: true });
    await expect(fetch(`${gh.apiUrl}/repos/acme/tool`, { signal: AbortSignal.timeout(200) })).rejects.toThrow(/abort|timeout/i);
    expect((await fetch(`${gh.apiUrl}/repos/acme/tool`)).status).toBe(200);
  });

  it('close() ends stalled connections', async () => {
    gh.injectFault({ origin: 'api', path: '/repos/acme/tool', stallBeforeHeaders: true });
    const pending = fetch(`${gh.apiUrl}/repos/acme/tool`).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 50));
    await gh.close();
    expect(await pending).toBe('failed');
  });
});
