// Runs scripts/package.ts for tests: into a temp out dir, optionally with stand-in bundles
// (until the real src/main entry points exist), and reports where each target landed.
// Never writes to the repo's dist/.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitLoader } from '../../scripts/compile.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface PackageRun {
  outDir: string;
  code: number | null;
  stderr: string;
  /** `<out>/linux-<arch>` */
  targetDir(arch: 'amd64' | 'arm64'): string;
}

/** Stand-in lib/: the real loader (lib/boot.cjs) and bundles that print which node runs them, then exit 0. */
export function writeStandInBundles(dir: string = mkdtempSync(join(tmpdir(), 'gha-lib-'))): string {
  mkdirSync(dir, { recursive: true });
  emitLoader(dir);
  for (const phase of ['detect', 'build']) {
    writeFileSync(
      join(dir, `${phase}.cjs`),
      `console.log(JSON.stringify({ phase: '${phase}', execPath: process.execPath, version: process.version, arch: process.arch, args: process.argv.slice(2) }));\n`,
    );
  }
  return dir;
}

export interface PackageOptions {
  arch?: 'amd64' | 'arm64' | 'all';
  /** Prebuilt bundles; omitted = compile src/main/ (the real buildpack). */
  lib?: string;
  archive?: boolean;
  outDir?: string;
}

export function runPackage(options: PackageOptions = {}): PackageRun {
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'gha-dist-'));
  const args = [join(repoRoot, 'scripts', 'package.ts'), '--out', outDir, '--arch', options.arch ?? 'amd64'];
  if (options.lib) args.push('--lib', options.lib);
  if (options.archive === false) args.push('--no-archive');
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  return {
    outDir,
    code: result.status,
    stderr: result.stderr,
    targetDir: (arch) => join(outDir, `linux-${arch}`),
  };
}
