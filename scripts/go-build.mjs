// Builds Go programs from a module at an exact version through the Go module proxy into a
// cache dir, atomically, for test tools (the CNB lifecycle, pack). Needs `go` on PATH.
// Builds only; installs nothing system-wide and never vendors the module's source here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Ensures `dir` holds the binaries of `packages` (import paths inside `module`) built at
 * `version`. `isBuilt(dir)` says whether an existing dir is complete; `finish(stagingDir)`
 * may add files (e.g. symlinks) before the dir is moved into place. Returns `dir`.
 */
export function ensureGoBuild({ module, version, packages, ldflags = '-s -w', dir, isBuilt, finish }) {
  if (isBuilt(dir)) return dir;
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  // A private module dir per run, so parallel test workers never share a go.mod.
  const work = mkdtempSync(join(parent, 'src-'));
  const env = { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', CGO_ENABLED: '0', GOTOOLCHAIN: 'local' };
  const go = (args) => {
    try {
      execFileSync('go', args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (err) {
      throw new Error(`go ${args[0]} failed for ${module}@v${version}:\n${err.stderr || err.message}`);
    }
  };
  try {
    writeFileSync(join(work, 'go.mod'), `module github-assets-buildpack/go-build\n\ngo 1.24\n\nrequire ${module} v${version}\n`);
    // `go get` of the main package pulls the whole import graph into go.mod/go.sum.
    go(['get', `${packages[0]}@v${version}`]);
    const staging = join(work, 'out');
    mkdirSync(staging);
    go(['build', '-trimpath', '-ldflags', ldflags, '-o', `${staging}/`, ...packages]);
    finish?.(staging);
    if (!isBuilt(dir)) {
      rmSync(dir, { recursive: true, force: true });
      try {
        renameSync(staging, dir);
      } catch (err) {
        if (!isBuilt(dir)) throw err; // another worker finished first: use theirs
      }
    }
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** True when `binary` exists and `binary ...args` prints `expected` somewhere in its output. */
export function printsVersion(binary, args, expected) {
  if (!existsSync(binary)) return false;
  try {
    return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).includes(expected);
  } catch {
    return false;
  }
}
