// Fetches the release's checksums file for an asset (when there is one) through a download
// function the caller supplies, checks the list against its own GitHub digest, and returns
// the hash it gives for the asset. Shared by the build and the CLI's `pin`. The download is
// capped while streaming at MAX_CHECKSUMS_BYTES (GHA032), whatever size the release lists.

import { readFile, rm } from 'node:fs/promises';
import type { BuildpackError } from '../errors.js';
import { checkChecksumsSize, checksumsText, findChecksumAsset, MAX_CHECKSUMS_BYTES, parseChecksums } from './checksums.js';
import type { AssetSpec, Release, ReleaseAsset } from '../model.js';
import { verifyDownload, type VerifySources } from './digest.js';
import { checksumsDownloadTooLarge } from '../errors/catalog.js';

export type ChecksumsFile = NonNullable<VerifySources['checksumsFile']>;

/** How the caller's download must bound the checksums file: pass both on to the downloader. */
export interface DownloadCap {
  maxBytes: number;
  overCap: (bytes: number, cap: number) => BuildpackError;
}

export async function fetchChecksumsFor(
  target: { release: Release; asset: ReleaseAsset; spec: Pick<AssetSpec, 'checksums'>; entry: string },
  download: (sums: ReleaseAsset, destFile: string, cap: DownloadCap) => Promise<{ sha256: string }>,
  destFile: string,
  /** Checks the file before it is trusted (its Sigstore signature); throws to refuse it. */
  inspect?: (sums: ReleaseAsset, bytes: Buffer) => Promise<void>,
): Promise<ChecksumsFile | undefined> {
  const { release, asset, spec, entry } = target;
  const sums = findChecksumAsset(release.assets, asset.name, spec.checksums, release.tag);
  if (!sums) return undefined;
  checkChecksumsSize(sums.size, sums.name);
  try {
    const cap: DownloadCap = {
      maxBytes: MAX_CHECKSUMS_BYTES,
      overCap: (bytes, max) => checksumsDownloadTooLarge({ entry, fileName: sums.name, bytes, cap: max, max: MAX_CHECKSUMS_BYTES }),
    };
    const list = await download(sums, destFile, cap);
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
