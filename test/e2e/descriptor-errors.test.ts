// Descriptor errors in the CNB phases: bin/detect and bin/build report an unreadable
// descriptor (GHA001) and an invalid one (GHA002) with the code, and fail.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, runBuild, runDetect, type Workspace } from '../support/cnb.js';

let ws: Workspace;
beforeEach(() => {
  ws = createWorkspace();
});
afterEach(() => ws.cleanup());

describe('descriptor errors in detect and build', () => {
  it('GHA001 when GITHUB_ASSETS_PATH names a directory', async () => {
    mkdirSync(join(ws.appDir, 'config'));
    const result = await runBuild(ws, { GITHUB_ASSETS_PATH: 'config' });
    expect(result.code, result.output).toBe(1);
    expect(result.stderr).toContain(`ERROR [GHA001] cannot read ${join(ws.appDir, 'config')}: EISDIR`);
    expect(result.stderr).toContain('hint: GITHUB_ASSETS_PATH must name a file, not a directory');
    // detect reports it too, instead of quietly skipping the buildpack.
    const detect = await runDetect(ws, { GITHUB_ASSETS_PATH: 'config' });
    expect(detect.code).toBe(1);
    expect(detect.stderr).toContain('ERROR [GHA001]');
  });

  it('GHA001 when GITHUB_ASSETS_PATH names a file that does not exist', async () => {
    for (const result of [await runDetect(ws, { GITHUB_ASSETS_PATH: 'deploy/assets.toml' }), await runBuild(ws, { GITHUB_ASSETS_PATH: 'deploy/assets.toml' })]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`ERROR [GHA001] GITHUB_ASSETS_PATH names ${join(ws.appDir, 'deploy/assets.toml')}, which does not exist`);
    }
  });

  it('GHA002 when project.toml is not TOML', async () => {
    ws.writeApp({ 'project.toml': '[[metadata.githubassets]\nrepo = "a/b"\n' });
    const result = await runBuild(ws);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ERROR \[GHA002\] project\.toml is not valid TOML at line 1/);
  });
});
