// bin/build with entries that leave out `asset`: automatic selection against the local GitHub
// stand-in, for amd64 and arm64 targets (CNB_TARGET_ARCH), with a musl/glibc pair, packages and
// signatures in the release; the right bytes land, the log and layer metadata say why, a rebuild
// downloads nothing, and a release with two programs fails listing the candidates.

import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { buildExecutable, EXECUTABLE_OUTPUT, tarDirectory, writeTree, type TreeFiles } from '../support/archives.js';
import { fakeGitHubForFile, fixturesDirForFile, workspacePerTest } from '../support/e2e.js';
import { createWorkspace, runBuild, runCli } from '../support/cnb.js';
import { simulateRestore } from '../support/layers.js';

const gh = await fakeGitHubForFile();
const fixtures = fixturesDirForFile('gha-e2e-auto-');
let exe: string;
const ws = workspacePerTest();

const ARM_SCRIPT = '#!/bin/sh\necho arm64 gnu build\n';

function archive(name: string, files: TreeFiles): string {
  const dir = writeTree(join(fixtures, `${name}.d`), files, { exe, textMode: 0o755 });
  return tarDirectory(dir, join(fixtures, `${name}.tar.gz`), 'gzip');
}

beforeAll(async () => {
  exe = buildExecutable(join(fixtures, 'exe'));

  // Shaped like a ripgrep release: musl and glibc for amd64, glibc only for arm64, plus things that are never programs.
  gh.addRepo('acme/grep');
  gh.addRelease('acme/grep', {
    tag: '14.1.1',
    assets: [
      {
        name: 'grep-14.1.1-x86_64-unknown-linux-musl.tar.gz',
        content: { path: archive('musl', { 'grep-14.1.1-x86_64-unknown-linux-musl/grep': { exe: true } }) },
      },
      { name: 'grep-14.1.1-x86_64-unknown-linux-musl.tar.gz.sha256', content: 'sum' },
      {
        name: 'grep-14.1.1-x86_64-unknown-linux-gnu.tar.gz',
        content: { path: archive('gnu', { 'grep-14.1.1-x86_64-unknown-linux-gnu/grep': 'wrong: the glibc build\n' }) },
      },
      {
        name: 'grep-14.1.1-aarch64-unknown-linux-gnu.tar.gz',
        content: { path: archive('arm', { 'grep-14.1.1-aarch64-unknown-linux-gnu/grep': ARM_SCRIPT }) },
      },
      { name: 'grep-14.1.1-aarch64-linux-android.tar.gz', content: 'android' },
      { name: 'grep-14.1.1-x86_64-apple-darwin.tar.gz', content: 'mac' },
      { name: 'grep-14.1.1-x86_64-pc-windows-msvc.zip', content: 'win' },
      { name: 'grep_14.1.1-1_amd64.deb', content: 'deb' },
      { name: 'grep_14.1.1-1_arm64.deb', content: 'deb' },
    ],
  });

  gh.addRepo('acme/kubectx');
  gh.addRelease('acme/kubectx', {
    tag: 'v0.9.5',
    assets: [
      { name: 'kubectx_v0.9.5_linux_x86_64.tar.gz', content: { path: archive('kubectx', { kubectx: { exe: true } }) } },
      { name: 'kubens_v0.9.5_linux_x86_64.tar.gz', content: { path: archive('kubens', { kubens: '#!/bin/sh\necho kubens\n' }) } },
      { name: 'kubectx_v0.9.5_linux_arm64.tar.gz', content: 'arm' },
      { name: 'kubens_v0.9.5_linux_arm64.tar.gz', content: 'arm' },
      { name: 'checksums.txt', content: 'nothing listed\n' },
    ],
  });
});

const env = (extra: Record<string, string> = {}) => ({ GITHUB_API_URL: gh.apiUrl, ...extra });

function records(layersDir: string, name: string): Record<string, unknown>[] {
  return (TOML.parse(readFileSync(join(layersDir, `${name}.toml`), 'utf8')) as { metadata: { entries: Record<string, unknown>[] } })
    .metadata.entries;
}

const GREP = '[[metadata.githubassets]]\nrepo = "acme/grep"\ntag = "~14.1"\nstrip_components = 1\ndestination = "bin"\n';

describe('bin/build with an entry without asset', () => {
  it('installs the static musl build for amd64, says why, and a rebuild downloads nothing', async () => {
    ws.writeApp({ 'project.toml': GREP });
    const result = await runBuild(ws, env({ CNB_TARGET_ARCH: 'amd64' }));
    expect(result.code, result.output).toBe(0);
    const grep = join(ws.layersDir, 'acme_grep', 'bin', 'grep');
    expect(readFileSync(grep)).toEqual(readFileSync(exe));
    expect(execFileSync(grep, { encoding: 'utf8' }).trim()).toBe(EXECUTABLE_OUTPUT);
    expect(result.stdout).toContain('Asset     grep-14.1.1-x86_64-unknown-linux-musl.tar.gz');
    expect(result.stdout).toContain(
      'Picked    automatically: libc: the musl build (static or musl builds preferred: the run image may differ from the build image; set libc = "gnu" to prefer glibc builds)',
    );
    // The libc rule decided, so its reason already names the policy: no second line.
    expect(result.stdout).not.toContain('Policy    libc:');
    expect(records(ws.layersDir, 'acme_grep')[0]).toMatchObject({
      asset: 'grep-14.1.1-x86_64-unknown-linux-musl.tar.gz',
      asset_spec: '',
      selected_by: 'auto:libc',
      selection_reason: expect.stringMatching(/^libc: the musl build/),
    });
    // Only the chosen asset and its .sha256 file were fetched; selection itself cost no request:
    // the same API lookups as an entry that names its asset.
    expect(gh.countRequests({ origin: 'download' })).toBe(2);
    const apiCalls = gh.countRequests({ origin: 'api' });
    const named = createWorkspace();
    try {
      named.writeApp({ 'project.toml': `${GREP}asset = "grep-{version}-x86_64-unknown-linux-musl.tar.gz"\n` });
      gh.resetRequests();
      expect((await runBuild(named, env({ CNB_TARGET_ARCH: 'amd64' }))).code).toBe(0);
      expect(gh.countRequests({ origin: 'api' })).toBe(apiCalls);
    } finally {
      named.cleanup();
    }

    simulateRestore(ws.layersDir);
    gh.resetRequests();
    const again = await runBuild(ws, env({ CNB_TARGET_ARCH: 'amd64' }));
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toContain('Reused    grep-14.1.1-x86_64-unknown-linux-musl.tar.gz 14.1.1 from the previous build');
    expect(gh.countRequests({ origin: 'download' })).toBe(0);
    expect(gh.countRequests((r) => r.origin === 'api' && /\/releases\/assets\//.test(r.path))).toBe(0);
  });

  it('installs the glibc build for arm64 (the only arm64 build), never the Android one', async () => {
    ws.writeApp({ 'project.toml': GREP });
    const result = await runBuild(ws, env({ CNB_TARGET_ARCH: 'arm64' }));
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(ws.layersDir, 'acme_grep', 'bin', 'grep'), 'utf8')).toBe(ARM_SCRIPT);
    expect(result.stdout).toContain('Asset     grep-14.1.1-aarch64-unknown-linux-gnu.tar.gz');
    expect(result.stdout).toContain('so the run image needs glibc');
    expect(result.stdout).toContain(
      'Policy    libc: static or musl builds preferred: the run image may differ from the build image; set libc = "gnu" to prefer glibc builds',
    );
  });

  it('refuses the glibc-only arm64 release for an Alpine run image (CNB_TARGET_DISTRO_NAME) with GHA018 and installs nothing', async () => {
    ws.writeApp({ 'project.toml': GREP });
    const result = await runBuild(
      ws,
      env({ CNB_TARGET_ARCH: 'arm64', CNB_TARGET_DISTRO_NAME: 'alpine', CNB_TARGET_DISTRO_VERSION: '3.20' }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'ERROR [GHA018] githubassets[1] (acme/grep): automatic selection found no asset for linux/arm64 in release 14.1.1: only glibc builds exist for linux/arm64, and the run image (alpine 3.20) has no glibc',
    );
    expect(result.output).toContain('set libc = "gnu" if the run image has glibc');
    expect(gh.countRequests({ origin: 'download' })).toBe(0);
    expect(readdirSync(ws.layersDir).filter((n) => n.startsWith('acme_'))).toEqual([]);
  });

  it('libc = "gnu" installs the glibc build, and changing it re-selects on rebuild', async () => {
    ws.writeApp({ 'project.toml': GREP });
    expect((await runBuild(ws, env({ CNB_TARGET_ARCH: 'amd64' }))).code).toBe(0);
    simulateRestore(ws.layersDir);
    ws.writeApp({ 'project.toml': `${GREP}libc = "gnu"\n` });
    const result = await runBuild(ws, env({ CNB_TARGET_ARCH: 'amd64' }));
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(ws.layersDir, 'acme_grep', 'bin', 'grep'), 'utf8')).toBe('wrong: the glibc build\n');
    expect(records(ws.layersDir, 'acme_grep')[0]).toMatchObject({
      asset: 'grep-14.1.1-x86_64-unknown-linux-gnu.tar.gz',
      selection_reason: expect.stringContaining('libc = "gnu" (set in the entry)'),
    });
  });

  it('fails a release with two programs, listing the candidates and both ways to choose; matching settles it', async () => {
    ws.writeApp({ 'project.toml': '[[metadata.githubassets]]\nrepo = "acme/kubectx"\n' });
    const result = await runBuild(ws, env({ CNB_TARGET_ARCH: 'amd64' }));
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'ERROR [GHA015] githubassets[1] (acme/kubectx): cannot choose an asset for linux/amd64 automatically in release v0.9.5: the release has 2 linux/amd64 builds of different programs (kubectx, kubens); candidates: kubectx_v0.9.5_linux_x86_64.tar.gz, kubens_v0.9.5_linux_x86_64.tar.gz',
    );
    expect(result.output).toContain('asset = "kubectx_v{version}_{os}_{arch}.tar.gz"');
    expect(result.output).toContain('matching = "kubectx"');
    expect(gh.countRequests({ origin: 'download' })).toBe(0);

    ws.writeApp({ 'project.toml': '[[metadata.githubassets]]\nrepo = "acme/kubectx"\nmatching = "kubens"\ndestination = "bin"\n' });
    const chosen = await runBuild(ws, env({ CNB_TARGET_ARCH: 'amd64' }));
    expect(chosen.code, chosen.output).toBe(0);
    expect(readFileSync(join(ws.layersDir, 'acme_kubectx', 'bin', 'kubens'), 'utf8')).toBe('#!/bin/sh\necho kubens\n');
  });
});

function cli(cwd: string, args: string[]) {
  return runCli(args, { cwd, env: { GITHUB_API_URL: gh.apiUrl } });
}

describe('github-assets check and pin with an entry without asset', () => {
  it('check shows the pick and the rule (table and JSON); --offline shows it as automatic', async () => {
    ws.writeApp({ 'project.toml': GREP });
    const table = await cli(ws.appDir, ['check', '--arch', 'amd64']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/\n1\s+acme\/grep\s+14\.1\.1 \(~14\.1\)\s+grep-14\.1\.1-x86_64-unknown-linux-musl\.tar\.gz \(auto\)\s/);
    expect(table.stdout).toContain('#1 picked automatically: libc: the musl build (static or musl builds preferred');
    const json = JSON.parse((await cli(ws.appDir, ['check', '--json', '--arch', 'arm64'])).stdout);
    expect(json.entries[0]).toMatchObject({
      asset: 'grep-14.1.1-aarch64-unknown-linux-gnu.tar.gz',
      selection: { rule: 'auto:only-candidate', reason: expect.stringContaining('needs glibc') },
    });
    const offline = JSON.parse((await cli(ws.appDir, ['check', '--offline', '--json'])).stdout);
    expect(offline.entries[0]).toMatchObject({ asset: '(automatic)', paths: [] });
    expect(offline.ok).toBe(true);

    // --offline knows the selection keys: valid ones pass, bad ones fail with the entry's GHA003.
    ws.writeApp({ 'project.toml': `${GREP}libc = "musl"\nmatching = "grep-*"\n` });
    expect((await cli(ws.appDir, ['check', '--offline'])).code).toBe(0);
    for (const [extra, message] of [
      ['libc = "glibc"\n', 'libc = "glibc" must be "gnu" or "musl"'],
      ['asset = "grep.tar.gz"\nmatching = "grep"\n', 'matching = "grep" has no effect next to asset = "grep.tar.gz"'],
    ]) {
      ws.writeApp({ 'project.toml': `${GREP}${extra}` });
      const bad = await cli(ws.appDir, ['check', '--offline', '--json']);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'GHA003', entry: 'githubassets[1] (acme/grep)', message });
    }
  });

  it('pin writes the picked names per architecture, and the pinned file builds the same bytes', async () => {
    ws.writeApp({ 'project.toml': GREP });
    const pinned = await cli(ws.appDir, ['pin']);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stdout).toContain('picked automatically (libc: the musl build');
    const text = readFileSync(join(ws.appDir, 'project.toml'), 'utf8');
    expect(text).toContain('[metadata.githubassets.arch.amd64]\nasset = "grep-{version}-x86_64-unknown-linux-musl.tar.gz"\nsha256 = "');
    expect(text).toContain('[metadata.githubassets.arch.arm64]\nasset = "grep-{version}-aarch64-unknown-linux-gnu.tar.gz"\nsha256 = "');
    const result = await runBuild(ws, env({ CNB_TARGET_ARCH: 'amd64' }));
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(ws.layersDir, 'acme_grep', 'bin', 'grep'))).toEqual(readFileSync(exe));
    expect(result.stdout).not.toContain('Picked    automatically');
  });
});
