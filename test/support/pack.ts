// The pack CLI (built from its Go module by scripts/pack.ts) for the one thing it can do
// here without Docker: `pack buildpack package --format file` on dist/multiarch.
// Test support only; runs pack with a throwaway HOME and no reachable Docker socket.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePack } from '../../scripts/pack.ts';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Builds (first time, ~1–2 min cold) or reuses pack; returns the binary path. */
export { ensurePack };

/**
 * Runs `pack buildpack package <outFile> --config package.toml --format file` from
 * `multiarchDir` (where pack expects buildpack.toml and linux/<arch>/). With several
 * [[targets]] pack writes one file per target: `<name>-linux-<arch>.cnb` next to `outFile`.
 */
export async function packageWithPack(multiarchDir: string, outFile: string): Promise<CommandResult> {
  const pack = await ensurePack();
  const home = mkdtempSync(join(tmpdir(), 'gha-pack-home-'));
  try {
    return await run(pack, ['buildpack', 'package', outFile, '--config', 'package.toml', '--format', 'file', '--no-color'], {
      cwd: multiarchDir,
      env: { PATH: process.env.PATH, HOME: home, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      timeoutMs: 10 * 60_000,
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
