// The npm package of the CLI: `npm pack` ships exactly the files the CLI needs, the package
// declares no runtime dependencies (lib/cli.mjs bundles them), and the packed tarball installs
// offline into an empty directory where `github-assets --version` and `check --offline` work.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cnb.js';
import { refusalLine, SYSTEM_NODE, systemNode } from '../support/node-guard.js';

interface PackResult {
  filename: string;
  files: { path: string; mode: number }[];
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown> & {
  version: string;
  name: string;
  engines: { node: string };
};
const buildpackVersion = /^version = "([^"]+)"/m.exec(readFileSync(join(repoRoot, 'buildpack.toml'), 'utf8'))![1]!;
const pinned = (JSON.parse(readFileSync(join(repoRoot, 'runtime.json'), 'utf8')) as { version: string }).version;
const cleanup: string[] = [];

// npm test has already compiled lib/; --ignore-scripts skips the prepack compile.
function npm(args: string[], cwd: string, extraEnv: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', ...extraEnv },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('package.json for the npm registry', () => {
  it('is publishable, with the CLI as its only bin and no runtime dependencies (the bundle holds them)', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ 'github-assets': 'bin/github-assets' });
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.version).toBe(buildpackVersion);
    expect(pkg.publishConfig).toMatchObject({ access: 'public', provenance: true });
  });

  it('states the Node.js the shim enforces: the runtime the bundles are built for (runtime.json)', () => {
    expect(pkg.engines.node).toBe(`>=${pinned}`);
  });
});

describe('npm pack', () => {
  it('lists exactly the files the CLI needs', () => {
    const [result] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' }),
    ) as PackResult[];
    expect(result!.files.map((f) => f.path).sort()).toEqual([
      'CHANGELOG.md',
      'README.md',
      'bin/github-assets',
      'buildpack.toml',
      'lib/cli.mjs',
      'lib/cli.mjs.LEGAL.txt',
      'lib/node-guard.cjs',
      'package.json',
    ]);
    expect(result!.files.find((f) => f.path === 'bin/github-assets')!.mode & 0o777).toBe(0o755);
  });
});

describe('the packed tarball, installed offline into an empty directory', () => {
  let project = '';
  let bin = '';

  beforeAll(() => {
    const out = temp('gha-npm-pack-');
    const packed = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', out], repoRoot);
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = join(out, (JSON.parse(packed.stdout) as PackResult[])[0]!.filename);
    project = temp('gha-npm-install-');
    writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "version": "1.0.0", "private": true }\n');
    // An empty cache and --offline: the install can only succeed if the package needs nothing else.
    const installed = npm(
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', temp('gha-npm-cache-'), tarball],
      project,
    );
    expect(installed.code, installed.stderr).toBe(0);
    bin = join(project, 'node_modules', '.bin', 'github-assets');
  }, 120_000);

  it('installs the package alone, without a dependency tree', () => {
    expect(
      readdirSync(join(project, 'node_modules'))
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual([pkg.name]);
  });

  it('runs github-assets --version through the npm bin link', () => {
    const result = spawnSync(bin, ['--version'], { cwd: project, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`github-assets ${buildpackVersion}\n`);
    const viaNpx = npm(['exec', '--offline', '--', 'github-assets', '--version'], project);
    expect(viaNpx.stdout).toBe(`github-assets ${buildpackVersion}\n`);
  });

  it('validates a sample with check --offline', () => {
    copyFileSync(join(repoRoot, 'samples', 'grpc-probe', 'project.toml'), join(project, 'project.toml'));
    const result = spawnSync(bin, ['check', '--offline'], {
      cwd: project,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('project.toml: 1 entry validated offline');
    expect(result.stdout).toContain('OK: every entry is valid.');
  });

  it('refuses the system Node.js, older than engines, in one line through the npm bin link', () => {
    // The same guard and message as from a source checkout (test/e2e/runtime-guard.test.ts).
    const old = temp('gha-old-node-');
    symlinkSync(SYSTEM_NODE, join(old, 'node'));
    const system = systemNode();
    const result = spawnSync(bin, ['--version'], { cwd: project, encoding: 'utf8', env: { PATH: `${old}:/usr/bin:/bin` } });
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(refusalLine('cli', system.version, system.execPath, pinned));
    expect(result.status).toBe(1);
  });
});
