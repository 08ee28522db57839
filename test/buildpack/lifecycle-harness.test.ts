// Proves the lifecycle harness (test/support/lifecycle.ts) with a shell fixture buildpack:
// the real lifecycle detects and builds as a non-root user, exports to an OCI layout, and a
// rebuild gets cached layer contents and launch-only metadata back.

import TOML from '@iarna/toml';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_ID, writeFixtureBuildpack } from '../support/fixture-buildpack.js';
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
import { runPackage, writeStandInBundles } from '../support/package-build.js';

const workspaces: LifecycleWorkspace[] = [];
let fixtureDir = '';

beforeAll(async () => {
  await ensureLifecycle();
  fixtureDir = writeFixtureBuildpack();
  return () => rmSync(fixtureDir, { recursive: true, force: true });
}, 15 * 60_000);

afterEach(() => {
  for (const ws of workspaces.splice(0)) disposeLifecycleWorkspace(ws);
});

function workspace(app: Record<string, string>): LifecycleWorkspace {
  const ws = createLifecycleWorkspace({ buildpackDir: fixtureDir, app, platformEnv: { FOO: 'bar' } });
  workspaces.push(ws);
  return ws;
}

describe('lifecycle harness', () => {
  it('detects and builds with the real lifecycle as a non-root user, without node on PATH', async () => {
    const ws = workspace({ 'fixture.txt': 'hi\n' });
    const results = await runPhases(ws, DETECT_BUILD);
    expectPhasesPassed(results, DETECT_BUILD);

    const group = TOML.parse(readFileSync(ws.groupPath, 'utf8')) as { group: { id: string; version: string }[] };
    expect(group.group).toEqual([expect.objectContaining({ id: FIXTURE_ID, version: '1.0.0' })]);
    expect(readFileSync(ws.planPath, 'utf8')).toContain('name = "fixture"');

    const layerToml = TOML.parse(readFileSync(join(ws.buildpackLayersDir, 'tool.toml'), 'utf8'));
    expect(layerToml).toEqual({ types: { launch: true, cache: true }, metadata: { build: 1, foo: 'bar' } });
    const tool = join(ws.buildpackLayersDir, 'tool', 'bin', 'tool');
    expect(readFileSync(tool, 'utf8')).toBe('#!/bin/sh\necho fixture tool\n');
    expect(statSync(tool).mode & 0o777).toBe(0o755);
    expect(statSync(tool).uid).toBe(ws.user.uid);

    const build = results[1]!;
    expect(build.output).toContain('restored tool.toml: none');
    expect(build.output).toMatch(/fixture build #1 arch=(amd64|arm64) node=none/);

    // At launch the layer's bin/ is on PATH (via the launcher only).
    const launched = await runLauncher(ws, ['--', 'tool']);
    expect({ code: launched.code, stdout: launched.stdout }).toEqual({ code: 0, stdout: 'fixture tool\n' });
  });

  it('reports no passing group (exit 20) when detect answers fail', async () => {
    const ws = workspace({ 'other.txt': 'x' });
    const [detect] = await runPhases(ws, DETECT_BUILD);
    expect(detect!.code).toBe(20);
    expect(detect!.output).toContain('No buildpack groups passed detection.');
    expect(existsSync(join(ws.buildpackLayersDir, 'tool.toml'))).toBe(false);
  });

  it('exports to an OCI layout, then restores cache contents and launch metadata on rebuild', async () => {
    const ws = workspace({ 'fixture.txt': 'hi\n' });
    const first = await runPhases(ws, FULL_BUILD);
    expectPhasesPassed(first, FULL_BUILD);
    expect(first[0]!.output).toContain('Image with name');
    const firstLayers = exportedLayers(ws, FIXTURE_ID);
    expect(firstLayers.tool).toMatchObject({ launch: true, cache: true, data: { build: 1, foo: 'bar' } });
    expect(firstLayers.meta).toMatchObject({ launch: true, data: { first: true } });

    prepareRebuild(ws);
    const second = await runPhases(ws, FULL_BUILD);
    expectPhasesPassed(second, FULL_BUILD);
    const [, , restore, build, exporter] = second;
    expect(restore!.output).toContain(`Restoring metadata for "${FIXTURE_ID}:tool" from app image`);
    expect(restore!.output).toContain(`Restoring data for "${FIXTURE_ID}:tool" from cache`);
    expect(restore!.output).toContain(`Restoring metadata for "${FIXTURE_ID}:meta" from app image`);
    // Restored TOMLs hold [metadata] only; the buildpack must restate [types] to keep a layer.
    // Integers come back as floats (the metadata round-trips through the image label's JSON):
    // keep numbers that must compare exactly as strings.
    expect(build!.output).toContain('restored tool.toml: [metadata]   build = 1.0   foo = "bar" ');
    expect(build!.output).toContain('restored tool/count: 1');
    expect(build!.output).toContain('restored meta.toml: [metadata]   first = true ');
    expect(build!.output).toContain('fixture build #2');
    expect(exporter!.output).toContain(`Reusing layer '${FIXTURE_ID}:meta'`);
    expect(exporter!.output).toContain(`Adding layer '${FIXTURE_ID}:tool'`);

    const secondLayers = exportedLayers(ws, FIXTURE_ID);
    expect(secondLayers.tool).toMatchObject({ data: { build: 2 } });
    expect(secondLayers.meta!.sha).toBe(firstLayers.meta!.sha);
    expect(secondLayers.tool!.sha).not.toBe(firstLayers.tool!.sha);
  });
});

describe('lifecycle harness with the packaged buildpack', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the packaged shims on the packaged runtime under the real lifecycle', async () => {
    // Stand-in bundles keep this about packaging; the real-buildpack tests belong to the lead.
    const lib = writeStandInBundles();
    const pkg = runPackage({ lib, arch: 'amd64', archive: false });
    dirs.push(lib, pkg.outDir);
    expect(pkg.code, pkg.stderr).toBe(0);
    const ws = createLifecycleWorkspace({
      buildpackDir: pkg.targetDir('amd64'),
      app: { 'project.toml': '[[metadata.githubassets]]\nrepo = "a/b"\n' },
    });
    workspaces.push(ws);
    const results = await runPhases(ws, DETECT_BUILD, { logLevel: 'debug' });
    expectPhasesPassed(results, DETECT_BUILD);
    const [detect, build] = results;
    const packagedNode = join(ws.buildpack.dir, 'runtime', 'bin', 'node');
    expect(ws.buildpack.dir).toBe(join(ws.buildpacksDir, 'github-assets_buildpack', ws.buildpack.version));
    expect(detect!.output).toContain(`"phase":"detect","execPath":"${packagedNode}"`);
    expect(build!.output).toContain(`"phase":"build","execPath":"${packagedNode}"`);
    // The first positional arg of bin/build is this buildpack's own layers dir.
    expect(build!.output).toContain(`"args":["${ws.buildpackLayersDir}","${ws.platformDir}",`);
  });
});
