// verify/trust-root.ts: GITHUB_ASSETS_TRUSTED_ROOT replaces the built-in roots and is checked
// at the edge (GHA038); without it, TUF is tried first, then its cache, then the shipped root,
// and every fallback is said in a note. No network: the TUF client is a stand-in that fails.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTrustSet, MAX_TRUSTED_ROOT_BYTES } from '../../src/verify/trust-root.js';
import { issuersFor } from '../../src/verify/trust-names.js';
import { PUBLIC_GOOD_TRUSTED_ROOT } from '../../src/verify/roots/public-good.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getGlobalDispatcher } from 'undici';
import { codeOfRejection } from '../support/errors.js';
import { startProxy } from '../support/proxy.js';
import { testNetwork } from '../support/network.js';

const dir = mkdtempSync(join(tmpdir(), 'gha-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GITHUB_ASSETS_TRUSTED_ROOT', () => {
  it('replaces the built-in roots with the file it names', async () => {
    const path = join(dir, 'root.json');
    writeFileSync(path, JSON.stringify(PUBLIC_GOOD_TRUSTED_ROOT));
    const set = await loadTrustSet({ trustedRootFile: path, fetchTufRoot: () => Promise.reject(new Error('must not be called')) });
    expect(set.domains.map((d) => d.name)).toEqual([`trusted root ${path}`]);
    expect(set.domains[0]!.requireTlog).toBe(true);
    expect(set.notes[0]).toContain('replaces the built-in roots');
  });

  it.each([
    ['a missing file', undefined],
    ['not JSON', 'not json'],
    ['JSON that is not a trusted root', '{"mediaType": 5}'],
    [
      'a root without authorities',
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
        tlogs: [],
        certificateAuthorities: [],
        ctlogs: [],
        timestampAuthorities: [],
      }),
    ],
    ['a root without logs or timestamp authorities', JSON.stringify({ ...PUBLIC_GOOD_TRUSTED_ROOT, tlogs: [], timestampAuthorities: [] })],
    ['a file over the size cap', ' '.repeat(MAX_TRUSTED_ROOT_BYTES + 1)],
  ])('refuses %s with GHA038', async (what, content) => {
    const path = join(dir, `${what.replaceAll(' ', '-')}.json`);
    if (content !== undefined) writeFileSync(path, content);
    expect(await codeOfRejection(loadTrustSet({ trustedRootFile: path }))).toBe('GHA038');
  });
});

describe('built-in roots', () => {
  it('uses the shipped public-good root when TUF cannot be reached, and says so', async () => {
    const calls: string[] = [];
    const set = await loadTrustSet({
      tufCacheDir: join(dir, 'cache-offline'),
      fetchTufRoot: async ({ mirrorURL, forceCache }) => {
        calls.push(`${mirrorURL} ${forceCache ? 'cache' : 'online'}`);
        throw new Error('getaddrinfo ENOTFOUND');
      },
    });
    expect(set.domains.map((d) => d.name)).toEqual(['Sigstore public-good (shipped)']);
    expect(set.notes.join('\n')).toMatch(/could not be reached and nothing usable was cached: using the public-good trusted root shipped/);
    expect(set.notes.join('\n')).toMatch(/GitHub's TUF repository .* could not be reached/);
    expect(calls).toEqual(
      expect.arrayContaining([
        'https://tuf-repo-cdn.sigstore.dev online',
        'https://tuf-repo-cdn.sigstore.dev cache',
        'https://tuf-repo.github.com online',
        'https://tuf-repo.github.com cache',
      ]),
    );
  });

  it('uses what TUF cached in an earlier build when the repository is down', async () => {
    const set = await loadTrustSet({
      tufCacheDir: join(dir, 'cache-warm'),
      fetchTufRoot: async ({ forceCache }) => {
        if (!forceCache) throw new Error('ETIMEDOUT');
        return PUBLIC_GOOD_TRUSTED_ROOT;
      },
    });
    expect(set.domains.map((d) => d.name)).toEqual(['Sigstore public-good', 'GitHub']);
    expect(set.notes.join('\n')).toContain('cached by an earlier build');
  });

  it('accepts GitHub Actions issuers, plus a GitHub Enterprise Server one', () => {
    expect(issuersFor('https://github.com')).toEqual(['https://token.actions.githubusercontent.com']);
    expect(issuersFor('https://ghe.example.com')).toEqual([
      'https://token.actions.githubusercontent.com',
      'https://ghe.example.com/_services/token',
    ]);
  });

  it('sends the TUF requests through the network layer: a proxy set only in the network settings sees them', async () => {
    // A loopback stand-in for GitHub's TUF repository: it has nothing, so the build falls back.
    const mirrorSaw: string[] = [];
    const mirror = createServer((req, res) => {
      mirrorSaw.push(req.url ?? '');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    const mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
    const proxy = await startProxy();
    // The proxy is in the network settings (as from <platform>/env), not in process.env.
    expect(process.env.HTTP_PROXY ?? process.env.http_proxy ?? process.env.HTTPS_PROXY ?? process.env.https_proxy).toBeUndefined();
    const network = testNetwork({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
    const before = getGlobalDispatcher();
    try {
      const set = await loadTrustSet({
        tufCacheDir: join(dir, 'cache-proxied'),
        dispatcher: network.dispatcher,
        timeoutMs: 5_000,
        // The public-good client has no seed for a loopback URL and fails before any request.
        tufMirrors: { publicGood: `${mirrorUrl}/public-good`, github: mirrorUrl },
      });
      const viaProxy = proxy.requests.filter((r) => r.host === new URL(mirrorUrl).host).map((r) => new URL(r.target).pathname);
      expect(viaProxy.some((path) => /^\/(\d+\.root|timestamp)\.json$/.test(path))).toBe(true);
      // Everything the mirror answered went through the proxy.
      expect(mirrorSaw.length).toBeGreaterThan(0);
      expect(viaProxy).toEqual(mirrorSaw);
      expect(set.domains.map((d) => d.name)).toEqual(['Sigstore public-good (shipped)']);
      expect(set.notes.join('\n')).toContain(`GitHub's TUF repository (${mirrorUrl}) could not be reached`);
      // The global dispatcher is put back once the TUF requests are done.
      expect(getGlobalDispatcher()).toBe(before);
    } finally {
      await network.close();
      await proxy.close();
      await new Promise<void>((resolve) => mirror.close(() => resolve()));
    }
  });
});
