// Drives build() through fake services: an in-memory release source, a download that writes
// given bytes, the real extractor, a temp layers dir. No network, no GitHub client: what is
// asserted is the phase's own work (layer state, reuse, the fallback policy, counts, files).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuildContext } from '../../src/cnb/context.js';
import { BuildpackError } from '../../src/errors.js';
import { installAsset } from '../../src/extract/index.js';
import { createLogger } from '../../src/log.js';
import type { Release } from '../../src/model.js';
import { build, EXECUTABLES_LABEL, type BuildServices, type DownloadRequest } from '../../src/phases/build.js';
import { detect } from '../../src/phases/detect.js';
import { simulateRestore } from '../support/layers.js';
import { settingsFrom } from '../support/settings.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const tool = (version: string) => `#!/bin/sh\necho ${version}\n`;

/** An in-memory GitHub: releases by repo and tag, each asset's bytes by URL; a switch to fail every lookup. */
function fakeGitHub() {
  const releases = new Map<string, Release>();
  const bytes = new Map<string, Buffer>();
  let nextId = 1;
  const state = {
    failWith: undefined as Error | undefined,
    lookups: 0,
    downloads: [] as DownloadRequest[],
    /** Bytes served instead of the asset's own, by URL (a tampered download). */
    tampered: new Map<string, string>(),
  };
  const publish = (repo: string, tag: string, assets: Record<string, string>) => {
    const release: Release = {
      id: nextId++,
      tag,
      draft: false,
      prerelease: false,
      assets: Object.entries(assets).map(([name, content]) => {
        const url = `https://api.invalid/repos/${repo}/releases/assets/${nextId}`;
        bytes.set(url, Buffer.from(content));
        return {
          id: nextId++,
          name,
          size: content.length,
          url,
          browserDownloadUrl: `https://web.invalid/${repo}/${tag}/${name}`,
          digest: `sha256:${sha256(content)}`,
        };
      }),
    };
    releases.set(`${repo}@${tag}`, release);
    return release;
  };
  const lookup = async (owner: string, name: string, tag?: string) => {
    state.lookups++;
    if (state.failWith) throw state.failWith;
    const matching = [...releases.entries()].filter(
      ([key]) => key.startsWith(`${owner}/${name}@`) && (tag === undefined || key.endsWith(`@${tag}`)),
    );
    if (matching.length === 0) throw new BuildpackError('GHA010', `no release ${tag} in ${owner}/${name}`);
    return matching.map(([, r]) => r);
  };
  const services = (log: string[], extra: Partial<BuildServices> = {}): BuildServices => ({
    github: {
      getRelease: async ({ owner, repo }, tag) => (await lookup(owner, repo, tag))[0]!,
      listReleases: ({ owner, repo }) => lookup(owner, repo),
    },
    download: async (request) => {
      state.downloads.push(request);
      const content = state.tampered.get(request.asset.url) ?? bytes.get(request.asset.url) ?? bytes.get(webToApi(request.asset.url));
      if (content === undefined) throw new BuildpackError('GHA022', `nothing at ${request.asset.url}`);
      await writeFile(request.destFile, content);
      // As the real downloader does: the sink sees the bytes that were hashed, from byte zero.
      await request.sink?.restart();
      await request.sink?.write(Buffer.from(content));
      return { sha256: sha256(content), bytes: content.length };
    },
    install: (file, outDir, request) => installAsset(file, outDir, request),
    log: createLogger({ write: (text) => void log.push(text) }),
    concurrency: 4,
    strict: false,
    lookupToken: () => undefined,
    ...extra,
  });
  /** A direct download asks the web host; the fake serves the same bytes there. */
  const webToApi = (url: string) => {
    for (const release of releases.values()) {
      for (const asset of release.assets) if (url.endsWith(`/${release.tag}/${asset.name}`)) return asset.url;
    }
    return url;
  };
  return { publish, services, state };
}

let root: string;
let ctx: BuildContext;
let gh: ReturnType<typeof fakeGitHub>;
let log: string[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gha-phase-build-'));
  for (const dir of ['app', 'layers', 'platform', 'buildpack']) mkdirSync(join(root, dir));
  ctx = {
    appDir: join(root, 'app'),
    buildpackDir: join(root, 'buildpack'),
    platformDir: join(root, 'platform'),
    buildpack: { id: 'test/github-assets', name: 'GitHub Assets', version: '0.0.1' },
    target: { os: 'linux', arch: 'amd64' },
    settings: settingsFrom(),
    layersDir: join(root, 'layers'),
    planPath: '',
  };
  gh = fakeGitHub();
  log = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function entry(repo: string, tag: string, asset = 'tool-linux', destination = `bin/${repo.split('/')[1]}`): string {
  return `[[metadata.githubassets]]\nrepo = "${repo}"\ntag = "${tag}"\nasset = "${asset}"\ndestination = "${destination}"\n`;
}

function writeDescriptor(...entries: string[]): void {
  writeFileSync(join(ctx.appDir, 'project.toml'), entries.join(''));
}

const layerFile = (layer: string, path: string) => readFileSync(join(ctx.layersDir, layer, path), 'utf8');
const layerToml = (layer: string) =>
  TOML.parse(readFileSync(join(ctx.layersDir, `${layer}.toml`), 'utf8')) as { types?: object; metadata: { entries: { tag: string }[] } };

/** Runs a build, then leaves the layers dir as the lifecycle's restorer would for the next one. */
async function buildAndRestore(extra: Partial<BuildServices> = {}) {
  const result = await build(ctx, gh.services(log, extra));
  simulateRestore(ctx.layersDir);
  return result;
}

describe('build() through fake services', () => {
  it('installs fresh: the layer, its record and SBOM, the launch label and the counts', async () => {
    gh.publish('acme/tool', 'v1', { 'tool-linux': tool('v1') });
    writeDescriptor(entry('acme/tool', 'v1'));
    const result = await build(ctx, gh.services(log));

    expect(result.layers.map((l) => [l.name, l.state])).toEqual([['acme_tool', { state: 'fresh', cause: 'new' }]]);
    expect(result.counts).toEqual({ downloaded: 1, downloadedBytes: tool('v1').length, reused: 0 });
    expect(gh.state.downloads.map((d) => d.asset.name)).toEqual(['tool-linux']);
    expect(layerFile('acme_tool', 'bin/tool')).toBe(tool('v1'));
    expect(layerToml('acme_tool').types).toEqual({ launch: true, build: false, cache: true });
    expect(layerToml('acme_tool').metadata.entries.map((e) => e.tag)).toEqual(['v1']);
    const sbom = JSON.parse(readFileSync(join(ctx.layersDir, 'acme_tool.sbom.cdx.json'), 'utf8'));
    expect(sbom).toEqual(JSON.parse(result.layers[0]!.sbom['cdx.json']!));
    expect(sbom.components.map((c: { name: string }) => c.name)).toEqual(['tool']);
    const exe = join(ctx.layersDir, 'acme_tool', 'bin', 'tool');
    expect(result.executables).toEqual([exe]);
    expect(result.launch).toEqual({ labels: [{ key: EXECUTABLES_LABEL, value: JSON.stringify([exe]) }] });
    // launch.toml is the caller's to write (cnb/output.ts), not the phase's.
    expect(existsSync(join(ctx.layersDir, 'launch.toml'))).toBe(false);
  });

  it('keeps the TUF metadata cache as a cache-only layer (never in the image), across builds', async () => {
    gh.publish('acme/tool', 'v1', { 'tool-linux': tool('v1') });
    writeDescriptor(entry('acme/tool', 'v1'));
    // What verify/trust-root.ts leaves after fetching through TUF.
    mkdirSync(join(ctx.layersDir, 'sigstore-tuf', 'tuf'), { recursive: true });
    writeFileSync(join(ctx.layersDir, 'sigstore-tuf', 'tuf', 'root.json'), '{}');
    await build(ctx, gh.services(log));
    expect(layerToml('sigstore-tuf').types).toEqual({ launch: false, build: false, cache: true });
    // The restorer brings back cache layers without [types]; the next build marks it again.
    simulateRestore(ctx.layersDir);
    await build(ctx, gh.services(log));
    expect(layerFile('sigstore-tuf', 'tuf/root.json')).toBe('{}');
    expect(layerToml('sigstore-tuf').types).toEqual({ launch: false, build: false, cache: true });
  });

  it('reuses an unchanged layer: state Restored, zero downloads', async () => {
    gh.publish('acme/tool', 'v1', { 'tool-linux': tool('v1') });
    writeDescriptor(entry('acme/tool', 'v1'));
    await buildAndRestore();
    gh.state.downloads.length = 0;

    const result = await build(ctx, gh.services(log));
    expect(result.layers[0]!.state).toEqual({ state: 'restored' });
    expect(gh.state.downloads).toEqual([]);
    expect(result.counts).toEqual({ downloaded: 0, downloadedBytes: 0, reused: 1 });
    expect(log.join('')).toContain('Reused    tool-linux v1 from the previous build');
    expect(layerFile('acme_tool', 'bin/tool')).toBe(tool('v1'));
    expect(layerToml('acme_tool').types).toEqual({ launch: true, build: false, cache: true });
  });

  it('installs a changed tag fresh, with the change as its cause', async () => {
    gh.publish('acme/tool', 'v1', { 'tool-linux': tool('v1') });
    gh.publish('acme/tool', 'v2', { 'tool-linux': tool('v2') });
    writeDescriptor(entry('acme/tool', 'v1'));
    await buildAndRestore();
    writeDescriptor(entry('acme/tool', 'v2'));

    const result = await build(ctx, gh.services(log));
    expect(result.layers[0]!.state).toEqual({ state: 'fresh', cause: 'changed: release changed from v1 to v2' });
    expect(result.counts).toEqual({ downloaded: 1, downloadedBytes: tool('v2').length, reused: 0 });
    expect(layerFile('acme_tool', 'bin/tool')).toBe(tool('v2'));
    expect(layerToml('acme_tool').metadata.entries.map((e) => e.tag)).toEqual(['v2']);
  });

  it('installs again when the restored layer lost a file: Fresh, restored layer incomplete', async () => {
    gh.publish('acme/tool', 'v1', { 'tool-linux': tool('v1') });
    writeDescriptor(entry('acme/tool', 'v1'));
    await buildAndRestore();
    rmSync(join(ctx.layersDir, 'acme_tool', 'bin', 'tool'));
    gh.state.downloads.length = 0;

    const result = await build(ctx, gh.services(log));
    expect(result.layers[0]!.state).toEqual({ state: 'fresh', cause: 'restored layer incomplete' });
    expect(gh.state.downloads).toHaveLength(1);
    expect(layerFile('acme_tool', 'bin/tool')).toBe(tool('v1'));
  });

  describe('the API-fallback policy', () => {
    it('downloads an exact entry directly from the web host when the API is rate limited', async () => {
      gh.publish('acme/tool', 'v1.2.3', { 'tool-linux': tool('v1.2.3') });
      writeDescriptor(entry('acme/tool', 'v1.2.3'));
      gh.state.failWith = new BuildpackError('GHA013', 'API rate limit exceeded');

      const result = await build(ctx, gh.services(log, { network: { serverUrl: 'https://web.example', mirror: undefined } }));
      expect(gh.state.downloads.map((d) => d.asset.url)).toEqual(['https://web.example/acme/tool/releases/download/v1.2.3/tool-linux']);
      expect(result.layers[0]!.state).toEqual({ state: 'fresh', cause: 'new' });
      expect(layerFile('acme_tool', 'bin/tool')).toBe(tool('v1.2.3'));
      expect(log.join('')).toContain(
        'the GitHub API is rate limited; downloading tool-linux directly from ' +
          'https://web.example/acme/tool/releases/download/v1.2.3/tool-linux',
      );
    });

    it('reuses a restored exact entry offline when the API is unreachable', async () => {
      gh.publish('acme/tool', 'v1.2.3', { 'tool-linux': tool('v1.2.3') });
      writeDescriptor(entry('acme/tool', 'v1.2.3'));
      await buildAndRestore();
      gh.state.downloads.length = 0;
      gh.state.failWith = new BuildpackError('GHA020', 'could not connect to api.github.com');

      const result = await build(ctx, gh.services(log));
      expect(result.layers[0]!.state).toEqual({ state: 'restored' });
      expect(gh.state.downloads).toEqual([]);
      expect(log.join('')).toContain(
        'the GitHub API could not be reached (could not connect to api.github.com); reusing tool-linux v1.2.3 from the previous build',
      );
    });

    it('fails a version range when the API is unreachable, even with a restored layer and a web host', async () => {
      gh.publish('acme/tool', 'v1.0.0', { 'tool-linux': tool('v1') });
      writeDescriptor(entry('acme/tool', '^1.0'));
      await buildAndRestore();
      gh.state.downloads.length = 0;
      gh.state.failWith = new BuildpackError('GHA020', 'could not connect to api.github.com');

      const failed = build(
        ctx,
        gh.services(log, { network: { serverUrl: 'https://web.example', mirror: 'https://mirror.example/{owner}/{repo}/{tag}/{asset}' } }),
      );
      await expect(failed).rejects.toMatchObject({ code: 'GHA020' });
      expect(gh.state.downloads).toEqual([]);
    });
  });

  it('never commits an entry tree that leads out of the layer, even one the extractor let through', async () => {
    // The on-disk walk runs once, on the staged layer before the swap (not per entry in the
    // extractor): an install that plants an escaping link must still be refused there.
    gh.publish('acme/tool', 'v1', { 'tool-linux': tool('v1') });
    gh.publish('acme/tool', 'v2', { 'tool-linux': tool('v2') });
    writeDescriptor(entry('acme/tool', 'v1'));
    await buildAndRestore();
    const tomlBefore = readFileSync(join(ctx.layersDir, 'acme_tool.toml'), 'utf8');
    writeDescriptor(entry('acme/tool', 'v2'));
    const planting: Partial<BuildServices> = {
      install: async (file, outDir, request) => {
        const installed = await installAsset(file, outDir, request);
        symlinkSync('../../outside', join(outDir, 'bin', 'escape'));
        return installed;
      },
    };

    const err = await build(ctx, gh.services(log, planting)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GHA046', entry: 'githubassets[1] (acme/tool)' });
    expect((err as Error).message).toContain('"bin/escape"');
    expect(layerFile('acme_tool', 'bin/tool')).toBe(tool('v1'));
    expect(existsSync(join(ctx.layersDir, 'acme_tool', 'bin', 'escape'))).toBe(false);
    expect(readFileSync(join(ctx.layersDir, 'acme_tool.toml'), 'utf8')).toBe(tomlBefore);
  });

  it('leaves the previous layer intact when an entry fails', async () => {
    gh.publish('acme/tool', 'v1', { 'tool-linux': tool('v1') });
    const v2 = gh.publish('acme/tool', 'v2', { 'tool-linux': tool('v2') });
    writeDescriptor(entry('acme/tool', 'v1'));
    await buildAndRestore();
    const tomlBefore = readFileSync(join(ctx.layersDir, 'acme_tool.toml'), 'utf8');
    const sbomBefore = readFileSync(join(ctx.layersDir, 'acme_tool.sbom.cdx.json'), 'utf8');
    writeDescriptor(entry('acme/tool', 'v2'));
    // The v2 download arrives with other bytes than GitHub's digest says: GHA030, nothing installed.
    gh.state.tampered.set(v2.assets[0]!.url, 'tampered');

    await expect(build(ctx, gh.services(log))).rejects.toMatchObject({ code: 'GHA030' });
    expect(layerFile('acme_tool', 'bin/tool')).toBe(tool('v1'));
    expect(readFileSync(join(ctx.layersDir, 'acme_tool.toml'), 'utf8')).toBe(tomlBefore);
    expect(readFileSync(join(ctx.layersDir, 'acme_tool.sbom.cdx.json'), 'utf8')).toBe(sbomBefore);
    expect(readdirSync(ctx.layersDir).filter((n) => n.startsWith('.gha-work-'))).toEqual([]);
  });

  it('waits for layers already started before failing, so nothing writes into the removed work dir', async () => {
    gh.publish('acme/tool', 'v1', { 'tool-linux': tool('v1') });
    gh.publish('acme/other', 'v1', { 'tool-linux': tool('other v1') });
    writeDescriptor(entry('acme/tool', 'v1'), entry('acme/other', 'v1'));
    const services = gh.services(log);
    const download = services.download;
    const events: string[] = [];
    services.download = async (request) => {
      if (request.coordinates.repo === 'tool') throw new BuildpackError('GHA022', 'the download failed');
      // The other layer is still downloading well after the first one failed (correct code
      // waits for it whatever this delay; the order asserted below does not depend on it).
      await new Promise((resolve) => setTimeout(resolve, 100));
      const answer = await download(request);
      events.push('other layer downloaded');
      return answer;
    };

    const failed = build(ctx, services).catch((err: BuildpackError) => events.push(`build failed: ${err.code}`));
    await failed;
    expect(events).toEqual(['other layer downloaded', 'build failed: GHA022']);
    expect(readdirSync(ctx.layersDir).filter((n) => n.startsWith('.gha-work-'))).toEqual([]);
  });

  it('sums the counts of layers built side by side', async () => {
    gh.publish('acme/tool', 'v1', { 'tool-linux': tool('tool v1'), 'tool-extra': tool('extra v1 (longer)') });
    gh.publish('acme/tool', 'v2', { 'tool-linux': tool('tool v2'), 'tool-extra': tool('extra v2 (longer)') });
    gh.publish('acme/other', 'v1', { 'tool-linux': tool('other v1!') });
    const extra = (tag: string) => entry('acme/tool', tag, 'tool-extra', 'bin/extra');
    writeDescriptor(entry('acme/tool', 'v1'), extra('v1'), entry('acme/other', 'v1'));

    const first = await buildAndRestore();
    expect(first.counts).toEqual({
      downloaded: 3,
      downloadedBytes: tool('tool v1').length + tool('extra v1 (longer)').length + tool('other v1!').length,
      reused: 0,
    });

    writeDescriptor(entry('acme/tool', 'v1'), extra('v2'), entry('acme/other', 'v1'));
    const second = await build(ctx, gh.services(log));
    expect(second.counts).toEqual({ downloaded: 1, downloadedBytes: tool('extra v2 (longer)').length, reused: 2 });
    expect(second.layers.map((l) => [l.name, l.state.state])).toEqual([
      ['acme_tool', 'fresh'],
      ['acme_other', 'restored'],
    ]);
    expect(layerFile('acme_tool', 'bin/extra')).toBe(tool('extra v2 (longer)'));
    expect(layerFile('acme_tool', 'bin/tool')).toBe(tool('tool v1'));
  });

  it('returns no layers and no launch label when the descriptor lists nothing', async () => {
    const result = await build(ctx, gh.services(log));
    expect(result).toEqual({ layers: [], executables: [], counts: { downloaded: 0, downloadedBytes: 0, reused: 0 } });
    expect(readdirSync(ctx.layersDir)).toEqual([]);
  });
});

describe('detect()', () => {
  it('returns the plan that provides and requires github-assets, naming each repo once', async () => {
    writeDescriptor(entry('acme/tool', 'v1'), entry('acme/tool', 'v1', 'tool-extra', 'bin/extra'), entry('acme/other', 'v1'));
    expect(await detect({ ...ctx, planPath: join(root, 'plan.toml') })).toEqual({
      plan: {
        provides: [{ name: 'github-assets' }],
        requires: [{ name: 'github-assets', metadata: { repos: ['acme/tool', 'acme/other'] } }],
      },
    });
    expect(existsSync(join(root, 'plan.toml'))).toBe(false);
  });

  it('fails without entries', async () => {
    expect(await detect({ ...ctx, planPath: join(root, 'plan.toml') })).toBe('fail');
  });
});
