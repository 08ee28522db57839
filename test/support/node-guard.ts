// The runtime guard's refusal as the user reads it (lib/node-guard.cjs, src/node-guard/), spelled
// out once for the e2e tests that run it through the real shims, and the system Node.js they use.

import { spawnSync } from 'node:child_process';

/** The one line (with its newline) a shim prints when `found` at `at` is older than `need`. */
export function refusalLine(kind: 'buildpack' | 'cli', found: string, at: string, need: string): string {
  const advice =
    kind === 'cli'
      ? `the version the github-assets CLI is built for; install Node.js >= ${need} (https://nodejs.org) and put it first on PATH`
      : `the version this buildpack is built for; the packaged buildpack ships its own Node.js ${need} (npm run package), or put Node.js >= ${need} first on PATH`;
  return `github-assets: Node.js ${found} at ${at} is older than ${need}, ${advice}\n`;
}

/** The distribution's Node.js (20 on the test machine), older than the pinned one. */
export const SYSTEM_NODE = '/usr/bin/node';

/** What SYSTEM_NODE reports as its version and path (process.execPath resolves links). */
export function systemNode(): { version: string; execPath: string } {
  const out = spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node + "\\n" + process.execPath'], { encoding: 'utf8' }).stdout;
  const [version = '', execPath = ''] = out.trim().split('\n');
  return { version, execPath };
}
