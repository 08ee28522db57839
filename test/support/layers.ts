// Helpers for layer dirs in tests: reproduce exactly what the lifecycle's restorer leaves
// for a cache=true layer (the directory, and a <layer>.toml holding only [metadata]), and
// list every file under a tree.

import { readFileSync, readdirSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import TOML from '@iarna/toml';

/** Rewrites each `<layer>.toml` as the restorer does: `[metadata]` only, no `[types]`. */
export function simulateRestore(layersDir: string): void {
  for (const name of readdirSync(layersDir)) {
    if (!name.endsWith('.toml') || ['launch.toml', 'build.toml', 'store.toml'].includes(name)) continue;
    const path = join(layersDir, name);
    const doc = TOML.parse(readFileSync(path, 'utf8')) as { metadata?: TOML.JsonMap };
    writeFileSync(path, TOML.stringify({ metadata: doc.metadata ?? {} }));
  }
}

export function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = lstatSync(path);
    if (info.isDirectory()) out.push(...allFiles(path));
    else if (info.isFile()) out.push(path);
  }
  return out;
}
