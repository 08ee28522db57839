// Builds a Go main package from the repo (the grpc-probe sample's server) into
// .cache/go-build/<name>-<hash>/, keyed by the content of its sources, go.mod and go.sum,
// so warm runs reuse the binary. Test support only: needs `go` and the Go module proxy.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cnb.js';

/** Files whose content decides the binary: *.go, go.mod, go.sum at the top of `dir`. */
function sourceHash(dir: string): string {
  const hash = createHash('sha256');
  const names = readdirSync(dir).filter((n) => n.endsWith('.go') || n === 'go.mod' || n === 'go.sum').sort();
  for (const name of names) hash.update(`${name}\0`).update(readFileSync(join(dir, name))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * Returns the path of a static linux/amd64 build of the main package in `moduleDir`, building
 * it only when no binary exists for the current sources. `-mod=readonly` makes a stale go.sum
 * fail instead of being rewritten.
 */
export async function ensureGoBinary(moduleDir: string, name: string, timeoutMs = 300_000): Promise<string> {
  const outDir = join(repoRoot, '.cache', 'go-build', `${name}-${sourceHash(moduleDir)}`);
  const out = join(outDir, name);
  if (existsSync(out)) return out;
  mkdirSync(join(repoRoot, '.cache', 'go-build'), { recursive: true });
  const work = mkdtempSync(join(repoRoot, '.cache', 'go-build', `${name}-tmp-`));
  const env = { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOFLAGS: '-mod=readonly -buildvcs=false', GOTOOLCHAIN: 'local' };
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('go', ['build', '-trimpath', '-o', join(work, name), '.'], { cwd: moduleDir, env, timeout: timeoutMs }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`go build in ${moduleDir} failed: ${stderr || err.message}`));
        else resolve();
      });
    });
    // Renaming a file is atomic and replaces a binary another run may have finished meanwhile.
    mkdirSync(outDir, { recursive: true });
    renameSync(join(work, name), out);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
