// The one Go-build helper: builds Go programs into a cache dir, atomically, either from a module
// at an exact version through the Go module proxy (the CNB lifecycle, pack, grpc_health_probe)
// or from a main package in this repo keyed by its sources (the gRPC sample's server).
// Needs `go` on PATH. Builds only; installs nothing system-wide and never vendors module source here.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export type GoArch = 'amd64' | 'arm64';

/** What to build: packages of a module at an exact version, or the main package in a repo dir. */
export type GoSource = { module: string; version: string; packages: string[] } | { mainDir: string; name: string };

export interface GoBuildOptions {
  source: GoSource;
  /** The finished directory of binaries; built in a private staging dir beside it, then renamed in. */
  dir: string;
  /** Whether an existing `dir` is complete (checked before and after building). */
  isBuilt: (dir: string) => boolean;
  /** May add files (e.g. symlinks) to the staging dir before it moves into place. */
  finish?: (stagingDir: string) => void;
  ldflags?: string;
  /** Target architecture (always linux, static: CGO off); defaults to the Go toolchain's. */
  goarch?: GoArch;
  timeoutMs?: number;
}

function describe(source: GoSource): string {
  return 'module' in source ? `${source.module}@v${source.version}` : source.mainDir;
}

function runGo(args: string[], cwd: string, env: NodeJS.ProcessEnv, options: GoBuildOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('go', args, { cwd, env, timeout: options.timeoutMs ?? 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`go ${args[0]} failed for ${describe(options.source)}:\n${stderr || err.message}`));
      else resolve();
    });
  });
}

/** Ensures `options.dir` holds the built binaries; returns it. Parallel callers each build and the first rename wins. */
export async function ensureGoBuild(options: GoBuildOptions): Promise<string> {
  const { source, dir, isBuilt } = options;
  if (isBuilt(dir)) return dir;
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  // A private work dir per run, so parallel builds never share a go.mod or a staging dir.
  const work = mkdtempSync(join(parent, 'src-'));
  const local = !('module' in source);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // A repo's main package builds against its committed go.sum; a stale one fails instead of being rewritten.
    GOFLAGS: local ? '-mod=readonly -buildvcs=false' : '-mod=mod -buildvcs=false',
    CGO_ENABLED: '0',
    GOOS: 'linux',
    GOTOOLCHAIN: 'local',
    ...(options.goarch ? { GOARCH: options.goarch } : {}),
  };
  try {
    const staging = join(work, 'out');
    mkdirSync(staging);
    const ldflags = options.ldflags ?? '-s -w';
    if (local) {
      await runGo(['build', '-trimpath', '-ldflags', ldflags, '-o', join(staging, source.name), '.'], source.mainDir, env, options);
    } else {
      writeFileSync(
        join(work, 'go.mod'),
        `module github-assets-buildpack/go-build\n\ngo 1.24\n\nrequire ${source.module} v${source.version}\n`,
      );
      // `go get` of the main package pulls the whole import graph into go.mod/go.sum.
      await runGo(['get', `${source.packages[0]}@v${source.version}`], work, env, options);
      await runGo(['build', '-trimpath', '-ldflags', ldflags, '-o', `${staging}/`, ...source.packages], work, env, options);
    }
    options.finish?.(staging);
    if (!isBuilt(dir)) {
      rmSync(dir, { recursive: true, force: true });
      try {
        renameSync(staging, dir);
      } catch (err) {
        if (!isBuilt(dir)) throw err; // another build finished first: use theirs
      }
    }
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Files whose content decides the binary: *.go, go.mod, go.sum at the top of `dir`. */
function sourceHash(dir: string): string {
  const hash = createHash('sha256');
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.go') || n === 'go.mod' || n === 'go.sum')
    .sort();
  for (const name of names) {
    hash.update(`${name}\0`);
    hash.update(readFileSync(join(dir, name)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Returns the path of a static linux/amd64 build of the main package in `mainDir`, cached under
 * .cache/go-build/<name>-<hash of its sources>/, so warm runs reuse the binary.
 */
export async function ensureGoBinary(mainDir: string, name: string, timeoutMs = 300_000): Promise<string> {
  const dir = join(root, '.cache', 'go-build', `${name}-${sourceHash(mainDir)}`);
  await ensureGoBuild({ source: { mainDir, name }, dir, goarch: 'amd64', timeoutMs, isBuilt: (d) => existsSync(join(d, name)) });
  return join(dir, name);
}

/** True when `binary` exists and `binary ...args` prints `expected` somewhere in its output. */
export function printsVersion(binary: string, args: string[], expected: string): boolean {
  if (!existsSync(binary)) return false;
  try {
    return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).includes(expected);
  } catch {
    return false;
  }
}
