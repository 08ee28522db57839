// A PATH without Node.js: a directory of symlinks to a few POSIX tools, so a test can prove
// a packaged buildpack runs on its own runtime (this machine has /usr/bin/node).
// Only builds the directory; never changes the caller's environment.

import { accessSync, constants, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Tools a CNB shim or a shell fixture may use; none of them is or starts node. */
const BASIC_TOOLS = [
  'sh',
  'cat',
  'grep',
  'sed',
  'tr',
  'cut',
  'head',
  'tail',
  'wc',
  'sort',
  'printf',
  'echo',
  'env',
  'test',
  'ls',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'ln',
  'chmod',
  'touch',
  'stat',
  'find',
  'readlink',
  'dirname',
  'basename',
  'date',
  'id',
  'uname',
  'sleep',
  'true',
  'false',
  'tar',
  'gzip',
] as const;

const SEARCH = ['/usr/local/bin', '/usr/bin', '/bin'];

function locate(tool: string): string | undefined {
  for (const dir of SEARCH) {
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this dir
    }
  }
  return undefined;
}

/**
 * Creates `<parent>/node-free-bin/` (parent defaults to a new temp dir) holding symlinks to
 * `tools` and returns its path, for use as the whole PATH. Tools missing here are skipped;
 * asking for `node` is refused.
 */
export function nodeFreeBin(parent: string = mkdtempSync(join(tmpdir(), 'gha-path-')), tools: readonly string[] = BASIC_TOOLS): string {
  if (tools.some((t) => t === 'node' || t === 'nodejs')) throw new Error('nodeFreeBin: node must not be on this PATH');
  const bin = join(parent, 'node-free-bin');
  mkdirSync(bin, { recursive: true });
  for (const tool of tools) {
    const target = locate(tool);
    if (target) symlinkSync(target, join(bin, tool));
  }
  return bin;
}
