// A public asset's download starts while its release is still being looked up (the downloader's
// sendEarly), and changes nothing else: the real bin/build against the fake GitHub, whose API
// answer is held back so the order of requests shows. The lookup still decides what is installed
// and verified; every failure reads as it does without the early request.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace, runBuild, type Workspace } from '../support/cnb.js';
import { startFakeGitHub, type FakeGitHub, type RecordedRequest } from '../support/fake-github/index.js';

const TOOL = Buffer.from('#!/bin/sh\necho early tool\n');
const HOLD_MS = 600;
/** The release lookup: by tag, or the list for a range. */
const LOOKUP = /^\/repos\/acme\/tool\/releases(\/tags\/|\?|$)/;

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startFakeGitHub();
  gh.addRepo('acme/tool');
  gh.addRelease('acme/tool', { tag: 'v1.0.0', assets: [{ name: 'tool-linux-amd64', content: TOOL }] });
});
afterAll(() => gh.close());
beforeEach(() => {
  gh.clearFaults();
  gh.resetRequests();
});

function descriptor(extra = ''): string {
  return `[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool-linux-amd64"\ntag = "v1.0.0"\ndestination = "bin/tool"\n${extra}`;
}

async function build(toml: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string; ws: Workspace }> {
  const ws = createWorkspace();
  ws.writeApp({ 'project.toml': toml });
  // The API answer is held back, so a request sent before it arrives shows as such.
  gh.injectFault({ origin: 'api', path: LOOKUP, delayMs: HOLD_MS });
  const result = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl, ...env });
  return { ...result, ws };
}

const only = (origin: RecordedRequest['origin']) => gh.requests.filter((r) => r.origin === origin);
const lookup = () => gh.requests.find((r) => r.origin === 'api' && LOOKUP.test(r.path))!;
const installed = (ws: Workspace) => join(ws.layersDir, 'acme_tool', 'bin', 'tool');

describe('the early download of a public asset', () => {
  it('is asked for while the release lookup is held back, once, and installed as usual', async () => {
    const { code, output, ws } = await build(descriptor(), { GITHUB_SERVER_URL: gh.webUrl });
    try {
      expect(code, output).toBe(0);
      const [web] = only('web');
      expect(only('web')).toHaveLength(1); // the early request was the download's: not asked twice
      expect(only('download')).toHaveLength(1);
      expect(web!.at - lookup().at).toBeLessThan(HOLD_MS - 100);
      expect(readFileSync(installed(ws))).toEqual(TOOL);
      // Verified against the digest the lookup announced, which arrived after the download began.
      expect(output).toMatch(/Verified {2}sha256:[0-9a-f]{16}… matches GitHub asset digest/);
    } finally {
      ws.cleanup();
    }
  });

  it('waits for the lookup when the web host is only assumed (an API URL of its own and no GITHUB_SERVER_URL)', async () => {
    const { code, output, ws } = await build(descriptor());
    try {
      expect(code, output).toBe(0);
      expect(only('web')).toHaveLength(1);
      expect(only('web')[0]!.at - lookup().at).toBeGreaterThanOrEqual(HOLD_MS - 20);
    } finally {
      ws.cleanup();
    }
  });

  it.each([
    ['a token (the download goes through the API URL)', descriptor(), { GITHUB_TOKEN: 'ghp_early000000000000000000000000000000' }],
    ['a version range', descriptor().replace('tag = "v1.0.0"', 'tag = "~1.0"'), {}],
    ['an asset pattern', descriptor().replace('asset = "tool-linux-amd64"', 'asset = "tool-{os}-{arch}"'), {}],
  ])('is not sent for %s', async (_what, toml, env) => {
    if ('GITHUB_TOKEN' in env) gh.addToken(env.GITHUB_TOKEN!, { repos: '*' });
    const { code, output, ws } = await build(toml, { GITHUB_SERVER_URL: gh.webUrl, ...env });
    try {
      expect(code, output).toBe(0);
      const after = lookup().at + HOLD_MS - 20;
      expect(gh.requests.filter((r) => r.origin !== 'api' && r.at < after)).toEqual([]);
      expect(readFileSync(installed(ws))).toEqual(TOOL);
    } finally {
      ws.cleanup();
    }
  });

  it('is asked for again when its answer is not a success, so the download reads as without it', async () => {
    gh.injectFault({ origin: 'web', path: '/acme/tool/releases/download/v1.0.0/tool-linux-amd64', respond: { status: 503, body: 'busy' } });
    const { code, output, ws } = await build(descriptor(), { GITHUB_SERVER_URL: gh.webUrl });
    try {
      expect(code, output).toBe(0);
      expect(only('web')).toHaveLength(2);
      expect(only('web')[1]!.at - lookup().at).toBeGreaterThanOrEqual(HOLD_MS - 20);
      expect(output).not.toMatch(/503|retry/i);
      expect(readFileSync(installed(ws))).toEqual(TOOL);
    } finally {
      ws.cleanup();
    }
  });

  it.each([
    ['a tag the release lookup does not find', descriptor().replace('tag = "v1.0.0"', 'tag = "v9.9.9"')],
    ['an asset the release does not list', descriptor().replace('asset = "tool-linux-amd64"', 'asset = "tool-linux-riscv"')],
  ])('fails for %s with the same error as without it, and installs nothing', async (_what, toml) => {
    const withEarly = await build(toml, { GITHUB_SERVER_URL: gh.webUrl });
    const without = await build(toml);
    try {
      expect(withEarly.code).toBe(without.code);
      expect(withEarly.code).not.toBe(0);
      const codeOf = (output: string) => /GHA\d{3}/.exec(output)?.[0];
      expect(codeOf(withEarly.output)).toBeDefined();
      expect(codeOf(withEarly.output)).toBe(codeOf(without.output));
      expect(existsSync(join(withEarly.ws.layersDir, 'acme_tool'))).toBe(false);
    } finally {
      withEarly.ws.cleanup();
      without.ws.cleanup();
    }
  });

  it('installs nothing when the bytes do not match the digest the lookup announces', async () => {
    gh.addRelease('acme/tool', {
      tag: 'v2.0.0',
      assets: [{ name: 'tool-linux-amd64', content: TOOL, digest: `sha256:${'0'.repeat(64)}` }],
    });
    const ws = createWorkspace();
    try {
      ws.writeApp({ 'project.toml': descriptor().replace('v1.0.0', 'v2.0.0') });
      gh.injectFault({ origin: 'api', path: '/repos/acme/tool/releases/tags/v2.0.0', delayMs: HOLD_MS });
      const { code, output } = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl, GITHUB_SERVER_URL: gh.webUrl });
      expect(code).not.toBe(0);
      expect(output).toMatch(/GHA\d{3}/);
      const web = only('web')[0]!;
      expect(web.at - gh.requests.find((r) => r.path.endsWith('/tags/v2.0.0'))!.at).toBeLessThan(HOLD_MS - 100);
      expect(existsSync(join(ws.layersDir, 'acme_tool'))).toBe(false);
    } finally {
      ws.cleanup();
    }
  });
});
