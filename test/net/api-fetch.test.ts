// The API's fetch (net/agent.ts cappedFetch over dispatcher.request, which octokit gets instead of
// undici's fetch) against the local GitHub stand-in: answers read whole with a cap while they
// stream, redirects followed through every interceptor (the token never reaches another origin,
// nor comes back after one), `redirect: 'error'` refusing a 3xx, and failures shaped like fetch's.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { isNotFound } from '../../src/errors.js';
import { rejected } from '../support/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { testNetwork, type TestNetwork } from '../support/network.js';

const TOKEN = 'ghp_apifetchtoken_0123456789abcdef';
const RELEASE = '/repos/acme/tool/releases/tags/v1';

let gh: FakeGitHub;
let net: TestNetwork;

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.addRepo('acme/tool', { private: true });
  gh.addRelease('acme/tool', { tag: 'v1', assets: [{ name: 'tool', content: 'tool bytes' }] });
  gh.addToken(TOKEN, { repos: '*' });
  net = testNetwork({ GITHUB_API_URL: gh.apiUrl, GITHUB_ASSETS_RETRIES: '2' });
});

afterEach(async () => {
  await net.close();
  await gh.close();
});

const auth = { authorization: `token ${TOKEN}` };

/** The rejection of a call that must fail like fetch does (not with a BuildpackError). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('answers', () => {
  it('gives status, headers (get and iteration), and the body as text, JSON, bytes and one chunk', async () => {
    const response = await net.fetch(`${gh.apiUrl}${RELEASE}`, { headers: auth });
    expect({ status: response.status, ok: response.ok, url: response.url }).toEqual({
      status: 200,
      ok: true,
      url: `${gh.apiUrl}${RELEASE}`,
    });
    expect(response.headers.get('Content-Type')).toContain('application/json');
    expect(new Map(response.headers).get('content-type')).toBe(response.headers.get('content-type'));
    const text = await response.text();
    expect((JSON.parse(text) as { tag_name: string }).tag_name).toBe('v1');
    expect(await response.json()).toEqual(JSON.parse(text));
    expect(Buffer.from(await response.arrayBuffer()).toString('utf8')).toBe(text);
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body!) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(text);
  });

  it('has no body for a 304', async () => {
    gh.injectFault({ origin: 'api', path: RELEASE, respond: { status: 304, headers: { etag: '"x"' } } });
    const response = await net.fetch(`${gh.apiUrl}${RELEASE}`, { headers: { ...auth, 'if-none-match': '"x"' } });
    expect({ status: response.status, body: response.body, text: await response.text() }).toEqual({ status: 304, body: null, text: '' });
  });

  it('refuses an answer past the cap while it streams, with no Content-Length (GHA024)', async () => {
    gh.injectFault({
      origin: 'api',
      path: RELEASE,
      respond: { status: 200, headers: { 'content-type': 'application/json' } },
      omitContentLength: true,
      fillBytes: 64 * 1024 * 1024,
    });
    const err = await rejected(net.fetch(`${gh.apiUrl}${RELEASE}`, { headers: auth }));
    expect((err as { code?: string }).code).toBe('GHA024');
    expect(String(err)).toContain('more than');
  });

  it('refuses an announced answer past the cap before reading it (GHA024)', async () => {
    gh.injectFault({
      origin: 'api',
      path: RELEASE,
      respond: { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(40 * 1024 * 1024) } },
      fillBytes: 40 * 1024 * 1024,
    });
    const err = await rejected(net.fetch(`${gh.apiUrl}${RELEASE}`, { headers: auth }));
    expect((err as { code?: string }).code).toBe('GHA024');
  });

  it('rejects like fetch when nothing answers (TypeError with the cause), after the retries', async () => {
    gh.injectFault({ origin: 'api', path: RELEASE, reset: true, times: Infinity });
    const err = await failure(net.fetch(`${gh.apiUrl}${RELEASE}`, { headers: auth }));
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('fetch failed');
    expect((err as { cause?: unknown }).cause).toBeInstanceOf(Error);
    expect(gh.countRequests({ origin: 'api', path: RELEASE })).toBe(3);
  });
});

describe('redirects', () => {
  it('follows one on the API origin with the token (a renamed repository)', async () => {
    gh.injectFault({
      origin: 'api',
      path: '/repos/acme/old-name/releases/tags/v1',
      respond: { status: 301, headers: { location: `${gh.apiUrl}${RELEASE}` } },
    });
    const client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'gha-test/1.0', fetch: net.fetch });
    const release = await client.getRelease({ owner: 'acme', repo: 'old-name', token: TOKEN }, 'v1');
    expect(release.tag).toBe('v1');
    expect(gh.requests.map((r) => [r.origin, r.path, r.headers.authorization !== undefined])).toEqual([
      ['api', '/repos/acme/old-name/releases/tags/v1', true],
      ['api', RELEASE, true],
    ]);
  });

  it('never carries the token to another origin, nor back to the API after one', async () => {
    gh.injectFault({ origin: 'api', path: RELEASE, respond: { status: 302, headers: { location: `${gh.webUrl}/bounce` } } });
    gh.injectFault({ origin: 'web', path: '/bounce', respond: { status: 302, headers: { location: `${gh.apiUrl}${RELEASE}?again=1` } } });
    const client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'gha-test/1.0', fetch: net.fetch });
    // Without its token the private repository's release is not found.
    const err = await rejected(client.getRelease({ owner: 'acme', repo: 'tool', token: TOKEN }, 'v1'));
    expect(isNotFound(err)).toBe(true);
    const hops = gh.requests.filter((r) => r.path !== '/repos/acme/tool').map((r) => [r.origin, r.headers.authorization !== undefined]);
    expect(hops).toEqual([
      ['api', true],
      ['web', false],
      ['api', false],
    ]);
  });

  it("with redirect: 'error' a 3xx fails and is not followed", async () => {
    gh.injectFault({ origin: 'api', path: RELEASE, respond: { status: 302, headers: { location: `${gh.webUrl}/elsewhere` } } });
    const err = await failure(net.fetch(`${gh.apiUrl}${RELEASE}`, { redirect: 'error' }));
    expect(err).toBeInstanceOf(TypeError);
    expect(gh.countRequests({ origin: 'web' })).toBe(0);
  });

  it('stops an endless redirect chain like fetch (20 hops), with an error', async () => {
    gh.injectFault({ origin: 'api', path: '/loop', times: Infinity, respond: { status: 302, headers: { location: `${gh.apiUrl}/loop` } } });
    const err = await failure(net.fetch(`${gh.apiUrl}/loop`));
    expect(err).toBeInstanceOf(TypeError);
    expect(gh.countRequests({ origin: 'api', path: '/loop' })).toBeLessThanOrEqual(21);
  });
});

describe('closing', () => {
  it("ends the open connections without formatting undici's ClientDestroyedError stacks, and restores the stack limit", async () => {
    const answer = await net.fetch(`${gh.apiUrl}${RELEASE}`, { headers: auth });
    await answer.text(); // the connection now idles in the pool
    // Node's stream destroy reads the stack of the error a socket is destroyed with: every one
    // formatted here (frames and all) made V8 compute the line ends of the whole bundle at exit.
    const formatted: Array<{ name: string; frames: number }> = [];
    const previous = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = (err: Error, frames: NodeJS.CallSite[]) => {
      formatted.push({ name: err.name, frames: frames.length });
      return `${err.name}: ${err.message}`;
    };
    try {
      await net.close();
    } finally {
      Error.prepareStackTrace = previous;
    }
    expect(formatted.length).toBeGreaterThan(0); // the pooled connection was destroyed with an error
    expect(formatted.filter((f) => f.frames > 0)).toEqual([]);
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
