// scripts/check-version.ts: buildpack.toml [buildpack] version must equal package.json version.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/package-build.js';

const script = join(repoRoot, 'scripts', 'check-version.ts');
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(buildpackToml: string, packageVersion: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gha-version-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'buildpack.toml'), buildpackToml);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: packageVersion }));
  return dir;
}

function check(root?: string) {
  return spawnSync(process.execPath, [script, ...(root ? ['--root', root] : [])], { encoding: 'utf8' });
}

describe('check-version', () => {
  it('passes on this repository and prints the version', () => {
    const result = check();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('passes when both files agree', () => {
    const result = check(project('api = "0.10"\n[buildpack]\nid = "a/b"\nversion = "1.2.3"\n', '1.2.3'));
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('1.2.3\n');
  });

  it('fails naming both versions when they differ', () => {
    const result = check(project('[buildpack]\nid = "a/b"\nversion = "1.2.3"\n', '1.2.4'));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'check-version: version mismatch: buildpack.toml [buildpack] version is "1.2.3" but package.json version is "1.2.4"; set both to the release version\n',
    );
  });

  it('fails when buildpack.toml has no version', () => {
    const result = check(project('[buildpack]\nid = "a/b"\n', '1.2.3'));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('check-version: buildpack.toml has no [buildpack] version\n');
  });

  it('does not read a version from another table', () => {
    const result = check(project('[metadata]\nversion = "1.2.3"\n[buildpack]\nid = "a/b"\nversion = "9.9.9"\n', '1.2.3'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"9.9.9"');
  });
});
