// Where an asset's bytes come from when not from the GitHub API: an internal mirror
// (GITHUB_ASSETS_MIRROR URL template) or, for a rate-limited unauthenticated build, the web
// host's release-download URL. Pure URL building and qualification rules; no requests here.

import type { AssetSpec, Release, ReleaseAsset } from '../model.js';
import { isPattern } from '../select/index.js';
import { parseTagSpec } from '../select/tags.js';
import type { NetworkConfig } from './config.js';

export interface AssetCoordinates {
  owner: string;
  repo: string;
  tag: string;
  /** The exact asset name. */
  asset: string;
}

/** Fills {owner} {repo} {tag} {asset}; each value is URL-encoded (a tag may hold `/` or `+`). */
export function mirrorUrl(template: string, c: AssetCoordinates): string {
  const values: Record<string, string> = { owner: c.owner, repo: c.repo, tag: c.tag, asset: c.asset };
  return template.replace(/\{(owner|repo|tag|asset)\}/g, (_, key: string) => encodeURIComponent(values[key]!));
}

/** `https://github.com/{owner}/{repo}/releases/download/{tag}/{asset}` on GITHUB_SERVER_URL. */
export function webDownloadUrl(serverUrl: string, c: AssetCoordinates): string {
  const part = encodeURIComponent;
  return `${serverUrl.replace(/\/+$/, '')}/${part(c.owner)}/${part(c.repo)}/releases/download/${part(c.tag)}/${part(c.asset)}`;
}

/**
 * Whether an entry may skip the API when it is rate limited: no token (a token means a private
 * repo or a separate limit, and the web host takes no API tokens), an exact tag and an exact
 * asset name (no `latest`, ranges, patterns or automatic selection, which need the release listing).
 */
export function qualifiesForDirectDownload(spec: Pick<AssetSpec, 'tag' | 'asset'>, token: string | undefined): boolean {
  return token === undefined && spec.asset !== '' && parseTagSpec(spec.tag).kind === 'exact' && !isPattern(spec.asset);
}

/**
 * The web URL whose GET an entry may send while its release lookup runs (the downloader's
 * sendEarly): for an asset it would download from the web host anyway (no token, an exact tag and
 * name, no mirror), on a web host that is known rather than assumed (GITHUB_SERVER_URL set, or
 * github.com's own API). The lookup still decides: the download takes the early answer only for
 * the URL the release lists, and verifies it as always.
 */
export function earlyDownloadUrl(
  spec: Pick<AssetSpec, 'owner' | 'name' | 'tag' | 'asset'>,
  token: string | undefined,
  config: Pick<NetworkConfig, 'mirror' | 'serverUrl'> & Partial<Pick<NetworkConfig, 'serverUrlKnown'>>,
): string | undefined {
  if (config.mirror !== undefined || !config.serverUrlKnown || !qualifiesForDirectDownload(spec, token)) return undefined;
  return webDownloadUrl(config.serverUrl, coordinatesOf(spec));
}

/** An entry's asset as the web host and mirrors name it: its exact tag (trimmed) and asset name. */
function coordinatesOf(spec: Pick<AssetSpec, 'owner' | 'name' | 'tag' | 'asset'>): AssetCoordinates {
  return { owner: spec.owner, repo: spec.name, tag: spec.tag.trim(), asset: spec.asset };
}

/** Where a direct download goes: the mirror when one is set, else the web host. */
function directDownloadUrl(
  c: AssetCoordinates,
  config: Pick<NetworkConfig, 'mirror' | 'serverUrl'>,
): { url: string; via: 'mirror' | 'web' } {
  return config.mirror ? { url: mirrorUrl(config.mirror, c), via: 'mirror' } : { url: webDownloadUrl(config.serverUrl, c), via: 'web' };
}

/**
 * A stand-in release for an entry resolved without the API: one asset of origin 'direct' with
 * id 0 and size 0 (unknown: no size check), no digest (verification falls to a pinned sha256 or
 * a checksums file), `url` = where to download it (mirror or web host) and `browserDownloadUrl` =
 * the web URL. `selectAsset` finds the asset by its exact name as usual.
 */
export function directRelease(
  spec: Pick<AssetSpec, 'owner' | 'name' | 'tag' | 'asset'>,
  config: Pick<NetworkConfig, 'mirror' | 'serverUrl'>,
): Release {
  const c = coordinatesOf(spec);
  const asset: ReleaseAsset = {
    id: 0,
    name: spec.asset,
    size: 0,
    url: directDownloadUrl(c, config).url,
    browserDownloadUrl: webDownloadUrl(config.serverUrl, c),
    origin: 'direct',
  };
  return { id: 0, tag: c.tag, draft: false, prerelease: false, assets: [asset] };
}

export function isDirectAsset(asset: ReleaseAsset): boolean {
  return asset.origin === 'direct';
}

/**
 * The build's one call after a failed lookup: a direct release when the entry may do without
 * the API, else undefined and the error stands. Call it when the API is rate limited (GHA013),
 * and also when it is unreachable (GHA020) if a mirror is set (air-gapped builds). With a mirror
 * the token rule does not apply: the mirror, not GitHub, decides who may read its copy.
 * `spec` is the entry after per-target overrides (specForTarget).
 */
export function directReleaseFor(
  spec: Pick<AssetSpec, 'owner' | 'name' | 'tag' | 'asset'>,
  token: string | undefined,
  config: Pick<NetworkConfig, 'mirror' | 'serverUrl'>,
): Release | undefined {
  return qualifiesForDirectDownload(spec, config.mirror ? undefined : token) ? directRelease(spec, config) : undefined;
}
