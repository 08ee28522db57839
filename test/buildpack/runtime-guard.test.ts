// The bin shims' runtime guard (issues 14, 17): a Node.js older than the one the bundles are
// built for (runtime.json) is refused in one line on stderr, exit 1, nothing on stdout, by
// lib/node-guard.cjs inside the one node process the shim starts; the line names the version
// found, its path, the version needed and where to get it. detect without entries still answers
// 100 from the shell without starting node. The same line through the npm package's bin link is
// asserted in npm-package.test.ts.

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitLoader, emitNodeGuard } from '../../scripts/compile.ts';
import { repoRoot, runBuild, runDetect } from '../support/cnb.js';
import { workspacePerTest } from '../support/e2e.js';
import { refusalLine, SYSTEM_NODE, systemNode } from '../support/node-guard.js';

const pinned = (JSON.parse(readFileSync(join(repoRoot, 'runtime.json'), 'utf8')) as { version: string }).version;
const ENTRY = `[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool"\n`;
const SHIMS = ['build', 'detect', 'github-assets'] as const;
const kindOf = (shim: string) => (shim === 'github-assets' ? 'cli' : 'buildpack');

describe('the source checkout on the system Node.js, older than the pinned one', () => {
  const system = systemNode();
  const ws = workspacePerTest();
  const env = { PATH: '/usr/bin:/bin' };

  it('is really older, and is the node the shims find on that PATH (the premise of these tests)', () => {
    expect(Number(system.version.split('.')[0])).toBeLessThan(Number(pinned.split('.')[0]));
    expect(spawnSync('/bin/sh', ['-c', 'command -v node'], { env, encoding: 'utf8' }).stdout).toBe(`${SYSTEM_NODE}\n`);
    expect(existsSync(join(repoRoot, 'runtime'))).toBe(false);
  });

  it('bin/build says which Node.js it found, where, and which it needs, in one line instead of a SyntaxError', async () => {
    ws.writeApp({ 'project.toml': ENTRY });
    const result = await runBuild(ws, env);
    expect(result.stderr).toBe(refusalLine('buildpack', system.version, system.execPath, pinned));
    expect(result.stdout).toBe('');
    expect(result.code).toBe(1);
  });

  it('bin/detect refuses it the same way when there are entries, and still answers 100 from the shell when there are none', async () => {
    ws.writeApp({ 'project.toml': ENTRY });
    const result = await runDetect(ws, env);
    expect(result.stderr).toBe(refusalLine('buildpack', system.version, system.execPath, pinned));
    expect(result.stdout).toBe('');
    expect(result.code).toBe(1);
    ws.writeApp({ 'project.toml': '[project]\nid = "app"\n' });
    const none = await runDetect(ws, env);
    expect(none.output).toBe('');
    expect(none.code).toBe(100);
  });

  it('bin/github-assets refuses it with the advice for the CLI', () => {
    const result = spawnSync(join(repoRoot, 'bin', 'github-assets'), ['--version'], { encoding: 'utf8', env: { ...env, HOME: tmpdir() } });
    expect(result.stderr).toBe(refusalLine('cli', system.version, system.execPath, pinned));
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
  });
});

// A source checkout with the real shims, stand-in bundles that report that they ran, the real
// guard built for 26.10.0, and a stand-in node first on PATH: the pinned node, reporting the
// version FAKE_NODE_VERSION and its own path as process.execPath, leaving a mark that it started.
describe('version comparison, through the real shims and a stand-in node on PATH (built for 26.10.0)', () => {
  let bp = '';
  let standIn = '';
  let marks = '';
  const env = (version: string) => ({ PATH: `${join(bp, 'path')}:/usr/bin:/bin`, FAKE_NODE_VERSION: version });
  beforeAll(async () => {
    bp = mkdtempSync(join(tmpdir(), 'gha-guard-'));
    for (const dir of ['bin', 'lib', 'path', 'app']) mkdirSync(join(bp, dir));
    for (const shim of SHIMS) copyFileSync(join(repoRoot, 'bin', shim), join(bp, 'bin', shim));
    for (const bundle of ['build.cjs', 'detect.cjs', 'cli.mjs']) {
      writeFileSync(join(bp, 'lib', bundle), `console.log('ran ${bundle.split('.')[0]} ' + process.argv.slice(2).join(' '));\n`);
    }
    emitLoader(join(bp, 'lib'));
    await emitNodeGuard(join(bp, 'lib'), '26.10.0');
    standIn = join(bp, 'path', 'node');
    marks = join(bp, 'started');
    writeFileSync(
      join(bp, 'fake-version.cjs'),
      `Object.defineProperty(process.versions, 'node', { value: process.env.FAKE_NODE_VERSION });\nprocess.execPath = ${JSON.stringify(standIn)};\n`,
    );
    writeFileSync(
      standIn,
      `#!/bin/sh\necho started >>${JSON.stringify(marks)}\nexec ${JSON.stringify(process.execPath)} -r ${JSON.stringify(join(bp, 'fake-version.cjs'))} "$@"\n`,
    );
    chmodSync(standIn, 0o755);
    writeFileSync(join(bp, 'app', 'project.toml'), ENTRY);
  });
  afterAll(() => rmSync(bp, { recursive: true, force: true }));

  const run = (shim: string, version: string) =>
    spawnSync(join(bp, 'bin', shim), ['a1', 'a2'], { encoding: 'utf8', cwd: join(bp, 'app'), env: env(version) });

  it.each(['26.10.0', '26.10.1', '26.11.0', '27.0.0', '27.0.0-pre', '100.0.0'])(
    'runs each bundle on Node.js %s, with its arguments',
    (version) => {
      for (const shim of SHIMS) {
        const result = run(shim, version);
        expect({ shim, stderr: result.stderr }).toEqual({ shim, stderr: '' });
        expect(result.stdout).toBe(`ran ${shim === 'github-assets' ? 'cli' : shim} a1 a2\n`);
        expect(result.status).toBe(0);
      }
    },
  );

  // 26.2.0 sorts after 26.10.0 as text; a prerelease of the needed version is older than it.
  it.each(['26.2.0', '26.9.9', '26.10.0-pre', '26.10.0-nightly20260101abcdef', '25.99.99', '12.22.12', '9.0.0', 'garbage'])(
    'refuses Node.js %s from every shim',
    (version) => {
      for (const shim of SHIMS) {
        const result = run(shim, version);
        expect(result.stderr).toBe(refusalLine(kindOf(shim), version, standIn, '26.10.0'));
        expect(result.stdout).toBe('');
        expect(result.status).toBe(1);
      }
    },
  );

  it('refuses a node that reports no version as "of unknown version"', () => {
    for (const shim of SHIMS) {
      const result = run(shim, '');
      expect(result.stderr).toBe(refusalLine(kindOf(shim), 'of unknown version', standIn, '26.10.0'));
      expect(result.stdout).toBe('');
      expect(result.status).toBe(1);
    }
  });

  it('starts node once per run, and not at all for detect without entries', () => {
    rmSync(marks, { force: true });
    expect(run('build', '26.2.0').status).toBe(1);
    expect(run('detect', '26.10.0').status).toBe(0);
    expect(readFileSync(marks, 'utf8')).toBe('started\nstarted\n');
    rmSync(marks, { force: true });
    const empty = mkdtempSync(join(bp, 'empty-app-'));
    writeFileSync(join(empty, 'project.toml'), '[project]\nid = "app"\n');
    const none = spawnSync(join(bp, 'bin', 'detect'), [], { encoding: 'utf8', cwd: empty, env: env('26.2.0') });
    expect(none.stdout + none.stderr).toBe('');
    expect(none.status).toBe(100);
    expect(existsSync(marks)).toBe(false);
  });

  it('does not check the packaged runtime (runtime/bin/node): the package ships the version the bundles are built for', () => {
    mkdirSync(join(bp, 'runtime', 'bin'), { recursive: true });
    copyFileSync(standIn, join(bp, 'runtime', 'bin', 'node'));
    chmodSync(join(bp, 'runtime', 'bin', 'node'), 0o755);
    try {
      for (const shim of SHIMS) {
        const result = spawnSync(join(bp, 'bin', shim), ['a1'], {
          encoding: 'utf8',
          cwd: join(bp, 'app'),
          env: { PATH: '/usr/bin:/bin', FAKE_NODE_VERSION: '9.0.0' },
        });
        expect({ shim, stderr: result.stderr }).toEqual({ shim, stderr: '' });
        expect(result.stdout).toBe(`ran ${shim === 'github-assets' ? 'cli' : shim} a1\n`);
        expect(result.status).toBe(0);
      }
    } finally {
      rmSync(join(bp, 'runtime'), { recursive: true, force: true });
    }
  });
});
