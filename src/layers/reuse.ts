// Pure: what each layer holds, what its metadata records, and whether a restored entry can
// be reused. Reuse is decided by comparing the metadata stored by the previous build with
// what this build resolved (the libcnb.rs way). No I/O here.

import type { VerifiedProvenance } from '../verify/attestations.js';
import { layerNameFor, type AssetSpec, type InstalledFile, type Release, type ReleaseAsset } from '../model.js';
import { strippedUrl } from '../util/secrets.js';

/** Bumped whenever the layout of installed files or of this metadata changes. */
export const METADATA_FORMAT = 3;

/** What the previous build recorded for one entry. Never holds a token. */
export interface EntryRecord {
  repo: string;
  asset: string;
  tag: string;
  asset_id: number;
  sha256: string;
  size: number;
  destination: string;
  strip_components: number;
  /** Picked archive paths (`files`), empty when everything was installed. */
  picked: string[];
  /** The asset's public download URL, without credentials (for the SBOM and humans). */
  url: string;
  /** Installed paths, relative to the layer root. */
  files: string[];
  executables: string[];
  /** The entry as written (tag, asset, prerelease), to recognise it before anything is resolved. */
  tag_spec: string;
  asset_spec: string;
  prerelease: boolean;
  /** ETag of the API answer that resolved the release, for a conditional check on rebuild. */
  etag: string;
  /** How the asset was chosen: `asset`, `pattern` or `auto:<rule>` (absent in records of older builds). */
  selected_by?: string;
  /** Why, in one sentence (automatic selection: the rule and libc policy that decided). */
  selection_reason?: string;
  /** What steers automatic selection besides the release (libc, matching, run image distribution), to recognise the entry before resolving. */
  select_spec?: string;
  /** The verified attestation of the asset (who built it), when there was one. */
  provenance?: VerifiedProvenance;
}

export interface LayerMetadata {
  format: number;
  entries: EntryRecord[];
}

/** An entry after release resolution and asset selection. */
export interface ResolvedEntry {
  spec: AssetSpec;
  release: Release;
  asset: ReleaseAsset;
  /** How the asset was chosen (select/index.ts Selection), for the log, `check` and the record; libcPolicy for the log only. */
  selection?: { rule: string; reason: string; libcPolicy?: string };
}

/**
 * What steers automatic selection besides the release: the entry's libc and matching and the
 * run image's distribution. '' for entries that name their asset, whose pick none of these change.
 */
export function selectSpecOf(spec: Pick<AssetSpec, 'asset' | 'libc' | 'matching'>, distro?: string): string {
  if (spec.asset !== '') return '';
  return JSON.stringify({ libc: spec.libc ?? '', matching: spec.matching ?? '', distro: distro ?? '' });
}

export type EntryDecision = { action: 'reuse'; record: EntryRecord } | { action: 'install'; reason: string };

export interface LayerGroup {
  name: string;
  specs: AssetSpec[];
}

/** Groups entries by target layer (`<owner>_<repo>`), keeping descriptor order. */
export function groupByLayer(specs: AssetSpec[]): LayerGroup[] {
  const groups = new Map<string, LayerGroup>();
  for (const spec of specs) {
    const name = layerNameFor(spec);
    const group = groups.get(name) ?? { name, specs: [] };
    group.specs.push(spec);
    groups.set(name, group);
  }
  return [...groups.values()];
}

/** The fields that determine an entry's installed content. */
export function identityOf(
  entry: ResolvedEntry,
): Omit<EntryRecord, 'sha256' | 'size' | 'url' | 'files' | 'executables' | 'tag_spec' | 'asset_spec' | 'prerelease' | 'etag'> {
  return {
    repo: entry.spec.repo,
    asset: entry.asset.name,
    tag: entry.release.tag,
    asset_id: entry.asset.id,
    destination: entry.spec.destination ?? '',
    strip_components: entry.spec.stripComponents,
    picked: entry.spec.files ?? [],
  };
}

/** Parses restored layer metadata defensively: anything unexpected means "nothing to reuse". */
export function parseLayerMetadata(raw: unknown): LayerMetadata | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const meta = raw as Partial<LayerMetadata>;
  if (meta.format !== METADATA_FORMAT || !Array.isArray(meta.entries)) return undefined;
  const entries = meta.entries
    .filter(
      (e): e is EntryRecord =>
        !!e && typeof e === 'object' && typeof e.repo === 'string' && typeof e.asset === 'string' && Array.isArray(e.files),
    )
    .map(withValidProvenance);
  return { format: METADATA_FORMAT, entries };
}

/**
 * Decides whether an entry's files can come from the restored layer. `contentPresent` tells
 * whether the restored layer dir holds every recorded file (cache layers come back whole or
 * not at all, but a user may have cleared the cache).
 */
export function decideEntry(
  entry: ResolvedEntry,
  restored: LayerMetadata | undefined,
  contentPresent: (record: EntryRecord) => boolean,
): EntryDecision {
  if (!restored) return { action: 'install', reason: 'not installed before' };
  const want = identityOf(entry);
  const record = restored.entries.find((r) => sameIdentity(r, want, entry.asset.origin === 'direct'));
  if (!record) {
    const sameSlot = restored.entries.find((r) => r.repo === want.repo && r.destination === want.destination);
    if (sameSlot && sameSlot.tag !== want.tag) return { action: 'install', reason: `release changed from ${sameSlot.tag} to ${want.tag}` };
    if (sameSlot && sameSlot.asset === want.asset && sameSlot.asset_id !== want.asset_id) {
      return { action: 'install', reason: 'the asset was re-uploaded to the release' };
    }
    return { action: 'install', reason: 'entry changed since the last build' };
  }
  if (entry.spec.sha256 && record.sha256 !== entry.spec.sha256) return { action: 'install', reason: 'the pinned sha256 changed' };
  if (!contentPresent(record)) return { action: 'install', reason: 'previous files are not in the restored layer' };
  return { action: 'reuse', record };
}

function sameIdentity(record: EntryRecord, want: ReturnType<typeof identityOf>, direct: boolean): boolean {
  return (
    record.repo === want.repo &&
    record.asset === want.asset &&
    record.tag === want.tag &&
    // Resolved without the API (rate-limit fallback): the id is unknown, not different.
    (direct || record.asset_id === want.asset_id) &&
    record.destination === want.destination &&
    record.strip_components === want.strip_components &&
    JSON.stringify(record.picked ?? []) === JSON.stringify(want.picked)
  );
}

/** A restored record's provenance is kept only when every field is a string; anything else is dropped (and re-verified). */
function withValidProvenance(record: EntryRecord): EntryRecord {
  const p = record.provenance as unknown;
  if (p === undefined) return record;
  const fields: (keyof VerifiedProvenance)[] = [
    'signer_workflow',
    'source_repo',
    'source_commit',
    'source_ref',
    'issuer',
    'tlog_index',
    'predicate_type',
    'sha256',
    'trusted_root',
  ];
  const valid = !!p && typeof p === 'object' && fields.every((f) => typeof (p as Record<string, unknown>)[f] === 'string');
  if (valid) return record;
  const { provenance: _dropped, ...rest } = record;
  return rest;
}

export function recordFor(
  entry: ResolvedEntry,
  download: { sha256: string; bytes: number },
  installed: InstalledFile[],
  { selectSpec = '', provenance }: { selectSpec?: string | undefined; provenance?: VerifiedProvenance | undefined } = {},
): EntryRecord {
  return {
    ...(provenance ? { provenance } : {}),
    ...identityOf(entry),
    sha256: download.sha256,
    size: download.bytes,
    // The record lands in the image's metadata label: never user info or a (signed) query string.
    url: strippedUrl(entry.asset.browserDownloadUrl)?.toString() ?? '',
    files: installed.filter((f) => f.kind !== 'directory').map((f) => f.path),
    executables: installed.filter((f) => f.executable && f.kind === 'file').map((f) => f.path),
    ...requestOf(entry),
    ...(entry.selection ? { selected_by: entry.selection.rule, selection_reason: entry.selection.reason } : {}),
    ...(selectSpec ? { select_spec: selectSpec } : {}),
  };
}

/** A reused record with how this build chose the asset (the pick is the same; the rule or request may read differently). */
export function withSelection(record: EntryRecord, entry: ResolvedEntry, selectSpec: string): EntryRecord {
  const { selected_by: _by, selection_reason: _why, select_spec: _spec, ...rest } = record;
  return {
    ...rest,
    ...(entry.selection ? { selected_by: entry.selection.rule, selection_reason: entry.selection.reason } : {}),
    ...(selectSpec ? { select_spec: selectSpec } : {}),
  };
}

function requestOf(entry: ResolvedEntry): Pick<EntryRecord, 'tag_spec' | 'asset_spec' | 'prerelease' | 'etag'> {
  return { tag_spec: entry.spec.tag, asset_spec: entry.spec.asset, prerelease: entry.spec.prerelease, etag: entry.release.etag ?? '' };
}

/**
 * The restored record of the same entry as written (same tag, asset, destination and picks),
 * found before anything is resolved, for conditional checks and offline reuse.
 */
export function previousRecordFor(spec: AssetSpec, restored: LayerMetadata | undefined, selectSpec = ''): EntryRecord | undefined {
  return restored?.entries.find(
    (r) =>
      r.repo === spec.repo &&
      r.tag_spec === spec.tag &&
      r.asset_spec === spec.asset &&
      (r.select_spec ?? '') === selectSpec &&
      r.prerelease === spec.prerelease &&
      r.destination === (spec.destination ?? '') &&
      r.strip_components === spec.stripComponents &&
      JSON.stringify(r.picked ?? []) === JSON.stringify(spec.files ?? []) &&
      (!spec.sha256 || r.sha256 === spec.sha256),
  );
}

/** An entry resolved from what the last build recorded (GitHub said unchanged, or could not be asked). */
export function resolvedFromRecord(spec: AssetSpec, record: EntryRecord): ResolvedEntry {
  // The record keeps no origin; asset_id 0 is what a build resolved without the API recorded (its id was unknown).
  const asset: ReleaseAsset = {
    id: record.asset_id,
    name: record.asset,
    size: record.size,
    url: record.url,
    browserDownloadUrl: record.url,
    ...(record.asset_id === 0 ? { origin: 'direct' as const } : {}),
  };
  return {
    spec,
    release: { id: 0, tag: record.tag, draft: false, prerelease: false, assets: [asset], ...(record.etag ? { etag: record.etag } : {}) },
    asset,
    ...(record.selected_by ? { selection: { rule: record.selected_by, reason: record.selection_reason ?? '' } } : {}),
  };
}
