// scripts/compile-cache.ts: the V8 compile cache shipped in lib/ is the same bytes from any
// checkout path, is read (accepted) by the runtime under the flags the shims pass, and is never
// written by a run; one from another runtime or made under other flags is ignored, not an error.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_NODE_FLAGS, COMPILE_CACHE_DIR, privateDir, writeCompileCache } from '../../scripts/compile-cache.ts';
import { V8_WASM_TIERING_BUDGET } from '../../scripts/compile.ts';
import { tarDirectory } from '../support/archives.js';
import { createWorkspace, repoRoot, runBuild } from '../support/cnb.js';
import { startFakeGitHub } from '../support/fake-github/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A lib/ with stand-in entry bundles and one chunk, each with enough code to be worth caching. */
function standInLib(): string {
  const root = mkdtempSync(join(tmpdir(), 'gha-cc-'));
  dirs.push(root);
  const lib = join(root, 'lib');
  mkdirSync(lib);
  const body = (name: string) =>
    `export function ${name}(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\nconsole.log(${name}(3));\n`;
  writeFileSync(join(lib, 'detect.mjs'), body('detect'));
  writeFileSync(join(lib, 'build.mjs'), body('build'));
  writeFileSync(join(lib, 'chunk-a.mjs'), body('chunk'));
  return lib;
}

function cacheBytes(lib: string): Record<string, string> {
  const cache = join(lib, COMPILE_CACHE_DIR);
  const out: Record<string, string> = {};
  for (const tag of readdirSync(cache))
    for (const f of readdirSync(join(cache, tag))) out[`${tag}/${f}`] = readFileSync(join(cache, tag, f)).toString('base64');
  return out;
}

/** Runs a bundle the way the shims do, with the compile cache's debug log; returns that log. */
function runWithCache(lib: string, file: string, flags: string[] = []): { status: number | null; log: string } {
  const result = spawnSync(process.execPath, [...flags, join(lib, file)], {
    env: { NODE_COMPILE_CACHE: join(lib, COMPILE_CACHE_DIR), NODE_COMPILE_CACHE_PORTABLE: '1', NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
    encoding: 'utf8',
  });
  return { status: result.status, log: result.stderr };
}

const accepted = (lib: string, file: string) => `code cache for ESM ${pathToFileURL(join(lib, file)).href} was accepted`;

describe('the directory the caches are made in', () => {
  it('is created private (0700), and refused when it is a symlink or others may enter it', () => {
    const base = mkdtempSync(join(tmpdir(), 'gha-private-'));
    try {
      const fresh = join(base, 'fresh');
      privateDir(fresh);
      expect(statSync(fresh).mode & 0o777).toBe(0o700);
      privateDir(fresh); // ours already: accepted again

      const elsewhere = join(base, 'elsewhere');
      mkdirSync(elsewhere, { mode: 0o700 });
      const planted = join(base, 'planted');
      symlinkSync(elsewhere, planted);
      expect(() => privateDir(planted)).toThrow(/not a private directory/);

      const open = join(base, 'open');
      mkdirSync(open);
      chmodSync(open, 0o755);
      expect(() => privateDir(open)).toThrow(/not a private directory/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('the shipped compile cache', () => {
  it('is the same bytes from two checkout paths (the package stays reproducible)', () => {
    const a = standInLib();
    const b = standInLib();
    writeCompileCache(a, [process.execPath]);
    writeCompileCache(b, [process.execPath]);
    const bytes = cacheBytes(a);
    expect(Object.keys(bytes)).toHaveLength(3);
    expect(cacheBytes(b)).toEqual(bytes);
  });

  it('is read under the flags the shims pass, and a run writes nothing to it', () => {
    const lib = standInLib();
    writeCompileCache(lib, [process.execPath]);
    const before = cacheBytes(lib);
    const detect = runWithCache(lib, 'detect.mjs');
    expect(detect.status).toBe(0);
    expect(detect.log).toContain(accepted(lib, 'detect.mjs'));
    const build = runWithCache(lib, 'build.mjs', BUILD_NODE_FLAGS);
    expect(build.log).toContain(accepted(lib, 'build.mjs'));
    for (const log of [detect.log, build.log]) expect(log).not.toMatch(/rejected|writing cache|Creating temporary file/);
    expect(cacheBytes(lib)).toEqual(before);
    // bin/build runs node with exactly these flags (V8 refuses a cache made under others).
    expect(readFileSync(join(repoRoot, 'bin', 'build'), 'utf8')).toContain(`exec "$node" ${BUILD_NODE_FLAGS.join(' ')} "$@"`);
  });

  it('is made in predictable mode: a fixed --hash-seed would be reproducible too, but the runtime refuses it', () => {
    const lib = standInLib();
    writeCompileCache(lib, [process.execPath]);
    const cache = join(lib, COMPILE_CACHE_DIR);
    const [tag] = readdirSync(cache);
    rmSync(cache, { recursive: true });
    const seeded = spawnSync(process.execPath, ['--hash-seed=1', join(lib, 'detect.mjs')], {
      env: { NODE_COMPILE_CACHE: cache, NODE_COMPILE_CACHE_PORTABLE: '1' },
    });
    expect(seeded.status).toBe(0);
    // Node names the directory after the flags; under the runtime's name V8 still refuses the entries.
    const [seededTag] = readdirSync(cache);
    expect(seededTag).not.toBe(tag);
    renameSync(join(cache, seededTag!), join(cache, tag!));
    expect(runWithCache(lib, 'detect.mjs').log).toContain(`${pathToFileURL(join(lib, 'detect.mjs')).href} was rejected`);
  });

  it('from another runtime, in a directory the build may not write, is ignored', () => {
    const lib = standInLib();
    writeCompileCache(lib, [process.execPath]);
    const cache = join(lib, COMPILE_CACHE_DIR);
    const [tag] = readdirSync(cache);
    renameSync(join(cache, tag!), join(cache, 'v0.0.0-x64-00000000'));
    chmodSync(cache, 0o555);
    chmodSync(join(lib, '..'), 0o755);
    // Root writes anywhere: run as nobody where possible, like the lifecycle's build user on a buildpack it does not own.
    const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
    const [cmd, args] = asNobody
      ? ['/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(lib, 'detect.mjs')]]
      : [process.execPath, [join(lib, 'detect.mjs')]];
    const result = spawnSync(cmd, args, { env: { NODE_COMPILE_CACHE: cache, NODE_COMPILE_CACHE_PORTABLE: '1' }, encoding: 'utf8' });
    const after = readdirSync(cache);
    chmodSync(cache, 0o755);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: '3\n', stderr: '' });
    if (asNobody) expect(after).toEqual(['v0.0.0-x64-00000000']);
  });

  it("stays valid through a build: llhttp's tier-up budget is the runtime's again once undici has compiled it", async () => {
    // The bundle sets the budget back to this value; any other would make V8 refuse every cache after it.
    const v8Options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    expect(v8Options).toMatch(
      new RegExp(`--wasm-tiering-budget \\(.*\\n\\s*type: int\\s+default: --wasm-tiering-budget=${V8_WASM_TIERING_BUDGET}\\n`),
    );
    const root = mkdtempSync(join(tmpdir(), 'gha-cc-build-'));
    dirs.push(root);
    mkdirSync(join(root, 'tool', 'bin'), { recursive: true });
    writeFileSync(join(root, 'tool', 'bin', 'tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
    const gh = await startFakeGitHub();
    const ws = createWorkspace();
    try {
      gh.addRepo('acme/tool');
      gh.addRelease('acme/tool', {
        tag: 'v1.0',
        assets: [{ name: 'tool.tar.gz', content: { path: tarDirectory(join(root, 'tool'), join(root, 'tool.tar.gz'), 'gzip') } }],
      });
      ws.writeApp({ 'project.toml': '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool.tar.gz"\ntag = "v1.0"\n' });
      const result = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' });
      expect(result.code, result.output).toBe(0);
      expect(readFileSync(join(ws.layersDir, 'acme_tool', 'bin', 'tool'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
      // The extract chunk loads after the first connection compiled llhttp: read from the cache, not compiled again.
      const extractChunk = readdirSync(join(repoRoot, 'lib')).find((f) => /^chunk-extract-.*\.mjs$/.test(f))!;
      expect(result.output).toContain(accepted(join(repoRoot, 'lib'), extractChunk));
      expect(result.output).not.toMatch(/was rejected|writing cache/);
    } finally {
      ws.cleanup();
      await gh.close();
    }
  });
});
