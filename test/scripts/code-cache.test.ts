// lib/boot.cjs (src/main/boot.ts) and the code caches scripts/code-cache.ts trains: the loader uses a
// cache made for this runtime, falls back silently when there is none or V8 refuses it, never writes
// below lib/; a trained detect cache is the same bytes on every training; the caches shipped in lib/
// are accepted by bin/build and bin/detect as they run.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CODE_CACHE_DIR, CODE_CACHE_PREFIX, codeCacheName } from '../../src/main/boot.ts';
import { shimNodeFlags, writeCodeCaches } from '../../scripts/code-cache.ts';
import { emitLoader, V8_WASM_TIERING_BUDGET } from '../../scripts/compile.ts';
import { tarDirectory } from '../support/archives.js';
import { createWorkspace, repoRoot, runBuild, runDetect } from '../support/cnb.js';
import { startFakeGitHub } from '../support/fake-github/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A lib/ with the real loader and stand-in bundles: functions worth caching, called on a run. */
function standInLib(): string {
  const lib = join(mkdtempSync(join(tmpdir(), 'gha-cc-')), 'lib');
  dirs.push(join(lib, '..'));
  mkdirSync(lib);
  emitLoader(lib);
  for (const name of ['build', 'detect']) {
    const body = `function sum(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\nconsole.log('${name}', sum(3), process.argv.slice(2).join(' '), module.exports === exports, __filename === __dirname + '/${name}.cjs');\n`;
    writeFileSync(join(lib, `${name}.cjs`), body);
  }
  return lib;
}

/** Runs lib/boot.cjs as the shims do (with the benchmark's timing variable, so the loader says which cache it used). */
function boot(lib: string, bundle: string, { flags = [] as string[], prefix = [] as string[] } = {}) {
  const [cmd, ...args] = [...prefix, process.execPath, ...flags, join(lib, 'boot.cjs'), bundle, 'a1', 'a2'];
  return spawnSync(cmd!, args, { env: { GITHUB_ASSETS_TIMING: '1' }, encoding: 'utf8' });
}

const cacheLine = (bundle: string, use: string) => `${CODE_CACHE_PREFIX}${bundle} ${use}\n`;
const cacheFiles = (lib: string) => readdirSync(join(lib, CODE_CACHE_DIR)).sort();

describe('lib/boot.cjs', () => {
  it('runs a bundle as CommonJS with its own arguments, compiling it when no cache is there', () => {
    const lib = standInLib();
    const result = boot(lib, 'detect');
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: 'detect 3 a1 a2 true true\n',
      stderr: cacheLine('detect', 'none'),
    });
    expect(existsSync(join(lib, CODE_CACHE_DIR))).toBe(false);
  });

  it('uses the cache trained for this runtime under the flags each shim passes', async () => {
    const lib = standInLib();
    await writeCodeCaches(lib, [process.execPath]);
    expect(cacheFiles(lib)).toEqual(['build', 'detect'].map((b) => codeCacheName(b as 'build', process)));
    expect(boot(lib, 'detect', { flags: shimNodeFlags('detect') }).stderr).toBe(cacheLine('detect', 'accepted'));
    expect(boot(lib, 'build', { flags: shimNodeFlags('build') }).stderr).toBe(cacheLine('build', 'accepted'));
  });

  it('falls back to compiling when V8 refuses the cache (other flags), with the same outcome', async () => {
    const lib = standInLib();
    await writeCodeCaches(lib, [process.execPath]);
    const result = boot(lib, 'detect', { flags: ['--stack-size=900'] });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: 'detect 3 a1 a2 true true\n',
      stderr: cacheLine('detect', 'rejected'),
    });
  });

  it('never writes below lib/: a read-only buildpack of another user runs with its cache unchanged', async () => {
    const lib = standInLib();
    await writeCodeCaches(lib, [process.execPath]);
    const cache = join(lib, CODE_CACHE_DIR);
    const before = cacheFiles(lib).map((f) => `${f}:${statSync(join(cache, f)).mtimeMs}`);
    chmodSync(cache, 0o555);
    chmodSync(lib, 0o555);
    chmodSync(join(lib, '..'), 0o755);
    // Root writes anywhere: run as nobody where possible, like the lifecycle's build user on a buildpack it does not own.
    const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
    const prefix = asNobody ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    for (const bundle of ['detect', 'build']) {
      const result = boot(lib, bundle, { flags: shimNodeFlags(bundle as 'build'), prefix });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: cacheLine(bundle, 'accepted') });
    }
    chmodSync(lib, 0o755);
    chmodSync(cache, 0o755);
    expect(readdirSync(lib).sort()).toEqual(['boot.cjs', 'build.cjs', CODE_CACHE_DIR, 'detect.cjs']);
    expect(cacheFiles(lib).map((f) => `${f}:${statSync(join(cache, f)).mtimeMs}`)).toEqual(before);
  });

  it('runs only the bundles it knows', () => {
    const result = boot(standInLib(), '../../etc/x');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('lib/boot.cjs runs build or detect');
  });
});

describe('the trained caches', () => {
  it('take the node flags from the shims, the one place they are written', () => {
    expect(shimNodeFlags('build')).toEqual(['--max-semi-space-size=1']);
    expect(shimNodeFlags('detect')).toEqual([]);
  });

  it("detect's is the same bytes from every training, in any checkout (V8's predictable mode, which the runtime accepts)", async () => {
    const libs = [standInLib(), standInLib()];
    for (const lib of libs) await writeCodeCaches(lib, [process.execPath]);
    const name = codeCacheName('detect', process);
    expect(readFileSync(join(libs[0]!, CODE_CACHE_DIR, name)).equals(readFileSync(join(libs[1]!, CODE_CACHE_DIR, name)))).toBe(true);
  });

  it('are of ASCII-only bundles: V8 keeps the source a one-byte string (a two-byte one doubles it and its line-end scans)', () => {
    // esbuild escapes non-ASCII in strings but not in a regular expression literal: write \u2026 there.
    for (const bundle of ['build.cjs', 'detect.cjs']) {
      const bytes = readFileSync(join(repoRoot, 'lib', bundle));
      const at = bytes.findIndex((b) => b > 0x7f);
      expect({ bundle, nonAscii: at < 0 ? '' : bytes.subarray(Math.max(0, at - 40), at + 10).toString() }).toEqual({
        bundle,
        nonAscii: '',
      });
    }
  });

  it("shipped in lib/, are accepted by bin/detect and bin/build as they run, with llhttp's tier-up budget the runtime's again", async () => {
    // The bundle sets the budget back to this value; any other would make V8 refuse every cache made after it.
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
      const detected = await runDetect(ws, { GITHUB_ASSETS_TIMING: '1' });
      expect(detected.code, detected.output).toBe(0);
      expect(detected.stderr).toContain(cacheLine('detect', 'accepted'));
      const result = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl, GITHUB_ASSETS_TIMING: '1' });
      expect(result.code, result.output).toBe(0);
      expect(readFileSync(join(ws.layersDir, 'acme_tool', 'bin', 'tool'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
      expect(result.stderr).toContain(cacheLine('build', 'accepted'));
    } finally {
      ws.cleanup();
      await gh.close();
    }
  });
});
