// Release lookup against the local GitHub stand-in: latest vs tag, pagination, private repos
// with and without tokens, GHES prefix, and the mapping of every failure to a BuildpackError.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BuildpackError } from '../../src/errors.js';
import { createGitHubClient, normaliseApiUrl, webUrlFor, type GitHubClient } from '../../src/github/client.js';
import { memoryLogger } from '../../src/log.js';
import { rejected } from '../support/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';

const GOOD = 'ghp_goodtoken_1234567890abcdef';
const OTHER = 'ghp_othertoken_0987654321fedcba';
const UNKNOWN = 'ghp_unknowntoken_deadbeefdeadbeef';

let gh: FakeGitHub;
let client: GitHubClient;

afterEach(async () => {
  vi.restoreAllMocks();
  await gh?.close();
});

/** The token must not show up anywhere a user or a log could see it. */
function expectNoSecret(err: BuildpackError, ...secrets: string[]) {
  const cause = err.cause as Error | undefined;
  const visible = [err.message, err.hint ?? '', err.stack ?? '', String(cause ?? ''), cause?.stack ?? '', JSON.stringify(err)].join('\n');
  for (const s of secrets) expect(visible).not.toContain(s);
}

describe('getRelease', () => {
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/tool');
    gh.addRelease('acme/tool', { tag: 'v1.0.0', assets: [{ name: 'tool-1.0.0.tar.gz', content: 'old' }] });
    gh.addRelease('acme/tool', {
      tag: 'v1.1.0',
      assets: [
        { name: 'tool-1.1.0.tar.gz', content: 'new', contentType: 'application/gzip' },
        { name: 'nodigest', content: 'x', digest: null },
      ],
    });
    gh.addRelease('acme/tool', { tag: 'v2.0.0-beta', prerelease: true });
    client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'gha-test/1.0' });
  });

  it('latest is the newest published non-prerelease, mapped to the model', async () => {
    const release = await client.getRelease({ owner: 'acme', repo: 'tool' }, 'latest');
    expect(release.tag).toBe('v1.1.0');
    expect(release).toMatchObject({ draft: false, prerelease: false, name: 'v1.1.0' });
    expect(release.publishedAt).toMatch(/Z$/);
    expect(release.assets).toHaveLength(2);
    const [a, b] = release.assets;
    expect(a).toEqual({
      id: expect.any(Number),
      name: 'tool-1.1.0.tar.gz',
      size: 3,
      url: `${gh.apiUrl}/repos/acme/tool/releases/assets/${a!.id}`,
      browserDownloadUrl: `${gh.webUrl}/acme/tool/releases/download/v1.1.0/tool-1.1.0.tar.gz`,
      contentType: 'application/gzip',
      digest: 'sha256:11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437',
    });
    expect(b!.digest).toBeUndefined();
    expect(gh.countRequests({ path: '/repos/acme/tool/releases/latest' })).toBe(1);
    expect(gh.requests[0]!.headers['user-agent']).toMatch(/^gha-test\/1\.0/);
    expect(gh.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('an exact tag uses get-release-by-tag, prereleases included', async () => {
    expect((await client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1.0.0')).assets[0]!.name).toBe('tool-1.0.0.tar.gz');
    expect((await client.getRelease({ owner: 'acme', repo: 'tool' }, 'v2.0.0-beta')).prerelease).toBe(true);
    expect(gh.countRequests({ path: '/repos/acme/tool/releases/tags/v1.0.0' })).toBe(1);
  });

  it('a missing tag in an existing repo says which tag, after one repo check', async () => {
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool', ctx: { entry: 'githubassets[1] (acme/tool)' } }, 'v9.9.9'));
    expect(err.code).toBe('GHA010');
    expect(err.entry).toBe('githubassets[1] (acme/tool)');
    expect(err.message).toBe('release tag "v9.9.9" not found in acme/tool');
    expect(err.hint).toContain('tags match exactly');
    expect(gh.countRequests({ path: '/repos/acme/tool' })).toBe(1);
  });

  it('latest with only prereleases says there is no published release', async () => {
    gh.addRepo('acme/beta');
    gh.addRelease('acme/beta', { tag: 'v0.1.0-rc.1', prerelease: true });
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'beta' }, 'latest'));
    expect(err.code).toBe('GHA010');
    expect(err.message).toBe('acme/beta has no published release: drafts and prereleases do not count as "latest"');
    expect(err.hint).toMatch(/set tag to an exact release tag/);
  });

  it('a missing repo says so and points at token_env for private repos', async () => {
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'nope' }, 'latest'));
    expect(err.code).toBe('GHA010');
    expect(err.message).toBe('repository acme/nope not found (or it is private and not visible without a token)');
    expect(err.hint).toContain(
      'set token_env to the name of an environment variable holding a token with read access to contents of acme/nope',
    );
  });

  it('passes the token per call and works with both entries using different tokens', async () => {
    gh.addRepo('acme/secret', { private: true });
    gh.addRelease('acme/secret', { tag: 'v1' });
    gh.addToken(GOOD, { repos: ['acme/secret'] });
    expect((await client.getRelease({ owner: 'acme', repo: 'secret', token: GOOD }, 'v1')).tag).toBe('v1');
    expect((await client.getRelease({ owner: 'acme', repo: 'tool' }, 'latest')).tag).toBe('v1.1.0');
    const sent = gh.requests.map((r) => r.headers.authorization);
    expect(sent).toEqual([`token ${GOOD}`, undefined]);
  });
});

describe('private repositories and credentials', () => {
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/secret', { private: true });
    gh.addRelease('acme/secret', { tag: 'v1', assets: [{ name: 'bin', content: 'private bytes' }] });
    gh.addRepo('acme/public');
    gh.addToken(GOOD, { repos: ['acme/secret'] });
    gh.addToken(OTHER, { repos: ['acme/public'] });
    client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'gha-test/1.0' });
  });

  it('without a token: not found, hint says to set token_env', async () => {
    const err = await rejected(
      client.getRelease({ owner: 'acme', repo: 'secret', ctx: { entry: 'githubassets[2] (acme/secret)' } }, 'latest'),
    );
    expect(err.code).toBe('GHA010');
    expect(err.message).toBe('repository acme/secret not found (or it is private and not visible without a token)');
    expect(err.hint).toContain('set token_env');
  });

  it('with a token lacking access: not found, hint names the env var and says it may lack access', async () => {
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'secret', token: OTHER, ctx: { tokenEnv: 'ACME_TOKEN' } }, 'v1'));
    expect(err.code).toBe('GHA010');
    expect(err.message).toBe('repository acme/secret not found (or it is private and not visible to the token in $ACME_TOKEN)');
    expect(err.hint).toContain('the token in $ACME_TOKEN may lack access');
    expect(err.hint).toContain('read access to contents of acme/secret');
    expectNoSecret(err, OTHER);
    expect(gh.countRequests((r) => r.headers.authorization === `token ${OTHER}`)).toBe(2);
  });

  it('with an unknown token: bad credentials naming the env var, never the value', async () => {
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'secret', token: UNKNOWN, ctx: { tokenEnv: 'ACME_TOKEN' } }, 'v1'));
    expect(err.code).toBe('GHA011');
    expect(err.message).toBe(
      'GitHub rejected the token in $ACME_TOKEN for acme/secret: bad credentials (the token is invalid, expired or revoked)',
    );
    expect(err.hint).toContain('put it in ACME_TOKEN');
    expectNoSecret(err, UNKNOWN);
  });

  it('with the right token: the release', async () => {
    const release = await client.getRelease({ owner: 'acme', repo: 'secret', token: GOOD, ctx: { tokenEnv: 'ACME_TOKEN' } }, 'latest');
    expect(release.tag).toBe('v1');
    expect(release.assets[0]!.size).toBe(13);
  });

  it('listing a private repo without a token is not found', async () => {
    const err = await rejected(client.listReleases({ owner: 'acme', repo: 'secret' }));
    expect(err.code).toBe('GHA010');
    expect(err.message).toMatch(/^repository acme\/secret not found/);
    expect((await client.listReleases({ owner: 'acme', repo: 'secret', token: GOOD })).map((r) => r.tag)).toEqual(['v1']);
  });

  it('octokit writes nothing to the console; debug lines carry no token', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
    const log = memoryLogger(true);
    const withLog = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'gha-test/1.0', log });
    await withLog.getRelease({ owner: 'acme', repo: 'secret', token: GOOD }, 'v1');
    await rejected(withLog.getRelease({ owner: 'acme', repo: 'secret', token: UNKNOWN }, 'v1'));
    await rejected(withLog.getRelease({ owner: 'acme', repo: 'secret', token: GOOD }, 'v2'));
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(log.lines.some((l) => l.includes('GET /repos/acme/secret/releases/tags/v1 - 200'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(GOOD);
    expect(log.lines.join('\n')).not.toContain(UNKNOWN);
  });
});

describe('listReleases', () => {
  it('follows pagination over more than 100 releases, 100 per page', async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/many');
    for (let i = 1; i <= 250; i++) gh.addRelease('acme/many', { tag: `v0.${i}.0`, prerelease: i % 10 === 0 });
    client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'gha-test/1.0' });
    const releases = await client.listReleases({ owner: 'acme', repo: 'many' });
    expect(releases).toHaveLength(250);
    expect(releases[0]!.tag).toBe('v0.250.0');
    expect(releases.at(-1)!.tag).toBe('v0.1.0');
    expect(new Set(releases.map((r) => r.id)).size).toBe(250);
    expect(releases.filter((r) => r.prerelease)).toHaveLength(25);
    expect(gh.requests.map((r) => r.path)).toEqual([
      '/repos/acme/many/releases?per_page=100',
      '/repos/acme/many/releases?per_page=100&page=2',
      '/repos/acme/many/releases?per_page=100&page=3',
    ]);
  });

  it('an empty repo lists nothing', async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/empty');
    client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'gha-test/1.0' });
    expect(await client.listReleases({ owner: 'acme', repo: 'empty' })).toEqual([]);
  });
});

describe('GitHub Enterprise Server', () => {
  it('works under an /api/v3 prefix and links the web UI in hints', async () => {
    gh = await startFakeGitHub({ apiPrefix: '/api/v3' });
    gh.addRepo('corp/tool');
    for (let i = 1; i <= 120; i++) gh.addRelease('corp/tool', { tag: `v${i}` });
    client = createGitHubClient({ apiUrl: `${gh.apiUrl}/`, userAgent: 'gha-test/1.0' });
    expect(client.apiUrl).toBe(gh.apiUrl);
    expect((await client.getRelease({ owner: 'corp', repo: 'tool' }, 'latest')).tag).toBe('v120');
    expect(await client.listReleases({ owner: 'corp', repo: 'tool' })).toHaveLength(120);
    const err = await rejected(client.getRelease({ owner: 'corp', repo: 'tool' }, 'v999'));
    expect(err.hint).toContain(`(see ${gh.apiUrl.replace('/api/v3', '')}/corp/tool/releases)`);
    expect(gh.requests.every((r) => r.path.startsWith('/api/v3/'))).toBe(true);
  });

  it('normaliseApiUrl reads GITHUB_API_URL, defaulting to api.github.com', () => {
    expect(normaliseApiUrl(undefined)).toBe('https://api.github.com');
    expect(normaliseApiUrl('  ')).toBe('https://api.github.com');
    expect(normaliseApiUrl('https://ghe.corp.example/api/v3/')).toBe('https://ghe.corp.example/api/v3');
  });

  it('webUrlFor maps api.github.com and GHES, nothing else', () => {
    expect(webUrlFor('https://api.github.com', 'a/b/releases')).toBe('https://github.com/a/b/releases');
    expect(webUrlFor('https://ghe.corp.example/api/v3', 'a/b')).toBe('https://ghe.corp.example/a/b');
    expect(webUrlFor('http://127.0.0.1:9', 'a/b')).toBeUndefined();
  });
});

describe('failures', () => {
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/tool');
    gh.addRelease('acme/tool', { tag: 'v1' });
    gh.addToken(GOOD, { repos: '*' });
    client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'gha-test/1.0' });
  });

  it('403 with x-ratelimit-remaining 0: rate limited, with the reset time and how to pass a token', async () => {
    const reset = Math.floor(Date.UTC(2030, 0, 2, 3, 4, 5) / 1000);
    gh.injectFault({
      path: '/repos/acme/tool/releases/latest',
      respond: {
        status: 403,
        headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        body: { message: 'API rate limit exceeded for 127.0.0.1.' },
      },
    });
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool' }, 'latest'));
    expect(err.code).toBe('GHA013');
    expect(err.message).toBe(
      'GitHub API rate limit exceeded (60 requests/hour) while looking up the latest release of acme/tool; the limit resets at 2030-01-02T03:04:05.000Z',
    );
    expect(err.hint).toContain('token_env = "GITHUB_TOKEN"');
  });

  it('429 with retry-after: rate limited, says when to retry', async () => {
    gh.injectFault({
      path: '/repos/acme/tool/releases/tags/v1',
      respond: { status: 429, headers: { 'retry-after': '30' }, body: { message: 'secondary rate limit' } },
    });
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool', token: GOOD, ctx: { tokenEnv: 'GH_TOKEN' } }, 'v1'));
    expect(err.code).toBe('GHA013');
    expect(err.message).toContain('retry after 30s');
    expect(err.hint).toContain('$GH_TOKEN');
    expectNoSecret(err, GOOD);
  });

  it('a real exhausted limit from the stand-in maps to GHA013', async () => {
    await gh.close();
    gh = await startFakeGitHub({ rateLimit: { anonymous: 1 } });
    gh.addRepo('acme/tool');
    gh.addRelease('acme/tool', { tag: 'v1' });
    client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'gha-test/1.0' });
    await client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1');
    expect((await rejected(client.getRelease({ owner: 'acme', repo: 'tool' }, 'v1'))).code).toBe('GHA013');
  });

  it('other 403s are forbidden, quoting GitHub', async () => {
    gh.injectFault({
      path: '/repos/acme/tool/releases/latest',
      respond: { status: 403, body: { message: 'Resource protected by organization SAML enforcement.' } },
    });
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool', token: GOOD, ctx: { tokenEnv: 'GH_TOKEN' } }, 'latest'));
    expect(err.code).toBe('GHA012');
    expect(err.message).toBe('GitHub refused access to acme/tool (403: Resource protected by organization SAML enforcement.)');
    expect(err.hint).toContain('SAML SSO');
    expectNoSecret(err, GOOD);
  });

  it('5xx is a server error', async () => {
    gh.injectFault({ path: '/repos/acme/tool/releases/latest', respond: { status: 502, body: 'bad gateway' } });
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool', token: GOOD }, 'latest'));
    expect(err.code).toBe('GHA021');
    expect(err.message).toBe('the GitHub API answered 502 while looking up the latest release of acme/tool');
    expect(err.hint).toContain('githubstatus.com');
    expectNoSecret(err, GOOD);
  });

  it('a dropped connection is a network error', async () => {
    gh.injectFault({ path: '/repos/acme/tool/releases/latest', reset: true });
    const err = await rejected(
      client.getRelease({ owner: 'acme', repo: 'tool', token: GOOD, ctx: { entry: 'githubassets[1] (acme/tool)' } }, 'latest'),
    );
    expect(err.code).toBe('GHA020');
    expect(err.message).toMatch(/^could not reach the GitHub API at http:\/\/127\.0\.0\.1:\d+\/ \(/);
    expect(err.entry).toBe('githubassets[1] (acme/tool)');
    expectNoSecret(err, GOOD);
  });

  it('a refused connection is a network error naming ECONNREFUSED', async () => {
    const url = gh.apiUrl;
    await gh.close();
    const err = await rejected(
      createGitHubClient({ apiUrl: url, userAgent: 'x' }).getRelease({ owner: 'acme', repo: 'tool', token: GOOD }, 'latest'),
    );
    expect(err.code).toBe('GHA020');
    expect(err.message).toContain('ECONNREFUSED');
    expectNoSecret(err, GOOD);
  });
});
