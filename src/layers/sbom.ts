// Pure: the CycloneDX JSON document (`<layer>.sbom.cdx.json`) describing the assets installed
// into one layer, built from the layer's entry records. Writing the file is store.ts's job;
// records never hold tokens, and URLs are stripped of credentials and query strings here.
//
// Reproducible by design: the serial number is a UUID derived from the document's content and
// no timestamp is written unless the caller passes one, so a rebuild that installs the same
// assets writes the same bytes (and the image's SBOM layer keeps its digest).

import { createHash } from 'node:crypto';
import type { EntryRecord } from './reuse.js';
import { strippedUrl } from '../util/secrets.js';

/**
 * CycloneDX 1.6: every field used here exists there, and it is the newest version that
 * SBOM consumers (scanners, Dependency-Track) read everywhere; 1.7 would add nothing we use.
 */
export const CYCLONEDX_SPEC_VERSION = '1.6';

/** Prefix of this buildpack's CycloneDX property names. */
const PROPERTY_PREFIX = 'github-assets';

export interface SbomInput {
  layer: string;
  records: EntryRecord[];
  buildpack: { id: string; version: string; name?: string; homepage?: string };
  /** ISO 8601 date-time; omitted when absent, to keep rebuilds byte-identical. */
  timestamp?: string;
}

export interface CycloneDxHash {
  alg: 'SHA-256';
  content: string;
}

export interface CycloneDxProperty {
  name: string;
  value: string;
}

export interface CycloneDxExternalReference {
  type: 'distribution' | 'website' | 'vcs';
  url: string;
}

export interface CycloneDxComponent {
  type: 'application' | 'file';
  'bom-ref': string;
  group?: string;
  name: string;
  version?: string;
  description?: string;
  hashes?: CycloneDxHash[];
  purl?: string;
  externalReferences?: CycloneDxExternalReference[];
  properties?: CycloneDxProperty[];
}

export interface CycloneDxBom {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: string;
  serialNumber: string;
  version: number;
  metadata: {
    timestamp?: string;
    tools: { components: CycloneDxComponent[] };
    component: CycloneDxComponent;
  };
  components: CycloneDxComponent[];
  dependencies: Array<{ ref: string; dependsOn: string[] }>;
}

/** The extension the lifecycle expects for a layer's CycloneDX SBOM (`<layer>.sbom.cdx.json`). */
export const SBOM_EXTENSION = 'cdx.json';

/** The file name the lifecycle expects for a layer's CycloneDX SBOM. */
export function sbomFileName(layer: string): string {
  return `${layer}.sbom.${SBOM_EXTENSION}`;
}

/** The SBOM for one layer: one component per installed asset, in record order. */
export function layerSbom({ layer, records, buildpack, timestamp }: SbomInput): CycloneDxBom {
  const layerRef = `layer:${layer}`;
  const refs = new Set<string>();
  const components = records.map((record) => assetComponent(record, refs));
  const tool: CycloneDxComponent = {
    type: 'application',
    'bom-ref': `tool:${buildpack.id}@${buildpack.version}`,
    name: buildpack.id,
    version: buildpack.version,
    ...(buildpack.name ? { description: buildpack.name } : {}),
    ...(buildpack.homepage
      ? { externalReferences: [{ type: 'website' as const, url: cleanUrl(buildpack.homepage) ?? buildpack.homepage }] }
      : {}),
  };
  const body = {
    metadata: {
      ...(timestamp !== undefined ? { timestamp } : {}),
      tools: { components: [tool] },
      component: {
        type: 'file' as const,
        'bom-ref': layerRef,
        name: layer,
        description: `Cloud Native Buildpacks layer written by ${buildpack.id}`,
      },
    },
    components,
    dependencies: [
      { ref: layerRef, dependsOn: components.map((c) => c['bom-ref']) },
      ...components.map((c) => ({ ref: c['bom-ref'], dependsOn: [] })),
    ],
  };
  return {
    $schema: `http://cyclonedx.org/schema/bom-${CYCLONEDX_SPEC_VERSION}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion: CYCLONEDX_SPEC_VERSION,
    serialNumber: contentUuid(JSON.stringify(body)),
    version: 1,
    ...body,
  };
}

/** The document as written to disk: two-space JSON with a final newline. */
export function serialiseSbom(bom: CycloneDxBom): string {
  return `${JSON.stringify(bom, null, 2)}\n`;
}

function assetComponent(record: EntryRecord, refs: Set<string>): CycloneDxComponent {
  const [owner = '', name = record.repo] = record.repo.split('/');
  const purl = githubPurl(owner, name, record.tag);
  const url = cleanUrl(record.url);
  const properties: CycloneDxProperty[] = [
    { name: `${PROPERTY_PREFIX}:asset`, value: record.asset },
    { name: `${PROPERTY_PREFIX}:asset-id`, value: String(record.asset_id) },
    { name: `${PROPERTY_PREFIX}:size`, value: String(record.size) },
    ...(record.destination ? [{ name: `${PROPERTY_PREFIX}:destination`, value: record.destination }] : []),
    ...record.files.map((file) => ({ name: `${PROPERTY_PREFIX}:file`, value: file })),
    ...record.executables.map((file) => ({ name: `${PROPERTY_PREFIX}:executable`, value: file })),
    ...provenanceProperties(record),
  ];
  const source = record.provenance ? cleanUrl(record.provenance.source_repo) : undefined;
  const references: CycloneDxExternalReference[] = [
    ...(url ? [{ type: 'distribution' as const, url }] : []),
    // Where the verified attestation says the asset was built from.
    ...(source ? [{ type: 'vcs' as const, url: source }] : []),
  ];
  return {
    type: 'application',
    'bom-ref': uniqueRef(`asset:${record.repo}@${record.tag}:${record.asset}`, refs),
    group: owner,
    name,
    version: record.tag,
    description: `${record.asset} from the ${record.tag} release of ${record.repo} on GitHub`,
    ...(/^[0-9a-f]{64}$/i.test(record.sha256) ? { hashes: [{ alg: 'SHA-256' as const, content: record.sha256.toLowerCase() }] } : {}),
    purl,
    ...(references.length ? { externalReferences: references } : {}),
    properties,
  };
}

/** The verified provenance (verify/attestations.ts): who built the asset, from which commit, where it was logged. */
function provenanceProperties(record: EntryRecord): CycloneDxProperty[] {
  const p = record.provenance;
  if (!p) return [];
  const fields: [string, string][] = [
    ['signer-workflow', p.signer_workflow],
    ['source-repo', p.source_repo],
    ['source-commit', p.source_commit],
    ['source-ref', p.source_ref],
    ['issuer', p.issuer],
    ['predicate-type', p.predicate_type],
    ['tlog-index', p.tlog_index],
  ];
  return fields.filter(([, value]) => value !== '').map(([name, value]) => ({ name: `${PROPERTY_PREFIX}:provenance:${name}`, value }));
}

/**
 * `pkg:github/<owner>/<repo>@<tag>` per the purl spec: GitHub names are case-insensitive, so
 * namespace and name are lowercased; each part is percent-encoded, so a tag such as
 * `release/1.2` stays one version segment (`release%2F1.2`); `+` and `:` stay as they are.
 */
export function githubPurl(owner: string, repo: string, tag: string): string {
  const version = purlEncode(tag).replace(/%2B/g, '+');
  return `pkg:github/${purlEncode(owner.toLowerCase())}/${purlEncode(repo.toLowerCase())}@${version}`;
}

/** Percent-encodes everything but unreserved characters and ":" (as the purl reference implementation does). */
function purlEncode(part: string): string {
  return encodeURIComponent(part).replace(/%3A/g, ':');
}

function uniqueRef(ref: string, refs: Set<string>): string {
  let candidate = ref;
  for (let n = 2; refs.has(candidate); n++) candidate = `${ref}-${n}`;
  refs.add(candidate);
  return candidate;
}

/** An http(s) URL without user info, query or fragment; undefined for anything else. */
function cleanUrl(raw: string): string | undefined {
  const url = strippedUrl(raw);
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url.toString() : undefined;
}

/** A version 8 (RFC 9562, custom) UUID URN from the SHA-256 of `content`. */
function contentUuid(content: string): string {
  const bytes = createHash('sha256').update(content).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
