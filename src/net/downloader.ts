// The downloader the build uses: picks the source of an asset's bytes (an internal mirror, the
// web host's release-download URL for public assets, or the API URL with the entry's token) and
// streams it through the shared network with retries, resume and progress. The token is offered
// for the API URL only, and the network layer strips it from every other origin (interceptors.ts).

import { limiter } from '../util/concurrency.js';
import { downloadAsset, downloadUrl, sendEarly, type BodySink, type DownloadResult, type EarlyRequest } from './download.js';
import { type BuildpackError, isHostRefusal } from '../errors.js';
import type { Logger } from '../log.js';
import type { ReleaseAsset } from '../model.js';
import type { Progress } from './progress.js';
import { safeUrl } from '../util/secrets.js';
import type { Network } from './agent.js';
import { isDirectAsset, mirrorUrl, type AssetCoordinates } from './sources.js';

export interface AssetDownloadRequest {
  asset: ReleaseAsset;
  token: string | undefined;
  tokenEnv: string | undefined;
  destFile: string;
  entry: string;
  /** Owner, repo, resolved tag and asset name: needed to map the download to a mirror. */
  coordinates?: AssetCoordinates;
  /** A cap tighter than GITHUB_ASSETS_MAX_DOWNLOAD_SIZE (the checksums file's), with its own error. */
  maxBytes?: number;
  overCap?: (bytes: number, cap: number) => BuildpackError;
  /** Fed the body as it arrives (an extraction alongside the download), from byte zero again on every fresh start. */
  sink?: BodySink;
}

export interface AssetDownloadResult extends DownloadResult {
  /** Where the bytes came from: the API asset URL, the mirror, or the web host (no API call). */
  via: 'api' | 'mirror' | 'web';
  /** The URL fetched first, without query string or credentials. */
  from: string;
}

export interface AssetDownloader {
  (request: AssetDownloadRequest): Promise<AssetDownloadResult>;
  /**
   * Sends the GET of a public asset's web URL now, before its download is asked for (the build
   * does while the release lookup runs): the download of the same URL takes the answer. At most
   * as many wait at once as downloads may run; beyond that, and for a URL already sent, nothing happens.
   */
  sendEarly(url: string): void;
  /** Aborts every early request no download took (before the network closes: an unanswered one keeps its connection). */
  dropEarly(): void;
}

export interface AssetDownloaderOptions {
  userAgent: string;
  log?: Logger;
  progress?: Progress;
  /** Downloads in flight at once, however many callers ask (default: the network's concurrency). */
  concurrency?: number;
}

export function createAssetDownloader(network: Network, options: AssetDownloaderOptions): AssetDownloader {
  const concurrency = options.concurrency ?? network.config.concurrency;
  const limited = limiter(concurrency);
  const transfer = {
    dispatcher: network.dispatcher,
    retry: network.retry,
    log: options.log,
    ...(options.progress ? { progress: options.progress } : {}),
  };
  const plain = { accept: 'application/octet-stream', 'user-agent': options.userAgent };
  /** Early requests by URL until a download takes one; every one sent, to abort the leftovers. */
  const waiting = new Map<string, EarlyRequest>();
  const sent: EarlyRequest[] = [];

  const download = (request: AssetDownloadRequest) => limited(() => fetchAsset(request));
  return Object.assign(download, {
    sendEarly(url: string) {
      if (waiting.has(url) || waiting.size >= concurrency) return;
      const early = sendEarly({ url, headers: plain, dispatcher: network.dispatcher, ...(options.log ? { log: options.log } : {}) });
      waiting.set(url, early);
      sent.push(early);
    },
    dropEarly() {
      waiting.clear();
      for (const early of sent.splice(0)) early.exchange.abort(new Error('early request not taken'));
    },
  });

  /** The early request for `url`, once. */
  function takeEarly(url: string): { early?: EarlyRequest } {
    const early = waiting.get(url);
    if (!early) return {};
    waiting.delete(url);
    return { early };
  }

  async function fetchAsset(request: AssetDownloadRequest): Promise<AssetDownloadResult> {
    const { asset } = request;
    // The listed size caps the body; with no size listed, GITHUB_ASSETS_MAX_DOWNLOAD_SIZE does. A caller's cap (checksums) always applies.
    const maxBytes = request.maxBytes ?? (asset.size > 0 ? undefined : network.config.maxDownloadBytes);
    const cap = {
      ...(maxBytes !== undefined ? { maxBytes } : {}),
      ...(request.overCap ? { overCap: request.overCap } : {}),
      ...(request.sink ? { sink: request.sink } : {}),
    };
    const common = {
      ...transfer,
      destFile: request.destFile,
      entry: request.entry,
      progressName: asset.name,
      expectedBytes: asset.size > 0 ? asset.size : undefined,
      ...cap,
    };
    const template = network.config.mirror;
    if (template && request.coordinates && !isDirectAsset(asset)) {
      // Air-gapped builds: the API named the asset, the mirror serves its bytes. Never the token.
      const url = mirrorUrl(template, { ...request.coordinates, asset: asset.name });
      options.log?.debug(`${asset.name}: downloading from the mirror ${safeUrl(url)}`);
      const result = await downloadUrl({ ...common, url, headers: plain, what: `asset ${asset.name} from the mirror ${safeUrl(url)}` });
      return { ...result, via: 'mirror', from: safeUrl(url) };
    }
    if (isDirectAsset(asset)) {
      // Resolved without the API (see directRelease): mirror or web host, never a token.
      const via = template ? 'mirror' : 'web';
      const result = await downloadUrl({
        ...common,
        url: asset.url,
        headers: plain,
        what: `asset ${asset.name} from ${safeUrl(asset.url)}`,
      });
      return { ...result, via, from: safeUrl(asset.url) };
    }
    if (!request.token && asset.browserDownloadUrl) {
      // A public asset: its release-download URL on the web host costs no API call, which
      // matters under the 60-an-hour unauthenticated limit. Should that host be unreachable
      // or refuse (some proxies allow only the API), the API URL below still works.
      try {
        const result = await downloadUrl({
          ...common,
          url: asset.browserDownloadUrl,
          headers: plain,
          what: `asset ${asset.name}`,
          ...takeEarly(asset.browserDownloadUrl),
        });
        return { ...result, via: 'web', from: safeUrl(asset.browserDownloadUrl) };
      } catch (err) {
        if (!isHostRefusal(err)) throw err;
        options.log?.info(`asset ${asset.name}: the web host failed (${err.message}); trying the API URL`);
      }
    }
    const result = await downloadAsset({
      ...transfer,
      asset,
      token: request.token,
      tokenEnv: request.tokenEnv,
      destFile: request.destFile,
      entry: request.entry,
      userAgent: options.userAgent,
      ...cap,
    });
    return { ...result, via: 'api', from: safeUrl(asset.url) };
  }
}
