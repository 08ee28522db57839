// The bin shims' runtime guard (issue 14): a Node.js older than the one the bundles are built
// for (lib/node-version, from runtime.json) is refused in one line that says which version
// was found, which is needed, and that the packaged buildpack ships its own; the detect fast
// path still answers 100 from the shell.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkspace, repoRoot, runBuild, runDetect } from '../support/cnb.js';

const pinned = (JSON.parse(readFileSync(join(repoRoot, 'runtime.json'), 'utf8')) as { version: string }).version;
const SYSTEM_NODE = '/usr/bin/node';
const systemVersion = spawnSync(SYSTEM_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
const ENTRY = `[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool"\n`;

const refusal = (found: string, node: string) =>
  `github-assets: Node.js ${found} at ${node} is older than ${pinned}, the version this buildpack is built for; ` +
  `the packaged buildpack ships its own Node.js ${pinned} (npm run package), or put Node.js >= ${pinned} first on PATH\n`;

describe('with the system Node.js, older than the pinned one', () => {
  it('is really older (the premise of these tests)', () => {
    expect(lib()).toBe(`${pinned}\n`);
    expect(Number(systemVersion.split('.')[0])).toBeLessThan(Number(pinned.split('.')[0]));
  });

  it('bin/build says which Node.js it found and which it needs, in one line, instead of a SyntaxError', async () => {
    const ws = createWorkspace();
    try {
      ws.writeApp({ 'project.toml': ENTRY });
      const result = await runBuild(ws, { PATH: '/usr/bin:/bin' });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(refusal(systemVersion, SYSTEM_NODE));
    } finally {
      ws.cleanup();
    }
  });

  it('bin/detect refuses it the same way when there are entries, and still answers 100 from the shell when there are none', async () => {
    const ws = createWorkspace();
    try {
      ws.writeApp({ 'project.toml': ENTRY });
      const result = await runDetect(ws, { PATH: '/usr/bin:/bin' });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(refusal(systemVersion, SYSTEM_NODE));
      ws.writeApp({ 'project.toml': '[project]\nid = "app"\n' });
      const none = await runDetect(ws, { PATH: '/usr/bin:/bin' });
      expect(none.code).toBe(100);
      expect(none.output).toBe('');
    } finally {
      ws.cleanup();
    }
  });

  it('bin/github-assets refuses it the same way', () => {
    const result = spawnSync(join(repoRoot, 'bin', 'github-assets'), ['--version'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: tmpdir() } });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(refusal(systemVersion, SYSTEM_NODE));
  });
});

function lib(): string {
  return readFileSync(join(repoRoot, 'lib', 'node-version'), 'utf8');
}

describe('version comparison, through the real shims and a stand-in runtime', () => {
  let bp: string;
  beforeAll(() => {
    bp = mkdtempSync(join(tmpdir(), 'gha-guard-'));
    mkdirSync(join(bp, 'bin'));
    mkdirSync(join(bp, 'lib'));
    mkdirSync(join(bp, 'runtime', 'bin'), { recursive: true });
    for (const shim of ['build', 'detect', 'github-assets']) copyFileSync(join(repoRoot, 'bin', shim), join(bp, 'bin', shim));
    for (const bundle of ['build.mjs', 'detect.mjs', 'cli.mjs']) writeFileSync(join(bp, 'lib', bundle), '');
    writeFileSync(join(bp, 'lib', 'node-version'), '26.10.0\n');
    // Answers --version with $FAKE_NODE_VERSION; otherwise reports that the bundle would run.
    writeFileSync(join(bp, 'runtime', 'bin', 'node'), '#!/bin/sh\nif [ "$1" = --version ]; then echo "v$FAKE_NODE_VERSION"; exit 0; fi\necho ran\n');
    chmodSync(join(bp, 'runtime', 'bin', 'node'), 0o755);
  });
  afterAll(() => rmSync(bp, { recursive: true, force: true }));

  const shim = (name: string, version: string) =>
    spawnSync(join(bp, 'bin', name), [], { encoding: 'utf8', cwd: bp, env: { PATH: '/usr/bin:/bin', FAKE_NODE_VERSION: version, GITHUB_ASSETS_PATH: join(bp, 'lib', 'node-version') } });

  it.each(['26.10.0', '26.10.1', '26.11.0', '27.0.0', '27.0.0-pre', '100.0.0'])('runs the bundle on Node.js %s', (version) => {
    for (const name of ['build', 'github-assets']) {
      const result = shim(name, version);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('ran\n');
      expect(result.status).toBe(0);
    }
  });

  it.each(['26.9.9', '26.2.0', '25.99.99', '9.0.0', ''])('refuses Node.js "%s"', (version) => {
    for (const name of ['build', 'github-assets']) {
      const result = shim(name, version);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^github-assets: Node\.js (\S+|of unknown version) at .*\/runtime\/bin\/node is older than 26\.10\.0, the version this buildpack is built for; the packaged buildpack ships its own Node\.js 26\.10\.0/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
