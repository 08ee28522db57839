// The `files` option: which archive entries to install. A pattern is a path or a glob; it
// matches an entry's path after strip_components, or the path as stored in the archive, and a
// pattern that names a directory picks everything below it. Pure.

import { posix } from 'node:path';

export interface Picker {
  /** Whether an entry is picked; records which patterns matched. */
  picks(strippedPath: string, archivePath: string): boolean;
  /** Patterns that matched no entry so far. */
  unmatched(): string[];
}

function normalisePattern(pattern: string): string {
  return pattern
    .trim()
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
}

/** The path itself and each of its parent directories: a/b/c -> a/b/c, a/b, a. */
function selfAndAncestors(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('/'));
}

export function createPicker(patterns: string[]): Picker {
  const normalised = patterns.map((raw) => ({ raw, glob: normalisePattern(raw), hits: 0 }));
  return {
    picks(strippedPath, archivePath) {
      const candidates = [...selfAndAncestors(strippedPath), ...selfAndAncestors(archivePath)];
      let picked = false;
      for (const pattern of normalised) {
        if (candidates.some((candidate) => candidate === pattern.glob || posix.matchesGlob(candidate, pattern.glob))) {
          pattern.hits++;
          picked = true;
        }
      }
      return picked;
    },
    unmatched: () => normalised.filter((p) => p.hits === 0).map((p) => p.raw),
  };
}
