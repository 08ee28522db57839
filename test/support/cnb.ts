// Runs bin/detect and bin/build as child processes with the environment the CNB lifecycle
// gives them (Buildpack API 0.10): app dir as cwd, CNB_* variables, platform dir with env
// files, plan files, and positional arguments.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILDPACK_ID = 'github-assets/buildpack';
const ESCAPED_ID = BUILDPACK_ID.replaceAll('/', '_');

export interface PhaseResult {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
}

export interface Workspace {
  root: string;
  appDir: string;
  layersRoot: string;
  /** `<layersRoot>/<escaped id>`, what CNB_LAYERS_DIR points at. */
  layersDir: string;
  platformDir: string;
  writeApp(files: Record<string, string>): void;
  /** Writes `<platform>/env/<NAME>`, as `pack --env` does. */
  setPlatformEnv(name: string, value: string): void;
  cleanup(): void;
}

export function createWorkspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'gha-ws-'));
  const appDir = join(root, 'workspace');
  const layersRoot = join(root, 'layers');
  const layersDir = join(layersRoot, ESCAPED_ID);
  const platformDir = join(root, 'platform');
  for (const d of [appDir, layersDir, join(platformDir, 'env')]) mkdirSync(d, { recursive: true });
  return {
    root,
    appDir,
    layersRoot,
    layersDir,
    platformDir,
    writeApp(files) {
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(dirname(join(appDir, name)), { recursive: true });
        writeFileSync(join(appDir, name), content);
      }
    },
    setPlatformEnv(name, value) {
      writeFileSync(join(platformDir, 'env', name), value);
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The minimal process env the lifecycle passes through, plus PATH to the pinned runtime. */
function baseEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Where and how long a child runs: its working directory, its whole environment, and a cap after which it is killed. */
interface RunOptions {
  /** Default: this process's. */
  cwd?: string;
  env: Record<string, string>;
  timeoutMs?: number;
}

/** Runs `cmd` to its end with only `env`, collecting its output; killed after the timeout (exit 128). */
export function runChild(cmd: string, args: string[], { cwd, env, timeoutMs = 120_000 }: RunOptions): Promise<PhaseResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      output += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      output += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : -1), stdout, stderr, output });
    });
  });
}

/** Runs bin/github-assets (or another CLI binary) in `cwd` with the minimal env plus `env`. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; bin?: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = options.bin ?? join(repoRoot, 'bin', 'github-assets');
  const { code, stdout, stderr } = await runChild(bin, args, { cwd: options.cwd, env: baseEnv(options.env ?? {}) });
  return { code, stdout, stderr };
}

export async function runDetect(
  ws: Workspace,
  env: Record<string, string | undefined> = {},
  buildpackDir = repoRoot,
): Promise<PhaseResult & { plan: string }> {
  const planPath = join(ws.root, 'plan.toml');
  writeFileSync(planPath, '');
  const result = await runChild(join(buildpackDir, 'bin', 'detect'), [ws.platformDir, planPath], {
    cwd: ws.appDir,
    env: baseEnv({
      CNB_BUILDPACK_DIR: buildpackDir,
      CNB_PLATFORM_DIR: ws.platformDir,
      CNB_BUILD_PLAN_PATH: planPath,
      CNB_TARGET_OS: 'linux',
      CNB_TARGET_ARCH: 'amd64',
      ...env,
    }),
  });
  const { readFileSync } = await import('node:fs');
  return { ...result, plan: readFileSync(planPath, 'utf8') };
}

export async function runBuild(ws: Workspace, env: Record<string, string | undefined> = {}, buildpackDir = repoRoot): Promise<PhaseResult> {
  const planPath = join(ws.root, 'bp-plan.toml');
  writeFileSync(planPath, '[[entries]]\nname = "github-assets"\n');
  return runChild(join(buildpackDir, 'bin', 'build'), [ws.layersDir, ws.platformDir, planPath], {
    cwd: ws.appDir,
    env: baseEnv({
      CNB_BUILDPACK_DIR: buildpackDir,
      CNB_LAYERS_DIR: ws.layersDir,
      CNB_PLATFORM_DIR: ws.platformDir,
      CNB_BP_PLAN_PATH: planPath,
      CNB_TARGET_OS: 'linux',
      CNB_TARGET_ARCH: 'amd64',
      ...env,
    }),
  });
}
