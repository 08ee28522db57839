#!/usr/bin/env node
// Builds the reference CNB lifecycle (lifecycle + launcher) from its Go module, for tests
// that run real detect/build/export phases without Docker; caches it per version under
// .cache/lifecycle/<version>/. Needs `go` on PATH and the Go module proxy. Builds, never installs.
//   node scripts/lifecycle.mjs [--print]     (LIFECYCLE_VERSION overrides the pinned version)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// 0.21.17/0.21.15 need kaniko module versions (osscontainertools/kaniko v1.28.3, v1.28.2) the
// module proxy does not serve here; 0.21.14 is the newest 0.21 whose whole module graph it serves.
export const LIFECYCLE_VERSION = process.env.LIFECYCLE_VERSION || '0.21.14';
const MODULE = 'github.com/buildpacks/lifecycle';
/** Names the lifecycle binary answers to (it dispatches on argv[0], like /cnb/lifecycle/). */
export const PHASES = ['analyzer', 'detector', 'restorer', 'builder', 'exporter', 'creator', 'rebaser'];

export function lifecycleDir(version = LIFECYCLE_VERSION) {
  return join(root, '.cache', 'lifecycle', version);
}

function isBuilt(dir, version) {
  const bin = join(dir, 'lifecycle');
  if (!existsSync(bin) || !existsSync(join(dir, 'launcher'))) return false;
  try {
    return execFileSync(bin, ['-version'], { encoding: 'utf8' }).trim() === version;
  } catch {
    return false;
  }
}

/** Returns the directory holding `lifecycle`, `launcher` and one symlink per phase. */
export function ensureLifecycle(version = LIFECYCLE_VERSION) {
  const dir = lifecycleDir(version);
  if (isBuilt(dir, version)) return dir;
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  // A private module dir and staging dir per run, so parallel test workers never share a go.mod.
  const work = mkdtempSync(join(parent, 'src-'));
  const env = {
    ...process.env,
    GOFLAGS: '-mod=mod -buildvcs=false',
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
  };
  const go = (args) => {
    try {
      execFileSync('go', args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (err) {
      throw new Error(`go ${args[0]} failed:\n${err.stderr || err.message}`);
    }
  };
  try {
    writeFileSync(
      join(work, 'go.mod'),
      `module github-assets-buildpack/lifecycle-build\n\ngo 1.24\n\nrequire ${MODULE} v${version}\n`,
    );
    go(['get', `${MODULE}/cmd/lifecycle@v${version}`]);
    const staging = join(work, 'out');
    mkdirSync(staging);
    go([
      'build', '-trimpath',
      '-ldflags', `-s -w -X ${MODULE}/cmd.Version=${version}`,
      '-o', `${staging}/`,
      `${MODULE}/cmd/lifecycle`, `${MODULE}/cmd/launcher`,
    ]);
    for (const phase of PHASES) symlinkSync('lifecycle', join(staging, phase));
    if (!isBuilt(dir, version)) {
      rmSync(dir, { recursive: true, force: true });
      try {
        renameSync(staging, dir);
      } catch (err) {
        if (!isBuilt(dir, version)) throw err; // another worker finished first: use theirs
      }
    }
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  try {
    const dir = ensureLifecycle();
    if (process.argv.includes('--print')) console.log(join(dir, 'lifecycle'));
    else console.error(`lifecycle ${LIFECYCLE_VERSION} at ${dir} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  } catch (err) {
    console.error(`lifecycle: build of ${MODULE} v${LIFECYCLE_VERSION} failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
