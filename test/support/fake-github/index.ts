// A local stand-in for GitHub, for tests, the demo and the bench: starts the API, download
// (objects.githubusercontent.com) and web (github.com) origins as node:http servers on
// 127.0.0.1:0, logs every request, and hands out the public handle. Test support only.
// The parts: model.ts (the data), routes.ts (what each origin answers), faults.ts (injected faults).

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answer, createFaultQueue, type FaultSpec, matches, type RecordedRequest, type RequestFilter } from './faults.ts';
import {
  type AddedRelease,
  addAttestation,
  addRelease,
  addRepo,
  addToken,
  emptyData,
  type FakeReleaseInput,
  replaceAssetContent,
  storeBundleBlob,
} from './model.ts';
import { apiUrl, type Origin, route, type Site, signedUrlFor } from './routes.ts';

// The public types, wherever they are defined (`@public`: part of the API though no test imports them yet).
export type { FaultSpec, RecordedRequest, RequestFilter } from './faults.ts';
export type { AddedRelease, FakeReleaseInput } from './model.ts';
/** @public */
export type { FakeAssetInput } from './model.ts';
/** @public */
export type { Origin } from './routes.ts';

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

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const faults = createFaultQueue();
  // Set once the ports are known; no request can come sooner, as nobody knows where to send it.
  let site: Site | undefined;

  function handle(origin: Origin, req: IncomingMessage, res: ServerResponse): void {
    const record: RecordedRequest = {
      origin,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers },
      at: performance.now(),
    };
    requests.push(record);
    const fault = faults.take(record);
    if (fault) record.fault = true;
    // Drain any request body so keep-alive works.
    req.resume();
    void answer({ req, res, fault, route: () => route(site!, origin, req) });
  }

  const servers: Record<Origin, Server> = {
    api: createServer((req, res) => handle('api', req, res)),
    download: createServer((req, res) => handle('download', req, res)),
    web: createServer((req, res) => handle('web', req, res)),
  };
  const origins: Record<Origin, string> = {
    api: `http://127.0.0.1:${await listen(servers.api)}`,
    download: `http://127.0.0.1:${await listen(servers.download)}`,
    web: `http://127.0.0.1:${await listen(servers.web)}`,
  };
  const ready: Site = {
    data: emptyData(),
    origins,
    prefix: (options.apiPrefix ?? '').replace(/\/+$/, ''),
    delivery: options.assetDelivery ?? 'redirect',
    limits: { anonymous: options.rateLimit?.anonymous ?? 1000, authenticated: options.rateLimit?.authenticated ?? 5000 },
    assetValidators: options.assetValidators ?? 'both',
    rateUse: new Map(),
    resetAt: Math.floor(Date.now() / 1000) + 3600,
  };
  site = ready;
  const { data } = ready;

  return {
    apiUrl: apiUrl(ready),
    downloadUrl: origins.download,
    webUrl: origins.web,
    requests,
    addRepo: (full, opts) => addRepo(data, full, opts),
    addRelease: (full, input) => addRelease(data, full, input),
    addToken: (token, access) => addToken(data, token, access),
    signedUrlFor: (assetId) => signedUrlFor(ready, assetId),
    replaceAssetContent: (assetId, content) => replaceAssetContent(data, assetId, content),
    addAttestation(full, sha256Hex, bundle, opts = {}) {
      const url =
        opts.via === 'url' ? `${origins.download}${storeBundleBlob(data, bundle)}?sig=${randomBytes(8).toString('hex')}` : undefined;
      addAttestation(data, { repo: full, sha256Hex, bundle, ...(url ? { url } : {}) });
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    countRequests: (filter = {}) => requests.filter((r) => (typeof filter === 'function' ? filter(r) : matches(filter, r))).length,
    resetRequests() {
      requests.length = 0;
    },
    async close() {
      await Promise.all(
        Object.values(servers).map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
