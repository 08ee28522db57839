// Install one entry: download the asset (and the release's checksums file) while extracting it
// into the entry's own tree in the work dir, then verify the digest and provenance; an entry is
// handed on only once verified. Never touches a layer: the layer unit (layer.ts) assembles and commits.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isBuildpackError } from '../../errors.js';
import { streamedBytesDiffer } from '../../errors/catalog.js';
import type { Logger } from '../../log.js';
import { entryLabel, type ReleaseAsset } from '../../model.js';
import { recordFor, type EntryRecord, type ResolvedEntry } from '../../layers/reuse.js';
import { isDirectAsset, type AssetCoordinates } from '../../net/sources.js';
import { formatBytes, formatDuration } from '../../util/format.js';
import type { VerifiedProvenance } from '../../verify/attestations.js';
import { fetchChecksumsFor, type DownloadCap } from '../../verify/checksums-fetch.js';
import { describeVerification, verifyDownload, type VerifySources } from '../../verify/digest.js';
import { IncomingAsset } from '../../extract/incoming.js';
import type { BuildEntry, BuildServices } from './services.js';
import { logEntryHeader, summariseFiles } from './summary.js';

export interface InstalledEntry {
  entry: ResolvedEntry;
  record: EntryRecord;
  /** The entry's extracted files, to be added to the staged layer. */
  tree: string;
}

export interface InstallJob {
  entry: BuildEntry;
  /** Why it is installed rather than reused, for the log. */
  reason: string;
  workDir: string;
}

export async function installEntry(job: InstallJob, services: BuildServices): Promise<InstalledEntry> {
  const { entry, reason, workDir } = job;
  const label = entryLabel(entry.spec);
  const file = join(workDir, `download-${entry.spec.index}`);
  // The install creates the tree itself (one fs call fewer per entry than creating it here).
  const tree = join(workDir, `entry-${entry.spec.index}`);
  const started = Date.now();
  // The extraction reads the download as it arrives, into the entry's own tree (never a layer);
  // only verified entries are returned to the layer unit, which alone commits.
  const incoming = new IncomingAsset();
  const installing = services.install(file, tree, {
    assetName: entry.asset.name,
    ...(entry.spec.destination !== undefined ? { destination: entry.spec.destination } : {}),
    stripComponents: entry.spec.stripComponents,
    ...(entry.spec.files ? { files: entry.spec.files } : {}),
    entry: label,
    consumeInput: true,
    incoming,
  });
  installing.catch(() => {}); // awaited below, after the checks that decide which error to report
  let verified = false;
  try {
    // The extraction's turn first (the extractions' limiter), then the download: a download
    // never waits on an extraction that waits for a turn.
    await Promise.race([incoming.attached, installing]);
    const checksumsNotes: string[] = [];
    const [download, checksumsFile] = await Promise.all([
      services
        .download({
          asset: entry.asset,
          token: entry.creds.token,
          tokenEnv: entry.creds.source,
          destFile: file,
          entry: label,
          coordinates: coordinatesOf(entry, entry.asset.name),
          sink: incoming,
        })
        .then((result) => {
          incoming.end();
          return result;
        }),
      fetchChecksums(job, services, checksumsNotes),
    ]);
    const downloadedIn = Date.now() - started;
    // Verify before the entry is handed to the layer: a mismatch must never reach a layer.
    const verification = verifyDownload({
      entry: label,
      assetName: entry.asset.name,
      actual: download.sha256,
      sources: { githubDigest: entry.asset.digest, pinned: entry.spec.sha256, checksumsFile },
      strict: services.strict,
    });
    // Who built these bytes: checked before the entry is handed on too, so a refused asset never reaches a layer.
    const attested = services.provenance
      ? await services.provenance.checkAsset({
          spec: entry.spec,
          entry: label,
          assetName: entry.asset.name,
          sha256: download.sha256,
          token: entry.creds.token,
          tokenEnv: entry.creds.source,
        })
      : { notes: [] };
    // The extraction read the very chunks that were hashed, in order; this guards that contract.
    if (incoming.received !== download.bytes) throw streamedBytesDiffer(label, incoming.received, download.bytes);
    verified = true;
    incoming.verified();
    const installed = await installing;
    const record = recordFor(entry, download, installed, { selectSpec: entry.selectSpec, provenance: attested.provenance });
    logEntryHeader(services.log, entry);
    const via = download.via === 'mirror' ? ' from the mirror' : isDirectAsset(entry.asset) ? ' from the web host, without the API' : '';
    services.log.detail(`Download  ${formatBytes(download.bytes)} in ${formatDuration(downloadedIn)}${via} (${reason})`);
    services.log.detail(`Verified  sha256:${download.sha256.slice(0, 16)}… ${describeVerification(verification)}`);
    for (const note of verification.notes) services.log.detail(`          ${note}`);
    logProvenance(services.log, attested.provenance, [...checksumsNotes, ...attested.notes]);
    services.log.detail(`Installed ${summariseFiles(record.files)}`);
    return { entry, record, tree };
  } catch (err) {
    if (!verified) {
      // The download or a check failed: stop the extraction, wait until it has let go of the
      // tree, and drop what it wrote. The failure reported is the download's or the check's.
      incoming.fail(err);
      await installing.catch(() => {});
    }
    await rm(tree, { recursive: true, force: true });
    throw isBuildpackError(err) ? err.forEntry(label) : err;
  } finally {
    await rm(file, { force: true });
  }
}

function coordinatesOf(entry: ResolvedEntry, asset: string): AssetCoordinates {
  return { owner: entry.spec.owner, repo: entry.spec.name, tag: entry.release.tag, asset };
}

/** Downloads and reads the release's checksums file for this asset, if there is one. */
function fetchChecksums(job: InstallJob, services: BuildServices, notes: string[]): Promise<VerifySources['checksumsFile']> {
  const { entry, workDir } = job;
  const label = entryLabel(entry.spec);
  const download = (asset: ReleaseAsset, destFile: string, cap?: DownloadCap) =>
    services.download({
      asset,
      token: entry.creds.token,
      tokenEnv: entry.creds.source,
      destFile,
      entry: label,
      coordinates: coordinatesOf(entry, asset.name),
      ...cap,
    });
  const provenance = services.provenance;
  // A signed checksums file is verified before any hash in it is trusted.
  const inspect = provenance
    ? async (sums: ReleaseAsset, bytes: Buffer) => {
        const fetchAsset = async (asset: ReleaseAsset) => {
          const dest = join(workDir, `signature-${entry.spec.index}-${asset.id}`);
          try {
            await download(asset, dest);
            return await readFile(dest);
          } finally {
            await rm(dest, { force: true });
          }
        };
        const checked = await provenance.checkChecksumsSignature({
          spec: entry.spec,
          entry: label,
          sums,
          bytes,
          releaseAssets: entry.release.assets,
          fetchAsset,
        });
        if (checked.provenance)
          notes.push(
            `${sums.name} signed by ${checked.provenance.signer_workflow}` +
              (checked.provenance.tlog_index ? ` (tlog entry ${checked.provenance.tlog_index})` : ''),
          );
        notes.push(...checked.notes);
      }
    : undefined;
  return fetchChecksumsFor(
    { release: entry.release, asset: entry.asset, spec: entry.spec, entry: label },
    download,
    join(workDir, `checksums-${entry.spec.index}`),
    inspect,
  );
}

function logProvenance(log: Logger, provenance: VerifiedProvenance | undefined, notes: string[]): void {
  if (provenance) {
    const commit = provenance.source_commit ? ` at ${provenance.source_commit.slice(0, 12)}` : '';
    const tlog = provenance.tlog_index ? `, tlog entry ${provenance.tlog_index}` : '';
    log.detail(`Attested  built by ${provenance.signer_workflow}${commit} (${provenance.predicate_type}${tlog})`);
  }
  for (const note of notes) log.detail(`          ${note}`);
}
