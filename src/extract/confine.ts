// The last word on whether a directory tree stays inside itself: walks what is on disk (not
// what a writer recorded) and reports the first symlink that resolves outside the root, or an
// entry that is neither file, directory nor symlink. Reads only; never follows a link outside.

import type { Dirent } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_LINK_HOPS } from './paths.js';

export interface Escape {
  /** Path relative to the root, `/`-separated. */
  path: string;
  reason: string;
}

/** The first path under `root` that leads outside it, or undefined when everything stays inside. */
export async function findEscape(root: string): Promise<Escape | undefined> {
  return walk(root, []);
}

async function walk(root: string, dir: string[]): Promise<Escape | undefined> {
  const children: Dirent[] = await readdir(join(root, ...dir), { withFileTypes: true });
  for (const child of children) {
    const segments = [...dir, child.name];
    const path = segments.join('/');
    if (child.isDirectory()) {
      const found = await walk(root, segments);
      if (found) return found;
    } else if (child.isSymbolicLink()) {
      const target = await readlink(join(root, ...segments));
      const reason = await leavesRoot(root, dir, target);
      if (reason) return { path, reason: `it is a symlink to ${target}, and ${reason}` };
    } else if (!child.isFile()) {
      return { path, reason: 'it is not a regular file, directory or symlink' };
    }
  }
  return undefined;
}

/**
 * Resolves `target` from the directory `from` step by step on disk, replacing every link met
 * by its own target, as the kernel would with `root` as the top. Returns why it leaves the
 * root, or undefined when it stays inside (or stops at a missing part or a non-directory).
 */
async function leavesRoot(root: string, from: string[], target: string): Promise<string | undefined> {
  const current = [...from];
  const pending = parts(target);
  let hops = 0;
  if (target.startsWith('/')) return 'its target is absolute';
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      if (current.length === 0) return "'..' climbs above the layer root";
      current.pop();
      continue;
    }
    current.push(part);
    const info = await lstat(join(root, ...current)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (!info) continue; // missing: the rest is judged as plain names
    if (info.isSymbolicLink()) {
      if (++hops > MAX_LINK_HOPS) return `it follows more than ${MAX_LINK_HOPS} links (a loop?)`;
      const next = await readlink(join(root, ...current));
      if (next.startsWith('/')) return `it passes through ${current.join('/')}, a link to the absolute path ${next}`;
      current.pop();
      pending.unshift(...parts(next));
    } else if (!info.isDirectory() && pending.length > 0) {
      return undefined; // ENOTDIR: the path ends here
    }
  }
  return undefined;
}

const parts = (target: string) => target.split('/').filter((p) => p !== '' && p !== '.');
