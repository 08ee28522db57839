// The three origins' request handlers. API: auth and rate-limit rules like api.github.com,
// conditional requests, repo lookups, releases (latest, by tag, by id, paginated lists), assets
// and attestations. Download: signed URLs and bundle blobs, Range/If-Range. Web: release
// download redirects. Each decides a Reply; writing it (and any fault) is faults.ts's job.

import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import {
  attestationsFor,
  type FakeData,
  findAsset,
  fullName,
  hasAccess,
  hashId,
  latestRelease,
  type StoredAsset,
  type StoredRelease,
  type StoredRepo,
  signAsset,
  sortedReleases,
  visibleRepo,
} from './model.ts';

export type Origin = 'api' | 'download' | 'web';

/** What a route decided to send; faults.ts writes it, applying a fault if one matched. */
export interface Reply {
  status: number;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | { path: string; start: number; end: number };
}

/** One running fake: its data, where its origins listen, and its settings and rate-limit use. */
export interface Site {
  readonly data: FakeData;
  /** Each origin's base URL (http://127.0.0.1:port), without the API prefix. */
  readonly origins: Record<Origin, string>;
  /** API path prefix ('' or e.g. `/api/v3`), without a trailing slash. */
  readonly prefix: string;
  readonly delivery: 'redirect' | 'direct';
  readonly limits: { anonymous: number; authenticated: number };
  readonly assetValidators: 'etag' | 'last-modified' | 'both' | 'none';
  /** Rate-limit use per identity, and when the window resets (epoch seconds). */
  readonly rateUse: Map<string, number>;
  readonly resetAt: number;
}

/** The API's base URL as clients configure it (origin + prefix). */
export function apiUrl(site: Site): string {
  return site.origins.api + site.prefix;
}

/** The reply for a request to one origin; a bug in a route answers 500 instead of throwing. */
export function route(site: Site, origin: Origin, req: IncomingMessage): Reply {
  const path = req.url ?? '/';
  try {
    return origin === 'api' ? routeApi(site, req, path) : origin === 'download' ? routeDownload(site, req, path) : routeWeb(site, path);
  } catch (err) {
    return json(500, { message: `fake-github internal error: ${(err as Error).message}` });
  }
}

/** A fresh signed URL on the download origin for an asset, as the API redirect would give. */
export function signedUrlFor(site: Site, assetId: number): string {
  const { key, asset } = signAsset(site.data, assetId);
  const sig = randomBytes(16).toString('hex');
  const query = [
    'X-Amz-Algorithm=AWS4-HMAC-SHA256',
    'X-Amz-Expires=300',
    `X-Amz-Signature=${sig}`,
    `response-content-disposition=attachment%3B%20filename%3D${encodeURIComponent(asset.name)}`,
  ];
  return `${site.origins.download}/signed/${key}?${query.join('&')}`;
}

const json = (status: number, value: unknown, headers: OutgoingHttpHeaders = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: Buffer.from(JSON.stringify(value)),
});
const notFound = (): Reply => json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
const plainNotFound = (): Reply => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Not Found') });

// ---- API origin ----------------------------------------------------------------------

/** What an API route knows about the request after auth. */
interface ApiRequest {
  req: IncomingMessage;
  /** Path without the API prefix and query. */
  path: string;
  url: URL;
  token: string | undefined;
}

function routeApi(site: Site, req: IncomingMessage, rawPath: string): Reply {
  const url = new URL(rawPath, site.origins.api);
  if (!url.pathname.startsWith(`${site.prefix}/`)) return notFound();
  const path = url.pathname.slice(site.prefix.length);

  const auth = parseAuth(req.headers.authorization);
  if (auth === null || (auth !== undefined && !site.data.tokens.has(auth))) {
    return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  }
  const identity = auth === undefined ? String(req.socket.remoteAddress) : `user ID ${hashId(auth)}`;
  const limit = auth !== undefined ? site.limits.authenticated : site.limits.anonymous;
  const count = (site.rateUse.get(identity) ?? 0) + 1;
  site.rateUse.set(identity, count);
  const rateHeaders: OutgoingHttpHeaders = {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, limit - count)),
    'x-ratelimit-reset': String(site.resetAt),
    'x-ratelimit-used': String(Math.min(count, limit)),
    'x-ratelimit-resource': 'core',
  };
  if (count > limit) {
    return json(
      403,
      { message: `API rate limit exceeded for ${identity}.`, documentation_url: 'https://docs.github.com/rest' },
      rateHeaders,
    );
  }

  const reply = conditional(req, withHeaders(apiRoutes(site, { req, path, url, token: auth }), rateHeaders));
  // Like api.github.com: a 304 answer to a conditional request costs no rate limit.
  if (reply.status === 304) site.rateUse.set(identity, count - 1);
  return reply;
}

function apiRoutes(site: Site, api: ApiRequest): Reply {
  const { req, path, token } = api;
  if (path === '/rate_limit') return json(200, { resources: {}, rate: {} });
  const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  if (!m) return notFound();
  const repo = visibleRepo(site.data, { owner: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!), token });
  if (!repo) return notFound();
  const rest = m[3] ?? '';
  const canPush = token !== undefined && hasAccess(site.data, token, repo);

  if (rest === '') return json(200, repoJson(site, repo));
  if (rest === '/releases/latest') {
    const latest = latestRelease(repo);
    return latest ? json(200, releaseJson(site, repo, latest)) : notFound();
  }
  const byTag = /^\/releases\/tags\/(.+)$/.exec(rest);
  if (byTag) {
    const tag = decodeURIComponent(byTag[1]!);
    const release = repo.releases.find((r) => r.tag === tag && !r.draft);
    return release ? json(200, releaseJson(site, repo, release)) : notFound();
  }
  if (rest === '/releases') return listReleases(site, { api, repo, canPush });
  const assetMatch = /^\/releases\/assets\/(\d+)$/.exec(rest);
  if (assetMatch) {
    const found = findAsset(repo, Number(assetMatch[1]), canPush);
    if (!found) return notFound();
    if (!/application\/octet-stream/i.test(req.headers.accept ?? '')) return json(200, assetJson(site, repo, found.release, found.asset));
    if (site.delivery === 'direct') return assetReply(site, found.asset, req);
    return { status: 302, headers: { location: signedUrlFor(site, found.asset.id) } };
  }
  const attested = /^\/attestations\/sha256(?::|%3A)([0-9a-f]{64})$/i.exec(rest);
  if (attested) {
    const bundles = attestationsFor(site.data, repo, attested[1]!);
    if (bundles.length === 0) return notFound();
    return json(200, {
      attestations: bundles.map((b, i) => ({ bundle: b.url ? null : b.bundle, repository_id: 1, bundle_url: b.url ?? null, id: i + 1 })),
    });
  }
  const releaseById = /^\/releases\/(\d+)$/.exec(rest);
  if (releaseById) {
    const release = repo.releases.find((r) => r.id === Number(releaseById[1]) && (canPush || !r.draft));
    return release ? json(200, releaseJson(site, repo, release)) : notFound();
  }
  return notFound();
}

/** GET /repos/{repo}/releases: drafts only for tokens with access, `per_page`/`page` and a Link header. */
function listReleases(site: Site, list: { api: ApiRequest; repo: StoredRepo; canPush: boolean }): Reply {
  const { api, repo, canPush } = list;
  const all = sortedReleases(repo).filter((r) => canPush || !r.draft);
  const perPage = clamp(Number(api.url.searchParams.get('per_page') ?? 30) || 30, 1, 100);
  const page = Math.max(1, Number(api.url.searchParams.get('page') ?? 1) || 1);
  const slice = all.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const link = (p: number, rel: string) => {
    const u = new URL(apiUrl(site) + api.path);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  return json(
    200,
    slice.map((r) => releaseJson(site, repo, r)),
    links.length ? { link: links.join(', ') } : {},
  );
}

/** ETag over the body; a matching If-None-Match gets 304 like api.github.com. */
function conditional(req: IncomingMessage, reply: Reply): Reply {
  if (reply.status !== 200 || !Buffer.isBuffer(reply.body)) return reply;
  const etag = `W/"${createHash('sha256').update(reply.body).digest('hex').slice(0, 32)}"`;
  const headers = { ...reply.headers, etag };
  const inm = req.headers['if-none-match'];
  if (
    inm
      ?.split(',')
      .map((s) => s.trim())
      .includes(etag)
  ) {
    const { 'content-type': _type, ...rest } = headers;
    return { status: 304, headers: rest };
  }
  return { ...reply, headers };
}

/** `Bearer X` and `token X` (any case) like GitHub; anything else present is malformed (null). */
function parseAuth(header: string | undefined): string | undefined | null {
  if (header === undefined) return undefined;
  const m = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

function withHeaders(reply: Reply, headers: OutgoingHttpHeaders): Reply {
  return { ...reply, headers: { ...headers, ...reply.headers } };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.floor(n)));
}

// ---- download and web origins --------------------------------------------------------

const ONE_AUTH_MECHANISM =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; ' +
  'only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified' +
  '</Message></Error>';

function routeDownload(site: Site, req: IncomingMessage, rawPath: string): Reply {
  const url = new URL(rawPath, site.origins.download);
  const blob = site.data.bundleBlobs.get(url.pathname);
  if (blob && url.searchParams.get('sig') && req.headers.authorization === undefined) {
    return { status: 200, headers: { 'content-type': 'application/x-snappy' }, body: blob };
  }
  if (req.headers.authorization !== undefined) {
    // objects.githubusercontent.com (S3-like) refuses a second auth mechanism.
    return {
      status: 400,
      headers: { 'content-type': 'application/xml' },
      body: Buffer.from(ONE_AUTH_MECHANISM),
    };
  }
  const m = /^\/signed\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
  const asset = m && url.searchParams.get('X-Amz-Signature') ? site.data.signed.get(m[1]!) : undefined;
  if (!asset) return plainNotFound();
  return assetReply(site, asset, req);
}

function routeWeb(site: Site, rawPath: string): Reply {
  const url = new URL(rawPath, site.origins.web);
  const m = /^\/([^/]+)\/([^/]+)\/releases\/(?:download\/([^/]+)|latest\/download)\/([^/]+)$/.exec(url.pathname);
  if (!m) return plainNotFound();
  // The web host serves anonymous users only public repos (it does not take API tokens).
  const repo = visibleRepo(site.data, { owner: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!), token: undefined });
  const release =
    repo && (m[3] === undefined ? latestRelease(repo) : repo.releases.find((r) => r.tag === decodeURIComponent(m[3]!) && !r.draft));
  const asset = release?.assets.find((a) => a.name === decodeURIComponent(m[4]!));
  if (!asset) return plainNotFound();
  return { status: 302, headers: { location: signedUrlFor(site, asset.id) } };
}

/** The bytes of an asset, honouring `Range: bytes=N-` / `bytes=N-M` and If-Range. */
function assetReply(site: Site, asset: StoredAsset, req: IncomingMessage): Reply {
  const common = {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    'content-disposition': `attachment; filename=${asset.name}`,
  };
  const which = site.assetValidators;
  const validators: OutgoingHttpHeaders = {
    ...(which === 'etag' || which === 'both' ? { etag: asset.etag } : {}),
    ...(which === 'last-modified' || which === 'both' ? { 'last-modified': asset.lastModified } : {}),
  };
  // If-Range (RFC 9110 13.1.5): the range only when the validator still matches, else the whole file.
  const ifRange = req.headers['if-range'];
  const stillSame = ifRange === undefined || ifRange === validators.etag || ifRange === validators['last-modified'];
  const range = req.headers.range && stillSame ? /^bytes=(\d+)-(\d*)$/.exec(req.headers.range) : null;
  let start = 0;
  let end = asset.size - 1;
  let status = 200;
  const headers: OutgoingHttpHeaders = { ...common, ...validators };
  if (range) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), asset.size - 1) : asset.size - 1;
    if (start >= asset.size || start > end) {
      return { status: 416, headers: { 'content-range': `bytes */${asset.size}` } };
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${asset.size}`;
  }
  const body = 'bytes' in asset.source ? asset.source.bytes.subarray(start, end + 1) : { path: asset.source.path, start, end };
  return { status, headers, body };
}

// ---- JSON shapes (a subset of the real REST API's fields) -----------------------------

function repoJson(site: Site, repo: StoredRepo) {
  const full = fullName(repo);
  return {
    id: hashId(full),
    name: repo.name,
    full_name: full,
    private: repo.private,
    owner: { login: repo.owner },
    html_url: `${site.origins.web}/${full}`,
    url: `${apiUrl(site)}/repos/${full}`,
    default_branch: 'main',
  };
}

function releaseJson(site: Site, repo: StoredRepo, r: StoredRelease) {
  const full = fullName(repo);
  const api = apiUrl(site);
  return {
    url: `${api}/repos/${full}/releases/${r.id}`,
    assets_url: `${api}/repos/${full}/releases/${r.id}/assets`,
    upload_url: `${api}/repos/${full}/releases/${r.id}/assets{?name,label}`,
    html_url: `${site.origins.web}/${full}/releases/tag/${encodeURIComponent(r.tag)}`,
    id: r.id,
    node_id: `RE_${r.id}`,
    tag_name: r.tag,
    target_commitish: 'main',
    name: r.name,
    draft: r.draft,
    prerelease: r.prerelease,
    created_at: r.publishedAt,
    published_at: r.draft ? null : r.publishedAt,
    author: { login: repo.owner },
    assets: r.assets.map((a) => assetJson(site, repo, r, a)),
    tarball_url: `${api}/repos/${full}/tarball/${encodeURIComponent(r.tag)}`,
    zipball_url: `${api}/repos/${full}/zipball/${encodeURIComponent(r.tag)}`,
    body: '',
  };
}

function assetJson(site: Site, repo: StoredRepo, r: StoredRelease, a: StoredAsset) {
  const full = fullName(repo);
  return {
    url: `${apiUrl(site)}/repos/${full}/releases/assets/${a.id}`,
    id: a.id,
    node_id: `RA_${a.id}`,
    name: a.name,
    label: '',
    uploader: { login: repo.owner },
    content_type: a.contentType,
    state: 'uploaded',
    size: a.size,
    digest: a.digest,
    download_count: 0,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    browser_download_url: `${site.origins.web}/${full}/releases/download/${encodeURIComponent(r.tag)}/${encodeURIComponent(a.name)}`,
  };
}
