// scripts/package.ts: the exact file set per target, a deterministic .tgz with entries at
// the root, the pack multi-arch layout, and shims that run on the packaged runtime with
// no node on PATH. Uses stand-in bundles until src/main/ lands; the runtime is the real pin.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runPackage, writeStandInBundles, type PackageRun } from '../support/package-build.js';
import { nodeFreeBin } from '../support/sandbox-path.js';

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const tgzName = `github-assets-buildpack-${version}-linux-amd64.tgz`;
const SHIPPED = [
  'bin',
  'bin/build',
  'bin/detect',
  'buildpack.toml',
  'lib',
  'lib/boot.cjs',
  'lib/build.cjs',
  'lib/detect.cjs',
  'runtime',
  'runtime/LICENSE',
  'runtime/bin',
  'runtime/bin/node',
];
const cleanup: string[] = [];
let lib = '';
let run: PackageRun;

function fullTree(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix))
    .sort()
    .flatMap((name) => {
      const rel = prefix ? `${prefix}/${name}` : name;
      return statSync(join(dir, rel)).isDirectory() ? [rel, ...fullTree(dir, rel)] : [rel];
    });
}

/** The code caches are named by the runtime that trained them: checked on their own below. */
const CACHE = /^lib\/code-cache(\/|$)/;
const tree = (dir: string) => fullTree(dir).filter((p) => !CACHE.test(p));

interface Entry {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  type: string;
}

async function listTgz(file: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  await tar.list({
    file,
    onReadEntry: (e) => {
      entries.push({
        path: e.path,
        mode: (e.mode ?? 0) & 0o7777,
        uid: e.uid ?? -1,
        gid: e.gid ?? -1,
        mtime: e.mtime?.getTime() ?? -1,
        type: e.type,
      });
    },
  });
  return entries;
}

beforeAll(() => {
  lib = writeStandInBundles();
  // compile emits it next to the bundles; the shims never preload it for the packaged runtime.
  writeFileSync(join(lib, 'node-guard.cjs'), '');
  run = runPackage({ lib, arch: 'amd64' });
  cleanup.push(lib, run.outDir);
  expect(run.code, run.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('package (amd64)', () => {
  it('ships exactly buildpack.toml, the shims, the bundles and the pinned runtime (no node guard)', () => {
    const dir = run.targetDir('amd64');
    expect(tree(dir)).toEqual(SHIPPED);
    expect(readFileSync(join(dir, 'buildpack.toml'))).toEqual(readFileSync(join(repoRoot, 'buildpack.toml')));
    expect(readFileSync(join(dir, 'bin', 'detect'))).toEqual(readFileSync(join(repoRoot, 'bin', 'detect')));
    expect(readFileSync(join(dir, 'lib', 'detect.cjs'))).toEqual(readFileSync(join(lib, 'detect.cjs')));
    const modes = Object.fromEntries(SHIPPED.map((p) => [p, (statSync(join(dir, p)).mode & 0o7777).toString(8)]));
    expect(modes).toEqual({
      bin: '755',
      'bin/build': '755',
      'bin/detect': '755',
      'buildpack.toml': '644',
      lib: '755',
      'lib/boot.cjs': '644',
      'lib/build.cjs': '644',
      'lib/detect.cjs': '644',
      runtime: '755',
      'runtime/LICENSE': '644',
      'runtime/bin': '755',
      'runtime/bin/node': '755',
    });
    const pinned = (JSON.parse(readFileSync(join(repoRoot, 'runtime.json'), 'utf8')) as { version: string }).version;
    const node = spawnSync(join(dir, 'runtime', 'bin', 'node'), ['--version'], { encoding: 'utf8' });
    expect(node.stdout.trim()).toBe(`v${pinned}`);
  });

  it('archives the target with root-level, sorted, root-owned entries at a fixed mtime', async () => {
    const all = await listTgz(join(run.outDir, tgzName));
    const entries = all.filter((e) => !CACHE.test(e.path));
    const dirs = new Set(['bin', 'lib', 'runtime', 'runtime/bin']);
    expect(entries.map((e) => e.path.replace(/\/$/, ''))).toEqual(SHIPPED);
    expect(all.map((e) => e.path.replace(/\/$/, ''))).toEqual(fullTree(run.targetDir('amd64')));
    for (const e of entries) {
      const rel = e.path.replace(/\/$/, '');
      expect({ rel, uid: e.uid, gid: e.gid }).toEqual({ rel, uid: 0, gid: 0 });
      expect({ rel, type: e.type }).toEqual({ rel, type: dirs.has(rel) ? 'Directory' : 'File' });
      expect({ rel, mtime: e.mtime }).toEqual({ rel, mtime: 315532801_000 });
    }
    const mode = (p: string) => entries.find((e) => e.path === p)?.mode.toString(8);
    expect([mode('bin/detect'), mode('bin/build'), mode('runtime/bin/node'), mode('buildpack.toml'), mode('lib/detect.cjs')]).toEqual([
      '755',
      '755',
      '755',
      '644',
      '644',
    ]);
  });

  it('produces byte-identical archives from the same inputs, and keeps an up-to-date one', () => {
    const again = runPackage({ lib, arch: 'amd64' });
    cleanup.push(again.outDir);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(again.outDir, tgzName)).equals(readFileSync(join(run.outDir, tgzName)))).toBe(true);

    const rerun = runPackage({ lib, arch: 'amd64', outDir: again.outDir });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`kept `);
    expect(rerun.stderr).toContain(tgzName);
  });

  it('ships code caches of the bundles trained by the packaged runtime, which the shims accept and never write', () => {
    const dir = run.targetDir('amd64');
    const cache = join(dir, 'lib', 'code-cache');
    const pinned = (JSON.parse(readFileSync(join(repoRoot, 'runtime.json'), 'utf8')) as { version: string }).version;
    expect(readdirSync(cache).sort()).toEqual([`build-v${pinned}-x64.v8`, `detect-v${pinned}-x64.v8`]);
    expect(
      fullTree(join(dir, 'lib'))
        .filter((p) => p.startsWith('code-cache'))
        .map((p) => (statSync(join(dir, 'lib', p)).mode & 0o777).toString(8)),
    ).toEqual(['755', '644', '644']);
    const before = fullTree(cache).map((p) => `${p}:${statSync(join(cache, p)).mtimeMs}`);
    const app = mkdtempSync(join(tmpdir(), 'gha-app-'));
    cleanup.push(app);
    writeFileSync(join(app, 'project.toml'), '[[metadata.githubassets]]\nrepo = "a/b"\n');
    for (const phase of ['detect', 'build']) {
      const result = spawnSync(join(dir, 'bin', phase), [], {
        cwd: app,
        env: { PATH: '/usr/bin:/bin', GITHUB_ASSETS_TIMING: '1' },
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toBe(`github-assets code cache: ${phase} accepted\n`);
    }
    expect(fullTree(cache).map((p) => `${p}:${statSync(join(cache, p)).mtimeMs}`)).toEqual(before);
  });

  it('lays out dist/multiarch the way pack buildpack package reads it', () => {
    const multi = join(run.outDir, 'multiarch');
    expect(readFileSync(join(multi, 'package.toml'), 'utf8')).toBe('[buildpack]\nuri = "."\n');
    expect(readFileSync(join(multi, 'buildpack.toml'))).toEqual(readFileSync(join(repoRoot, 'buildpack.toml')));
    expect(tree(join(multi, 'linux', 'amd64'))).toEqual(SHIPPED.filter((p) => p !== 'buildpack.toml'));
  });

  it('runs bin/detect and bin/build on the packaged runtime when PATH has no node', () => {
    const dir = run.targetDir('amd64');
    const sandbox = mkdtempSync(join(tmpdir(), 'gha-nonode-'));
    cleanup.push(sandbox);
    const path = nodeFreeBin(sandbox);
    expect(spawnSync('/bin/sh', ['-c', 'command -v node'], { env: { PATH: path } }).status).not.toBe(0);
    const app = join(sandbox, 'app');
    rmSync(app, { recursive: true, force: true });
    spawnSync('mkdir', [app]);
    writeFileSync(join(app, 'project.toml'), '[[metadata.githubassets]]\nrepo = "a/b"\n');

    for (const phase of ['detect', 'build']) {
      const result = spawnSync(join(dir, 'bin', phase), ['/platform', '/plan'], { cwd: app, env: { PATH: path }, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { phase: string; execPath: string; args: string[] };
      expect(report).toMatchObject({ phase, execPath: join(dir, 'runtime', 'bin', 'node'), args: ['/platform', '/plan'] });
    }
  });

  it('fails detect (100) without starting node when project.toml has no githubassets entries', () => {
    const dir = run.targetDir('amd64');
    const app = mkdtempSync(join(tmpdir(), 'gha-app-'));
    cleanup.push(app);
    writeFileSync(join(app, 'project.toml'), '[project]\nid = "x"\n');
    const result = spawnSync(join(dir, 'bin', 'detect'), [], { cwd: app, env: { PATH: '/nonexistent' }, encoding: 'utf8' });
    expect(result.status).toBe(100);
    expect(result.stdout).toBe('');
  });

  it('refuses to package without both bundles, naming the missing one', () => {
    const partial = mkdtempSync(join(tmpdir(), 'gha-lib-'));
    cleanup.push(partial);
    writeFileSync(join(partial, 'detect.cjs'), '');
    writeFileSync(join(partial, 'boot.cjs'), '');
    const failed = runPackage({ lib: partial, arch: 'amd64', archive: false });
    cleanup.push(failed.outDir);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('bundles missing from');
    expect(failed.stderr).toContain('build.cjs');
    expect(existsSync(join(failed.outDir, 'linux-amd64'))).toBe(false);
  });
});
