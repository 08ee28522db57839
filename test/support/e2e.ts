// What an end-to-end test file (bin/build or the CLI as child processes against the fake GitHub)
// sets up every time: one fake for the file, a fresh workspace for each test, a fixtures dir for
// the file, and the error codes a run printed. Test support only: it registers vitest hooks and
// asserts nothing itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { createWorkspace, type Workspace } from './cnb.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './fake-github/index.js';

/**
 * A fake GitHub for the whole file, closed after its last test. Each test starts with an empty
 * request log and no faults, and faults a test left unused are dropped after it.
 */
export async function fakeGitHubForFile(options?: FakeGitHubOptions): Promise<FakeGitHub> {
  const gh = await startFakeGitHub(options);
  afterAll(() => gh.close());
  beforeEach(() => {
    gh.resetRequests();
    gh.clearFaults();
  });
  afterEach(() => gh.clearFaults());
  return gh;
}

/** The current test's workspace, whichever test is running. */
export interface WorkspacePerTest extends Workspace {
  /** Removes this test's workspace and makes an empty one, for a second build from nothing within one test. */
  startOver(): void;
}

/**
 * A workspace (app, layers and platform dirs) made fresh for each test and removed after it. The
 * handle stays the same; each property reads the current test's workspace.
 */
export function workspacePerTest(): WorkspacePerTest {
  let current: Workspace | undefined;
  beforeEach(() => {
    current = createWorkspace();
  });
  afterEach(() => {
    current?.cleanup();
    current = undefined;
  });
  const now = (): Workspace => {
    if (!current) throw new Error('the workspace exists only while a test runs');
    return current;
  };
  return {
    get root() {
      return now().root;
    },
    get appDir() {
      return now().appDir;
    },
    get layersRoot() {
      return now().layersRoot;
    },
    get layersDir() {
      return now().layersDir;
    },
    get platformDir() {
      return now().platformDir;
    },
    writeApp: (files) => now().writeApp(files),
    setPlatformEnv: (name, value) => now().setPlatformEnv(name, value),
    cleanup: () => now().cleanup(),
    startOver() {
      now().cleanup();
      current = createWorkspace();
    },
  };
}

/** A temp dir for the file's fixtures, made now and removed after its last test. */
export function fixturesDirForFile(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The `ERROR [GHA0xx]` codes a run printed, in order. */
export function errorCodes(output: string): string[] {
  return [...output.matchAll(/ERROR \[(GHA\d{3})\]/g)].map((m) => m[1]!);
}
