// Runs the arm64 package on an amd64 host: qemu-aarch64 user-mode emulation with Debian's
// arm64 cross libraries as the sysroot (the arm64 node binary is dynamically linked).
// Works without binfmt_misc; never touches the host's emulator registration.

import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFreeBin } from './sandbox-path.js';

/** Debian packages CI needs for this (bookworm names). */
const ARM64_DEBIAN_PACKAGES = ['qemu-user', 'libc6-arm64-cross', 'libstdc++6-arm64-cross', 'libatomic1-arm64-cross'] as const;

export interface Arm64Emulator {
  qemu: string;
  /** Prefix holding lib/ld-linux-aarch64.so.1 and the libraries node needs (qemu -L). */
  sysroot: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const SYSROOT = '/usr/aarch64-linux-gnu';
const NEEDED = ['ld-linux-aarch64.so.1', 'libc.so.6', 'libstdc++.so.6', 'libgcc_s.so.1', 'libatomic.so.1'];

/** Finds qemu-aarch64 and the arm64 sysroot, or throws naming the packages to install. */
export function findArm64Emulator(): Arm64Emulator {
  const qemu = ['/usr/bin/qemu-aarch64', '/usr/bin/qemu-aarch64-static'].find((p) => existsSync(p));
  const missing = NEEDED.filter((lib) => !existsSync(join(SYSROOT, 'lib', lib)));
  if (!qemu || missing.length > 0) {
    const what = [...(qemu ? [] : ['qemu-aarch64']), ...missing.map((l) => `${SYSROOT}/lib/${l}`)].join(', ');
    throw new Error(`arm64 emulation unavailable (missing ${what}); apt-get install -y ${ARM64_DEBIAN_PACKAGES.join(' ')}`);
  }
  return { qemu, sysroot: SYSROOT };
}

/** ELF e_machine of a binary: 183 = AArch64, 62 = x86-64. */
export function elfMachine(binary: string): number {
  const header = readFileSync(binary).subarray(0, 20);
  if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${binary} is not an ELF file`);
  return header.readUInt16LE(18);
}

/** Runs an aarch64 binary under qemu. */
export function runUnderQemu(binary: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const { qemu, sysroot } = findArm64Emulator();
  const result = spawnSync(qemu, ['-L', sysroot, binary, ...args], {
    cwd: options.cwd,
    env: options.env ?? { PATH: '/usr/bin:/bin' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Copies an arm64 package dir (dist/linux-arm64) into a temp dir, moving its node to
 * runtime/bin/node.aarch64 and putting a wrapper at runtime/bin/node that runs it under
 * qemu, so the unchanged bin/ shims start the arm64 runtime. Returns the copy's path.
 */
function emulatedPackage(packageDir: string): string {
  const { qemu, sysroot } = findArm64Emulator();
  const node = join(packageDir, 'runtime', 'bin', 'node');
  if (elfMachine(node) !== 183) throw new Error(`${node} is not an aarch64 binary`);
  const dir = mkdtempSync(join(tmpdir(), 'gha-arm64-'));
  cpSync(packageDir, dir, { recursive: true, filter: (src) => src !== node });
  const real = join(dir, 'runtime', 'bin', 'node.aarch64');
  try {
    linkSync(node, real);
  } catch {
    copyFileSync(node, real);
  }
  const wrapper = join(dir, 'runtime', 'bin', 'node');
  writeFileSync(wrapper, `#!/bin/sh\nexec '${qemu}' -L '${sysroot}' '${real}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return dir;
}

export interface Arm64PhaseOptions {
  appDir: string;
  /** Environment for the shim (CNB_* variables…); PATH defaults to a node-free tool dir. */
  env?: NodeJS.ProcessEnv;
  /** Positional args; the lifecycle passes `<platform> <plan>` to detect. */
  args?: string[];
}

/** Runs `sh bin/<phase>` of an arm64 package under emulation, in `appDir`. */
export function runArm64Phase(packageDir: string, phase: 'detect' | 'build', options: Arm64PhaseOptions): RunResult {
  const dir = emulatedPackage(packageDir);
  try {
    const result = spawnSync('/bin/sh', [join(dir, 'bin', phase), ...(options.args ?? [])], {
      cwd: options.appDir,
      env: { PATH: nodeFreeBin(dir), ...options.env, CNB_BUILDPACK_DIR: dir },
      encoding: 'utf8',
      timeout: 180_000,
    });
    return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
