// The SHA-256 `pin` records for a release asset: GitHub's asset digest when the API has one;
// otherwise the hash of the downloaded bytes, compared with the release's checksums file when
// there is one (a mismatch is GHA030, as in the build). Downloads go to a scratch dir it removes.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchChecksumsFor, type DownloadCap } from '../verify/checksums-fetch.js';
import type { AssetDownloadRequest } from '../net/downloader.js';
import type { Credentials } from '../github/credentials.js';
import type { AssetSpec, Release, ReleaseAsset } from '../model.js';
import { githubDigestHex, verifyDownload } from '../verify/digest.js';

export type DownloadFn = (request: AssetDownloadRequest) => Promise<{ sha256: string; bytes: number }>;

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
  const digest = githubDigestHex(asset.digest);
  if (digest) return { sha256: digest, source: 'github-digest', matched: [] };

  const scratch = await mkdtemp(join(tmpdir(), 'github-assets-pin-'));
  try {
    const fetch = (what: ReleaseAsset, name: string, cap?: DownloadCap) =>
      download({ asset: what, token: creds.token, tokenEnv: creds.source, destFile: join(scratch, name), entry, ...cap });
    const downloaded = await fetch(asset, 'asset');
    const checksumsFile = await fetchChecksumsFor(
      { release, asset, spec, entry },
      (sums, _dest, cap) => fetch(sums, 'checksums', cap),
      join(scratch, 'checksums'),
    );
    if (!checksumsFile) return { sha256: downloaded.sha256, source: 'downloaded', matched: [] };
    const result = verifyDownload({ entry, assetName: asset.name, actual: downloaded.sha256, sources: { checksumsFile }, strict: false });
    return { sha256: downloaded.sha256, source: 'downloaded', matched: result.checked.filter((s) => s === checksumsFile.name) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
