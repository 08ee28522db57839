// The packaged buildpack (npm run package) under the real CNB lifecycle, as a non-root user,
// with no node on PATH: detect and build against the local GitHub stand-in, export to an OCI
// layout, then a rebuild where the restorer brings the cached layer back and nothing is
// downloaded. Finally the launcher runs the installed binary from the exported layers.

import TOML from '@iarna/toml';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExecutable, EXECUTABLE_OUTPUT, tarDirectory } from '../support/archives.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import {
  DETECT_BUILD,
  FULL_BUILD,
  createLifecycleWorkspace,
  disposeLifecycleWorkspace,
  ensureLifecycle,
  expectPhasesPassed,
  exportedLayers,
  prepareRebuild,
  runLauncher,
  runPhases,
  type LifecycleWorkspace,
} from '../support/lifecycle.js';
import { readLayoutImage } from '../support/oci-layout.js';
import { runPackage, type PackageRun } from '../support/package-build.js';

const TOKEN = 'ghp_lifecycleSecret0123456789';
const BP_ID = 'github-assets/buildpack';
let gh: FakeGitHub;
let pkg: PackageRun;
let fixtures: string;
const workspaces: LifecycleWorkspace[] = [];

const PROJECT = `[_]
schema-version = "0.2"
id = "lifecycle-app"

[[_.metadata.githubassets]]
repo = "grpc-ecosystem/grpc-health-probe"
asset = "grpc_health_probe-{os}-{arch}"
tag = "v0.4.41"
destination = "bin/grpc_health_probe"

[[_.metadata.githubassets]]
repo = "acme/private-toolchain"
asset = "toolchain-linux-amd64.tar.gz"
tag = "v0.1.0"
token_env = "TOOLCHAIN_TOKEN"
strip_components = 1
destination = "bin"
`;

beforeAll(async () => {
  await ensureLifecycle();
  pkg = runPackage({ arch: 'amd64', archive: false });
  expect(pkg.code, pkg.stderr).toBe(0);
  fixtures = mkdtempSync(join(tmpdir(), 'gha-lc-fixtures-'));
  const exe = buildExecutable(join(fixtures, 'exe'));
  mkdirSync(join(fixtures, 'toolchain', 'toolchain-0.1.0'), { recursive: true });
  copyFileSync(exe, join(fixtures, 'toolchain', 'toolchain-0.1.0', 'toolchain'));
  const tgz = tarDirectory(join(fixtures, 'toolchain'), join(fixtures, 'toolchain.tar.gz'), 'gzip');

  gh = await startFakeGitHub();
  gh.addRepo('grpc-ecosystem/grpc-health-probe');
  gh.addRelease('grpc-ecosystem/grpc-health-probe', {
    tag: 'v0.4.41',
    assets: [
      { name: 'grpc_health_probe-linux-amd64', content: { path: exe } },
      { name: 'grpc_health_probe-linux-arm64', content: 'arm64' },
    ],
  });
  gh.addRepo('acme/private-toolchain', { private: true });
  gh.addToken(TOKEN, { repos: ['acme/private-toolchain'] });
  gh.addRelease('acme/private-toolchain', { tag: 'v0.1.0', assets: [{ name: 'toolchain-linux-amd64.tar.gz', content: { path: tgz } }] });
}, 15 * 60_000);

afterAll(async () => {
  for (const ws of workspaces) disposeLifecycleWorkspace(ws);
  await gh?.close();
  rmSync(fixtures, { recursive: true, force: true });
  rmSync(pkg.outDir, { recursive: true, force: true });
});

function workspace(project = PROJECT): LifecycleWorkspace {
  // pack --env puts user values in <platform>/env; the lifecycle passes them to bin/build.
  const ws = createLifecycleWorkspace({
    buildpackDir: pkg.targetDir('amd64'),
    app: { 'project.toml': project },
    platformEnv: { GITHUB_API_URL: gh.apiUrl, TOOLCHAIN_TOKEN: TOKEN },
  });
  workspaces.push(ws);
  return ws;
}

describe('packaged buildpack under the real lifecycle', () => {
  it('detects, builds, exports, and on rebuild reuses the cached layers without downloading', async () => {
    const ws = workspace();
    const first = await runPhases(ws, FULL_BUILD);
    expectPhasesPassed(first, FULL_BUILD);

    const group = TOML.parse(readFileSync(ws.groupPath, 'utf8')) as { group: { id: string }[] };
    expect(group.group.map((g) => g.id)).toEqual([BP_ID]);

    const probe = join(ws.buildpackLayersDir, 'grpc-ecosystem_grpc-health-probe', 'bin', 'grpc_health_probe');
    const toolchain = join(ws.buildpackLayersDir, 'acme_private-toolchain', 'bin', 'toolchain');
    for (const path of [probe, toolchain]) {
      expect(execFileSync(path, { encoding: 'utf8' }).trim()).toBe(EXECUTABLE_OUTPUT);
      expect(statSync(path).mode & 0o777).toBe(0o755);
      expect(statSync(path).uid).toBe(ws.user.uid);
    }
    const layer = TOML.parse(readFileSync(join(ws.buildpackLayersDir, 'grpc-ecosystem_grpc-health-probe.toml'), 'utf8')) as {
      types: Record<string, boolean>;
      metadata: { entries: { tag: string; asset: string }[] };
    };
    expect(layer.types).toEqual({ launch: true, build: false, cache: true });
    expect(layer.metadata.entries[0]).toMatchObject({ tag: 'v0.4.41', asset: 'grpc_health_probe-linux-amd64' });

    const build = first.find((r) => r.phase === 'builder')!;
    expect(build.output).toContain(probe);
    expect(build.output).not.toContain(TOKEN);
    expect(gh.countRequests({ origin: 'download' })).toBe(2);

    // The exported image carries the layers, their SBOMs and the executables label.
    const image = readLayoutImage(ws.appImageDir);
    const labels = image.config.config.Labels ?? {};
    // (Absolute paths of this build's layers dir; /layers/... in a pack build.)
    expect(JSON.parse(labels['io.github-assets.executables'] ?? '[]').sort()).toEqual([probe, toolchain].sort());
    const layers = exportedLayers(ws, BP_ID);
    expect(Object.keys(layers).sort()).toEqual(['acme_private-toolchain', 'grpc-ecosystem_grpc-health-probe']);
    expect(JSON.stringify(image)).not.toContain(TOKEN);

    // Rebuild: the restorer brings back the cache layers; the buildpack reuses them.
    prepareRebuild(ws);
    gh.resetRequests();
    const second = await runPhases(ws, FULL_BUILD);
    expectPhasesPassed(second, FULL_BUILD);
    expect(gh.countRequests({ origin: 'download' })).toBe(0);
    const rebuild = second.find((r) => r.phase === 'builder')!;
    expect(rebuild.output.match(/Reused /g)?.length).toBe(2);
    expect(second.find((r) => r.phase === 'exporter')!.output).toMatch(
      /Reusing layer 'github-assets\/buildpack:grpc-ecosystem_grpc-health-probe'/,
    );
    // Same layers, bit for bit: the rebuild changed nothing in the image.
    expect(readLayoutImage(ws.appImageDir).layers).toEqual(image.layers);

    // At launch the layer's bin/ is on PATH through the launcher.
    const launched = await runLauncher(ws, ['--', 'grpc_health_probe']);
    expect({ code: launched.code, stdout: launched.stdout.trim() }).toEqual({ code: 0, stdout: EXECUTABLE_OUTPUT });
  });

  it('fails detect with the reason when project.toml has a typo, and skips apps without entries', async () => {
    const typo = workspace(PROJECT.replace('destination = "bin"\n', 'destinaton = "bin"\n'));
    const [detect] = await runPhases(typo, ['detector']);
    expect(detect!.code).toBe(21); // a buildpack errored
    expect(detect!.output).toContain('unknown key "destinaton"');

    const none = workspace('[_]\nschema-version = "0.2"\nid = "plain"\n');
    const [skip] = await runPhases(none, DETECT_BUILD);
    expect(skip!.code).toBe(20); // no group passed: the buildpack said "fail" (100)
  });
});
