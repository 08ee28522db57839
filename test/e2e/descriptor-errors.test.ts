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
    // detect's shell shim finds no file there and passes the decision on (no entries: fail, 100), without an error.
    expect((await runDetect(ws, { GITHUB_ASSETS_PATH: 'config' })).code).toBe(100);
  });

  it('GHA002 when project.toml is not TOML', async () => {
    ws.writeApp({ 'project.toml': '[[metadata.githubassets]\nrepo = "a/b"\n' });
    const result = await runBuild(ws);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ERROR \[GHA002\] project\.toml is not valid TOML at line 1/);
  });
});
