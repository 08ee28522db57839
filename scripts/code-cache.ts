// Trains lib/code-cache (src/main/boot.ts reads it): for each bundle the shims run, the V8 code cache
// of every function a representative job compiled, made by the runtime that will read it (arm64 under
// qemu-user) under the V8 flags its shim passes. Jobs: detect of a 16-entry project.toml, and a build
// of a .tar.gz and a raw asset from the fake GitHub. Build time only: the buildpack never writes here.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { type BundleName, CODE_CACHE_DIR, codeCacheName } from '../src/main/boot.ts';
import { createWorkspace, runChild, type Workspace } from '../test/support/cnb.ts';
import { startFakeGitHub } from '../test/support/fake-github/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TRAINER = join(root, 'scripts', 'code-cache-train.ts');
const RUN_TIMEOUT_MS = 300_000;

/**
 * V8's predictable mode (fixed hash and random seeds, one thread): strings in a code cache carry hashes
 * of the run's random seed, so without it no two trainings give the same bytes. V8 leaves it out of the
 * flags a cache is checked against (test/scripts/code-cache.test.ts checks that the runtime accepts it).
 * Detect's cache is then the same bytes on every training; build's can still differ in a few bytes
 * between trainings (state of functions that its network job's timing decides; the size stayed the
 * same in the trainings compared). --predictable-gc-schedule did not help, and V8 refuses caches made under it.
 */
const TRAINING_FLAGS = ['--predictable'];

/**
 * The node flags bin/<shim> runs a bundle with, read from its exec line (`exec "$node" <flags> "$@"`):
 * V8 refuses a cache made under other flags, so the shim is their one source.
 */
export function shimNodeFlags(shim: 'build' | 'detect'): string[] {
  const text = readFileSync(join(root, 'bin', shim), 'utf8');
  const exec = /^exec "\$node" (.*)"\$@"$/m.exec(text);
  if (!exec) throw new Error(`bin/${shim} has no line 'exec "$node" [flags] "$@"' to take its node flags from`);
  return exec[1]!.split(' ').filter(Boolean);
}

/**
 * Writes lib/code-cache/<bundle>-<version>-<arch>.v8 for build and detect, trained by `runtime` (a command
 * prefix: the node binary, or qemu and the arm64 node). Fails when a job fails: a cache trained on an
 * error path would leave the real path's functions to compile on first call.
 */
export async function writeCodeCaches(libDir: string, runtime: string[]): Promise<void> {
  const cacheDir = join(libDir, CODE_CACHE_DIR);
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { mode: 0o755 });
  chmodSync(cacheDir, 0o755);
  const identity = await runtimeIdentity(runtime);
  await trainingJobs(async (jobs) => {
    for (const job of jobs) {
      const file = join(cacheDir, codeCacheName(job.bundle, identity));
      await train(libDir, runtime, { job, file });
      chmodSync(file, 0o644);
    }
  });
}

interface Job {
  bundle: BundleName;
  ws: Workspace;
  args: string[];
  env: Record<string, string>;
}

/** process.version and process.arch of `runtime` (the target's, not necessarily this process's). */
async function runtimeIdentity(runtime: string[]): Promise<{ version: string; arch: string }> {
  const [cmd, ...prefix] = runtime;
  const { code, stdout, stderr } = await runChild(cmd!, [...prefix, '-p', 'process.version + " " + process.arch'], {
    env: {},
    timeoutMs: RUN_TIMEOUT_MS,
  });
  if (code !== 0) throw new Error(`${runtime.join(' ')} does not run here: ${stderr}`);
  const [version, arch] = stdout.trim().split(' ');
  return { version: version!, arch: arch! };
}

/** The training jobs, against a fake GitHub that lives as long as `use`. */
async function trainingJobs<T>(use: (jobs: Job[]) => Promise<T>): Promise<T> {
  const scratch = mkdtempSync(join(tmpdir(), 'gha-code-cache-'));
  const gh = await startFakeGitHub();
  const detectWs = createWorkspace();
  const buildWs = createWorkspace();
  try {
    gh.addRepo('acme/tool');
    gh.addRelease('acme/tool', {
      tag: 'v1.0.0',
      assets: [
        { name: 'tool-linux-amd64.tar.gz', content: trainingArchive(scratch) },
        // Compressible bytes of a made-up binary, enough for a few body chunks.
        { name: 'tool-linux-amd64', content: Buffer.alloc(256 * 1024, 'raw asset for training ') },
      ],
    });
    const entry = (repo: string, asset: string, extra: string) =>
      `[[metadata.githubassets]]\nrepo = "${repo}"\nasset = "${asset}"\ntag = "v1.0.0"\n${extra}\n`;
    // Detect reads and validates every entry: 16 of them, as the benchmark's "detect with entries".
    detectWs.writeApp({
      'project.toml': Array.from({ length: 16 }, (_, i) => entry(`acme/tool-${i}`, 'tool.tar.gz', 'strip_components = 1')).join('\n'),
    });
    buildWs.writeApp({
      'project.toml': `${entry('acme/tool', 'tool-linux-amd64.tar.gz', 'strip_components = 1')}\n${entry('acme/tool', 'tool-linux-amd64', 'destination = "bin/raw-tool"')}`,
    });
    const plan = (ws: Workspace) => {
      const path = join(ws.root, 'plan.toml');
      writeFileSync(path, '[[entries]]\nname = "github-assets"\n');
      return path;
    };
    const cnbEnv = (ws: Workspace) => ({
      CNB_BUILDPACK_DIR: root,
      CNB_PLATFORM_DIR: ws.platformDir,
      CNB_TARGET_OS: 'linux',
      CNB_TARGET_ARCH: 'amd64',
      GITHUB_API_URL: gh.apiUrl,
      HOME: scratch,
    });
    return await use([
      { bundle: 'detect', ws: detectWs, args: [detectWs.platformDir, plan(detectWs)], env: cnbEnv(detectWs) },
      {
        bundle: 'build',
        ws: buildWs,
        args: [buildWs.layersDir, buildWs.platformDir, plan(buildWs)],
        env: { ...cnbEnv(buildWs), CNB_LAYERS_DIR: buildWs.layersDir },
      },
    ]);
  } finally {
    detectWs.cleanup();
    buildWs.cleanup();
    await gh.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A small .tar.gz of a tool/ directory: a binary and a readme, each a few body chunks. */
function trainingArchive(scratch: string): Buffer {
  const tree = join(scratch, 'tree');
  mkdirSync(join(tree, 'tool', 'bin'), { recursive: true });
  writeFileSync(join(tree, 'tool', 'bin', 'tool'), Buffer.alloc(192 * 1024, '#!/bin/sh\necho tool\n'), { mode: 0o755 });
  writeFileSync(join(tree, 'tool', 'README'), Buffer.alloc(64 * 1024, 'readme '));
  const file = join(scratch, 'tool.tar.gz');
  tar.create({ file, cwd: tree, gzip: true, portable: true, sync: true, mtime: new Date(0) }, ['tool']);
  return readFileSync(file);
}

/** Runs one job in `runtime` through the trainer, which writes the cache to `file`. */
async function train(libDir: string, runtime: string[], { job, file }: { job: Job; file: string }): Promise<void> {
  const [cmd, ...prefix] = runtime;
  const args = [...prefix, ...TRAINING_FLAGS, ...shimNodeFlags(job.bundle), TRAINER, libDir, job.bundle, file, ...job.args];
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...job.env };
  const result = await runChild(cmd!, args, { cwd: job.ws.appDir, env, timeoutMs: RUN_TIMEOUT_MS });
  if (result.code !== 0) throw new Error(`training ${job.bundle} failed (exit ${result.code}):\n${result.stdout}${result.stderr}`);
}
