// Fetches the release's checksums file for an asset (when there is one) through a download
// function the caller supplies, checks the list against its own GitHub digest, and returns
// the hash it gives for the asset. Shared by the build and the CLI's `pin`.

import { readFile, rm } from 'node:fs/promises';
import { checkChecksumsSize, checksumsText, findChecksumAsset, parseChecksums } from './checksums.js';
import type { AssetSpec, Release, ReleaseAsset } from './model.js';
import { verifyDownload, type VerifySources } from './verify.js';

export type ChecksumsFile = NonNullable<VerifySources['checksumsFile']>;

export async function fetchChecksumsFor(
  target: { release: Release; asset: ReleaseAsset; spec: Pick<AssetSpec, 'checksums'>; entry: string },
  download: (sums: ReleaseAsset, destFile: string) => Promise<{ sha256: string }>,
  destFile: string,
  /** Checks the file before it is trusted (its Sigstore signature); throws to refuse it. */
  inspect?: (sums: ReleaseAsset, bytes: Buffer) => Promise<void>,
): Promise<ChecksumsFile | undefined> {
  const { release, asset, spec, entry } = target;
  const sums = findChecksumAsset(release.assets, asset.name, spec.checksums, release.tag);
  if (!sums) return undefined;
  checkChecksumsSize(sums.size, sums.name);
  try {
    const list = await download(sums, destFile);
    // The list itself must be the one GitHub published.
    verifyDownload({ entry, assetName: sums.name, actual: list.sha256, sources: { githubDigest: sums.digest }, strict: false });
    const bytes = await readFile(destFile);
    await inspect?.(sums, bytes);
    const text = checksumsText(bytes, sums.name);
    return { name: sums.name, expected: parseChecksums(text, asset.name, sums.name) };
  } finally {
    await rm(destFile, { force: true });
  }
}
