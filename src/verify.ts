// Pure: checks a downloaded asset's SHA-256 against what GitHub says it should be, before
// anything is installed. Returns a short description of the sources that were checked.

import { BuildpackError } from './errors.js';
import { entryLabel } from './model.js';
import type { ResolvedEntry } from './plan.js';

export function verifyDownload(entry: ResolvedEntry, sha256: string): string {
  const digest = entry.asset.digest;
  if (!digest) return '(no digest published by GitHub for this asset; nothing to compare)';
  const match = /^sha256:([0-9a-f]{64})$/i.exec(digest);
  if (!match) return `(GitHub digest "${digest}" is not a sha256; not compared)`;
  const expected = match[1]!.toLowerCase();
  if (expected !== sha256) {
    throw new BuildpackError('GHA030', `sha256 mismatch for ${entry.asset.name}: GitHub's asset digest says ${expected}, the download is ${sha256}`, {
      entry: entryLabel(entry.spec),
      hint: 'the download was altered or corrupted in transit (proxy, mirror); nothing was installed. Retry, and if it persists check the network path',
    });
  }
  return 'matches the GitHub asset digest';
}
