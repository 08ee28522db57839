// The fake GitHub's data: repos, releases, assets (bytes or a file, digest, ETag, Last-Modified),
// tokens and their access, attestations, signed download keys, and the id and time counters.
// Plain data and functions over it: no HTTP, no URLs, no JSON shapes (routes.ts owns those).

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import snappy from 'snappyjs';

export interface FakeAssetInput {
  name: string;
  /** The bytes, or a file on disk served by streaming (hashed once when added). */
  content: Buffer | string | { path: string };
  contentType?: string;
  /** Override the `sha256:<hex>` digest the API reports; `null` omits it (older GitHub). */
  digest?: string | null;
}

export interface FakeReleaseInput {
  tag: string;
  name?: string;
  draft?: boolean;
  prerelease?: boolean;
  /** ISO time; defaults to a time after every release added before, so the last added is newest. */
  publishedAt?: string;
  assets?: FakeAssetInput[];
}

export interface AddedRelease {
  id: number;
  tag: string;
  /** Asset ids by asset name. */
  assets: Record<string, number>;
}

export interface StoredAsset {
  id: number;
  name: string;
  contentType: string;
  size: number;
  digest: string | null;
  source: { bytes: Buffer } | { path: string };
  createdAt: string;
  /** Strong ETag over the bytes, and a Last-Modified: what a resume's If-Range must match. */
  etag: string;
  lastModified: string;
}

export interface StoredRelease {
  id: number;
  tag: string;
  name: string;
  draft: boolean;
  prerelease: boolean;
  publishedAt: string;
  assets: StoredAsset[];
}

export interface StoredRepo {
  owner: string;
  name: string;
  private: boolean;
  releases: StoredRelease[];
}

/** One attestation: the bundle inline, or (`url` set) served only from the download origin. */
interface StoredAttestation {
  bundle: object;
  url?: string;
}

export interface FakeData {
  /** By `owner/name` lowercased. */
  readonly repos: Map<string, StoredRepo>;
  /** Token -> the repos it may read (`*`: all). */
  readonly tokens: Map<string, string[] | '*'>;
  /** `${owner/name lowercased}@${sha256 hex}` -> attestations. */
  readonly attestations: Map<string, StoredAttestation[]>;
  /** Path on the download origin -> Snappy-compressed bundle JSON. */
  readonly bundleBlobs: Map<string, Buffer>;
  /** Signed-URL key -> asset. */
  readonly signed: Map<string, StoredAsset>;
  nextId: number;
  /** Milliseconds; every added release (and re-upload) moves it a minute on. */
  clock: number;
}

export function emptyData(): FakeData {
  return {
    repos: new Map(),
    tokens: new Map(),
    attestations: new Map(),
    bundleBlobs: new Map(),
    signed: new Map(),
    nextId: 1000,
    clock: Date.parse('2024-01-01T00:00:00Z'),
  };
}

export function fullName(repo: StoredRepo): string {
  return `${repo.owner}/${repo.name}`;
}

export function addRepo(data: FakeData, full: string, opts: { private?: boolean } = {}): void {
  const [owner, name, extra] = full.split('/');
  if (!owner || !name || extra !== undefined) throw new Error(`fake-github: repo must be owner/name, got ${full}`);
  if (data.repos.has(full.toLowerCase())) throw new Error(`fake-github: repo ${full} already added`);
  data.repos.set(full.toLowerCase(), { owner, name, private: opts.private ?? false, releases: [] });
}

export function addRelease(data: FakeData, full: string, input: FakeReleaseInput): AddedRelease {
  const repo = data.repos.get(full.toLowerCase());
  if (!repo) throw new Error(`fake-github: add repo ${full} first`);
  data.clock += 60_000;
  const publishedAt = input.publishedAt ?? new Date(data.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const release: StoredRelease = {
    id: data.nextId++,
    tag: input.tag,
    name: input.name ?? input.tag,
    draft: input.draft ?? false,
    prerelease: input.prerelease ?? false,
    publishedAt,
    assets: (input.assets ?? []).map((a) => storeAsset(data, a, publishedAt)),
  };
  repo.releases.push(release);
  return { id: release.id, tag: release.tag, assets: Object.fromEntries(release.assets.map((a) => [a.name, a.id])) };
}

export function addToken(data: FakeData, token: string, access: { repos: string[] | '*' }): void {
  data.tokens.set(token, access.repos);
}

/** Re-uploads an asset's bytes in place: new ETag and Last-Modified; size and digest follow. */
export function replaceAssetContent(data: FakeData, assetId: number, content: Buffer): void {
  const asset = findAssetAnywhere(data, assetId);
  if (!asset) throw new Error(`fake-github: no asset with id ${assetId}`);
  data.clock += 60_000;
  const input = { name: asset.name, content, ...(asset.digest === null ? { digest: null } : {}) };
  const replaced = storeAsset(data, input, new Date(data.clock).toISOString());
  Object.assign(asset, {
    source: replaced.source,
    size: replaced.size,
    digest: replaced.digest,
    etag: replaced.etag,
    lastModified: replaced.lastModified,
  });
}

export function addAttestation(data: FakeData, at: { repo: string; sha256Hex: string; bundle: object; url?: string }): void {
  const key = `${at.repo.toLowerCase()}@${at.sha256Hex}`;
  data.attestations.set(key, [...(data.attestations.get(key) ?? []), { bundle: at.bundle, ...(at.url ? { url: at.url } : {}) }]);
}

export function attestationsFor(data: FakeData, repo: StoredRepo, sha256Hex: string): StoredAttestation[] {
  return data.attestations.get(`${fullName(repo).toLowerCase()}@${sha256Hex}`) ?? [];
}

/** Stores a bundle as github.com serves a `bundle_url`: Snappy-compressed JSON. Returns its path. */
export function storeBundleBlob(data: FakeData, bundle: object): string {
  const path = `/attestation-bundles/${randomBytes(8).toString('hex')}`;
  data.bundleBlobs.set(path, Buffer.from(snappy.compress(Buffer.from(JSON.stringify(bundle)))));
  return path;
}

/** A repo the caller may see: public, or private with a token that has access to it. */
export function visibleRepo(data: FakeData, who: { owner: string; name: string; token: string | undefined }): StoredRepo | undefined {
  const repo = data.repos.get(`${who.owner}/${who.name}`.toLowerCase());
  if (!repo) return undefined;
  if (repo.private && (who.token === undefined || !hasAccess(data, who.token, repo))) return undefined;
  return repo;
}

export function hasAccess(data: FakeData, token: string, repo: StoredRepo): boolean {
  const access = data.tokens.get(token);
  if (access === undefined) return false;
  return access === '*' || access.some((r) => r.toLowerCase() === fullName(repo).toLowerCase());
}

export function findAsset(
  repo: StoredRepo,
  id: number,
  includeDrafts: boolean,
): { release: StoredRelease; asset: StoredAsset } | undefined {
  for (const release of repo.releases) {
    if (release.draft && !includeDrafts) continue;
    const asset = release.assets.find((a) => a.id === id);
    if (asset) return { release, asset };
  }
  return undefined;
}

function findAssetAnywhere(data: FakeData, id: number): StoredAsset | undefined {
  for (const repo of data.repos.values()) for (const r of repo.releases) for (const a of r.assets) if (a.id === id) return a;
  return undefined;
}

/** Newest first (by published time, then id), as the API lists them. */
export function sortedReleases(repo: StoredRepo): StoredRelease[] {
  return [...repo.releases].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || b.id - a.id);
}

/** The newest release that is neither a draft nor a prerelease. */
export function latestRelease(repo: StoredRepo): StoredRelease | undefined {
  return sortedReleases(repo).find((r) => !r.draft && !r.prerelease);
}

/** A fresh key under which the download origin serves an asset (the signed URL's path). */
export function signAsset(data: FakeData, assetId: number): { key: string; asset: StoredAsset } {
  const asset = findAssetAnywhere(data, assetId);
  if (!asset) throw new Error(`fake-github: no asset with id ${assetId}`);
  const key = randomBytes(12).toString('base64url');
  data.signed.set(key, asset);
  return { key, asset };
}

/** A stable numeric id for a name (repo ids, user ids in rate-limit messages). */
export function hashId(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

function storeAsset(data: FakeData, a: FakeAssetInput, createdAt: string): StoredAsset {
  const bytes =
    typeof a.content === 'string' ? Buffer.from(a.content) : Buffer.isBuffer(a.content) ? a.content : readFileSync(a.content.path);
  const digest = a.digest === undefined ? `sha256:${createHash('sha256').update(bytes).digest('hex')}` : a.digest;
  const source = typeof a.content === 'object' && !Buffer.isBuffer(a.content) ? { path: a.content.path } : { bytes };
  const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 40)}"`;
  return {
    id: data.nextId++,
    name: a.name,
    contentType: a.contentType ?? 'application/octet-stream',
    size: bytes.length,
    digest,
    source,
    createdAt,
    etag,
    lastModified: new Date(createdAt).toUTCString(),
  };
}
