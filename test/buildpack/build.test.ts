// bin/build end to end: real child processes with the CNB environment, a local GitHub
// stand-in, real archives and a real executable that is run after install.

import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { buildExecutable, EXECUTABLE_OUTPUT, tarDirectory, writeTree, zipDirectory, type TreeFiles } from '../support/archives.js';
import { startFakeGitHub } from '../support/fake-github/index.js';
import { fakeGitHubForFile, fixturesDirForFile, workspacePerTest } from '../support/e2e.js';
import { createWorkspace, runBuild } from '../support/cnb.js';
import { allFiles, simulateRestore } from '../support/layers.js';
import { seedProjectToml } from '../support/seed.js';

const TOKEN = 'ghp_e2eSecretToken0123456789abcdef';
const gh = await fakeGitHubForFile();
const fixtures = fixturesDirForFile('gha-e2e-fixtures-');
let exe: string;
const ws = workspacePerTest();

const SEED = seedProjectToml(TOKEN);

function fixture(name: string, files: TreeFiles): string {
  return writeTree(join(fixtures, `${name}.d`), files, { exe });
}

beforeAll(async () => {
  exe = buildExecutable(join(fixtures, 'exe'));

  const youtube = tarDirectory(
    fixture('youtubedr', { youtubedr: { exe: true }, LICENSE: 'MIT\n' }),
    join(fixtures, 'youtubedr.tar.gz'),
    'gzip',
  );
  gh.addRepo('kkdai/youtube');
  gh.addRelease('kkdai/youtube', { tag: 'v2.7.0', assets: [{ name: 'youtubedr_2.7.0_linux_arm64.tar.gz', content: { path: youtube } }] });

  gh.addRepo('qeek-dev/apitest-toolchain', { private: true });
  gh.addToken(TOKEN, { repos: ['qeek-dev/apitest-toolchain'] });
  gh.addRelease('qeek-dev/apitest-toolchain', {
    tag: 'v0.1.0',
    assets: [{ name: 'apitest-toolchain-linux-amd64', content: { path: exe } }],
  });
  gh.addRelease('qeek-dev/apitest-toolchain', {
    tag: 'v0.2.0',
    assets: [{ name: 'apitest-toolchain-linux-amd64', content: { path: exe } }],
  });

  gh.addRepo('grpc-ecosystem/grpc-health-probe');
  gh.addRelease('grpc-ecosystem/grpc-health-probe', {
    tag: 'v0.4.41',
    assets: [
      { name: 'grpc_health_probe-linux-amd64', content: { path: exe } },
      { name: 'grpc_health_probe-linux-arm64', content: 'arm64 binary' },
    ],
  });

  // A repo with archives whose content sits under a top-level directory.
  const nested = fixture('nested', {
    'tool-1.0/bin/tool': { exe: true },
    'tool-1.0/README.md': 'readme\n',
    'top-level-file': 'skipped by strip\n',
  });
  gh.addRepo('acme/nested');
  gh.addRelease('acme/nested', {
    tag: 'v1.0',
    assets: [
      { name: 'tool-1.0.tar.gz', content: { path: tarDirectory(nested, join(fixtures, 'nested.tar.gz'), 'gzip') } },
      { name: 'tool-1.0.zip', content: { path: zipDirectory(nested, join(fixtures, 'nested.zip')) } },
      { name: 'tool-1.0.tgz', content: readFileSync(join(fixtures, 'nested.tar.gz')).subarray(0, 300) },
      { name: 'tampered', content: 'not what the digest says', digest: `sha256:${'0'.repeat(64)}` },
    ],
  });
});

function env(extra: Record<string, string> = {}) {
  return { GITHUB_API_URL: gh.apiUrl, ...extra };
}

function layerToml(name: string): { types: Record<string, boolean>; metadata: { format: number; entries: Record<string, unknown>[] } } {
  return TOML.parse(readFileSync(join(ws.layersDir, `${name}.toml`), 'utf8')) as never;
}

function run(path: string): string {
  return execFileSync(path, { encoding: 'utf8' }).trim();
}

describe('bin/build with the original buildpack configuration', () => {
  it('installs all three assets into per-repo layers and prints their absolute paths', async () => {
    ws.writeApp({ 'project.toml': SEED });
    ws.setPlatformEnv('APITEST_TOOLCHAIN_TOKEN', TOKEN);
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);

    const probe = join(ws.layersDir, 'grpc-ecosystem_grpc-health-probe', 'bin', 'grpc_health_probe');
    const toolchain = join(ws.layersDir, 'qeek-dev_apitest-toolchain', 'bin', 'apitest-toolchain');
    const youtubedr = join(ws.layersDir, 'kkdai_youtube', 'bin', 'youtubedr');
    for (const path of [probe, toolchain, youtubedr]) {
      expect(run(path)).toBe(EXECUTABLE_OUTPUT);
      expect(statSync(path).mode & 0o777).toBe(0o755);
      expect(result.stdout).toContain(`    ${path}\n`);
    }
    expect(readFileSync(probe)).toEqual(readFileSync(exe));
    // The log: a header, a block per entry, the paths, a one-line summary; no colours off a TTY.
    expect(result.stdout.split('\n')[0]).toBe('GitHub Assets 0.1.0');
    expect(result.stdout).toMatch(/\n {2}Done in [\d.]+ m?s: 3 assets in 3 layers; 3 downloaded \([\d.]+ [KM]iB\)\.\n/);
    expect(result.output).not.toContain('\x1b[');
    expect(statSync(join(ws.layersDir, 'kkdai_youtube', 'bin', 'LICENSE')).mode & 0o777).toBe(0o644);

    const toml = layerToml('grpc-ecosystem_grpc-health-probe');
    expect(toml.types).toEqual({ launch: true, build: false, cache: true });
    expect(toml.metadata.entries[0]).toMatchObject({
      repo: 'grpc-ecosystem/grpc-health-probe',
      asset: 'grpc_health_probe-linux-amd64',
      tag: 'v0.4.41',
      destination: 'bin/grpc_health_probe',
      files: ['bin/grpc_health_probe'],
      executables: ['bin/grpc_health_probe'],
    });
    expect(toml.metadata.entries[0]!.sha256).toBe(execFileSync('sha256sum', [exe], { encoding: 'utf8' }).split(' ')[0]);
    // Scratch space is gone; only layers and their TOML remain.
    expect(readdirSync(ws.layersDir).sort()).toEqual([
      'grpc-ecosystem_grpc-health-probe',
      'grpc-ecosystem_grpc-health-probe.sbom.cdx.json',
      'grpc-ecosystem_grpc-health-probe.toml',
      'kkdai_youtube',
      'kkdai_youtube.sbom.cdx.json',
      'kkdai_youtube.toml',
      'launch.toml',
      'qeek-dev_apitest-toolchain',
      'qeek-dev_apitest-toolchain.sbom.cdx.json',
      'qeek-dev_apitest-toolchain.toml',
    ]);

    // An SBOM per layer and an image label listing the executables.
    const sbom = JSON.parse(readFileSync(join(ws.layersDir, 'grpc-ecosystem_grpc-health-probe.sbom.cdx.json'), 'utf8'));
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.components[0].purl).toBe('pkg:github/grpc-ecosystem/grpc-health-probe@v0.4.41');
    expect(sbom.components[0].hashes).toEqual([{ alg: 'SHA-256', content: toml.metadata.entries[0]!.sha256 }]);
    const launch = TOML.parse(readFileSync(join(ws.layersDir, 'launch.toml'), 'utf8')) as { labels: { key: string; value: string }[] };
    expect(launch.labels.map((l) => l.key)).toEqual(['io.github-assets.executables']);
    expect(JSON.parse(launch.labels[0]!.value).sort()).toEqual([youtubedr, toolchain, probe].sort());
  });

  it('sends the token only to the API, never to the download host, and writes it nowhere', async () => {
    ws.writeApp({ 'project.toml': SEED });
    ws.setPlatformEnv('APITEST_TOOLCHAIN_TOKEN', TOKEN);
    const result = await runBuild(ws, env({ BP_LOG_LEVEL: 'DEBUG' }));
    expect(result.code, result.output).toBe(0);
    const downloads = gh.requests.filter((r) => r.origin === 'download');
    expect(downloads.length).toBe(3);
    for (const r of downloads) expect(r.headers.authorization).toBeUndefined();
    expect(gh.requests.some((r) => r.origin === 'api' && r.headers.authorization?.includes(TOKEN))).toBe(true);

    expect(result.output).not.toContain(TOKEN);
    for (const file of allFiles(ws.layersRoot)) expect(readFileSync(file).includes(TOKEN), file).toBe(false);
    // The [[build.env]] value is blanked in the app dir's copy of project.toml (it ships in the image).
    expect(readFileSync(join(ws.appDir, 'project.toml'), 'utf8')).not.toContain(TOKEN);
    expect(result.output).toContain('a token is written in project.toml');
  });

  it('downloads the assets of different repos concurrently', async () => {
    ws.writeApp({ 'project.toml': SEED });
    ws.setPlatformEnv('APITEST_TOOLCHAIN_TOKEN', TOKEN);
    // Every download answers only after 2.5 s: sequential downloads would see one request at a time.
    gh.injectFault({ origin: 'download', delayMs: 2500, times: 3 });
    try {
      const build = runBuild(ws, env());
      const deadline = Date.now() + 20_000;
      while (gh.countRequests({ origin: 'download' }) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const firstSeen = Date.now();
      while (gh.countRequests({ origin: 'download' }) < 3 && Date.now() - firstSeen < 2000) await new Promise((r) => setTimeout(r, 20));
      expect(gh.countRequests({ origin: 'download' })).toBe(3); // all three in flight while the first is still held
      const result = await build;
      expect(result.code, result.output).toBe(0);
    } finally {
      gh.clearFaults();
    }
  });

  it('reads the token from the process env as well as from platform env files', async () => {
    ws.writeApp({ 'project.toml': SEED.replace(TOKEN, '') });
    const result = await runBuild(ws, env({ APITEST_TOOLCHAIN_TOKEN: TOKEN }));
    expect(result.code, result.output).toBe(0);
  });
});

describe('bin/build errors', () => {
  const PRIVATE = `[[metadata.githubassets]]\nrepo = "qeek-dev/apitest-toolchain"\ntoken_env = "TOOLCHAIN_TOKEN"\nasset = "apitest-toolchain-linux-amd64"\ntag = "v0.1.0"\n`;

  function expectNoLayers() {
    expect(readdirSync(ws.layersDir)).toEqual([]);
  }

  it('explains a private repo without a token (404) and points to token_env', async () => {
    ws.writeApp({ 'project.toml': PRIVATE });
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA010] githubassets[1] (qeek-dev/apitest-toolchain):');
    expect(result.output).toContain('TOOLCHAIN_TOKEN is not set in the build environment');
    expect(result.output).not.toMatch(/\n\s+at /); // no stack trace
    expectNoLayers();
  });

  it('explains a rejected token (401) without printing it', async () => {
    ws.writeApp({ 'project.toml': PRIVATE });
    ws.setPlatformEnv('TOOLCHAIN_TOKEN', 'ghp_wrongToken987654321\n');
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA011]');
    expect(result.output).toContain('$TOOLCHAIN_TOKEN');
    expect(result.output).not.toContain('ghp_wrongToken987654321');
    expectNoLayers();
  });

  it('lists the release assets when the asset name is wrong', async () => {
    ws.writeApp({
      'project.toml': `[[metadata.githubassets]]\nrepo = "grpc-ecosystem/grpc-health-probe"\nasset = "grpc_health_probe-linux-x86_64"\n`,
    });
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'ERROR [GHA014] githubassets[1] (grpc-ecosystem/grpc-health-probe): release v0.4.41 has no asset named "grpc_health_probe-linux-x86_64"; it has: grpc_health_probe-linux-amd64, grpc_health_probe-linux-arm64',
    );
    expectNoLayers();
  });

  it('fails on a truncated archive and leaves no partial layer', async () => {
    ws.writeApp({ 'project.toml': `[[metadata.githubassets]]\nrepo = "acme/nested"\ntag = "v1.0"\nasset = "tool-1.0.tgz"\n` });
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA041] githubassets[1] (acme/nested)');
    expectNoLayers();
  });

  it('refuses a download whose bytes do not match the GitHub digest', async () => {
    ws.writeApp({ 'project.toml': `[[metadata.githubassets]]\nrepo = "acme/nested"\ntag = "v1.0"\nasset = "tampered"\n` });
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA030]');
    expect(result.output).toContain('0'.repeat(64));
    expectNoLayers();
  });

  it('keeps the previous layer intact when a rebuild fails', async () => {
    ws.writeApp({
      'project.toml': `[[metadata.githubassets]]\nrepo = "acme/nested"\ntag = "v1.0"\nasset = "tool-1.0.tar.gz"\nstrip_components = 1\n`,
    });
    expect((await runBuild(ws, env())).code).toBe(0);
    const before = readFileSync(join(ws.layersDir, 'acme_nested', 'bin', 'tool'));
    simulateRestore(ws.layersDir);
    ws.writeApp({ 'project.toml': `[[metadata.githubassets]]\nrepo = "acme/nested"\ntag = "v1.0"\nasset = "tool-1.0.tgz"\n` });
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(readFileSync(join(ws.layersDir, 'acme_nested', 'bin', 'tool'))).toEqual(before);
    expect(readdirSync(ws.layersDir).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

describe('bin/build archives and layout', () => {
  it.each(['tool-1.0.tar.gz', 'tool-1.0.zip'])('honours strip_components for %s', async (asset) => {
    ws.writeApp({
      'project.toml': `[[metadata.githubassets]]\nrepo = "acme/nested"\ntag = "v1.0"\nasset = "${asset}"\nstrip_components = 1\ndestination = "opt/tool"\n`,
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    const layer = join(ws.layersDir, 'acme_nested');
    expect(run(join(layer, 'opt/tool/bin/tool'))).toBe(EXECUTABLE_OUTPUT);
    expect(readFileSync(join(layer, 'opt/tool/README.md'), 'utf8')).toBe('readme\n');
    expect(existsSync(join(layer, 'opt/tool/top-level-file'))).toBe(false);
    expect(result.stdout).toContain(join(layer, 'opt/tool/bin/tool'));
  });

  it('lets two assets of one repo share its layer', async () => {
    ws.writeApp({
      'project.toml': `[[metadata.githubassets]]\nrepo = "acme/nested"\ntag = "v1.0"\nasset = "tool-1.0.tar.gz"\nstrip_components = 1\ndestination = "a"\n[[metadata.githubassets]]\nrepo = "acme/nested"\ntag = "v1.0"\nasset = "tool-1.0.zip"\nstrip_components = 1\ndestination = "b"\n`,
    });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    const layer = join(ws.layersDir, 'acme_nested');
    expect(run(join(layer, 'a/bin/tool'))).toBe(EXECUTABLE_OUTPUT);
    expect(run(join(layer, 'b/bin/tool'))).toBe(EXECUTABLE_OUTPUT);
    expect(layerToml('acme_nested').metadata.entries.map((e) => e.asset)).toEqual(['tool-1.0.tar.gz', 'tool-1.0.zip']);
  });

  it('refuses two entries that install the same path', async () => {
    ws.writeApp({
      'project.toml': `[[metadata.githubassets]]\nrepo = "acme/nested"\ntag = "v1.0"\nasset = "tool-1.0.tar.gz"\n[[metadata.githubassets]]\nrepo = "acme/nested"\ntag = "v1.0"\nasset = "tool-1.0.zip"\n`,
    });
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'ERROR [GHA045] githubassets[2] (acme/nested): "tool-1.0/README.md" is also installed by githubassets[1] (acme/nested)',
    );
    expect(readdirSync(ws.layersDir)).toEqual([]);
  });
});

describe('verification', () => {
  const sha = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]!;
  let good: string;

  beforeAll(() => {
    good = sha(exe);
    gh.addRepo('acme/verified');
    gh.addRelease('acme/verified', {
      tag: 'v1.0.0',
      assets: [
        { name: 'tool_1.0.0_linux_amd64', content: { path: exe }, digest: null },
        { name: 'tool_1.0.0_linux_arm64', content: 'arm', digest: null },
        { name: 'tool_1.0.0_checksums.txt', content: `${good}  tool_1.0.0_linux_amd64\n${'1'.repeat(64)}  tool_1.0.0_linux_arm64\n` },
      ],
    });
    gh.addRelease('acme/verified', {
      tag: 'v1.0.1',
      assets: [
        { name: 'tool_1.0.1_linux_amd64', content: { path: exe }, digest: null },
        { name: 'tool_1.0.1_checksums.txt', content: `${'2'.repeat(64)} *tool_1.0.1_linux_amd64\n` },
      ],
    });
  });

  const entry = (tag: string, extra = '') =>
    `[[metadata.githubassets]]\nrepo = "acme/verified"\ntag = "${tag}"\nasset = "tool_{version}_{os}_{arch}"\n${extra}`;

  it('checks the release checksums file and a pinned sha256, and says so', async () => {
    ws.writeApp({ 'project.toml': entry('v1.0.0', `sha256 = "${good}"\n`) });
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('matches pinned sha256, tool_1.0.0_checksums.txt');
  });

  it('refuses an asset that disagrees with the checksums file, installing nothing', async () => {
    ws.writeApp({ 'project.toml': entry('v1.0.1') });
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA030] githubassets[1] (acme/verified)');
    expect(result.output).toContain('2'.repeat(64));
    expect(result.output).toContain(good);
    expect(readdirSync(ws.layersDir)).toEqual([]);
  });

  it('refuses an asset that disagrees with the pinned sha256', async () => {
    ws.writeApp({ 'project.toml': entry('v1.0.0', `sha256 = "${'3'.repeat(64)}"\n`) });
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA030]');
    expect(result.output).toContain('pinned sha256');
    expect(readdirSync(ws.layersDir)).toEqual([]);
  });

  it('fails entries without a pinned sha256 in strict mode', async () => {
    ws.writeApp({ 'project.toml': entry('v1.0.0') });
    const result = await runBuild(ws, env({ GITHUB_ASSETS_STRICT: 'true' }));
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA031]');
    expect(result.output).toContain(`sha256 = "${good}"`);
    ws.writeApp({ 'project.toml': entry('v1.0.0', `sha256 = "${good}"\n`) });
    expect((await runBuild(ws, env({ GITHUB_ASSETS_STRICT: 'true' }))).code).toBe(0);
  });
});

describe('multi-arch', () => {
  beforeAll(() => {
    const amd = tarDirectory(fixture('tool-amd64', { 'tool/tool': { exe: true } }), join(fixtures, 'tool-amd64.tar.gz'), 'gzip');
    const arm = tarDirectory(
      fixture('tool-arm64', { 'tool/tool': '#!/bin/sh\necho arm64 build\n' }),
      join(fixtures, 'tool-arm64.tar.gz'),
      'gzip',
    );
    gh.addRepo('acme/multi');
    gh.addRelease('acme/multi', {
      tag: 'v1.2.3',
      assets: [
        { name: 'tool_1.2.3_linux_x86_64.tar.gz', content: { path: amd } },
        { name: 'tool_1.2.3_linux_arm64.tar.gz', content: { path: arm } },
        { name: 'tool_1.2.3_darwin_arm64.tar.gz', content: 'mac' },
        { name: 'tool_1.2.3_windows_amd64.zip', content: 'win' },
        { name: 'tool_1.2.3_linux_arm64.tar.gz.sig', content: 'sig' },
        { name: 'tool_1.2.3_linux_amd64.deb', content: 'deb' },
        { name: 'checksums.txt', content: 'nothing listed\n' },
      ],
    });
  });

  const PROJECT = `[[metadata.githubassets]]\nrepo = "acme/multi"\ntag = "^1.2"\nasset = "tool_{version}_{os}_{arch}.tar.gz"\nstrip_components = 1\ndestination = "bin"\n`;

  it('one unchanged project.toml installs the amd64 archive for amd64 and the arm64 archive for arm64', async () => {
    ws.writeApp({ 'project.toml': PROJECT });
    const amd = await runBuild(ws, env({ CNB_TARGET_ARCH: 'amd64' }));
    expect(amd.code, amd.output).toBe(0);
    expect(amd.stdout).toContain('tool_1.2.3_linux_x86_64.tar.gz');
    expect(amd.stdout).toContain('Release   v1.2.3 (from tag = "^1.2")');
    expect(run(join(ws.layersDir, 'acme_multi', 'bin', 'tool'))).toBe(EXECUTABLE_OUTPUT);

    const arm = createWorkspace();
    try {
      arm.writeApp({ 'project.toml': PROJECT });
      const result = await runBuild(arm, env({ CNB_TARGET_ARCH: 'arm64' }));
      expect(result.code, result.output).toBe(0);
      expect(result.stdout).toContain('tool_1.2.3_linux_arm64.tar.gz');
      expect(readFileSync(join(arm.layersDir, 'acme_multi', 'bin', 'tool'), 'utf8')).toBe('#!/bin/sh\necho arm64 build\n');
    } finally {
      arm.cleanup();
    }
  });

  it('a pattern without {arch} that matches several platforms fails and suggests {arch}', async () => {
    ws.writeApp({ 'project.toml': PROJECT.replace('tool_{version}_{os}_{arch}.tar.gz', 'tool_{version}_linux_*.tar.gz') });
    const result = await runBuild(ws, env());
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA015] githubassets[1] (acme/multi)');
    expect(result.output).toContain('Add {arch}');
    expect(readdirSync(ws.layersDir)).toEqual([]);
  });
});

describe('GitHub Enterprise Server', () => {
  it('uses GITHUB_API_URL with the /api/v3 prefix', async () => {
    const ghes = await startFakeGitHub({ apiPrefix: '/api/v3' });
    try {
      ghes.addRepo('corp/tool', { private: true });
      ghes.addToken('ghes_token_1234567890', { repos: ['corp/tool'] });
      ghes.addRelease('corp/tool', { tag: 'v1', assets: [{ name: 'tool', content: { path: exe } }] });
      ws.writeApp({ 'project.toml': `[[metadata.githubassets]]\nrepo = "corp/tool"\nasset = "tool"\n` });
      const result = await runBuild(ws, { GITHUB_API_URL: ghes.apiUrl, GITHUB_TOKEN: 'ghes_token_1234567890' });
      expect(result.code, result.output).toBe(0);
      expect(ghes.apiUrl).toMatch(/\/api\/v3$/);
      expect(run(join(ws.layersDir, 'corp_tool', 'bin', 'tool'))).toBe(EXECUTABLE_OUTPUT);
      expect(ghes.requests.filter((r) => r.origin === 'api').every((r) => r.path.startsWith('/api/v3/'))).toBe(true);
    } finally {
      await ghes.close();
    }
  });
});

describe('rebuilds', () => {
  it('reuses unchanged layers as the restorer leaves them and downloads nothing', async () => {
    ws.writeApp({ 'project.toml': SEED });
    ws.setPlatformEnv('APITEST_TOOLCHAIN_TOKEN', TOKEN);
    expect((await runBuild(ws, env())).code).toBe(0);
    const firstToml = layerToml('kkdai_youtube');

    simulateRestore(ws.layersDir);
    gh.resetRequests();
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(gh.countRequests({ origin: 'download' })).toBe(0);
    expect(gh.countRequests((r) => r.origin === 'api' && /\/releases\/assets\//.test(r.path))).toBe(0);
    expect(result.stdout.match(/Reused /g)?.length).toBe(3);
    expect(result.stdout).toMatch(/Done in [\d.]+ m?s: 3 assets in 3 layers; 3 reused from the previous build\./);
    expect(layerToml('kkdai_youtube')).toEqual(firstToml);
    expect(run(join(ws.layersDir, 'kkdai_youtube', 'bin', 'youtubedr'))).toBe(EXECUTABLE_OUTPUT);
  });

  it('re-downloads only the entry whose tag changed', async () => {
    ws.writeApp({ 'project.toml': SEED });
    ws.setPlatformEnv('APITEST_TOOLCHAIN_TOKEN', TOKEN);
    expect((await runBuild(ws, env())).code).toBe(0);
    simulateRestore(ws.layersDir);
    ws.writeApp({ 'project.toml': SEED.replace('tag = "v0.1.0"', 'tag = "v0.2.0"') });
    gh.resetRequests();
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(gh.countRequests({ origin: 'download' })).toBe(1);
    expect(result.stdout).toContain('release changed from v0.1.0 to v0.2.0');
    expect(layerToml('qeek-dev_apitest-toolchain').metadata.entries[0]!.tag).toBe('v0.2.0');
  });

  it('confirms latest, exact tags and ranges with free conditional requests (304) on rebuild', async () => {
    const project = SEED.replace('destination = "bin/grpc_health_probe"', 'destination = "bin/grpc_health_probe"\ntag = "~0.4"');
    ws.writeApp({ 'project.toml': project });
    ws.setPlatformEnv('APITEST_TOOLCHAIN_TOKEN', TOKEN);
    expect((await runBuild(ws, env())).code).toBe(0);
    simulateRestore(ws.layersDir);
    gh.resetRequests();
    const result = await runBuild(ws, env({ BP_LOG_LEVEL: 'DEBUG' }));
    expect(result.code, result.output).toBe(0);
    const api = gh.requests.filter((r) => r.origin === 'api');
    // One conditional request per entry (latest, exact tag, range list), nothing else.
    expect(api.map((r) => r.path.replace(/\?.*/, '')).sort()).toEqual([
      '/repos/grpc-ecosystem/grpc-health-probe/releases',
      '/repos/kkdai/youtube/releases/latest',
      '/repos/qeek-dev/apitest-toolchain/releases/tags/v0.1.0',
    ]);
    for (const r of api) expect(r.headers['if-none-match'], r.path).toMatch(/^W\/"/);
    expect(result.stdout.match(/unchanged \(304\)/g)?.length).toBe(3);
    expect(gh.countRequests({ origin: 'download' })).toBe(0);
  });

  it('notices a new latest release despite the recorded ETag', async () => {
    ws.writeApp({ 'project.toml': `[[metadata.githubassets]]\nrepo = "acme/moving"\nasset = "tool"\n` });
    gh.addRepo('acme/moving');
    gh.addRelease('acme/moving', { tag: 'v1', assets: [{ name: 'tool', content: { path: exe } }] });
    expect((await runBuild(ws, env())).code).toBe(0);
    gh.addRelease('acme/moving', { tag: 'v2', assets: [{ name: 'tool', content: { path: exe } }] });
    simulateRestore(ws.layersDir);
    gh.resetRequests();
    const result = await runBuild(ws, env());
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('release changed from v1 to v2');
    expect(gh.countRequests({ origin: 'download' })).toBe(1);
  });

  it('reuses an exact-tag layer with a warning when the API cannot be reached', async () => {
    const exact = `[[metadata.githubassets]]\nrepo = "grpc-ecosystem/grpc-health-probe"\ntag = "v0.4.41"\nasset = "grpc_health_probe-linux-amd64"\n`;
    ws.writeApp({ 'project.toml': exact });
    expect((await runBuild(ws, env())).code).toBe(0);
    simulateRestore(ws.layersDir);
    gh.injectFault({ origin: 'api', reset: true, times: Infinity });
    try {
      const result = await runBuild(ws, env({ GITHUB_ASSETS_RETRIES: '0' }));
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain('WARNING: githubassets[1] (grpc-ecosystem/grpc-health-probe): the GitHub API could not be reached');
      expect(result.stdout).toContain('Reused ');
      expect(run(join(ws.layersDir, 'grpc-ecosystem_grpc-health-probe', 'bin', 'grpc_health_probe-linux-amd64'))).toBe(EXECUTABLE_OUTPUT);

      // latest cannot be confirmed offline: that is an error, not a silent reuse.
      ws.writeApp({ 'project.toml': exact.replace('tag = "v0.4.41"\n', '') });
      simulateRestore(ws.layersDir);
      const latest = await runBuild(ws, env({ GITHUB_ASSETS_RETRIES: '0' }));
      expect(latest.code).toBe(1);
      expect(latest.output).toContain('ERROR [GHA020]');
    } finally {
      gh.clearFaults();
    }
  });

  it('removes layers of entries that are gone from project.toml', async () => {
    ws.writeApp({ 'project.toml': SEED });
    ws.setPlatformEnv('APITEST_TOOLCHAIN_TOKEN', TOKEN);
    expect((await runBuild(ws, env())).code).toBe(0);
    simulateRestore(ws.layersDir);
    ws.writeApp({
      'project.toml': `[[metadata.githubassets]]\nrepo = "grpc-ecosystem/grpc-health-probe"\nasset = "grpc_health_probe-linux-amd64"\ndestination = "bin/grpc_health_probe"\n`,
    });
    expect((await runBuild(ws, env())).code).toBe(0);
    expect(readdirSync(ws.layersDir).sort()).toEqual([
      'grpc-ecosystem_grpc-health-probe',
      'grpc-ecosystem_grpc-health-probe.sbom.cdx.json',
      'grpc-ecosystem_grpc-health-probe.toml',
      'launch.toml',
    ]);
  });
});
