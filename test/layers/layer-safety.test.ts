// Issue 14 through the real bin/build: link chains in one archive (GHA042) and across the
// entries of one layer (GHA046) leave the previous layer intact and nothing outside it; a
// build SIGKILLed between the layer swap and the metadata write is never reused wrongly.

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { tarOf } from '../support/archives.js';
import { runBuild } from '../support/cnb.js';
import { fakeGitHubForFile, workspacePerTest } from '../support/e2e.js';
import { simulateRestore } from '../support/layers.js';

const gh = await fakeGitHubForFile();
const ws = workspacePerTest();
const LAYER = 'acme_links';

beforeAll(() => {
  gh.addRepo('acme/links');
  gh.addRelease('acme/links', {
    tag: 'v1',
    assets: [{ name: 'tool.tar', content: tarOf([{ name: 'bin/tool', body: 'good one\n', mode: 0o755 }]) }],
  });
  // The issue's chain: d/up -> .. is harmless alone, x walks out through it.
  gh.addRelease('acme/links', {
    tag: 'v2',
    assets: [
      {
        name: 'tool.tar',
        content: tarOf([
          { name: 'bin/tool', body: 'evil one\n', mode: 0o755 },
          { name: 'd/', type: 'directory' },
          { name: 'd/up', type: 'symlink', linkname: '..' },
          { name: 'x', type: 'symlink', linkname: 'd/up/../../outside' },
        ]),
      },
    ],
  });
  // Two assets that are each harmless, and chain out once they share the layer.
  gh.addRelease('acme/links', {
    tag: 'v3',
    assets: [
      {
        name: 'up.tar',
        content: tarOf([
          { name: 'd/', type: 'directory' },
          { name: 'd/up', type: 'symlink', linkname: '..' },
        ]),
      },
      { name: 'via.tar', content: tarOf([{ name: 'x', type: 'symlink', linkname: 'd/up/../../outside' }]) },
    ],
  });

  // Same asset name and size in two releases, different bytes: only the record can tell them apart.
  gh.addRepo('acme/commit');
  gh.addRelease('acme/commit', {
    tag: 'v1',
    assets: [{ name: 'tool.tar', content: tarOf([{ name: 'bin/tool', body: 'version 1\n', mode: 0o755 }]) }],
  });
  gh.addRelease('acme/commit', {
    tag: 'v2',
    assets: [{ name: 'tool.tar', content: tarOf([{ name: 'bin/tool', body: 'version 2\n', mode: 0o755 }]) }],
  });
});

beforeEach(() => {
  // Something real outside the layers for an escaping link to reach.
  writeFileSync(join(ws.root, 'outside'), 'outside the layers\n');
});

const env = (extra: Record<string, string> = {}) => ({ GITHUB_API_URL: gh.apiUrl, ...extra });
const entry = (repo: string, tag: string, asset: string, extra = '') =>
  `[[metadata.githubassets]]\nrepo = "${repo}"\ntag = "${tag}"\nasset = "${asset}"\n${extra}`;

function layerToml(name: string): { metadata: { entries: { tag: string; sha256: string }[] } } {
  return TOML.parse(readFileSync(join(ws.layersDir, `${name}.toml`), 'utf8')) as never;
}

/** Every path under `dir` (no links followed) with what it resolves to, for "nothing leads outside". */
function resolvedOutside(dir: string): string[] {
  const top = realpathSync.native(dir);
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = join(dir, rel, name);
      let real: string | undefined;
      try {
        real = realpathSync.native(path);
      } catch {
        real = undefined; // dangling
      }
      if (real !== undefined && real !== top && !real.startsWith(`${top}/`)) out.push(`${join(rel, name)} -> ${real}`);
      if (lstatSync(path).isDirectory()) visit(join(rel, name));
    }
  };
  visit('');
  return out;
}

/** ws.root outside the layers dir, with contents: must not change. */
function outsideLayers(): string {
  const lines: string[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(join(ws.root, rel)).sort()) {
      const r = join(rel, name);
      if (r === 'layers' || r === 'bp-plan.toml') continue;
      const info = lstatSync(join(ws.root, r));
      if (info.isDirectory()) visit(r);
      else lines.push(`${r}: ${info.isSymbolicLink() ? `-> ${readlinkSync(join(ws.root, r))}` : readFileSync(join(ws.root, r), 'utf8')}`);
    }
  };
  visit('');
  return lines.join('\n');
}

describe('links that cannot leave the layer (bin/build)', () => {
  it('refuses a chain of links in one archive (GHA042) and keeps the previous layer', async () => {
    ws.writeApp({ 'project.toml': entry('acme/links', 'v1', 'tool.tar') });
    expect((await runBuild(ws, env())).code).toBe(0);
    simulateRestore(ws.layersDir);
    const tomlBefore = readFileSync(join(ws.layersDir, `${LAYER}.toml`), 'utf8');
    ws.writeApp({ 'project.toml': entry('acme/links', 'v2', 'tool.tar') });
    const before = outsideLayers();

    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'ERROR [GHA042] githubassets[1] (acme/links): refusing archive entry "x": it is a symlink to d/up/../../outside that does not stay inside the layer',
    );
    expect(result.output).not.toContain('GHA099');
    expect(readFileSync(join(ws.layersDir, LAYER, 'bin', 'tool'), 'utf8')).toBe('good one\n');
    expect(readdirSync(join(ws.layersDir, LAYER))).toEqual(['bin']);
    expect(readFileSync(join(ws.layersDir, `${LAYER}.toml`), 'utf8')).toBe(tomlBefore);
    expect(resolvedOutside(ws.layersRoot)).toEqual([]);
    expect(outsideLayers()).toBe(before);
    expect(readdirSync(ws.layersDir).filter((n) => n.startsWith('.'))).toEqual([]); // no scratch left
  });

  it('refuses links of two entries that chain out of their shared layer (GHA046) and keeps the previous layer', async () => {
    ws.writeApp({ 'project.toml': entry('acme/links', 'v1', 'tool.tar') });
    expect((await runBuild(ws, env())).code).toBe(0);
    simulateRestore(ws.layersDir);
    const tomlBefore = readFileSync(join(ws.layersDir, `${LAYER}.toml`), 'utf8');
    ws.writeApp({ 'project.toml': entry('acme/links', 'v3', 'up.tar') + entry('acme/links', 'v3', 'via.tar') });
    const before = outsideLayers();

    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      `ERROR [GHA046] githubassets[2] (acme/links): the assembled layer would contain "x": it is a symlink to d/up/../../outside, and '..' climbs above the layer root; nothing was installed`,
    );
    expect(readFileSync(join(ws.layersDir, LAYER, 'bin', 'tool'), 'utf8')).toBe('good one\n');
    expect(readdirSync(join(ws.layersDir, LAYER))).toEqual(['bin']);
    expect(readFileSync(join(ws.layersDir, `${LAYER}.toml`), 'utf8')).toBe(tomlBefore);
    expect(resolvedOutside(ws.layersRoot)).toEqual([]);
    expect(outsideLayers()).toBe(before);
  });
});

describe('atomic layer commit (bin/build killed between the swap and the metadata)', () => {
  const COMMIT = 'acme_commit';

  /** Runs a build that holds right after swapping layer dirs, and SIGKILLs it there. */
  async function killedAfterSwap(): Promise<void> {
    const markerDir = mkdtempSync(join(tmpdir(), 'gha-hold-'));
    const marker = join(markerDir, 'held');
    try {
      const build = runBuild(ws, env({ GITHUB_ASSETS_TEST_HOLD: `after-swap:${marker}` }));
      let settled = false;
      void build.finally(() => (settled = true));
      while (!existsSync(marker) && !settled) await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(marker), 'the build should reach the hold point').toBe(true);
      await new Promise((r) => setTimeout(r, 20)); // the marker's content is written right after it is created
      const [pid, layer] = readFileSync(marker, 'utf8').split(' ');
      expect(layer).toBe(COMMIT);
      process.kill(Number(pid), 'SIGKILL');
      const result = await build;
      expect(result.code).not.toBe(0);
      expect(result.output).not.toContain('Done in');
    } finally {
      rmSync(markerDir, { recursive: true, force: true });
    }
  }

  async function firstBuildThenKilledUpgrade(): Promise<void> {
    ws.writeApp({ 'project.toml': entry('acme/commit', 'v1', 'tool.tar') });
    expect((await runBuild(ws, env())).code).toBe(0);
    simulateRestore(ws.layersDir);
    ws.writeApp({ 'project.toml': entry('acme/commit', 'v2', 'tool.tar') });
    await killedAfterSwap();
    // The worst moment: v2's files are in place and the metadata was not rewritten. No
    // metadata is left that could describe them as v1.
    expect(readFileSync(join(ws.layersDir, COMMIT, 'bin', 'tool'), 'utf8')).toBe('version 2\n');
    expect(existsSync(join(ws.layersDir, `${COMMIT}.toml`))).toBe(false);
    expect(readdirSync(ws.layersDir).filter((n) => n.startsWith(`${COMMIT}.sbom.`))).toEqual([]);
    simulateRestore(ws.layersDir);
    gh.resetRequests();
  }

  it('going back to v1 after the kill installs v1 again instead of reusing v2 content as v1', async () => {
    await firstBuildThenKilledUpgrade();
    ws.writeApp({ 'project.toml': entry('acme/commit', 'v1', 'tool.tar') });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(gh.countRequests({ origin: 'download' })).toBe(1);
    expect(result.output).not.toContain('Reused');
    expect(readFileSync(join(ws.layersDir, COMMIT, 'bin', 'tool'), 'utf8')).toBe('version 1\n');
    expect(layerToml(COMMIT).metadata.entries.map((e) => e.tag)).toEqual(['v1']);
    const sbom = JSON.parse(readFileSync(join(ws.layersDir, `${COMMIT}.sbom.cdx.json`), 'utf8'));
    expect(sbom.components[0].purl).toBe('pkg:github/acme/commit@v1');
    expect(sbom.components[0].hashes[0].content).toBe(layerToml(COMMIT).metadata.entries[0]!.sha256);
  });

  it('finishing the upgrade after the kill ends consistent, and the next rebuild reuses it with no download', async () => {
    await firstBuildThenKilledUpgrade();
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(ws.layersDir, COMMIT, 'bin', 'tool'), 'utf8')).toBe('version 2\n');
    expect(layerToml(COMMIT).metadata.entries.map((e) => e.tag)).toEqual(['v2']);

    simulateRestore(ws.layersDir);
    gh.resetRequests();
    const again = await runBuild(ws, env());
    expect(again.code, again.output).toBe(0);
    expect(gh.countRequests({ origin: 'download' })).toBe(0);
    expect(again.output).toContain('Reused    tool.tar v2 from the previous build');
    expect(readFileSync(join(ws.layersDir, COMMIT, 'bin', 'tool'), 'utf8')).toBe('version 2\n');
  });
});
