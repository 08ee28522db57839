// Process entry of bin/build and bin/detect (lib/boot.cjs): runs lib/<bundle>.cjs as a classic script
// with the V8 code cache trained for this runtime (lib/code-cache/, scripts/code-cache.ts), and compiles
// it afresh when there is none or V8 rejects it. Only reads: it never writes below lib/ (the buildpack
// may be read-only or another user's); training goes through loadBundle from scripts/, never from here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** The bundles the shims run through this loader (lib/<name>.cjs). */
export const BUNDLES = ['build', 'detect'] as const;
export type BundleName = (typeof BUNDLES)[number];

/** The caches' directory inside lib/. */
export const CODE_CACHE_DIR = 'code-cache';

/** What became of the cache: read and used, refused by V8 (another runtime or other flags), or none there. */
export type CacheUse = 'accepted' | 'rejected' | 'none';

export interface LoadedBundle {
  /** The compiled bundle; createCachedData() on it after a run holds every function compiled so far. */
  script: Script;
  cache: CacheUse;
  /** Runs the bundle's top level, as require() would run a CommonJS module. */
  run: () => void;
}

/**
 * The cache file of `bundle` for the runtime running this. V8 accepts a code cache only from its own
 * version and flags, and checks the source by its length alone: the file is made together with its
 * bundle (scripts/compile.ts removes both first), so a cache never outlives the bundle it was made from.
 */
export function codeCachePath(libDir: string, bundle: BundleName): string {
  return join(libDir, CODE_CACHE_DIR, codeCacheName(bundle, process));
}

/** The cache file's name for `bundle` under runtime `version` on `arch` (process.version, process.arch). */
export function codeCacheName(bundle: BundleName, { version, arch }: { version: string; arch: string }): string {
  return `${bundle}-${version}-${arch}.v8`;
}

/** Compiles lib/<bundle>.cjs, with its code cache when there is one. */
export function loadBundle(libDir: string, bundle: BundleName): LoadedBundle {
  const file = join(libDir, `${bundle}.cjs`);
  const cachedData = readIfThere(codeCachePath(libDir, bundle));
  // Node's CommonJS wrapper, so the bundle gets require, module and its own names as under require().
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  // V8 writes the script's name into the cache: one that names no checkout keeps the trained bytes
  // the same wherever they are made (V8 accepts a cache under any name). Stack traces show it.
  const script = new Script(source, { filename: `github-assets/lib/${bundle}.cjs`, cachedData });
  const cache: CacheUse = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const run = () => {
    const module = { exports: {} };
    script.runInThisContext()(module.exports, require, module, file, libDir);
  };
  return { script, cache, run };
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // none shipped (a source checkout, a target whose runtime could not run at packaging)
  }
}

/** The variable that makes the loader say which cache it used (the benchmark's GITHUB_ASSETS_TIMING; src/net/timing.ts). */
const TIMING_ENV = 'GITHUB_ASSETS_TIMING';
/** The line's prefix; the rest is `<bundle> <CacheUse>`. */
export const CODE_CACHE_PREFIX = 'github-assets code cache: ';

// (typeof: scripts/ import this module as an ES module, where there is no require.)
if (typeof require !== 'undefined' && require.main === module) {
  // bin/<phase> runs `node lib/boot.cjs <phase> <args>`: the bundle sees its own args only.
  const [bundle] = process.argv.splice(2, 1) as [BundleName];
  if (!BUNDLES.includes(bundle)) {
    process.stderr.write(`github-assets: lib/boot.cjs runs ${BUNDLES.join(' or ')}, not ${JSON.stringify(bundle)}\n`);
    process.exit(2);
  }
  const loaded = loadBundle(__dirname, bundle);
  if (process.env[TIMING_ENV] === '1') process.stderr.write(`${CODE_CACHE_PREFIX}${bundle} ${loaded.cache}\n`);
  loaded.run();
}
