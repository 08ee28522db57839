// The SHA-256 `pin` records for a release asset: GitHub's asset digest when the API has one;
// otherwise the hash of the downloaded bytes, compared with the release's checksums file when
// there is one (a mismatch is GHA030, as in the build). Downloads go to a scratch dir it removes.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkChecksumsSize, checksumsText, findChecksumAsset, parseChecksums } from '../checksums.js';
import { normaliseSha256 } from '../config-integrity.js';
import type { Credentials } from '../resolve.js';
import type { AssetSpec, Release, ReleaseAsset } from '../model.js';
import { verifyDownload } from '../verify.js';

export interface AssetDownload {
  asset: ReleaseAsset;
  token: string | undefined;
  tokenEnv: string | undefined;
  destFile: string;
  entry: string;
}

export type DownloadFn = (request: AssetDownload) => Promise<{ sha256: string; bytes: number }>;

export interface AssetHash {
  sha256: string;
  /** `github-digest`: taken from the API; `downloaded`: hashed here. */
  source: 'github-digest' | 'downloaded';
  /** What a downloaded hash was compared with and matched (e.g. the checksums file's name). */
  matched: string[];
}

export async function hashOfAsset(
  input: { release: Release; asset: ReleaseAsset; spec: AssetSpec; creds: Credentials; entry: string },
  download: DownloadFn,
): Promise<AssetHash> {
  const { release, asset, spec, creds, entry } = input;
  const digest = asset.digest?.toLowerCase().startsWith('sha256:') ? normaliseSha256(asset.digest.slice('sha256:'.length)) : undefined;
  if (digest) return { sha256: digest, source: 'github-digest', matched: [] };

  const scratch = await mkdtemp(join(tmpdir(), 'github-assets-pin-'));
  try {
    const fetch = (what: ReleaseAsset, name: string) =>
      download({ asset: what, token: creds.token, tokenEnv: creds.source, destFile: join(scratch, name), entry });
    const downloaded = await fetch(asset, 'asset');
    const sums = findChecksumAsset(release.assets, asset.name, spec.checksums, release.tag);
    if (!sums) return { sha256: downloaded.sha256, source: 'downloaded', matched: [] };
    checkChecksumsSize(sums.size, sums.name);
    const list = await fetch(sums, 'checksums');
    verifyDownload({ entry, assetName: sums.name, actual: list.sha256, sources: { githubDigest: sums.digest }, strict: false });
    const expected = parseChecksums(checksumsText(await readFile(join(scratch, 'checksums')), sums.name), asset.name, sums.name);
    const result = verifyDownload({ entry, assetName: asset.name, actual: downloaded.sha256, sources: { checksumsFile: { name: sums.name, expected } }, strict: false });
    return { sha256: downloaded.sha256, source: 'downloaded', matched: result.checked.filter((s) => s === sums.name) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
