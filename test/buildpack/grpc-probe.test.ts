// The grpc-probe sample for real: the actual grpc_health_probe (built from its Go module) is
// served as a release asset by the local GitHub stand-in, installed by bin/build from
// samples/grpc-probe/project.toml, then run by its absolute layer path, with the arguments of
// the sample's Kubernetes probes, against the sample's gRPC server.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ensureGoBinary } from '../../scripts/go-build.ts';
import { ensureProbe, PROBE_VERSION } from '../../scripts/probe.ts';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { createWorkspace, repoRoot, runBuild, type PhaseResult, type Workspace } from '../support/cnb.js';

const SAMPLE = join(repoRoot, 'samples', 'grpc-probe');
const PROBE_REPO = 'grpc-ecosystem/grpc-health-probe';
/** Where pack puts this buildpack's layers in the image; the workspace's layers root stands in for it. */
const IMAGE_LAYERS_ROOT = '/layers';
const IMAGE_PROBE_PATH = '/layers/github-assets_buildpack/grpc-ecosystem_grpc-health-probe/bin/grpc_health_probe';
// grpc_health_probe's documented exit codes (README "Exit codes").
const EXIT_CONNECTION_FAILURE = 2;
const EXIT_UNHEALTHY = 4;

let gh: FakeGitHub;
let ws: Workspace;
let armWs: Workspace;
let probes: { amd64: string; arm64: string };
let serverBin: string;
let build: PhaseResult;
let server: RunningServer | undefined;

interface RunningServer {
  child: ChildProcess;
  port: number;
  /** Resolves when stdout has a line matching `pattern` (from now on), rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Starts the sample server on a free loopback port and waits until it listens. */
async function startServer(): Promise<RunningServer> {
  const child = spawn(serverBin, [], { env: { HOST: '127.0.0.1', PORT: '0', PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  const waiters: Array<{ pattern: RegExp; from: number; resolve: (line: string) => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      const line = buffered
        .slice(w.from)
        .split('\n')
        .find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d;
    check();
  });
  child.stderr!.on('data', (d: Buffer) => {
    buffered += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitForLine = (pattern: RegExp, timeoutMs = 10_000, from = buffered.length) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not print ${pattern} within ${timeoutMs} ms; output so far:\n${buffered}`)),
        timeoutMs,
      );
      waiters.push({
        pattern,
        from,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      check();
    });
  const listening = await waitForLine(/^listening on 127\.0\.0\.1:\d+$/, 15_000, 0);
  const port = Number(/:(\d+)$/.exec(listening)![1]);
  return { child, port, waitForLine: (pattern, timeoutMs) => waitForLine(pattern, timeoutMs), exited };
}

/** Runs a command (the probe), bounded by a timeout, and reports its exit code and output. */
function runProbe(command: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    execFile(file!, args, { timeout: 20_000, env: { PATH: '/usr/bin:/bin' } }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!err) return resolve({ code: 0, output });
      if (err.killed) return reject(new Error(`${file} did not finish within 20 s: ${output}`));
      if (typeof err.code === 'number') return resolve({ code: err.code, output });
      reject(err);
    });
  });
}

/** The exec command of a probe in the sample's Deployment. */
function manifestProbeCommand(kind: 'readinessProbe' | 'livenessProbe'): string[] {
  const manifest = parseYaml(readFileSync(join(SAMPLE, 'k8s', 'deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: Array<Record<string, { exec: { command: string[] } }>> } } };
  };
  return manifest.spec.template.spec.containers[0]![kind]!.exec.command;
}

/**
 * The manifest's probe command as it runs here: the image's /layers becomes the workspace's
 * layers root and `-addr=:5000` the server's loopback port. Nothing else changes.
 */
function localProbeCommand(port: number): string[] {
  const [path, ...args] = manifestProbeCommand('readinessProbe');
  expect(path!.startsWith(`${IMAGE_LAYERS_ROOT}/`)).toBe(true);
  expect(args).toContain('-addr=:5000');
  return [ws.layersRoot + path!.slice(IMAGE_LAYERS_ROOT.length), ...args.map((a) => (a === '-addr=:5000' ? `-addr=127.0.0.1:${port}` : a))];
}

/** The absolute paths listed under "Installed executables" in a build's output. */
function printedExecutables(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith('Installed executables'));
  if (start < 0) return [];
  const paths: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^ {4}(\/\S+)$/.exec(line);
    if (!m) break;
    paths.push(m[1]!);
  }
  return paths;
}

beforeAll(async () => {
  // The three builds run in parallel; each is cached, so warm runs take well under a second.
  const serverBuild = ensureGoBinary(join(SAMPLE, 'server'), 'grpc-probe-server');
  const [amd64, arm64] = await Promise.all([ensureProbe('amd64'), ensureProbe('arm64')]);
  probes = { amd64, arm64 };
  serverBin = await serverBuild;

  gh = await startFakeGitHub();
  gh.addRepo(PROBE_REPO);
  const assets = { 'grpc_health_probe-linux-amd64': probes.amd64, 'grpc_health_probe-linux-arm64': probes.arm64 };
  gh.addRelease(PROBE_REPO, {
    tag: `v${PROBE_VERSION}`,
    assets: [
      ...Object.entries(assets).map(([name, path]) => ({ name, content: { path } })),
      // The checksums file the real release ships, so the build verifies against it too.
      {
        name: 'checksums.txt',
        content: Object.entries(assets)
          .map(([name, path]) => `${sha256(path)}  ${name}\n`)
          .join(''),
      },
    ],
  });

  ws = createWorkspace();
  cpSync(SAMPLE, ws.appDir, { recursive: true });
  build = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl });
}, 900_000);

afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await Promise.race([server.exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
  await gh?.close();
  ws?.cleanup();
  armWs?.cleanup();
});

describe('samples/grpc-probe: install grpc_health_probe and probe the sample gRPC server', () => {
  it('bin/build installs the real probe and prints the absolute path the Deployment uses', () => {
    expect(build.code, build.output).toBe(0);
    const installed = join(ws.layersDir, 'grpc-ecosystem_grpc-health-probe', 'bin', 'grpc_health_probe');
    expect(printedExecutables(build.stdout)).toEqual([installed]);
    expect(sha256(installed)).toBe(sha256(probes.amd64));
    expect(statSync(installed).mode & 0o777).toBe(0o755);

    // The printed path, moved from the workspace's layers root to the image's /layers, is
    // exactly what both probes of the Deployment, the README and project.toml name.
    const inImage = IMAGE_LAYERS_ROOT + installed.slice(ws.layersRoot.length);
    expect(inImage).toBe(IMAGE_PROBE_PATH);
    expect(manifestProbeCommand('readinessProbe')).toEqual([IMAGE_PROBE_PATH, '-addr=:5000']);
    expect(manifestProbeCommand('livenessProbe')).toEqual([IMAGE_PROBE_PATH, '-addr=:5000']);
    expect(readFileSync(join(SAMPLE, 'README.md'), 'utf8')).toContain(IMAGE_PROBE_PATH);
    expect(readFileSync(join(SAMPLE, 'project.toml'), 'utf8')).toContain(IMAGE_PROBE_PATH);
    expect(localProbeCommand(1)[0]).toBe(installed);
  });

  it('the probe, run by its absolute layer path, exits 0 while the server reports SERVING', async () => {
    server = await startServer();
    const result = await runProbe(localProbeCommand(server.port));
    expect(result, result.output).toEqual({ code: 0, output: 'status: SERVING\n' });
  });

  it(`exits ${EXIT_UNHEALTHY} while the server reports NOT_SERVING, and 0 again once it recovers`, async () => {
    const command = localProbeCommand(server!.port);
    let changed = server!.waitForLine(/^health: NOT_SERVING$/);
    server!.child.kill('SIGUSR1');
    await changed;
    const unhealthy = await runProbe(command);
    expect(unhealthy.code, unhealthy.output).toBe(EXIT_UNHEALTHY);
    expect(unhealthy.output).toContain('service unhealthy (responded with "NOT_SERVING")');
    // The named service the server also registers reports the same.
    const named = await runProbe([...command, '-service=example.GrpcProbe']);
    expect(named.code, named.output).toBe(EXIT_UNHEALTHY);

    changed = server!.waitForLine(/^health: SERVING$/);
    server!.child.kill('SIGUSR1');
    await changed;
    const recovered = await runProbe(command);
    expect(recovered, recovered.output).toEqual({ code: 0, output: 'status: SERVING\n' });
  });

  it(`exits ${EXIT_CONNECTION_FAILURE} once the server is stopped`, async () => {
    const command = localProbeCommand(server!.port);
    server!.child.kill('SIGTERM');
    const exit = await Promise.race([
      server!.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('server did not stop within 10 s of SIGTERM')), 10_000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    const down = await runProbe(command);
    expect(down.code, down.output).toBe(EXIT_CONNECTION_FAILURE);
    expect(down.output).toContain(`failed to connect service "127.0.0.1:${server!.port}"`);
  });

  it('installs the arm64 build for an arm64 target from the same project.toml', async () => {
    armWs = createWorkspace();
    cpSync(SAMPLE, armWs.appDir, { recursive: true });
    const result = await runBuild(armWs, { GITHUB_API_URL: gh.apiUrl, CNB_TARGET_ARCH: 'arm64' });
    expect(result.code, result.output).toBe(0);
    const installed = join(armWs.layersDir, 'grpc-ecosystem_grpc-health-probe', 'bin', 'grpc_health_probe');
    expect(printedExecutables(result.stdout)).toEqual([installed]);
    const bytes = readFileSync(installed);
    expect(sha256(installed)).toBe(sha256(probes.arm64));
    // ELF e_machine (offset 18, little-endian): 0xB7 is AArch64, 0x3E would be x86-64.
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(bytes.readUInt16LE(18)).toBe(0xb7);
  });
});
