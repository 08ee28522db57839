// Runs in the target's runtime, spawned by scripts/code-cache.ts (arm64 under qemu-user): one bundle
// through lib/boot.cjs's loadBundle, as the shims run it, on a training job; at exit it writes the code
// cache V8 makes of the bundle then, which holds every function that job compiled. Nothing else.
//   node <the shim's flags> scripts/code-cache-train.ts <lib> <build|detect> <cache file> [bundle args...]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BundleName, LoadedBundle } from '../src/main/boot.ts';

const [libDir, bundle, cacheFile, ...args] = process.argv.slice(2) as [string, BundleName, string, ...string[]];
// The loader as shipped (lib/boot.cjs, CommonJS: its exports are the default export here).
const loader = (await import(pathToFileURL(join(libDir, 'boot.cjs')).href)) as {
  default: { loadBundle: (libDir: string, bundle: BundleName) => LoadedBundle };
};
const { loadBundle } = loader.default;
const loaded = loadBundle(libDir, bundle);
// The bundle reads its arguments from process.argv.slice(2), as under lib/boot.cjs.
process.argv.splice(2, Infinity, ...args);
// Registered before the bundle runs, so it comes before the bundle's own exit handlers.
process.once('exit', () => writeFileSync(cacheFile, loaded.script.createCachedData(), { mode: 0o644 }));
loaded.run();
