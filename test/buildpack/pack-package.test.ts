// dist/multiarch through the real `pack buildpack package --format file`: one .cnb per
// target, each an OCI image of that arch whose layer holds the buildpack under
// /cnb/buildpacks/<escaped id>/<version>/ with that arch's Node.js runtime.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runPackage, writeStandInBundles, type PackageRun } from '../support/package-build.js';
import { ensurePack, packageWithPack, type CommandResult } from '../support/pack.js';

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const prefix = `/cnb/buildpacks/github-assets_buildpack/${version}`;
const cleanup: string[] = [];
let run: PackageRun;
let outDir = '';
let packed: CommandResult;

interface LayerEntry {
  path: string;
  mode: number;
  size: number;
  head: Buffer;
}

async function layerEntries(cnb: string): Promise<{ arch: string; labels: Record<string, string>; entries: LayerEntry[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'gha-cnb-'));
  cleanup.push(dir);
  await tar.extract({ file: cnb, cwd: dir });
  const blob = (digest: string) => join(dir, 'blobs', digest.replace(':', '/'));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  const config = JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8')) as {
    architecture: string;
    config: { Labels: Record<string, string> };
  };
  const entries: LayerEntry[] = [];
  for (const layer of manifest.layers) {
    await tar.list({
      file: blob(layer.digest),
      onReadEntry: (entry) => {
        const item: LayerEntry = { path: entry.path, mode: (entry.mode ?? 0) & 0o7777, size: entry.size ?? 0, head: Buffer.alloc(0) };
        entries.push(item);
        entry.on('data', (chunk: Buffer) => {
          if (item.head.length < 20) item.head = Buffer.concat([item.head, chunk]).subarray(0, 20);
        });
      },
    });
  }
  return { arch: config.architecture, labels: config.config.Labels, entries };
}

beforeAll(async () => {
  await ensurePack();
  const lib = writeStandInBundles();
  run = runPackage({ lib, arch: 'all', archive: false });
  cleanup.push(lib, run.outDir);
  expect(run.code, run.stderr).toBe(0);
  outDir = mkdtempSync(join(tmpdir(), 'gha-cnb-out-'));
  cleanup.push(outDir);
  mkdirSync(outDir, { recursive: true });
  packed = await packageWithPack(join(run.outDir, 'multiarch'), join(outDir, 'gha.cnb'));
}, 20 * 60_000);

afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('pack buildpack package on dist/multiarch', () => {
  it('succeeds and writes one package per target', () => {
    expect(packed.code, packed.stdout + packed.stderr).toBe(0);
    expect(packed.stdout).toContain(`Successfully created package '${join(outDir, 'gha.cnb')}'`);
  });

  for (const [arch, elfMachine] of [
    ['amd64', 62],
    ['arm64', 183],
  ] as const) {
    it(`puts the ${arch} runtime and the shims into the linux/${arch} package`, async () => {
      const { arch: imageArch, labels, entries } = await layerEntries(join(outDir, `gha-linux-${arch}.cnb`));
      expect(imageArch).toBe(arch);
      expect(JSON.parse(labels['io.buildpacks.buildpackage.metadata']!)).toMatchObject({ id: 'github-assets/buildpack', version });
      const byPath = new Map(entries.map((e) => [e.path, e]));
      const node = byPath.get(`${prefix}/runtime/bin/node`);
      expect(node?.mode).toBe(0o755);
      expect(node?.head.readUInt16LE(18)).toBe(elfMachine);
      expect(node?.size).toBe(statSync(join(run.targetDir(arch), 'runtime', 'bin', 'node')).size);
      expect(byPath.get(`${prefix}/bin/detect`)?.mode).toBe(0o755);
      expect(byPath.get(`${prefix}/bin/build`)?.mode).toBe(0o755);
      expect(byPath.has(`${prefix}/buildpack.toml`)).toBe(true);
      expect(byPath.has(`${prefix}/lib/detect.cjs`)).toBe(true);
      // pack copies buildpack.toml into linux/<arch>/ while packaging and removes it after.
      expect(entries.filter((e) => e.path.includes('/linux/'))).toEqual([]);
      expect(existsSync(join(run.outDir, 'multiarch', 'linux', arch, 'buildpack.toml'))).toBe(false);
    });

    it(`ships no node_modules and nothing but the buildpack's own files in the linux/${arch} package`, async () => {
      const { entries } = await layerEntries(join(outDir, `gha-linux-${arch}.cnb`));
      const files = entries
        .map((e) => e.path.replace(/\/$/, ''))
        .filter((p) => p.startsWith(`${prefix}/`))
        .map((p) => p.slice(prefix.length + 1));
      expect(entries.filter((e) => /(^|\/)node_modules(\/|$)/.test(e.path))).toEqual([]);
      // Top level of the buildpack: the descriptor, the shims, the bundles and the runtime only.
      expect([...new Set(files.map((p) => p.split('/')[0]))].sort()).toEqual(['bin', 'buildpack.toml', 'lib', 'runtime']);
      // lib/: the loader, the bundles, and the code caches trained by this architecture's runtime (scripts/code-cache.ts).
      const nodeArch = arch === 'amd64' ? 'x64' : arch;
      const cache = new RegExp(`^lib/code-cache(/(build|detect)-v\\d+\\.\\d+\\.\\d+-${nodeArch}\\.v8)?$`);
      expect(files.filter((p) => p.startsWith('lib/') && !/\.[cm]js(\.LEGAL\.txt)?$/.test(p) && !cache.test(p))).toEqual([]);
      expect(files.filter((p) => cache.test(p) && p.split('/').length === 3).length).toBe(2);
    });
  }
});
