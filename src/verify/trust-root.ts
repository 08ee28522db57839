// Where trusted roots come from: GITHUB_ASSETS_TRUSTED_ROOT (a trusted_root.json that replaces
// the built-in roots), else the Sigstore public-good root and GitHub's own root through TUF,
// cached in a build cache layer, falling back to the root shipped in the buildpack. The only
// I/O of verification lives here; it verifies nothing itself.

import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { getTrustedRoot } from '@sigstore/tuf';
import { toTrustMaterial } from '@sigstore/verify';
import { getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { BuildpackError } from '../errors.js';
import type { TrustDomain, TrustSet } from './attestations.js';
import { PUBLIC_GOOD_TRUSTED_ROOT } from './roots/public-good.js';
import { GITHUB_TUF_MIRROR, GITHUB_TUF_ROOT } from './roots/github-tuf-root.js';
import { trustedRootUnavailable } from '../errors/catalog.js';

import { issuersFor, TRUSTED_ROOT_ENV } from './trust-names.js';

export const PUBLIC_GOOD_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

/** A trusted_root.json is a few kilobytes; refuse anything that could exhaust memory. */
export const MAX_TRUSTED_ROOT_BYTES = 4 * 1024 * 1024;

export interface TrustRootOptions {
  /** GITHUB_ASSETS_TRUSTED_ROOT, resolved against the app dir by the caller. */
  trustedRootFile?: string | undefined;
  /** A directory kept between builds (a cache layer) for TUF metadata; none means no cache. */
  tufCacheDir?: string | undefined;
  /** GITHUB_SERVER_URL for GitHub Enterprise Server: its Actions OIDC issuer is accepted as well. */
  serverUrl?: string | undefined;
  /** Per request to a TUF repository. */
  timeoutMs?: number;
  /** The TUF client (tests pass one that fails; production uses @sigstore/tuf). */
  fetchTufRoot?: (request: TufRootRequest) => Promise<unknown>;
  /**
   * The network layer's dispatcher (proxy, timeouts, caps): the TUF requests go through it.
   * Without one they use Node's default dispatcher (no proxy).
   */
  dispatcher?: Dispatcher;
  /** The TUF repositories (default: the public ones; tests point them at a loopback stand-in). */
  tufMirrors?: { publicGood: string; github: string };
}

/** One trusted-root lookup: the TUF repository, where its client caches, and whether to use only that cache. */
export interface TufRootRequest {
  mirrorURL: string;
  cachePath: string;
  rootPath: string | undefined;
  forceCache: boolean;
  timeoutMs: number;
}

/** Builds the set of trusted roots once per build; every note says where a root came from. */
export async function loadTrustSet(options: TrustRootOptions): Promise<TrustSet> {
  const acceptedIssuers = issuersFor(options.serverUrl);
  if (options.trustedRootFile) {
    const domain = await domainFromFile(options.trustedRootFile);
    return {
      domains: [domain],
      acceptedIssuers,
      notes: [`trusted root from ${TRUSTED_ROOT_ENV} (${options.trustedRootFile}) replaces the built-in roots`],
    };
  }
  const fetchRoot = options.fetchTufRoot ?? tufFetch;
  const mirrors = options.tufMirrors ?? { publicGood: PUBLIC_GOOD_TUF_MIRROR, github: GITHUB_TUF_MIRROR };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const notes: string[] = [];
  const cache = options.tufCacheDir;

  let githubRootPath: string | undefined;
  if (cache) {
    githubRootPath = join(cache, 'github-root.json');
    await mkdir(cache, { recursive: true }).catch(() => {});
    await writeFile(githubRootPath, JSON.stringify(GITHUB_TUF_ROOT)).catch(() => {
      githubRootPath = undefined;
    });
  }
  // Both repositories at once: offline, the build waits for one timeout, not two.
  const [publicGood, github] = await throughDispatcher(options.dispatcher, () =>
    Promise.all([
      viaTuf('Sigstore public-good', mirrors.publicGood, undefined),
      githubRootPath ? viaTuf('GitHub', mirrors.github, githubRootPath) : Promise.resolve(undefined),
    ]),
  );

  const domains: TrustDomain[] = [];
  if (publicGood) {
    domains.push(toDomain('Sigstore public-good', publicGood));
  } else {
    notes.push(
      `the Sigstore TUF repository (${mirrors.publicGood}) could not be reached and nothing usable was cached: using the public-good trusted root shipped with the buildpack (certificates issued after it was packaged may not verify)`,
    );
    domains.push(toDomain('Sigstore public-good (shipped)', TrustedRoot.fromJSON(PUBLIC_GOOD_TRUSTED_ROOT)));
  }
  if (github) domains.push(toDomain('GitHub', github));
  else
    notes.push(
      `GitHub's TUF repository (${mirrors.github}) could not be reached: attestations from private repositories (signed by GitHub's own Sigstore) cannot be verified in this build; set ${TRUSTED_ROOT_ENV} to verify them offline`,
    );
  return { domains, acceptedIssuers, notes };

  async function viaTuf(name: string, mirror: string, rootPath: string | undefined): Promise<TrustedRoot | undefined> {
    if (!cache) return undefined;
    const cachePath = join(cache, 'tuf');
    try {
      return TrustedRoot.fromJSON(await fetchRoot({ mirrorURL: mirror, cachePath, rootPath, forceCache: false, timeoutMs }));
    } catch (online) {
      try {
        const root = TrustedRoot.fromJSON(await fetchRoot({ mirrorURL: mirror, cachePath, rootPath, forceCache: true, timeoutMs }));
        notes.push(
          `the ${name} TUF repository could not be reached (${reason(online)}); using its trusted root cached by an earlier build`,
        );
        return root;
      } catch {
        return undefined;
      }
    }
  }
}

/** One TUF load at a time, so that each restores exactly the dispatcher it found. */
let tufTurn: Promise<unknown> = Promise.resolve();

/**
 * Runs `work` with `dispatcher` as undici's global dispatcher, then restores the one before.
 * @sigstore/tuf takes no fetch or agent: its TUF client (tuf-js DefaultFetcher) calls Node's
 * global fetch, which uses the global dispatcher that undici's setGlobalDispatcher sets. The
 * TUF requests are the only users of the global fetch in a build or CLI run (every other
 * request passes the network's dispatcher or fetch explicitly), so installing it around them
 * changes nothing else.
 */
async function throughDispatcher<T>(dispatcher: Dispatcher | undefined, work: () => Promise<T>): Promise<T> {
  if (!dispatcher) return work();
  const turn = tufTurn.then(async () => {
    const previous = getGlobalDispatcher();
    setGlobalDispatcher(dispatcher);
    try {
      return await work();
    } finally {
      setGlobalDispatcher(previous);
    }
  });
  tufTurn = turn.catch(() => {});
  return turn;
}

async function tufFetch({ mirrorURL, cachePath, rootPath, forceCache, timeoutMs }: TufRootRequest): Promise<unknown> {
  const root = await getTrustedRoot({ mirrorURL, cachePath, ...(rootPath ? { rootPath } : {}), forceCache, timeout: timeoutMs, retry: 1 });
  return TrustedRoot.toJSON(root);
}

async function domainFromFile(path: string): Promise<TrustDomain> {
  const unavailable = (why: string) => trustedRootUnavailable(TRUSTED_ROOT_ENV, path, why);
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw unavailable('not a file');
    if (info.size > MAX_TRUSTED_ROOT_BYTES)
      throw unavailable(`the file is ${info.size} bytes, more than the ${MAX_TRUSTED_ROOT_BYTES} a trusted root may have`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof BuildpackError) throw err;
    throw unavailable(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(JSON.parse(text));
  } catch (err) {
    throw unavailable(`not a trusted_root.json (${(err as Error).message.slice(0, 200)})`);
  }
  if (root.certificateAuthorities.length === 0) throw unavailable('it lists no certificate authority');
  if (root.tlogs.length === 0 && root.timestampAuthorities.length === 0)
    throw unavailable('it lists neither a transparency log nor a timestamp authority, so no signature time can be proven');
  try {
    return toDomain(`trusted root ${path}`, root);
  } catch (err) {
    throw unavailable(`it holds a key or certificate that cannot be read (${(err as Error).message.slice(0, 200)})`);
  }
}

function toDomain(name: string, root: TrustedRoot): TrustDomain {
  return { name, material: toTrustMaterial(root), requireTlog: root.tlogs.length > 0, requireSct: root.ctlogs.length > 0 };
}

function reason(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]!
    .slice(0, 160);
}
