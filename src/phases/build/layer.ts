// One layer unit: load what the previous build restored, decide per entry (reuse or install),
// and either keep the restored layer (Restored) or stage a new one and commit it (Fresh). The
// commit order is the safety argument: confinement check → metadata retracted → dir swapped →
// SBOM → TOML last (the commit record), so a kill in between leaves a dir no build reuses.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildContext } from '../../cnb/context.js';
import { writeLayer, type LayerTypes } from '../../cnb/output.js';
import { entryLabel } from '../../model.js';
import { LayerAssembly } from '../../layers/assemble.js';
import {
  decideEntry,
  METADATA_FORMAT,
  parseLayerMetadata,
  withSelection,
  type EntryDecision,
  type EntryRecord,
  type LayerMetadata,
  type ResolvedEntry,
} from '../../layers/reuse.js';
import { layerSbom, SBOM_EXTENSION, serialiseSbom } from '../../layers/sbom.js';
import { commitLayerDir, exists, layerDir, readLayerMetadata } from '../../layers/store.js';
import { mapLimit } from '../../util/concurrency.js';
import { githubDigestHex } from '../../verify/digest.js';
import { installEntry } from './install-entry.js';
import type { BuildEntry, BuildServices, BuiltLayer, EntryCounts, LayerState } from './services.js';
import { logReused } from './summary.js';

const LAYER_TYPES: LayerTypes = { launch: true, build: false, cache: true };

/** What the previous build left for a layer, as the restorer brought it back. */
export interface RestoredLayer {
  metadata: LayerMetadata | undefined;
  /** Whether every file a record lists is in the restored layer dir. */
  present: Map<EntryRecord, boolean>;
}

export async function loadRestored(layersDir: string, name: string): Promise<RestoredLayer> {
  const metadata = parseLayerMetadata(await readLayerMetadata(layersDir, name));
  const dir = layerDir(layersDir, name);
  const dirPresent = await exists(dir);
  const present = new Map<EntryRecord, boolean>();
  await Promise.all(
    (metadata?.entries ?? []).map(async (record) => present.set(record, dirPresent && (await allExist(dir, record.files)))),
  );
  return { metadata, present };
}

type Decided = { entry: BuildEntry; decision: EntryDecision };

/**
 * Pure: Restored when every entry is reused and the restored layer records nothing else;
 * otherwise Fresh, with the first cause found.
 */
export function layerState(decided: Decided[], previous: RestoredLayer): LayerState {
  const restored = previous.metadata;
  if (!restored) return { state: 'fresh', cause: 'new' };
  const install = decided.find((d) => d.decision.action === 'install')?.decision as
    | Extract<EntryDecision, { action: 'install' }>
    | undefined;
  const incomplete = restored.entries.some((record) => !previous.present.get(record));
  if (install) return { state: 'fresh', cause: incomplete ? 'restored layer incomplete' : `changed: ${install.reason}` };
  if (restored.entries.length !== decided.length) return { state: 'fresh', cause: 'changed: an entry was removed' };
  return { state: 'restored' };
}

export interface LayerJob {
  name: string;
  entries: BuildEntry[];
  previous: RestoredLayer;
  workDir: string;
}

/** Builds one layer and writes its record; returns it with its state and what it counted. */
export async function buildLayer(
  ctx: BuildContext,
  job: LayerJob,
  services: BuildServices,
): Promise<{ layer: BuiltLayer; counts: EntryCounts }> {
  const { name, previous } = job;
  const decided = job.entries.map((entry) => ({
    entry,
    decision: provenanceStillHolds(
      entry,
      decideEntry(entry, previous.metadata, (r) => previous.present.get(r) ?? false),
      services,
    ),
  }));
  const state = layerState(decided, previous);
  services.log.debug(`layer ${name}: ${state.state === 'restored' ? 'restored' : `fresh (${state.cause})`}`);
  const { records, counts } =
    state.state === 'restored' ? keepRestored(decided, services) : await stageAndCommit(ctx, { job, decided }, services);
  const metadata: LayerMetadata = { format: METADATA_FORMAT, entries: records };
  const sbom = serialiseSbom(layerSbom({ layer: name, records, buildpack: ctx.buildpack }));
  const layer: BuiltLayer = { name, types: LAYER_TYPES, metadata, sbom: { [SBOM_EXTENSION]: sbom }, state };
  // SBOM, then the TOML last: the commit record.
  writeLayer(ctx.layersDir, layer);
  return { layer, counts };
}

function keepRestored(decided: Decided[], services: BuildServices): { records: EntryRecord[]; counts: EntryCounts } {
  const records = decided.map(({ entry, decision }) => {
    const record = (decision as Extract<EntryDecision, { action: 'reuse' }>).record;
    logReused(services.log, entry, record);
    return withSelection(record, entry, entry.selectSpec);
  });
  return { records, counts: { downloaded: 0, downloadedBytes: 0, reused: records.length } };
}

async function stageAndCommit(
  ctx: BuildContext,
  { job, decided }: { job: LayerJob; decided: Decided[] },
  services: BuildServices,
): Promise<{ records: EntryRecord[]; counts: EntryCounts }> {
  const { name, workDir } = job;
  const staging = join(workDir, `layer-${name}`);
  await mkdir(staging, { recursive: true });
  const assembly = new LayerAssembly(staging);
  const fresh = await mapLimit(decided, services.concurrency, async ({ entry, decision }) => {
    if (decision.action === 'reuse') return { entry, record: decision.record, tree: undefined };
    prefetchProvenance(entry, services);
    return installEntry({ entry, reason: decision.reason, workDir }, services);
  });
  const counts = { downloaded: 0, downloadedBytes: 0, reused: 0 };
  const records: EntryRecord[] = [];
  for (const { entry, record, tree } of fresh) {
    const label = entryLabel(entry.spec);
    if (tree) {
      await assembly.addTree(tree, label);
      counts.downloaded++;
      counts.downloadedBytes += record.size;
    } else {
      logReused(services.log, entry, record);
      counts.reused++;
      await assembly.addFromPrevious(layerDir(ctx.layersDir, name), record.files, label);
    }
    records.push(withSelection(record, entry, (entry as BuildEntry).selectSpec));
  }
  // The final containment check on disk, then metadata retracted and the dir swapped in.
  await assembly.verifyConfined();
  await commitLayerDir(ctx.layersDir, name, staging, workDir);
  await services.hold?.('after-swap', name);
  return { records, counts };
}

/**
 * The attestation lookup for the digest GitHub announced starts with the download, not after it:
 * one API round trip off every install's tail (5 ms on loopback, a WAN round trip to GitHub).
 * The check itself still runs on the downloaded bytes' digest (verify/provenance.ts).
 */
function prefetchProvenance(entry: BuildEntry, services: BuildServices): void {
  const announced = githubDigestHex(entry.asset.digest);
  if (!announced || !services.provenance?.prefetchAsset) return;
  services.provenance.prefetchAsset({
    spec: entry.spec,
    entry: entryLabel(entry.spec),
    sha256: announced,
    token: entry.creds.token,
    tokenEnv: entry.creds.source,
  });
}

/** A reusable entry whose recorded provenance no longer meets its policy is installed (and verified) again. */
function provenanceStillHolds(entry: ResolvedEntry, decision: EntryDecision, services: BuildServices): EntryDecision {
  if (decision.action !== 'reuse' || !services.provenance) return decision;
  const reason = services.provenance.reverifyReason(decision.record, entry.spec);
  return reason ? { action: 'install', reason } : decision;
}

async function allExist(dir: string, files: string[]): Promise<boolean> {
  return (await Promise.all(files.map((f) => exists(join(dir, f))))).every(Boolean);
}
