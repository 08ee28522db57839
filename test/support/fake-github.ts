// A local stand-in for GitHub: an API origin, a download origin (objects.githubusercontent.com)
// and a web origin (github.com), each a node:http server on 127.0.0.1:0, with a small data model,
// auth rules like the real service, a request log and fault injection. Test support only.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import snappy from 'snappyjs';

export type Origin = 'api' | 'download' | 'web';

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

export interface RecordedRequest {
  origin: Origin;
  method: string;
  /** Path with query string, as received (including any API prefix). */
  path: string;
  headers: IncomingHttpHeaders;
  /** Set when an injected fault handled this request. */
  fault?: boolean;
}

export interface RequestFilter {
  origin?: Origin;
  method?: string;
  /** Exact path (query ignored unless included), a prefix ending in `*`, or a RegExp tested on path + query. */
  path?: string | RegExp;
}

export interface FaultSpec extends RequestFilter {
  /** How many matching requests it applies to (default 1; Infinity for all). */
  times?: number;
  /** Answer with this instead of the normal response. An object body is sent as JSON. */
  respond?: { status: number; headers?: OutgoingHttpHeaders; body?: string | Buffer | object };
  /** Drop the connection without any response. */
  reset?: boolean;
  /** Send the normal headers and this many body bytes, then destroy the socket. */
  cutAfterBytes?: number;
  /** Send the normal headers and this many body bytes (default 0), then send nothing more. */
  stallAfterBytes?: number;
  /** Never answer at all (not even headers). */
  stallBeforeHeaders?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Hostile: send the body this many bytes at a time, one piece every `everyMs` (a trickle). */
  trickle?: { bytes: number; everyMs: number };
  /** Hostile: no Content-Length (chunked), so only the bytes themselves say how long the body is. */
  omitContentLength?: boolean;
  /** Hostile: after the headers of `respond`, stream this many filler bytes (never held in memory). */
  fillBytes?: number;
  /** Called when the fault is applied, before answering (e.g. to replace an asset between attempts). */
  onServed?: () => void;
}

export interface FakeGitHubOptions {
  /** API path prefix, e.g. `/api/v3` to emulate GitHub Enterprise Server. */
  apiPrefix?: string;
  /** `redirect` (github.com: 302 to the download origin) or `direct` (the API streams the bytes itself). */
  assetDelivery?: 'redirect' | 'direct';
  /** Requests per identity before the API answers 403 rate-limited. */
  rateLimit?: { anonymous?: number; authenticated?: number };
  /** Which validators asset downloads carry (default both, like the real download host). */
  assetValidators?: 'etag' | 'last-modified' | 'both' | 'none';
}

export interface FakeGitHub {
  /** e.g. http://127.0.0.1:1234 or http://127.0.0.1:1234/api/v3 (no trailing slash). */
  readonly apiUrl: string;
  readonly downloadUrl: string;
  readonly webUrl: string;
  readonly requests: RecordedRequest[];
  addRepo(repo: string, opts?: { private?: boolean }): void;
  addRelease(repo: string, release: FakeReleaseInput): AddedRelease;
  addToken(token: string, access: { repos: string[] | '*' }): void;
  /** A fresh signed URL on the download origin for an asset, as the API redirect would give. */
  signedUrlFor(assetId: number): string;
  /** Re-uploads an asset's bytes in place (new ETag and Last-Modified; the listed size and digest follow). */
  replaceAssetContent(assetId: number, content: Buffer): void;
  injectFault(fault: FaultSpec): void;
  /**
   * Serves a Sigstore bundle from GET /repos/{repo}/attestations/sha256:{hex} (the artifact
   * attestations API): inline, or (`via: 'url'`) only as a `bundle_url` on the download origin
   * that answers with the Snappy-compressed JSON, as github.com does.
   */
  addAttestation(repo: string, sha256Hex: string, bundle: object, opts?: { via?: 'inline' | 'url' }): void;
  clearFaults(): void;
  countRequests(filter?: RequestFilter | ((r: RecordedRequest) => boolean)): number;
  resetRequests(): void;
  close(): Promise<void>;
}

interface StoredAsset {
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

interface StoredRelease {
  id: number;
  tag: string;
  name: string;
  draft: boolean;
  prerelease: boolean;
  publishedAt: string;
  assets: StoredAsset[];
}

interface StoredRepo {
  owner: string;
  name: string;
  private: boolean;
  releases: StoredRelease[];
}

/** What a route decided to send; `send` writes it, applying a fault if one matched. */
interface Reply {
  status: number;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | { path: string; start: number; end: number };
}

const json = (status: number, value: unknown, headers: OutgoingHttpHeaders = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: Buffer.from(JSON.stringify(value)),
});
const notFound = (): Reply => json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const prefix = (options.apiPrefix ?? '').replace(/\/+$/, '');
  const delivery = options.assetDelivery ?? 'redirect';
  const limits = { anonymous: options.rateLimit?.anonymous ?? 1000, authenticated: options.rateLimit?.authenticated ?? 5000 };

  const repos = new Map<string, StoredRepo>();
  const tokens = new Map<string, string[] | '*'>();
  const signed = new Map<string, StoredAsset>();
  const used = new Map<string, number>(); // rate-limit use per identity
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  const requests: RecordedRequest[] = [];
  const attestations = new Map<string, { bundle: object; url?: string }[]>(); // `${repo lowercased}@${sha256}` -> bundles
  const bundleBlobs = new Map<string, Buffer>(); // path on the download origin -> snappy bytes
  let faults: Array<FaultSpec & { left: number }> = [];
  let nextId = 1000;
  let clock = Date.parse('2024-01-01T00:00:00Z');

  const servers = {
    api: createServer((req, res) => handle('api', req, res)),
    download: createServer((req, res) => handle('download', req, res)),
    web: createServer((req, res) => handle('web', req, res)),
  };
  const base = {
    api: `http://127.0.0.1:${await listen(servers.api)}`,
    download: `http://127.0.0.1:${await listen(servers.download)}`,
    web: `http://127.0.0.1:${await listen(servers.web)}`,
  };
  const apiUrl = base.api + prefix;

  function handle(origin: Origin, req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const record: RecordedRequest = { origin, method: req.method ?? 'GET', path, headers: { ...req.headers } };
    requests.push(record);
    const fault = takeFault(record);
    if (fault) record.fault = true;
    // Drain any request body so keep-alive works.
    req.resume();
    void (async () => {
      fault?.onServed?.();
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.reset) return void res.socket?.destroy();
      if (fault?.stallBeforeHeaders) return;
      if (fault?.respond) {
        const { status, headers = {}, body } = fault.respond;
        const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
        const type = body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body) ? { 'content-type': 'application/json; charset=utf-8' } : {};
        if (fault.fillBytes !== undefined) return fill(res, status, { ...type, ...headers }, fault.fillBytes);
        return send(req, res, { status, headers: { ...type, ...headers }, body: bytes }, fault);
      }
      let reply: Reply;
      try {
        reply = origin === 'api' ? routeApi(req, path) : origin === 'download' ? routeDownload(req, path) : routeWeb(path);
      } catch (err) {
        reply = json(500, { message: `fake-github internal error: ${(err as Error).message}` });
      }
      send(req, res, reply, fault);
    })();
  }

  function takeFault(r: RecordedRequest): FaultSpec | undefined {
    const fault = faults.find((f) => f.left > 0 && matches(f, r));
    if (fault) fault.left -= 1;
    return fault;
  }

  // ---- API origin ----------------------------------------------------------------------

  function routeApi(req: IncomingMessage, rawPath: string): Reply {
    const url = new URL(rawPath, base.api);
    if (!url.pathname.startsWith(prefix + '/')) return notFound();
    const path = url.pathname.slice(prefix.length);

    const auth = parseAuth(req.headers.authorization);
    if (auth === null || (auth !== undefined && !tokens.has(auth))) {
      return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    const identity = auth === undefined ? String(req.socket.remoteAddress) : `user ID ${hashId(auth)}`;
    const limit = auth !== undefined ? limits.authenticated : limits.anonymous;
    const count = (used.get(identity) ?? 0) + 1;
    used.set(identity, count);
    const rateHeaders: OutgoingHttpHeaders = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - count)),
      'x-ratelimit-reset': String(resetAt),
      'x-ratelimit-used': String(Math.min(count, limit)),
      'x-ratelimit-resource': 'core',
    };
    if (count > limit) {
      return json(403, { message: `API rate limit exceeded for ${identity}.`, documentation_url: 'https://docs.github.com/rest' }, rateHeaders);
    }

    const reply = conditional(req, withHeaders(apiRoutes(req, path, url, auth), rateHeaders));
    // Like api.github.com: a 304 answer to a conditional request costs no rate limit.
    if (reply.status === 304) used.set(identity, count - 1);
    return reply;
  }

  function apiRoutes(req: IncomingMessage, path: string, url: URL, token: string | undefined): Reply {
    if (path === '/rate_limit') return json(200, { resources: {}, rate: {} });
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return notFound();
    const repo = visibleRepo(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), token);
    if (!repo) return notFound();
    const rest = m[3] ?? '';
    const canPush = token !== undefined && hasAccess(token, repo);

    if (rest === '') return json(200, repoJson(repo));
    if (rest === '/releases/latest') {
      const latest = sortedReleases(repo).find((r) => !r.draft && !r.prerelease);
      return latest ? json(200, releaseJson(repo, latest)) : notFound();
    }
    const byTag = /^\/releases\/tags\/(.+)$/.exec(rest);
    if (byTag) {
      const tag = decodeURIComponent(byTag[1]!);
      const release = repo.releases.find((r) => r.tag === tag && !r.draft);
      return release ? json(200, releaseJson(repo, release)) : notFound();
    }
    if (rest === '/releases') {
      const all = sortedReleases(repo).filter((r) => canPush || !r.draft);
      const perPage = clamp(Number(url.searchParams.get('per_page') ?? 30) || 30, 1, 100);
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = (p: number, rel: string) => {
        const u = new URL(apiUrl + path);
        u.searchParams.set('per_page', String(perPage));
        u.searchParams.set('page', String(p));
        return `<${u.toString()}>; rel="${rel}"`;
      };
      const links: string[] = [];
      if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
      if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
      return json(200, slice.map((r) => releaseJson(repo, r)), links.length ? { link: links.join(', ') } : {});
    }
    const assetMatch = /^\/releases\/assets\/(\d+)$/.exec(rest);
    if (assetMatch) {
      const found = findAsset(repo, Number(assetMatch[1]), canPush);
      if (!found) return notFound();
      if (!/application\/octet-stream/i.test(req.headers.accept ?? '')) return json(200, assetJson(repo, found.release, found.asset));
      if (delivery === 'direct') return assetReply(found.asset, req);
      return { status: 302, headers: { location: signedUrlFor(found.asset.id) } };
    }
    const attested = /^\/attestations\/sha256(?::|%3A)([0-9a-f]{64})$/i.exec(rest);
    if (attested) {
      const bundles = attestations.get(`${repo.owner}/${repo.name}`.toLowerCase() + `@${attested[1]}`) ?? [];
      if (bundles.length === 0) return notFound();
      return json(200, { attestations: bundles.map((b, i) => ({ bundle: b.url ? null : b.bundle, repository_id: 1, bundle_url: b.url ?? null, id: i + 1 })) });
    }
    const releaseById = /^\/releases\/(\d+)$/.exec(rest);
    if (releaseById) {
      const release = repo.releases.find((r) => r.id === Number(releaseById[1]) && (canPush || !r.draft));
      return release ? json(200, releaseJson(repo, release)) : notFound();
    }
    return notFound();
  }

  /** ETag over the body; a matching If-None-Match gets 304 like api.github.com. */
  function conditional(req: IncomingMessage, reply: Reply): Reply {
    if (reply.status !== 200 || !Buffer.isBuffer(reply.body)) return reply;
    const etag = `W/"${createHash('sha256').update(reply.body).digest('hex').slice(0, 32)}"`;
    const headers = { ...reply.headers, etag };
    const inm = req.headers['if-none-match'];
    if (inm && inm.split(',').map((s) => s.trim()).includes(etag)) {
      const { 'content-type': _type, ...rest } = headers;
      return { status: 304, headers: rest };
    }
    return { ...reply, headers };
  }

  // ---- download and web origins --------------------------------------------------------

  function routeDownload(req: IncomingMessage, rawPath: string): Reply {
    const url = new URL(rawPath, base.download);
    const blob = bundleBlobs.get(url.pathname);
    if (blob && url.searchParams.get('sig') && req.headers.authorization === undefined) return { status: 200, headers: { 'content-type': 'application/x-snappy' }, body: blob };
    if (req.headers.authorization !== undefined) {
      // objects.githubusercontent.com (S3-like) refuses a second auth mechanism.
      return {
        status: 400,
        headers: { 'content-type': 'application/xml' },
        body: Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified</Message></Error>'),
      };
    }
    const m = /^\/signed\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    const asset = m && url.searchParams.get('X-Amz-Signature') ? signed.get(m[1]!) : undefined;
    if (!asset) return { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Not Found') };
    return assetReply(asset, req);
  }

  function routeWeb(rawPath: string): Reply {
    const url = new URL(rawPath, base.web);
    const m = /^\/([^/]+)\/([^/]+)\/releases\/(?:download\/([^/]+)|latest\/download)\/([^/]+)$/.exec(url.pathname);
    if (!m) return { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Not Found') };
    // The web host serves anonymous users only public repos (it does not take API tokens).
    const repo = visibleRepo(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), undefined);
    const release = repo && (m[3] === undefined ? sortedReleases(repo).find((r) => !r.draft && !r.prerelease) : repo.releases.find((r) => r.tag === decodeURIComponent(m[3]!) && !r.draft));
    const asset = release?.assets.find((a) => a.name === decodeURIComponent(m[4]!));
    if (!asset) return { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Not Found') };
    return { status: 302, headers: { location: signedUrlFor(asset.id) } };
  }

  /** The bytes of an asset, honouring `Range: bytes=N-` / `bytes=N-M`. */
  function assetReply(asset: StoredAsset, req: IncomingMessage): Reply {
    const common = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', 'content-disposition': `attachment; filename=${asset.name}` };
    const which = options.assetValidators ?? 'both';
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

  // ---- writing replies, with faults applied --------------------------------------------

  function send(req: IncomingMessage, res: ServerResponse, reply: Reply, fault?: FaultSpec): void {
    const length = reply.body === undefined ? 0 : Buffer.isBuffer(reply.body) ? reply.body.length : reply.body.end - reply.body.start + 1;
    const headers: OutgoingHttpHeaders = { ...reply.headers };
    if (reply.status !== 304 && reply.status !== 204 && !fault?.omitContentLength) headers['content-length'] = String(length);
    res.writeHead(reply.status, headers);
    if (req.method === 'HEAD' || reply.body === undefined || length === 0) return void res.end();

    if (fault?.trickle) {
      const all = Buffer.isBuffer(reply.body) ? reply.body : readFileSync(reply.body.path).subarray(reply.body.start, reply.body.end + 1);
      const { bytes, everyMs } = fault.trickle;
      let at = 0;
      const timer = setInterval(() => {
        if (res.destroyed || at >= all.length) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(all.subarray(at, at + bytes));
        at += bytes;
      }, everyMs);
      res.on('close', () => clearInterval(timer));
      return;
    }

    const limit = fault?.cutAfterBytes ?? fault?.stallAfterBytes;
    const onLimit = fault?.cutAfterBytes !== undefined ? 'cut' : fault?.stallAfterBytes !== undefined ? 'stall' : undefined;
    if (onLimit && limit !== undefined) {
      const head = Buffer.isBuffer(reply.body) ? reply.body.subarray(0, limit) : readFileSync(reply.body.path).subarray(reply.body.start, Math.min(reply.body.start + limit, reply.body.end + 1));
      const afterWrite = () => {
        if (onLimit === 'cut') res.socket?.destroy();
      };
      if (head.length > 0) res.write(head, afterWrite);
      else {
        res.flushHeaders();
        setImmediate(afterWrite);
      }
      return; // 'stall': keep the socket open with nothing more to say
    }
    if (Buffer.isBuffer(reply.body)) return void res.end(reply.body);
    const stream = createReadStream(reply.body.path, { start: reply.body.start, end: reply.body.end });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  /** Streams `total` filler bytes after the headers, honouring backpressure, until the client goes away. */
  function fill(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, total: number): void {
    res.writeHead(status, headers);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let left = total;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on('error', () => {});
    pump();
  }

  // ---- data model ----------------------------------------------------------------------

  function visibleRepo(owner: string, name: string, token: string | undefined): StoredRepo | undefined {
    const repo = repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) return undefined;
    if (repo.private && (token === undefined || !hasAccess(token, repo))) return undefined;
    return repo;
  }

  function hasAccess(token: string, repo: StoredRepo): boolean {
    const access = tokens.get(token);
    if (access === undefined) return false;
    return access === '*' || access.some((r) => r.toLowerCase() === `${repo.owner}/${repo.name}`.toLowerCase());
  }

  function findAsset(repo: StoredRepo, id: number, includeDrafts: boolean) {
    for (const release of repo.releases) {
      if (release.draft && !includeDrafts) continue;
      const asset = release.assets.find((a) => a.id === id);
      if (asset) return { release, asset };
    }
    return undefined;
  }

  function findAssetAnywhere(id: number): StoredAsset | undefined {
    for (const repo of repos.values()) for (const r of repo.releases) for (const a of r.assets) if (a.id === id) return a;
    return undefined;
  }

  function sortedReleases(repo: StoredRepo): StoredRelease[] {
    return [...repo.releases].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || b.id - a.id);
  }

  function signedUrlFor(assetId: number): string {
    const asset = findAssetAnywhere(assetId);
    if (!asset) throw new Error(`fake-github: no asset with id ${assetId}`);
    const key = randomBytes(12).toString('base64url');
    signed.set(key, asset);
    const sig = randomBytes(16).toString('hex');
    return `${base.download}/signed/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=${sig}&response-content-disposition=attachment%3B%20filename%3D${encodeURIComponent(asset.name)}`;
  }

  // ---- JSON shapes (a subset of the real REST API's fields) -----------------------------

  function repoJson(repo: StoredRepo) {
    const full = `${repo.owner}/${repo.name}`;
    return { id: hashId(full), name: repo.name, full_name: full, private: repo.private, owner: { login: repo.owner }, html_url: `${base.web}/${full}`, url: `${apiUrl}/repos/${full}`, default_branch: 'main' };
  }

  function releaseJson(repo: StoredRepo, r: StoredRelease) {
    const full = `${repo.owner}/${repo.name}`;
    return {
      url: `${apiUrl}/repos/${full}/releases/${r.id}`,
      assets_url: `${apiUrl}/repos/${full}/releases/${r.id}/assets`,
      upload_url: `${apiUrl}/repos/${full}/releases/${r.id}/assets{?name,label}`,
      html_url: `${base.web}/${full}/releases/tag/${encodeURIComponent(r.tag)}`,
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
      assets: r.assets.map((a) => assetJson(repo, r, a)),
      tarball_url: `${apiUrl}/repos/${full}/tarball/${encodeURIComponent(r.tag)}`,
      zipball_url: `${apiUrl}/repos/${full}/zipball/${encodeURIComponent(r.tag)}`,
      body: '',
    };
  }

  function assetJson(repo: StoredRepo, r: StoredRelease, a: StoredAsset) {
    const full = `${repo.owner}/${repo.name}`;
    return {
      url: `${apiUrl}/repos/${full}/releases/assets/${a.id}`,
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
      browser_download_url: `${base.web}/${full}/releases/download/${encodeURIComponent(r.tag)}/${encodeURIComponent(a.name)}`,
    };
  }

  // ---- the public handle ---------------------------------------------------------------

  return {
    apiUrl,
    downloadUrl: base.download,
    webUrl: base.web,
    requests,
    addRepo(full, opts = {}) {
      const [owner, name, extra] = full.split('/');
      if (!owner || !name || extra !== undefined) throw new Error(`fake-github: repo must be owner/name, got ${full}`);
      if (repos.has(full.toLowerCase())) throw new Error(`fake-github: repo ${full} already added`);
      repos.set(full.toLowerCase(), { owner, name, private: opts.private ?? false, releases: [] });
    },
    addRelease(full, input) {
      const repo = repos.get(full.toLowerCase());
      if (!repo) throw new Error(`fake-github: add repo ${full} first`);
      clock += 60_000;
      const publishedAt = input.publishedAt ?? new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const release: StoredRelease = {
        id: nextId++,
        tag: input.tag,
        name: input.name ?? input.tag,
        draft: input.draft ?? false,
        prerelease: input.prerelease ?? false,
        publishedAt,
        assets: (input.assets ?? []).map((a) => storeAsset(a, publishedAt)),
      };
      repo.releases.push(release);
      return { id: release.id, tag: release.tag, assets: Object.fromEntries(release.assets.map((a) => [a.name, a.id])) };
    },
    addToken(token, access) {
      tokens.set(token, access.repos);
    },
    signedUrlFor,
    replaceAssetContent(assetId, content) {
      const asset = findAssetAnywhere(assetId);
      if (!asset) throw new Error(`fake-github: no asset with id ${assetId}`);
      clock += 60_000;
      const replaced = storeAsset({ name: asset.name, content, ...(asset.digest === null ? { digest: null } : {}) }, new Date(clock).toISOString());
      Object.assign(asset, { source: replaced.source, size: replaced.size, digest: replaced.digest, etag: replaced.etag, lastModified: replaced.lastModified });
    },
    addAttestation(full, sha256Hex, bundle, opts = {}) {
      const key = `${full.toLowerCase()}@${sha256Hex}`;
      let url: string | undefined;
      if (opts.via === 'url') {
        const path = `/attestation-bundles/${randomBytes(8).toString('hex')}`;
        bundleBlobs.set(path, Buffer.from(snappy.compress(Buffer.from(JSON.stringify(bundle)))));
        url = `${base.download}${path}?sig=${randomBytes(8).toString('hex')}`;
      }
      attestations.set(key, [...(attestations.get(key) ?? []), { bundle, ...(url ? { url } : {}) }]);
    },
    injectFault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    countRequests(filter = {}) {
      return requests.filter((r) => (typeof filter === 'function' ? filter(r) : matches(filter, r))).length;
    },
    resetRequests() {
      requests.length = 0;
    },
    async close() {
      await Promise.all(Object.values(servers).map((s) => new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      })));
    },
  };

  function storeAsset(a: FakeAssetInput, createdAt: string): StoredAsset {
    const bytes = typeof a.content === 'string' ? Buffer.from(a.content) : Buffer.isBuffer(a.content) ? a.content : readFileSync(a.content.path);
    const digest = a.digest === undefined ? `sha256:${createHash('sha256').update(bytes).digest('hex')}` : a.digest;
    const source = typeof a.content === 'object' && !Buffer.isBuffer(a.content) ? { path: a.content.path } : { bytes };
    const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 40)}"`;
    return { id: nextId++, name: a.name, contentType: a.contentType ?? 'application/octet-stream', size: bytes.length, digest, source, createdAt, etag, lastModified: new Date(createdAt).toUTCString() };
  }
}

function matches(filter: RequestFilter, r: RecordedRequest): boolean {
  if (filter.origin && filter.origin !== r.origin) return false;
  if (filter.method && filter.method.toUpperCase() !== r.method) return false;
  if (filter.path === undefined) return true;
  if (filter.path instanceof RegExp) return filter.path.test(r.path);
  const pathname = r.path.split('?')[0]!;
  if (filter.path.endsWith('*')) return r.path.startsWith(filter.path.slice(0, -1));
  return filter.path.includes('?') ? r.path === filter.path : pathname === filter.path;
}

/** `Bearer X` and `token X` (any case) like GitHub; anything else present is malformed. */
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

function hashId(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
