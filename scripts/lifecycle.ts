#!/usr/bin/env node
// Builds the reference CNB lifecycle (lifecycle + launcher) from its Go module, for tests
// that run real detect/build/export phases without Docker; caches it per version under
// .cache/lifecycle/<version>/. Needs `go` on PATH and the Go module proxy. Builds, never installs.
//   node scripts/lifecycle.ts [--print]     (LIFECYCLE_VERSION overrides the pinned version)
import { existsSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGoBuild, printsVersion } from './go-build.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// 0.21.17/0.21.15 need kaniko module versions (osscontainertools/kaniko v1.28.3, v1.28.2) the
// module proxy does not serve here; 0.21.14 is the newest 0.21 whose whole module graph it serves.
export const LIFECYCLE_VERSION = process.env.LIFECYCLE_VERSION || '0.21.14';
const MODULE = 'github.com/buildpacks/lifecycle';
/** Names the lifecycle binary answers to (it dispatches on argv[0], like /cnb/lifecycle/). */
export const PHASES = ['analyzer', 'detector', 'restorer', 'builder', 'exporter', 'creator', 'rebaser'];

export function lifecycleDir(version = LIFECYCLE_VERSION): string {
  return join(root, '.cache', 'lifecycle', version);
}

/** Returns the directory holding `lifecycle`, `launcher` and one symlink per phase. */
export function ensureLifecycle(version = LIFECYCLE_VERSION): Promise<string> {
  return ensureGoBuild({
    source: { module: MODULE, version, packages: [`${MODULE}/cmd/lifecycle`, `${MODULE}/cmd/launcher`] },
    ldflags: `-s -w -X ${MODULE}/cmd.Version=${version}`,
    dir: lifecycleDir(version),
    isBuilt: (dir) =>
      existsSync(join(dir, 'launcher')) &&
      existsSync(join(dir, 'exporter')) &&
      printsVersion(join(dir, 'lifecycle'), ['-version'], version),
    finish: (staging) => {
      for (const phase of PHASES) symlinkSync('lifecycle', join(staging, phase));
    },
  });
}

if (import.meta.main) {
  const started = Date.now();
  try {
    const dir = await ensureLifecycle();
    if (process.argv.includes('--print')) console.log(join(dir, 'lifecycle'));
    else console.error(`lifecycle ${LIFECYCLE_VERSION} at ${dir} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  } catch (err) {
    console.error(`lifecycle: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
