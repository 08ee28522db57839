// Runs the real CNB lifecycle (built from its Go module by scripts/lifecycle.ts) against a
// buildpack directory without Docker: lays out buildpacks/order/app/layers/platform/cache
// dirs and an OCI-layout run image, runs phases as a non-root user, captures their output.
// Test support only: knows nothing about what the buildpack under test does.

import TOML from '@iarna/toml';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureLifecycle as buildLifecycle } from '../../scripts/lifecycle.ts';
import { expect } from 'vitest';
import { hostOciArch, readLayoutImage, writeRunImage } from './oci-layout.js';
import { nodeFreeBin } from './sandbox-path.js';

/** Platform API the harness speaks; lifecycle 0.21 supports 0.7–0.15. */
const PLATFORM_API = '0.15';
/** Image references inside the layout dir (the lifecycle maps them to index.docker.io/library/<name>/latest). */
const APP_IMAGE = 'app';
const RUN_IMAGE = 'run';

export type Phase = 'analyzer' | 'detector' | 'restorer' | 'builder' | 'exporter';

export interface BuildUser {
  uid: number;
  gid: number;
}

export interface PhaseResult {
  phase: Phase;
  /** Exit code; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr; the lifecycle logs (and streams bin/build output) on stdout. */
  output: string;
  durationMs: number;
}

export interface WorkspaceOptions {
  /** A ready buildpack: buildpack.toml and bin/ at its root (e.g. dist/linux-amd64). Copied in. */
  buildpackDir: string;
  /** Files for the app dir, path relative to it → contents. */
  app?: Record<string, string | Buffer>;
  /** `<platform>/env/<NAME>` files; values are written as raw bytes (the lifecycle does not trim). */
  platformEnv?: Record<string, string>;
  /** PATH for the lifecycle and so for bin/detect and bin/build; defaults to a node-free tool dir. */
  path?: string;
  /** Run image architecture (OCI spelling); defaults to the host's. */
  arch?: string;
}

export interface LifecycleWorkspace {
  root: string;
  appDir: string;
  layersDir: string;
  platformDir: string;
  buildpacksDir: string;
  cacheDir: string;
  layoutDir: string;
  homeDir: string;
  orderPath: string;
  groupPath: string;
  planPath: string;
  analyzedPath: string;
  /** The exported app image, once the exporter ran: `<layoutDir>/index.docker.io/library/app/latest`. */
  appImageDir: string;
  buildpack: { id: string; version: string; dir: string };
  /** `<layers>/<escaped id>`: the buildpack's own layers dir during build. */
  buildpackLayersDir: string;
  user: BuildUser;
  path: string;
}

export interface RunOptions {
  /** Extra environment for the lifecycle process (e.g. CNB_EXEC_ENV, HTTP_PROXY). */
  env?: Record<string, string>;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  timeoutMs?: number;
}

/** Asserts every phase exited 0, in order; a failure shows the first failed phase's output. */
export function expectPhasesPassed(results: PhaseResult[], phases: readonly string[]): void {
  const summary = results.map((r) => `${r.phase}=${r.code}`).join(' ');
  const failed = results.find((r) => r.code !== 0);
  expect(summary, failed ? `${failed.phase} output:\n${failed.output}` : '').toBe(phases.map((p) => `${p}=0`).join(' '));
}

/** A layer as the exporter records it in the image's io.buildpacks.lifecycle.metadata label. */
export interface ExportedLayer {
  data?: Record<string, unknown>;
  launch?: boolean;
  cache?: boolean;
  sha?: string;
}

/** The layers the exported app image records for `buildpackId` (throws when the buildpack is not in the label). */
export function exportedLayers(ws: LifecycleWorkspace, buildpackId: string): Record<string, ExportedLayer> {
  const labels = readLayoutImage(ws.appImageDir).config.config.Labels ?? {};
  const metadata = JSON.parse(labels['io.buildpacks.lifecycle.metadata'] ?? '{}') as {
    buildpacks: { key: string; layers: Record<string, ExportedLayer> }[];
  };
  const bp = metadata.buildpacks.find((b) => b.key === buildpackId);
  if (!bp) throw new Error(`no ${buildpackId} in io.buildpacks.lifecycle.metadata`);
  return bp.layers;
}

/** `/` → `_`, as the lifecycle names buildpack dirs and layers dirs (launch.EscapeID). */
function escapeId(id: string): string {
  return id.replaceAll('/', '_');
}

let lifecycleBinary: Promise<string> | undefined;

/** Builds (first time, ~2 min cold) or reuses the lifecycle; returns the `lifecycle` binary path. */
export function ensureLifecycle(): Promise<string> {
  lifecycleBinary ??= buildLifecycle().then((dir) => join(dir, 'lifecycle'));
  lifecycleBinary.catch(() => {
    lifecycleBinary = undefined; // let a later call retry
  });
  return lifecycleBinary;
}

/**
 * The lifecycle dir the build user runs from. As root, the build user may not be able to enter
 * the repo at all (a clone under /root, mode 0700), so the workspace gets a root-owned, read-only
 * copy (`<root>/lifecycle`, 0755) on first use; it goes away with the workspace.
 */
async function lifecycleDirFor(ws: LifecycleWorkspace): Promise<string> {
  const built = dirname(await ensureLifecycle());
  if (process.getuid?.() !== 0) return built;
  const copy = join(ws.root, 'lifecycle');
  if (!existsSync(copy)) {
    const staging = `${copy}.${randomBytes(4).toString('hex')}`;
    cpSync(built, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    renameSync(staging, copy);
  }
  return copy;
}

/** The lifecycle refuses root, so as root phases run as nobody; otherwise as ourselves. */
function buildUser(): BuildUser {
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return { uid: 65534, gid: 65534 };
  return { uid, gid: process.getgid?.() ?? uid };
}

function readBuildpackInfo(buildpackDir: string): { id: string; version: string } {
  const descriptor = TOML.parse(readFileSync(join(buildpackDir, 'buildpack.toml'), 'utf8')) as {
    buildpack?: { id?: unknown; version?: unknown };
  };
  const { id, version } = descriptor.buildpack ?? {};
  if (typeof id !== 'string' || typeof version !== 'string') {
    throw new Error(`${buildpackDir}/buildpack.toml lacks [buildpack] id or version`);
  }
  return { id, version };
}

function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), contents);
  }
}

function chownTree(path: string, user: BuildUser): void {
  lchownSync(path, user.uid, user.gid);
  if (lstatSync(path).isDirectory()) {
    for (const name of readdirSync(path)) chownTree(join(path, name), user);
  }
}

/** Lays out a full Docker-free build under a fresh temp dir the build user owns. */
export function createLifecycleWorkspace(options: WorkspaceOptions): LifecycleWorkspace {
  const user = buildUser();
  // As root the default TMPDIR may sit under /root, which the build user cannot traverse.
  const base = process.getuid?.() === 0 ? '/tmp' : tmpdir();
  // Lower case only: the lifecycle parses layout paths as image references (mkdtemp's
  // mixed-case suffix fails with "could not parse reference").
  const root = join(base, `gha-lifecycle-${randomBytes(8).toString('hex')}`);
  mkdirSync(root, { mode: 0o700 });
  const info = readBuildpackInfo(options.buildpackDir);
  const dirs = {
    appDir: join(root, 'app'),
    layersDir: join(root, 'layers'),
    platformDir: join(root, 'platform'),
    buildpacksDir: join(root, 'buildpacks'),
    cacheDir: join(root, 'cache'),
    layoutDir: join(root, 'layout'),
    homeDir: join(root, 'home'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.platformDir, 'env'));

  const bpDir = join(dirs.buildpacksDir, escapeId(info.id), info.version);
  cpSync(options.buildpackDir, bpDir, { recursive: true, verbatimSymlinks: true });
  writeFiles(dirs.appDir, options.app ?? {});
  for (const [name, value] of Object.entries(options.platformEnv ?? {})) {
    writeFileSync(join(dirs.platformDir, 'env', name), value);
  }
  const orderPath = join(root, 'order.toml');
  writeFileSync(orderPath, `[[order]]\n[[order.group]]\nid = ${JSON.stringify(info.id)}\nversion = ${JSON.stringify(info.version)}\n`);
  writeRunImage(join(dirs.layoutDir, 'index.docker.io', 'library', RUN_IMAGE, 'latest'), {
    arch: options.arch ?? hostOciArch(),
    user: `${user.uid}:${user.gid}`,
  });
  const path = options.path ?? nodeFreeBin(root);
  chownTree(root, user);
  return {
    root,
    ...dirs,
    orderPath,
    groupPath: join(dirs.layersDir, 'group.toml'),
    planPath: join(dirs.layersDir, 'plan.toml'),
    analyzedPath: join(dirs.layersDir, 'analyzed.toml'),
    appImageDir: join(dirs.layoutDir, 'index.docker.io', 'library', APP_IMAGE, 'latest'),
    buildpack: { ...info, dir: bpDir },
    buildpackLayersDir: join(dirs.layersDir, escapeId(info.id)),
    user,
    path,
  };
}

function setprivPath(): string {
  const found = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  if (!found) throw new Error('setpriv (util-linux) is needed to run the lifecycle as non-root; apt-get install util-linux');
  return found;
}

function phaseArgs(ws: LifecycleWorkspace, phase: Phase, lifecycleDir: string): string[] {
  const layout = ['-layout', '-layout-dir', ws.layoutDir];
  const common = ['-layers', ws.layersDir, '-analyzed', ws.analyzedPath];
  const withGroup = [...common, '-group', ws.groupPath];
  const inputs = ['-app', ws.appDir, '-buildpacks', ws.buildpacksDir, '-platform', ws.platformDir];
  const launcher = join(lifecycleDir, 'launcher');
  switch (phase) {
    case 'analyzer':
      return [...layout, ...common, '-run-image', RUN_IMAGE, APP_IMAGE];
    case 'detector':
      return [...inputs, '-order', ws.orderPath, ...withGroup, '-plan', ws.planPath];
    case 'restorer':
      return [...layout, ...withGroup, '-cache-dir', ws.cacheDir];
    case 'builder':
      return [...inputs, ...withGroup, '-plan', ws.planPath];
    case 'exporter':
      return [...layout, '-app', ws.appDir, ...withGroup, '-cache-dir', ws.cacheDir, '-launcher', launcher, APP_IMAGE];
  }
}

/** Runs one lifecycle phase as the build user and captures its output. */
async function runPhase(ws: LifecycleWorkspace, phase: Phase, options: RunOptions = {}): Promise<PhaseResult> {
  const lifecycleDir = await lifecycleDirFor(ws);
  const args = [...(options.logLevel ? ['-log-level', options.logLevel] : []), ...phaseArgs(ws, phase, lifecycleDir)];
  const env = lifecycleEnv(ws, {
    // OCI layout export is an experimental lifecycle feature; without this it refuses.
    CNB_EXPERIMENTAL_MODE: 'quiet',
    CNB_USER_ID: String(ws.user.uid),
    CNB_GROUP_ID: String(ws.user.gid),
    ...options.env,
  });
  const result = await runAsBuildUser(ws, join(lifecycleDir, phase), args, { env, cwd: ws.root, timeoutMs: options.timeoutMs ?? 120_000 });
  return { phase, ...result };
}

/**
 * Runs the lifecycle's launcher over the built layers, as the app image's entrypoint would
 * (launch env files, layer bin/ on PATH, exec.d). `['--', 'cmd', …]` execs directly,
 * `['cmd …']` goes through a shell. Needs a build (builder writes <layers>/config/metadata.toml).
 */
export async function runLauncher(ws: LifecycleWorkspace, args: string[], options: RunOptions = {}): Promise<Omit<PhaseResult, 'phase'>> {
  const launcher = join(await lifecycleDirFor(ws), 'launcher');
  const env = lifecycleEnv(ws, { CNB_LAYERS_DIR: ws.layersDir, CNB_APP_DIR: ws.appDir, ...options.env });
  return runAsBuildUser(ws, launcher, args, { env, cwd: ws.appDir, timeoutMs: options.timeoutMs ?? 60_000 });
}

/** What every lifecycle binary gets: the workspace's PATH and HOME, the platform API, no colours; then `extra`. */
function lifecycleEnv(ws: LifecycleWorkspace, extra: Record<string, string>): Record<string, string> {
  return { PATH: ws.path, HOME: ws.homeDir, CNB_PLATFORM_API: PLATFORM_API, CNB_NO_COLOR: 'true', ...extra };
}

/** Runs `binary` as the build user (through setpriv when we are root), timing it and joining its output. */
async function runAsBuildUser(
  ws: LifecycleWorkspace,
  binary: string,
  args: string[],
  options: { env: Record<string, string>; cwd: string; timeoutMs: number },
): Promise<Omit<PhaseResult, 'phase'>> {
  // setpriv (util-linux) drops to the build user without a shell or PAM in between.
  const [command, argv] =
    process.getuid?.() === 0
      ? [setprivPath(), [`--reuid=${ws.user.uid}`, `--regid=${ws.user.gid}`, '--clear-groups', '--', binary, ...args]]
      : [binary, args];
  const started = Date.now();
  const result = await spawnCollect(command, argv, options);
  return { ...result, output: result.stdout + result.stderr, durationMs: Date.now() - started };
}

/** Runs phases in order and stops after the first that fails. */
export async function runPhases(ws: LifecycleWorkspace, phases: readonly Phase[], options: RunOptions = {}): Promise<PhaseResult[]> {
  const results: PhaseResult[] = [];
  for (const phase of phases) {
    const result = await runPhase(ws, phase, options);
    results.push(result);
    if (result.code !== 0) break;
  }
  return results;
}

/** detect + build only: no previous image, no cache (what most buildpack tests need). */
export const DETECT_BUILD: readonly Phase[] = ['detector', 'builder'];
/** The whole build as pack runs it (analyze, detect, restore, build, export), exporting to the layout dir. */
export const FULL_BUILD: readonly Phase[] = ['analyzer', 'detector', 'restorer', 'builder', 'exporter'];

/**
 * Gets the workspace ready for the next build of the same app, as a new build container
 * would be: empty layers dir; the cache and the exported image (in the layout dir) stay.
 * `app` replaces the app dir's files when given.
 */
export function prepareRebuild(ws: LifecycleWorkspace, app?: Record<string, string | Buffer>): void {
  for (const name of readdirSync(ws.layersDir)) rmSync(join(ws.layersDir, name), { recursive: true, force: true });
  if (app) {
    for (const name of readdirSync(ws.appDir)) rmSync(join(ws.appDir, name), { recursive: true, force: true });
    writeFiles(ws.appDir, app);
    chownTree(ws.appDir, ws.user);
  }
}

export function disposeLifecycleWorkspace(ws: LifecycleWorkspace): void {
  rmSync(ws.root, { recursive: true, force: true });
}

interface Collected {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnCollect(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number },
): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
