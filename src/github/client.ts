// The GitHub REST edge: looks up releases through @octokit/core with pagination (whose fetch is
// the network layer's, net/agent.ts), type-checks every answer (api-schema.ts), caps pagination
// and maps API failures to BuildpackErrors with next steps. It never downloads asset bodies and never
// lets a token reach a message, a log line or an error's cause.

import { Octokit as OctokitCore } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import snappy from 'snappyjs';
import { BuildpackError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Release } from '../model.js';
import { defaultNetwork, type ApiFetch } from '../net/agent.js';
import { parseAttestationList, parseRelease, parseReleaseList } from './api-schema.js';
import { apiBase } from '../net/config.js';
import { isRateLimitAnswer, rateLimitCapNote, rateLimitOf, rateLimitWhen } from '../net/retry.js';
import { redact, registerSecret, safeUrl } from '../util/secrets.js';
import {
  badCredentials,
  forbidden,
  attestationLookupWithoutDigest,
  rateLimited,
  repoOrReleaseNotFound,
  serverError,
  tooManyPages,
  unexpectedApiStatus,
  unreachable,
} from '../errors/catalog.js';

/** octokit's core with pagination: the client library's REST endpoint catalogue (@octokit/rest) is not needed for five routes. */
const Octokit = OctokitCore.plugin(paginateRest);
type Octokit = InstanceType<typeof Octokit>;

/** Most pages of a release listing read (100 releases each): a `next` link forever must end. */
const MAX_RELEASE_PAGES = 100;

/** The REST base: `value` (GITHUB_API_URL; GHES: https://HOST/api/v3) or api.github.com, without a trailing slash or credentials. */
export function normaliseApiUrl(value: string | undefined): string {
  return apiBase(value);
}

export interface GitHubClientOptions {
  /** REST base URL: GITHUB_API_URL, e.g. https://api.github.com or https://HOST/api/v3 for GHES. */
  apiUrl?: string;
  userAgent: string;
  log?: Logger;
  /** The fetch octokit uses: createNetwork().fetch (shared dispatcher, proxy, timeouts, retries). Default: defaultNetwork(apiUrl) (net/agent.ts), no API retries. */
  fetch?: ApiFetch;
  /** Pages of a listing read at most (default MAX_RELEASE_PAGES). */
  maxPages?: number;
  /** Named in rate-limit messages when waiting was not allowed: the cap in milliseconds. */
  rateLimitMaxWaitMs?: number;
}

/** Who is asking, so errors can name the entry and the token's env var (never its value). */
export interface LookupContext {
  entry?: string;
  tokenEnv?: string;
}

/** Which repository a lookup is about, with whose token (none: anonymous) and for which entry. */
export interface RepoQuery {
  owner: string;
  repo: string;
  token?: string | undefined;
  ctx?: LookupContext;
}

export interface GitHubClient {
  readonly apiUrl: string;
  /** `tag === 'latest'` asks for the newest published non-prerelease; otherwise the exact tag. */
  getRelease(query: RepoQuery, tag: string): Promise<Release>;
  /** Every release visible to the token, newest first, across all pages (100 per page). */
  listReleases(query: RepoQuery): Promise<Release[]>;
  /**
   * Conditional lookups for rebuilds: `undefined` when GitHub answers 304 Not Modified for
   * `etag` (free: a 304 costs no rate limit). `listReleasesIfChanged` checks the first page,
   * where a new release appears, and only then pages through everything.
   */
  getReleaseIfChanged(query: RepoQuery, tag: string, etag: string): Promise<Release | undefined>;
  listReleasesIfChanged(query: RepoQuery, etag: string): Promise<Release[] | undefined>;
  /** The Sigstore bundles of the repository's artifact attestations for a sha256 (see listAttestationsWith). */
  listAttestations(query: RepoQuery, sha256Hex: string): Promise<AttestationList>;
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const apiUrl = normaliseApiUrl(options.apiUrl);
  const log = options.log;
  // octokit would print deprecations to the console, and its debug hook receives the request
  // options (headers included): it logs nothing; the request hook below writes one line per call.
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  // No request may bypass the network layer: without a fetch, the default network for this API URL.
  const apiFetch = options.fetch ?? defaultNetwork(apiUrl).fetch;
  // octokit's types name the global fetch; it reads only what ApiResponse has (net/agent.ts).
  const request = { log: quiet, fetch: apiFetch as unknown as typeof fetch };
  const maxPages = options.maxPages ?? MAX_RELEASE_PAGES;
  const octokit = new Octokit({ baseUrl: apiUrl, userAgent: options.userAgent, log: quiet, request });
  octokit.hook.wrap('request', async (send, route) => {
    const started = Date.now();
    const { method, url } = octokit.request.endpoint.parse(route);
    const line = (status: unknown) => `github: ${method} ${url.replace(apiUrl, '')} - ${String(status)} in ${Date.now() - started}ms`;
    try {
      const response = await send(route);
      log?.debug(line(response.status));
      return response;
    } catch (err) {
      log?.debug(line(statusOf(err) ?? 'no answer'));
      throw err;
    }
  });
  const authHeaders = (token: string | undefined): Record<string, string> => {
    if (!token) return {};
    registerSecret(token);
    return { authorization: `token ${token}` };
  };

  async function fetchRelease({ owner, repo, token, ctx = {} }: RepoQuery, tag: string, etag?: string): Promise<Release | undefined> {
    const headers = { ...authHeaders(token), ...(etag ? { 'if-none-match': etag } : {}) };
    const what: Lookup = { owner, repo, tag, token: Boolean(token), ctx, apiUrl, rateLimitMaxWaitMs: options.rateLimitMaxWaitMs };
    try {
      const response =
        tag === 'latest'
          ? await octokit.request('GET /repos/{owner}/{repo}/releases/latest', { owner, repo, headers })
          : await octokit.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { owner, repo, tag, headers });
      return withEtag(parseRelease(response.data, { subject: describe(what), entry: ctx.entry }), response.headers.etag);
    } catch (err) {
      if (etag && statusOf(err) === 304) return undefined;
      throw await toBuildpackError(err, what, () => repoExists(owner, repo, authHeaders(token)));
    }
  }

  async function getRelease(query: RepoQuery, tag: string): Promise<Release> {
    return (await fetchRelease(query, tag))!;
  }

  async function getReleaseIfChanged(query: RepoQuery, tag: string, etag: string): Promise<Release | undefined> {
    return fetchRelease(query, tag, etag);
  }

  async function fetchReleases({ owner, repo, token, ctx = {} }: RepoQuery, etag?: string): Promise<Release[] | undefined> {
    const headers = authHeaders(token);
    const what: Lookup = { owner, repo, token: Boolean(token), ctx, apiUrl, rateLimitMaxWaitMs: options.rateLimitMaxWaitMs };
    try {
      const all: Release[] = [];
      let first = true;
      let pages = 0;
      for await (const page of octokit.paginate.iterator<unknown>('GET /repos/{owner}/{repo}/releases', {
        owner,
        repo,
        per_page: 100,
        headers: { ...headers, ...(etag ? { 'if-none-match': etag } : {}) },
      })) {
        if (++pages > maxPages) throw paginationRunaway(what, maxPages, all.length);
        // The first page's ETag stands for the list: new releases appear there first.
        const pageEtag = first ? page.headers.etag : undefined;
        for (const release of parseReleaseList(page.data, { subject: `${describe(what)} (page ${pages})`, entry: ctx.entry }))
          all.push(first ? withEtag(release, pageEtag) : release);
        first = false;
      }
      return all;
    } catch (err) {
      if (etag && statusOf(err) === 304) return undefined;
      throw await toBuildpackError(err, what, async () => false);
    }
  }

  async function listReleases(query: RepoQuery): Promise<Release[]> {
    return (await fetchReleases(query))!;
  }

  async function listReleasesIfChanged(query: RepoQuery, etag: string): Promise<Release[] | undefined> {
    return fetchReleases(query, etag);
  }

  /** One extra request after a 404, to tell a missing (or hidden) repo from a missing release. */
  async function repoExists(owner: string, repo: string, headers: Record<string, string>): Promise<boolean | undefined> {
    try {
      await octokit.request('GET /repos/{owner}/{repo}', { owner, repo, headers });
      return true;
    } catch (err) {
      return statusOf(err) === 404 ? false : undefined;
    }
  }

  async function listAttestations({ owner, repo, token, ctx = {} }: RepoQuery, sha256Hex: string): Promise<AttestationList> {
    const subject = `the attestations of sha256:${sha256Hex.slice(0, 16)}… in ${owner}/${repo}`;
    const what: Lookup = {
      owner,
      repo,
      subject,
      token: Boolean(token),
      ctx,
      apiUrl,
      rateLimitMaxWaitMs: options.rateLimitMaxWaitMs,
    };
    try {
      const where = { owner, repo, headers: authHeaders(token), entry: ctx.entry, subject };
      return await listAttestationsWith(octokit, where, sha256Hex, apiFetch);
    } catch (err) {
      throw await toBuildpackError(err, what, async () => undefined);
    }
  }

  return { apiUrl, getRelease, listReleases, getReleaseIfChanged, listReleasesIfChanged, listAttestations };
}

// ---- artifact attestations -------------------------------------------------------------

/** At most this many attestations are read for one digest (the API's first page holds 30). */
const MAX_ATTESTATIONS = 30;
/** An attestation bundle is a few kilobytes; one larger than this is refused. */
const MAX_BUNDLE_BYTES = 1024 * 1024;

export interface AttestationList {
  /** Sigstore bundles as JSON, at most MAX_ATTESTATIONS, each at most MAX_BUNDLE_BYTES. */
  bundles: unknown[];
  /** Entries left out: bundle too large, neither inline nor fetchable from its `bundle_url`, or beyond the cap. */
  skipped: { tooLarge: number; notInline: number; beyondCap: number };
}

/**
 * `GET /repos/{owner}/{repo}/attestations/sha256:{hex}`. A 404 means none. A bundle is read
 * inline, or else from its `bundle_url` (a pre-signed URL on another host: fetched without
 * the token, capped, Snappy-compressed or plain JSON). Whatever comes back is only data for
 * verify/attestations.ts to check.
 */
async function listAttestationsWith(
  octokit: Octokit,
  {
    owner,
    repo,
    headers,
    entry,
    subject,
  }: { owner: string; repo: string; headers: Record<string, string>; entry: string | undefined; subject: string },
  sha256Hex: string,
  fetchFn: ApiFetch,
): Promise<AttestationList> {
  if (!/^[0-9a-f]{64}$/.test(sha256Hex)) throw attestationLookupWithoutDigest();
  const skipped = { tooLarge: 0, notInline: 0, beyondCap: 0 };
  let data: unknown;
  try {
    const response = await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
      owner,
      repo,
      subject_digest: `sha256:${sha256Hex}`,
      per_page: MAX_ATTESTATIONS,
      headers,
    });
    data = response.data;
  } catch (err) {
    if (statusOf(err) === 404) return { bundles: [], skipped };
    throw err;
  }
  const list = parseAttestationList(data, { subject, entry });
  const bundles: unknown[] = [];
  for (const [i, item] of list.entries()) {
    if (i >= MAX_ATTESTATIONS) {
      skipped.beyondCap++;
      continue;
    }
    let bundle = item.bundle;
    if (!bundle || typeof bundle !== 'object') {
      const url = item.bundle_url;
      bundle = typeof url === 'string' ? await fetchBundle(url, fetchFn) : undefined;
      if (!bundle) {
        skipped.notInline++;
        continue;
      }
    }
    if (JSON.stringify(bundle).length > MAX_BUNDLE_BYTES) {
      skipped.tooLarge++;
      continue;
    }
    bundles.push(bundle);
  }
  return { bundles, skipped };
}

/** One bundle from its `bundle_url`, or undefined when it cannot be had (the caller counts it as missing). */
async function fetchBundle(raw: string, fetchFn: ApiFetch): Promise<object | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)))
    return undefined;
  try {
    // No credentials: the URL is pre-signed, and the token must not reach another host.
    const response = await fetchFn(url, { redirect: 'error', signal: AbortSignal.timeout(30_000) });
    if (!response.ok || !response.body) return undefined;
    const bytes = await readCapped(response.body, MAX_BUNDLE_BYTES);
    if (!bytes) return undefined;
    const text = looksLikeJson(bytes) ? bytes : Buffer.from(snappy.uncompress(bytes, MAX_BUNDLE_BYTES));
    const parsed: unknown = JSON.parse(text.toString('utf8'));
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function looksLikeJson(bytes: Buffer): boolean {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  return first === 0x7b; // "{"
}

/** The body, or undefined as soon as it exceeds `cap` bytes. */
async function readCapped(body: AsyncIterable<Uint8Array>, cap: number): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > cap) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// ---- mapping API data ------------------------------------------------------------------

function withEtag(release: Release, etag: string | undefined): Release {
  return etag ? { ...release, etag } : release;
}

function paginationRunaway(what: Lookup, maxPages: number, releases: number): BuildpackError {
  return tooManyPages({ entry: what.ctx.entry, listing: describe(what), maxPages, releases });
}

// ---- mapping errors --------------------------------------------------------------------

interface Lookup {
  owner: string;
  repo: string;
  /** Absent for listings. */
  tag?: string;
  /** What the request was for, when it is not a release lookup (named in messages instead of releases). */
  subject?: string;
  token: boolean;
  ctx: LookupContext;
  apiUrl: string;
  rateLimitMaxWaitMs?: number | undefined;
}

/** The parts of octokit's RequestError we read; we never keep the error itself (it holds the request). */
interface HttpFailure {
  status: number;
  response?: { headers: Record<string, string | number | undefined>; data?: unknown };
  cause?: unknown;
}

function statusOf(err: unknown): number | undefined {
  const status = (err as HttpFailure | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

async function toBuildpackError(err: unknown, what: Lookup, repoExists: () => Promise<boolean | undefined>): Promise<BuildpackError> {
  if (err instanceof BuildpackError) return what.ctx.entry ? err.forEntry(what.ctx.entry) : err;
  // The network layer's own verdicts (answer too large, too slow, deadline) ride in the cause chain.
  const own = buildpackCause(err);
  if (own) return what.ctx.entry ? own.forEntry(what.ctx.entry) : own;
  const failure = err as HttpFailure;
  const status = statusOf(err);
  const entry = what.ctx.entry;
  const full = `${what.owner}/${what.repo}`;

  // octokit reports a failed fetch (no response) as status 500 with the fetch error as cause.
  if (status === undefined || failure.response === undefined) {
    const reason = networkReason(failure.cause ?? err);
    const doing = `could not reach the GitHub API at ${safeUrl(what.apiUrl)}`;
    return unreachable({ entry, doing, reason, host: 'api', cause: sanitizedCause(failure.cause) });
  }

  const headers = failure.response.headers ?? {};
  const serverMessage = redact(messageOf(failure.response.data));

  if (status === 401) {
    return badCredentials({ entry, tokenEnv: what.ctx.tokenEnv, refused: { repo: full } });
  }

  if (isRateLimitAnswer(status, headerReader(headers)) || (status === 403 && /rate limit/i.test(serverMessage))) {
    return rateLimitedLookup(what, headers);
  }

  if (status === 403) {
    return forbidden({ entry, repo: full, serverMessage, tokenName: what.token ? tokenName(what) : undefined });
  }

  if (status === 404) return notFound(what, await repoExists());

  if (status >= 500) {
    return serverError({ entry, status, lookingUp: describe(what) });
  }

  return unexpectedApiStatus({ entry, status, lookingUp: describe(what), serverMessage });
}

function notFound(what: Lookup, repoFound: boolean | undefined): BuildpackError {
  const repo = `${what.owner}/${what.repo}`;
  return repoOrReleaseNotFound({
    entry: what.ctx.entry,
    repo,
    subject: describe(what),
    tag: what.tag,
    repoFound,
    tokenName: what.token ? tokenName(what) : undefined,
    releasesPage: webUrlFor(what.apiUrl, `${repo}/releases`),
  });
}

function rateLimitedLookup(what: Lookup, headers: Record<string, string | number | undefined>): BuildpackError {
  const when = rateLimitWhen(headerReader(headers)) ?? 'the limit resets within an hour';
  const limit = headers['x-ratelimit-limit'] ? ` (${headers['x-ratelimit-limit']} requests/hour)` : '';
  const cap = waitTooLong(what.rateLimitMaxWaitMs, headers) ? rateLimitCapNote(what.rateLimitMaxWaitMs!) : '';
  return rateLimited({
    entry: what.ctx.entry,
    doing: `looking up ${describe(what)}`,
    limit: `API rate limit exceeded${limit}`,
    when: `; ${when}${cap}`,
    tokenName: tokenName(what),
    hadToken: Boolean(what.token),
  });
}

/** Whether the build gave up because the wait exceeded the cap (rather than after retries). */
function waitTooLong(capMs: number | undefined, headers: Record<string, string | number | undefined>): boolean {
  if (capMs === undefined) return false;
  const limit = rateLimitOf(429, headerReader(headers));
  return limit !== undefined && limit.waitMs > capMs;
}

function headerReader(headers: Record<string, string | number | undefined>): (name: string) => string | undefined {
  return (name) => (headers[name] === undefined ? undefined : String(headers[name]));
}

function describe(what: Lookup): string {
  if (what.subject !== undefined) return what.subject;
  const full = `${what.owner}/${what.repo}`;
  if (what.tag === undefined) return `releases of ${full}`;
  return what.tag === 'latest' ? `the latest release of ${full}` : `release "${what.tag}" of ${full}`;
}

function tokenName(what: Lookup): string {
  return what.ctx.tokenEnv ? `the token in $${what.ctx.tokenEnv}` : 'the token';
}

function messageOf(data: unknown): string {
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string') return data.message;
  return '';
}

function buildpackCause(err: unknown): BuildpackError | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current instanceof BuildpackError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `ECONNREFUSED`, `ENOTFOUND api.example.com`, … from a fetch failure's cause chain. */
function networkReason(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && !e.code.startsWith('ERR_'))
      return redact(`${e.code}${typeof e.message === 'string' && e.message ? `: ${e.message}` : ''}`);
    current = e.cause;
  }
  return redact(typeof (err as Error)?.message === 'string' ? (err as Error).message : String(err));
}

/** The low-level cause without anything from the request (headers live on octokit's error, not here). */
function sanitizedCause(cause: unknown): unknown {
  if (!(cause instanceof Error)) return undefined;
  const copy = new Error(redact(cause.message));
  copy.name = cause.name;
  const root = (cause as { cause?: unknown }).cause;
  if (root instanceof Error)
    (copy as { cause?: unknown }).cause = Object.assign(new Error(redact(root.message)), { code: (root as NodeJS.ErrnoException).code });
  return copy;
}

/** https://api.github.com → https://github.com/<path>; https://HOST/api/v3 → https://HOST/<path>. */
export function webUrlFor(apiUrl: string, path: string): string | undefined {
  try {
    const url = new URL(apiUrl);
    if (url.hostname === 'api.github.com') return `https://github.com/${path}`;
    if (url.pathname.replace(/\/+$/, '').endsWith('/api/v3')) return `${url.protocol}//${url.host}/${path}`;
    return undefined;
  } catch {
    return undefined;
  }
}
