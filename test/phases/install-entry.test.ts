// bin/build extracting an archive while it downloads (issue 17): the extraction writes only into
// the entry's own tree in the work dir, and nothing reaches a layer before the download is
// verified. A mismatch leaves no layer and no staged files and fails with the code it always
// had; a download that starts over from byte zero starts the extraction over in a clean tree;
// a resumed one continues it.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { errorCodes, fakeGitHubForFile, workspacePerTest } from '../support/e2e.js';
import { runBuild } from '../support/cnb.js';
import { tarOf } from '../support/archives.js';
import { allFiles } from '../support/layers.js';

const gh = await fakeGitHubForFile();
const ws = workspacePerTest();

/** Base64 text: incompressible enough that a gzip of it is about as long, and printable. */
const text = (bytes: number) =>
  Buffer.from(
    randomBytes(Math.ceil((bytes * 3) / 4))
      .toString('base64')
      .slice(0, bytes),
  );

/** tool-1.0/bin/tool plus a big data file, so the extraction has written files long before the body ends. */
function archive(variant: string, dataBytes = 1_500_000): Buffer {
  return tarOf([
    { name: 'tool-1.0/', type: 'directory' },
    { name: 'tool-1.0/bin/', type: 'directory' },
    { name: 'tool-1.0/bin/tool', mode: 0o755, body: `#!/bin/sh\necho ${variant}\n` },
    { name: `tool-1.0/share/${variant}.dat`, body: text(dataBytes) },
  ]);
}

const env = () => ({ GITHUB_API_URL: gh.apiUrl, GITHUB_ASSETS_RETRY_DELAY: '100ms' });
const entry = (repo: string, asset: string, extra = '') =>
  `[[metadata.githubassets]]\nrepo = "${repo}"\nasset = "${asset}"\ntag = "v1"\nstrip_components = 1\n${extra}`;
const filesIn = (layer: string) =>
  allFiles(layer)
    .map((path) => relative(layer, path))
    .sort();
const downloads = () => gh.requests.filter((r) => r.origin === 'download' && r.method === 'GET');

/** No layer, no layer TOML, no work dir or staged tree left anywhere below the layers dir. */
function expectNothingStaged(): void {
  expect(readdirSync(ws.layersDir)).toEqual([]);
}

describe('extraction alongside the download', () => {
  it('installs a .tar.gz whose bytes arrive while it extracts', async () => {
    gh.addRepo('acme/streamed');
    gh.addRelease('acme/streamed', { tag: 'v1', assets: [{ name: 'tool.tar.gz', content: gzipSync(archive('one')) }] });
    ws.writeApp({ 'project.toml': entry('acme/streamed', 'tool.tar.gz') });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    const layer = join(ws.layersDir, 'acme_streamed');
    expect(filesIn(layer)).toEqual(['bin/tool', 'share/one.dat']);
    expect(readFileSync(join(layer, 'bin', 'tool'), 'utf8')).toContain('echo one');
  });

  for (const [name, pin] of [
    ['a pinned sha256', true],
    ["GitHub's digest", false],
  ] as const) {
    it(`an archive that extracts fine but disagrees with ${name} leaves no layer and no staged files (GHA030)`, async () => {
      const repo = `acme/mismatch-${pin ? 'pin' : 'digest'}`;
      const bytes = gzipSync(archive('tampered'));
      gh.addRepo(repo);
      gh.addRelease(repo, {
        tag: 'v1',
        assets: [{ name: 'tool.tar.gz', content: bytes, ...(pin ? {} : { digest: `sha256:${'0'.repeat(64)}` }) }],
      });
      ws.writeApp({ 'project.toml': entry(repo, 'tool.tar.gz', pin ? `sha256 = "${'1'.repeat(64)}"\n` : '') });
      const result = await runBuild(ws, env());
      expect(result.code, result.output).toBe(1);
      expect(errorCodes(result.output)).toEqual(['GHA030']);
      expect(downloads()).toHaveLength(1); // the whole archive was read (and extracted) before the check failed
      expect(result.output).not.toMatch(/Installed/);
      expectNothingStaged();
    });
  }

  it('a hostile archive with a bad digest reports the mismatch (GHA030), as when verification came first', async () => {
    gh.addRepo('acme/hostile-mismatch');
    const hostile = tarOf([{ name: '../escape.txt', body: 'out' }]);
    gh.addRelease('acme/hostile-mismatch', {
      tag: 'v1',
      assets: [{ name: 'tool.tar', content: hostile, digest: `sha256:${'0'.repeat(64)}` }],
    });
    ws.writeApp({ 'project.toml': entry('acme/hostile-mismatch', 'tool.tar') });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(1);
    expect(errorCodes(result.output)).toEqual(['GHA030']);
    expectNothingStaged();
    expect(existsSync(join(ws.root, 'layers', 'escape.txt'))).toBe(false);
  });

  it('a resumed download (Range) continues the same extraction: every byte extracted once', async () => {
    gh.addRepo('acme/resumed');
    const bytes = gzipSync(archive('resumed'));
    gh.addRelease('acme/resumed', { tag: 'v1', assets: [{ name: 'tool.tar.gz', content: bytes }] });
    gh.injectFault({ origin: 'download', path: '/signed/*', cutAfterBytes: Math.floor(bytes.length / 2) });
    ws.writeApp({ 'project.toml': entry('acme/resumed', 'tool.tar.gz') });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(downloads().map((r) => r.headers.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    const layer = join(ws.layersDir, 'acme_resumed');
    expect(filesIn(layer)).toEqual(['bin/tool', 'share/resumed.dat']);
    expect(readFileSync(join(layer, 'share', 'resumed.dat'))).toEqual(tarFileBody(bytes));
  });

  it('a download that starts over from zero (the file changed) starts the extraction over in a clean tree', async () => {
    const repo = 'acme/replaced';
    // Same layout and sizes, other names: the listed size still holds, and any file of the
    // first archive left in the layer would show.
    const first = archive('first');
    const second = archive('other');
    expect(second.length).toBe(first.length);
    gh.addRepo(repo);
    const added = gh.addRelease(repo, { tag: 'v1', assets: [{ name: 'tool.tar', content: first, digest: null }] });
    gh.injectFault({
      origin: 'download',
      path: '/signed/*',
      cutAfterBytes: 1_000_000,
      onServed: () => setTimeout(() => gh.replaceAssetContent(added.assets['tool.tar']!, second), 0),
    });
    ws.writeApp({ 'project.toml': entry(repo, 'tool.tar') });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('downloading again from the start');
    const requests = downloads();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.headers['if-range']).toBeDefined();
    const layer = join(ws.layersDir, repo.replace('/', '_'));
    expect(filesIn(layer)).toEqual(['bin/tool', 'share/other.dat']);
    expect(readFileSync(join(layer, 'bin', 'tool'), 'utf8')).toContain('echo other');
  });

  it('a .tar.gz the server will not resume (200 to a Range) is extracted again from the start', async () => {
    gh.addRepo('acme/no-resume');
    const bytes = gzipSync(archive('again'));
    gh.addRelease('acme/no-resume', { tag: 'v1', assets: [{ name: 'tool.tar.gz', content: bytes }] });
    gh.injectFault({ origin: 'download', path: '/signed/*', cutAfterBytes: Math.floor(bytes.length / 2) });
    gh.injectFault({
      origin: 'download',
      path: '/signed/*',
      respond: { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: bytes },
    });
    ws.writeApp({ 'project.toml': entry('acme/no-resume', 'tool.tar.gz') });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('downloading again from the start');
    const layer = join(ws.layersDir, 'acme_no-resume');
    expect(filesIn(layer)).toEqual(['bin/tool', 'share/again.dat']);
    expect(readFileSync(join(layer, 'share', 'again.dat'))).toEqual(tarFileBody(bytes));
  });
});

/** The data file's bytes as the archive holds them (the 4th entry of `archive`). */
function tarFileBody(gz: Buffer): Buffer {
  const tar = gunzipSync(gz);
  // Headers: dir, dir, bin/tool (+1 block of body), then the data file's header.
  const toolSize = parseInt(tar.subarray(512 * 2 + 124, 512 * 2 + 136).toString('latin1'), 8);
  const dataHeader = 512 * 3 + Math.ceil(toolSize / 512) * 512;
  const size = parseInt(tar.subarray(dataHeader + 124, dataHeader + 136).toString('latin1'), 8);
  return tar.subarray(dataHeader + 512, dataHeader + 512 + size);
}
