// `github-assets check`: resolves every validated entry for one target exactly as the build
// does (same resolver, arch overrides, asset selection and token rules) and reports one row
// per entry, with any error attributed to it. It downloads nothing and prints nothing.

import { specForTarget } from '../descriptor/parse.js';
import { credentialsFor, explainedLookup, type TokenLookup } from '../github/credentials.js';
import type { BuildpackError } from '../errors.js';
import { singleFilePath } from '../extract/index.js';
import { mapLimit } from '../util/concurrency.js';
import { normaliseSha256 } from '../descriptor/integrity.js';
import { entryLabel, layerNameFor, type AssetSpec, type Target } from '../model.js';
import { createReleaseResolver, type ReleaseSource } from '../github/resolve.js';
import { isAutomatic, isPattern, selectAssetFor } from '../select/index.js';
import { formatBytes } from '../util/format.js';
import { githubDigestHex, verifyPublished } from '../verify/digest.js';
import { errorJson, toBuildpackError, type ErrorJson } from './output.js';
import { renderTable } from './table.js';
import type { ProvenanceChecker } from '../verify/provenance.js';
import type { VerifiedProvenance } from '../verify/attestations.js';
import { attestationNotLookedUp } from '../errors/catalog.js';

export interface CheckOptions {
  target: Target;
  offline: boolean;
  /** GITHUB_ASSETS_STRICT: an entry without a pinned sha256 is an error, as in the build. */
  strict: boolean;
  /** `/layers/<escaped buildpack id>`: where layers are in the image. */
  layersRoot: string;
  github: ReleaseSource;
  lookupToken: TokenLookup;
  concurrency?: number;
  /** Verifies the attestation of the digest GitHub reports (or the pin), as the build would after downloading. */
  provenance?: ProvenanceChecker;
}

export interface CheckRow {
  index: number;
  entry: string;
  repo: string;
  /** The tag as written (`latest`, a range, an exact tag). */
  requestedTag: string;
  /** The release it resolves to; absent offline or on error. */
  tag?: string;
  /** Asset name (or the pattern, offline; `(automatic)` offline for an entry without asset). */
  asset: string;
  /** Entries without `asset`: the rule of automatic selection that picked it and why. */
  selection?: { rule: string; reason: string };
  size?: number;
  /** GitHub's `sha256:<hex>` digest of the asset, when the API has one. */
  digest?: string;
  /** The pinned sha256 that applies to this target. */
  pinned?: string;
  /** Absolute paths in the image: a file for a raw binary, a directory (ending in `/`) for an archive. */
  paths: string[];
  /** The verified attestation of that digest: who built it, from which commit, its tlog index. */
  provenance?: VerifiedProvenance;
  /** `verified`, `none` (no attestation), `off` (attestations = "off"), `unknown` (no digest to look up). */
  attestation?: 'verified' | 'none' | 'off' | 'unknown';
  notes?: string[];
  error?: ErrorJson;
}

export interface CheckReport {
  ok: boolean;
  file: string;
  target: Target;
  offline: boolean;
  entries: CheckRow[];
}

/** What `check --offline` shows for an entry whose asset is picked automatically once the release is known. */
const AUTOMATIC = '(automatic)';

const ARCHIVE_NAME = /\.(tar|tgz|tbz2?|txz|tzst|zip|tar\.(gz|xz|bz2|zst|zstd))$/i;

export async function checkEntries(
  file: string,
  specs: AssetSpec[],
  options: CheckOptions,
): Promise<{ report: CheckReport; errors: BuildpackError[] }> {
  const resolveRelease = createReleaseResolver(options.github).resolve;
  const failures = new Map<number, BuildpackError>();
  const rows = await mapLimit(specs, options.concurrency ?? 4, async (written): Promise<CheckRow> => {
    const base: CheckRow = {
      index: written.index,
      entry: entryLabel(written),
      repo: written.repo,
      requestedTag: written.tag,
      asset: written.asset,
      paths: [],
    };
    try {
      const spec = specForTarget(written, options.target);
      const automatic = isAutomatic(spec);
      const row: CheckRow = {
        ...base,
        asset: automatic ? AUTOMATIC : spec.asset,
        ...(spec.sha256 ? { pinned: spec.sha256 } : {}),
        paths: automatic ? [] : targetPaths(spec, spec.asset, options.layersRoot),
      };
      if (options.offline) return row;
      const creds = credentialsFor(spec, options.lookupToken);
      const release = await explainedLookup(
        () => resolveRelease(spec, creds),
        spec,
        creds,
        (name) => `${name} is not set; export ${name}=<token> before running github-assets (pack build --env ${name} for builds)`,
      );
      const selection = selectAssetFor(release, spec, options.target);
      const asset = selection.asset;
      const resolved: CheckRow = {
        ...row,
        tag: release.tag,
        asset: asset.name,
        ...(automatic ? { selection: { rule: selection.rule, reason: selection.reason } } : {}),
        size: asset.size,
        ...(asset.digest ? { digest: asset.digest } : {}),
        paths: targetPaths(spec, asset.name, options.layersRoot),
      };
      // The build's verification, as far as it goes without the bytes: pin vs GitHub's digest first.
      const published = { entry: entryLabel(spec), assetName: asset.name, githubDigest: asset.digest, pinned: spec.sha256 };
      verifyPublished({ ...published, strict: false });
      if (options.provenance) Object.assign(resolved, await checkProvenance(spec, resolved, creds, options.provenance));
      verifyPublished({ ...published, strict: options.strict });
      return resolved;
    } catch (err) {
      const error = toBuildpackError(err).forEntry(base.entry);
      failures.set(base.index, error);
      return { ...base, error: errorJson(error) };
    }
  });
  const errors = rows.flatMap((row) => (failures.has(row.index) ? [failures.get(row.index)!] : []));
  return { report: { ok: errors.length === 0, file, target: options.target, offline: options.offline, entries: rows }, errors };
}

/** The attestation of the bytes the build would get: the pin, else GitHub's digest. No download. */
async function checkProvenance(
  spec: AssetSpec,
  row: CheckRow,
  creds: { token: string | undefined; source: string | undefined },
  checker: ProvenanceChecker,
): Promise<Partial<CheckRow>> {
  const policy = checker.policy(spec);
  if (policy.mode === 'off') return { attestation: 'off' };
  const sha256 = (row.pinned && normaliseSha256(row.pinned)) || githubDigestHex(row.digest);
  if (!sha256) {
    if (policy.mode === 'required') {
      throw attestationNotLookedUp(entryLabel(spec), row.asset);
    }
    return { attestation: 'unknown' };
  }
  const checked = await checker.checkAsset({
    spec,
    entry: entryLabel(spec),
    assetName: row.asset,
    sha256,
    token: creds.token,
    tokenEnv: creds.source,
  });
  return checked.provenance
    ? { provenance: checked.provenance, attestation: 'verified', ...(checked.notes.length ? { notes: checked.notes } : {}) }
    : { attestation: 'none', notes: checked.notes };
}

/** Where the entry's files land in the image; the asset's name tells an archive from a raw binary. */
export function targetPaths(spec: AssetSpec, assetName: string, layersRoot: string): string[] {
  const layer = `${layersRoot.replace(/\/+$/, '')}/${layerNameFor(spec)}`;
  if (ARCHIVE_NAME.test(assetName)) {
    const dir = (spec.destination ?? '').replace(/\/+$/, '');
    return [`${layer}/${dir ? `${dir}/` : ''}`];
  }
  const fileName = isPattern(assetName) && spec.destination === undefined ? assetName : assetName.split('/').pop()!;
  return [`${layer}/${singleFilePath(spec.destination, fileName)}`];
}

export function renderCheckTable(report: CheckReport): string {
  const rows = report.entries.map((row) => [
    `${row.index}`,
    row.repo,
    row.error
      ? 'ERROR'
      : row.tag === undefined
        ? row.requestedTag
        : row.tag === row.requestedTag
          ? row.tag
          : `${row.tag} (${row.requestedTag})`,
    row.error ? row.error.code : row.selection ? `${row.asset} (auto)` : row.asset,
    row.size === undefined ? '' : formatBytes(row.size),
    row.error ? '' : shortHash(row),
    row.paths.join(' '),
  ]);
  const table = renderTable(['#', 'REPO', 'TAG', 'ASSET', 'SIZE', 'SHA256', 'PATH IN IMAGE'], rows);
  // Automatic picks explain themselves under the table; pin writes them into the file.
  const notes = report.entries.flatMap((row) =>
    row.selection ? [`#${row.index} picked automatically: ${row.selection.reason} (github-assets pin writes the name into the entry)`] : [],
  );
  return notes.length ? `${table}${table.endsWith('\n') ? '' : '\n'}${notes.join('\n')}\n` : table;
}

function shortHash(row: CheckRow): string {
  const digest = row.digest?.replace(/^sha256:/i, '');
  if (row.pinned && digest) return `${row.pinned.slice(0, 12)}… (pinned, = GitHub)`;
  if (row.pinned) return `${row.pinned.slice(0, 12)}… (pinned)`;
  if (digest) return `${digest.slice(0, 12)}… (GitHub)`;
  return '-';
}
