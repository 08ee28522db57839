#!/usr/bin/env node
// Builds the pack CLI from its Go module into .cache/pack/<version>/pack, so tests can run
// `pack buildpack package --format file` on dist/multiarch (no Docker needed for that).
// Needs `go` on PATH and the Go module proxy. Builds, never installs.
//   node scripts/pack.ts [--print]     (PACK_VERSION overrides the pinned version)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGoBuild, printsVersion } from './go-build.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PACK_VERSION = process.env.PACK_VERSION || '0.40.6';
const MODULE = 'github.com/buildpacks/pack';

/** Returns the path of the pack binary. */
export async function ensurePack(version = PACK_VERSION): Promise<string> {
  const dir = await ensureGoBuild({
    source: { module: MODULE, version, packages: [MODULE] },
    ldflags: `-s -w -X ${MODULE}/pkg/client.Version=${version}`,
    dir: join(root, '.cache', 'pack', version),
    isBuilt: (dir) => printsVersion(join(dir, 'pack'), ['version'], version),
  });
  return join(dir, 'pack');
}

if (import.meta.main) {
  const started = Date.now();
  try {
    const bin = await ensurePack();
    if (process.argv.includes('--print')) console.log(bin);
    else console.error(`pack ${PACK_VERSION} at ${bin} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  } catch (err) {
    console.error(`pack: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
