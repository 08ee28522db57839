// The arm64 package under qemu user-mode emulation: its runtime is a real aarch64 Node.js of
// the pinned version, and its bin/detect runs on it. Uses the real bundles once src/main/
// has detect.ts and build.ts, stand-ins until then.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runPackage, writeStandInBundles, type PackageRun } from '../support/package-build.js';
import { elfMachine, findArm64Emulator, runArm64Phase, runUnderQemu } from '../support/qemu.js';

const pinned = (JSON.parse(readFileSync(join(repoRoot, 'runtime.json'), 'utf8')) as { version: string }).version;
const realBundles = ['detect.ts', 'build.ts'].every((f) => existsSync(join(repoRoot, 'src', 'main', f)));
const cleanup: string[] = [];
let run: PackageRun;

const SAMPLE_PROJECT = `[_]
schema-version = "0.2"

[[_.metadata.githubassets]]
repo = "grpc-ecosystem/grpc-health-probe"
asset = "grpc_health_probe-linux-arm64"
tag = "v0.4.40"
destination = "bin"
`;

beforeAll(() => {
  findArm64Emulator(); // fail early with the apt-get line if qemu or the sysroot is missing
  const lib = realBundles ? undefined : writeStandInBundles();
  run = runPackage({ arch: 'arm64', archive: false, ...(lib ? { lib } : {}) });
  cleanup.push(run.outDir, ...(lib ? [lib] : []));
  expect(run.code, run.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('arm64 package under qemu', () => {
  it('ships an aarch64 Node.js of the pinned version', () => {
    const node = join(run.targetDir('arm64'), 'runtime', 'bin', 'node');
    expect(elfMachine(node)).toBe(183);
    const result = runUnderQemu(node, ['-e', 'console.log(process.arch, process.version)']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`arm64 v${pinned}\n`);
  });

  it('passes detect on an app with githubassets entries', () => {
    const app = mkdtempSync(join(tmpdir(), 'gha-arm64-app-'));
    cleanup.push(app);
    writeFileSync(join(app, 'project.toml'), SAMPLE_PROJECT);
    const scratch = mkdtempSync(join(tmpdir(), 'gha-arm64-plan-'));
    cleanup.push(scratch);
    const plan = join(scratch, 'plan.toml');
    writeFileSync(plan, '');
    const result = runArm64Phase(run.targetDir('arm64'), 'detect', {
      appDir: app,
      args: ['/platform', plan],
      env: {
        CNB_BUILD_PLAN_PATH: plan,
        CNB_PLATFORM_DIR: '/nonexistent',
        CNB_TARGET_OS: 'linux',
        CNB_TARGET_ARCH: 'arm64',
        GITHUB_ASSETS_TIMING: '1',
      },
    });
    expect(result.code, result.stderr).toBe(0);
    // The code cache was trained by this runtime (under qemu at packaging): V8 accepts it.
    expect(result.stderr).toContain('github-assets code cache: detect accepted\n');
    if (!realBundles) {
      expect(JSON.parse(result.stdout)).toMatchObject({ phase: 'detect', arch: 'arm64', version: `v${pinned}` });
    }
  });
});
