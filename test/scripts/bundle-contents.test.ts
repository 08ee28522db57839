// What each phase loads before it does any work (issue 17): detect must not carry the HTTP stack,
// Sigstore or archive code, and the build's eagerly loaded bundle must leave Sigstore/TUF and
// the archive formats to lazy chunks, take undici by its parts (no fetch, web streams, WebSocket,
// caches, mocks or HTTP/2) and octokit without its endpoint catalogue, and import no Node.js
// built-in as an ES module (that reads every export: node:fs loads fs/promises, readline and the
// REPL history). One stray import (a constant taken from the wrong module) pulled 300 KB of
// Sigstore into detect once; this test fails on that. The module graph is the same in lib/'s
// CommonJS bundles (a dynamic import() stays lazy there); the shipped detect is also run, and must
// load none of Node's modules for HTTP, streams, crypto or compression; the shipped build of a raw
// asset none for compression.

import { build, type Metafile } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSERT_STAND_IN, ASSERT_STAND_IN_PACKAGES, LIB_BUNDLE } from '../../scripts/compile.ts';
import { createWorkspace, repoRoot, runBuild, runDetect } from '../support/cnb.js';
import { startFakeGitHub } from '../support/fake-github/index.js';

interface Eager {
  /** npm packages bundled into what loads first. */
  packages: string[];
  /** Every input file of it (node_modules/…, src/…). */
  inputs: string[];
  /** Imports of Node.js built-ins it makes, as `<kind> <path>`. */
  builtins: string[];
}

/** What an entry point loads before its first lazy import(): the entry file plus the chunks it imports statically. */
async function eagerOf(entry: string): Promise<Eager> {
  const result = await build({
    ...LIB_BUNDLE,
    entryPoints: [join(repoRoot, 'src', 'main', entry)],
    outdir: join(repoRoot, '.cache', 'bundle-contents'),
    splitting: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const meta: Metafile = result.metafile;
  const eager = new Set<string>();
  const builtins = new Set<string>();
  const visit = (path: string) => {
    const file = meta.outputs[path];
    if (!file) return;
    for (const input of Object.keys(file.inputs)) eager.add(input);
    for (const imp of file.imports) {
      if (imp.external) builtins.add(`${imp.kind} ${imp.path}`);
      if (imp.kind !== 'import-statement' || eager.has(`out:${imp.path}`)) continue;
      eager.add(`out:${imp.path}`);
      visit(imp.path);
    }
  };
  const entryPath = Object.keys(meta.outputs).find((p) => meta.outputs[p]!.entryPoint === `src/main/${entry}`)!;
  visit(entryPath);
  const packages = [...eager].flatMap((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? []);
  return { packages: [...new Set(packages)].sort(), inputs: [...eager], builtins: [...builtins].sort() };
}

/** The npm packages bundled into the file that loads first (lazy `import()`s excluded). */
async function eagerPackages(entry: string): Promise<string[]> {
  return (await eagerOf(entry)).packages;
}

const SIGSTORE = /^(@sigstore\/|tuf-js$|@tufjs\/)/;
const ARCHIVES = /^(tar|yauzl|xz-decompress|unbzip2-stream)$/;
const HTTP = /^(undici|@octokit\/)/;

describe('what a phase loads before it starts working', () => {
  it('detect: the descriptor and its validation only, no HTTP, Sigstore or archive code', async () => {
    const packages = await eagerPackages('detect.ts');
    expect(packages.filter((p) => SIGSTORE.test(p) || ARCHIVES.test(p) || HTTP.test(p))).toEqual([]);
  });

  it('build: Sigstore/TUF and the archive formats come from lazy chunks', async () => {
    const packages = await eagerPackages('build.ts');
    expect(packages.filter((p) => SIGSTORE.test(p) || ARCHIVES.test(p))).toEqual([]);
    expect(packages.some((p) => HTTP.test(p))).toBe(true);
  });

  it('build: undici by its parts (no index, fetch, web streams, caches, mocks), octokit without its endpoint catalogue', async () => {
    const { inputs, packages } = await eagerOf('build.ts');
    const undici = inputs.filter((p) => p.includes('node_modules/undici/')).map((p) => p.replace(/.*node_modules\/undici\//, ''));
    expect(undici).toContain('lib/dispatcher/agent.js');
    expect(undici.filter((p) => p === 'index.js' || /^lib\/(web|mock|cache)\//.test(p) || p === 'lib/dispatcher/parser-h1.js')).toEqual([]);
    expect(packages.filter((p) => /^@octokit\/(rest|plugin-rest-endpoint-methods)$/.test(p))).toEqual([]);
    expect(packages).toContain('@octokit/core');
  });

  it('build and detect: built-ins are required on use (never an ES import but the require shim), and never node:http2', async () => {
    for (const entry of ['build.ts', 'detect.ts']) {
      const { builtins } = await eagerOf(entry);
      expect(builtins.filter((b) => b.startsWith('import-statement ') && b !== 'import-statement node:module')).toEqual([]);
      expect(builtins.filter((b) => /http2/.test(b))).toEqual([]);
    }
  });
});

describe('what the shipped detect loads', () => {
  it("passes with entries having loaded none of Node's HTTP, stream, crypto or compression modules", async () => {
    const ws = createWorkspace();
    try {
      ws.writeApp({ 'project.toml': '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool.tar.gz"\ntag = "v1.0.0"\n' });
      const modules = await loadedBy((preload) => runDetect(ws, { NODE_OPTIONS: `--require ${preload}` }));
      expect(modules).toContain('NativeModule vm'); // the loader ran: the list is the real one
      expect(modules.filter((m) => /^NativeModule (net|https?|http2|tls|stream|crypto|zlib|fs\/promises)$/.test(m))).toEqual([]);
    } finally {
      ws.cleanup();
    }
  });
});

/** Runs `phase` with a preload that writes process.moduleLoadList at exit; returns the list. */
async function loadedBy(phase: (preload: string) => Promise<{ code: number | null; output: string }>): Promise<string[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'gha-loads-'));
  try {
    const preload = join(scratch, 'record.cjs');
    const loaded = join(scratch, 'loaded.txt');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, process.moduleLoadList.join('\\n')));\n`,
    );
    const result = await phase(preload);
    expect(result.code, result.output).toBe(0);
    return readFileSync(loaded, 'utf8').split('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('what the shipped build loads', () => {
  it("installs a raw asset without loading Node's compression modules (node:zlib stays node-tar's and our decoders')", async () => {
    const gh = await startFakeGitHub();
    const ws = createWorkspace();
    try {
      gh.addRepo('acme/tool');
      gh.addRelease('acme/tool', { tag: 'v1.0.0', assets: [{ name: 'tool-linux-amd64', content: Buffer.from('#!/bin/sh\necho tool\n') }] });
      ws.writeApp({
        'project.toml':
          '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool-linux-amd64"\ntag = "v1.0.0"\ndestination = "bin/tool"\n',
      });
      const modules = await loadedBy((preload) => runBuild(ws, { GITHUB_API_URL: gh.apiUrl, NODE_OPTIONS: `--require ${preload}` }));
      expect(modules).toContain('NativeModule crypto'); // the download was hashed: the list is the real one
      expect(modules.filter((m) => /^NativeModule (zlib|internal\/zip.*)$/.test(m))).toEqual([]);
      // undici's invariants are checked by the bundle's own assert (ASSERT_STAND_IN), not node:assert's 7 modules.
      expect(modules.filter((m) => /^NativeModule (assert|internal\/assert\/.*)$/.test(m))).toEqual([]);
    } finally {
      ws.cleanup();
      await gh.close();
    }
  });
});

describe('the node:assert stand-in (undici, minizlib)', () => {
  const assert = (() => {
    const module = { exports: undefined as unknown };
    new Function('module', ASSERT_STAND_IN)(module);
    return module.exports as (value: unknown, message?: string | Error) => void;
  })();

  it("passes a truthy value and throws for a falsy one, with node:assert's code and the message", () => {
    expect(() => assert(1)).not.toThrow();
    expect(() => assert(0)).toThrow(expect.objectContaining({ code: 'ERR_ASSERTION', message: 'an internal invariant does not hold' }));
    expect(() => assert(null, 'socket gone')).toThrow(expect.objectContaining({ code: 'ERR_ASSERTION', message: 'socket gone' }));
    const own = Object.assign(new Error('own'), { code: 'UND_ERR_X' });
    expect(() => assert(false, own)).toThrow(own);
  });

  it.each(ASSERT_STAND_IN_PACKAGES)('stands in only where %s calls assert as a function (never assert.equal and the like)', (pkg) => {
    const dir = join(repoRoot, 'node_modules', pkg);
    const users = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.[cm]?js$/.test(file) && !file.includes('node_modules'))
      .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }))
      .filter(({ text }) => /(require\(|from )['"](node:)?assert['"]/.test(text));
    expect(users.length).toBeGreaterThan(0); // the scan saw the package's sources
    // Each names it assert (or minizlib's compiled assert_1.default), so the scan below sees every use.
    const binding = /(?:const|import)\s+(\w+)\s*(?:=\s*(?:__importDefault\()?require\(|from\s+)['"](?:node:)?assert['"]/;
    expect(users.map(({ text }) => binding.exec(text)?.[1]).filter((name) => name !== 'assert' && name !== 'assert_1')).toEqual([]);
    expect(users.filter(({ text }) => /\bassert(_1\.default)?\.[a-zA-Z]/.test(text)).map(({ file }) => file)).toEqual([]);
  });
});
