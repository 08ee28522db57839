// What each phase loads before it does any work (issue 17): detect must not carry the HTTP stack,
// Sigstore or archive code, and the build's eagerly loaded bundle must leave Sigstore/TUF and
// the archive formats to lazy chunks. One stray import (a constant taken from the wrong module)
// pulled 300 KB of Sigstore into detect once; this test fails on that.

import { build, type Metafile } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ESM_BUNDLE } from '../../scripts/compile.ts';
import { repoRoot } from '../support/cnb.js';

/** The npm packages bundled into the file that loads first (lazy `import()`s excluded). */
async function eagerPackages(entry: string): Promise<string[]> {
  const result = await build({
    ...ESM_BUNDLE,
    entryPoints: [join(repoRoot, 'src', 'main', entry)],
    outdir: join(repoRoot, '.cache', 'bundle-contents'),
    splitting: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const meta: Metafile = result.metafile;
  // The entry file plus the chunks it imports statically (shared code), not dynamic ones.
  const eager = new Set<string>();
  const visit = (path: string) => {
    const file = meta.outputs[path];
    if (!file) return;
    for (const input of Object.keys(file.inputs)) eager.add(input);
    for (const imp of file.imports) {
      if (imp.kind !== 'import-statement' || eager.has(`out:${imp.path}`)) continue;
      eager.add(`out:${imp.path}`);
      visit(imp.path);
    }
  };
  const entryPath = Object.keys(meta.outputs).find((p) => meta.outputs[p]!.entryPoint === `src/main/${entry}`)!;
  visit(entryPath);
  const packages = [...eager].flatMap((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? []);
  return [...new Set(packages)].sort();
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
});
