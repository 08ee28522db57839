// Writes the V8 compile cache the shims hand Node.js (lib/compile-cache, NODE_COMPILE_CACHE with
// NODE_COMPILE_CACHE_PORTABLE): code caches of every bundle, made by the runtime that will read
// them, so a build or detect skips compiling the top level of ~0.9 MB of modules. Build-time only:
// the buildpack never writes this directory (a cache that matches is read, not rewritten).

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NODE_GUARD } from './compile.ts';

/** The cache's directory inside lib/ (the shims name it too). */
export const COMPILE_CACHE_DIR = 'compile-cache';

/**
 * V8's predictable mode (fixed hash and random seeds, one thread) makes the caches the same bytes
 * on every run, so the package stays reproducible. V8 leaves it out of the flags a code cache is
 * checked against, so the runtime reads them under its own random seed (a fixed --hash-seed would
 * be refused). test/scripts/compile-cache.test.ts checks both.
 */
const GENERATION_FLAGS = ['--predictable'];

/**
 * The V8 flags bin/build runs node with: build.mjs and its chunks are cached under them and
 * detect.mjs under none, as the shims run them (V8 checks a cache against the flags that shape
 * code; equal flags keep that true whatever the shims pass later).
 */
export const BUILD_NODE_FLAGS = ['--max-semi-space-size=1'];

/**
 * Where the caches are made: V8 keeps the module's URL in its code cache, so the same bundles give
 * the same bytes only from the same path. One fixed path per user (any user may compile: a path
 * shared in /tmp would let another user's leftovers block us, or a planted symlink redirect our
 * writes), private to that user, taken under a lock inside it (concurrent packaging).
 */
const WORKSHOP = `/tmp/github-assets-compile-cache-${process.getuid?.() ?? 'user'}`;
const LOCK_WAIT_MS = 10 * 60_000;

/** Creates `dir` (mode 0700) or accepts it only as a real directory of this user that no one else may enter. */
export function privateDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = lstatSync(dir);
  const mine = process.getuid === undefined || st.uid === process.getuid();
  if (!st.isDirectory() || !mine || (st.mode & 0o077) !== 0)
    throw new Error(`${dir} is not a private directory of this user (a directory, mode 0700): remove it and compile again`);
}

/**
 * Fills `libDir`/compile-cache with code caches of detect.mjs, build.mjs and every chunk, made by
 * `runtime` (a command prefix: the node binary, or qemu and the arm64 node) from a copy of the
 * bundles at WORKSHOP. The entry bundles run without arguments in an empty directory, where they
 * stop at once (no CNB context: exit 1 with GHA007); the chunks are imported before build.mjs.
 */
export function writeCompileCache(libDir: string, runtime: string[]): string {
  const cache = join(libDir, COMPILE_CACHE_DIR);
  rmSync(cache, { recursive: true, force: true });
  privateDir(WORKSHOP);
  return withLock(join(WORKSHOP, 'lock'), () => {
    const lib = join(WORKSHOP, 'lib');
    rmSync(lib, { recursive: true, force: true });
    mkdirSync(lib);
    for (const f of readdirSync(libDir).filter((n) => n.endsWith('.mjs') || n === NODE_GUARD)) copyFileSync(join(libDir, f), join(lib, f));
    const made = cacheIn(lib, runtime);
    cpSync(made, cache, { recursive: true });
    rmSync(lib, { recursive: true, force: true });
    const [tag] = readdirSync(cache);
    chmodSync(cache, 0o755);
    chmodSync(join(cache, tag!), 0o755);
    for (const f of readdirSync(join(cache, tag!))) chmodSync(join(cache, tag!, f), 0o644);
    return cache;
  });
}

function cacheIn(libDir: string, runtime: string[]): string {
  const cache = join(libDir, COMPILE_CACHE_DIR);
  const scratch = mkdtempSync(join(tmpdir(), 'gha-compile-cache-'));
  try {
    const env = { NODE_COMPILE_CACHE: cache, NODE_COMPILE_CACHE_PORTABLE: '1' };
    const [cmd, ...prefix] = runtime;
    const run = (args: string[]) => {
      const result = spawnSync(cmd!, [...prefix, ...args], { cwd: scratch, env, encoding: 'utf8', timeout: 300_000 });
      if (result.error) throw result.error;
      return result;
    };
    const modules = readdirSync(libDir).filter((f) => f.endsWith('.mjs'));
    // The chunks are preloaded into a build (--import), so every entry in the cache names a file of lib/.
    const chunks = modules.filter((f) => f.startsWith('chunk-')).map((f) => `--import=${pathToFileURL(join(libDir, f)).href}`);
    // The shims preload the guard when node comes from PATH (a source checkout): cached too, or
    // such a build would write its entry into lib/compile-cache on the first run.
    const guard = existsSync(join(libDir, NODE_GUARD)) ? ['-r', join(libDir, NODE_GUARD)] : [];
    for (const entry of ['detect.mjs', 'build.mjs'].filter((f) => modules.includes(f))) {
      const forBuild = entry === 'build.mjs' ? [...BUILD_NODE_FLAGS, ...chunks] : [];
      const result = run([...GENERATION_FLAGS, ...forBuild, ...guard, join(libDir, entry)]);
      if (result.signal || /ERR_|SyntaxError/.test(result.stderr))
        throw new Error(`${entry} did not load for the compile cache:\n${result.stderr}`);
    }
    const made = readdirSync(cache);
    if (made.length !== 1) throw new Error(`expected one compile cache directory in ${cache}, found ${made.join(', ') || 'none'}`);
    return cache;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs `fn` holding `lock` (a directory: mkdir is atomic); a lock older than the wait is a crashed run's and is taken over. */
function withLock<T>(lock: string, fn: () => T): T {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_WAIT_MS) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`${lock} is held by another packaging run`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
