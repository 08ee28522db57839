// The error catalog: one constructor per kind of failure, with its code, message shape and hint,
// grouped by pipeline stage. Call sites pass facts (names, sizes, causes), never prose, so a
// message or a hint is written once. Imports only the base class: errors is the lowest unit.

import { BuildpackError } from '../errors.js';

// ─── descriptor: project.toml (or GITHUB_ASSETS_PATH) ──────────────────────────────────────────

/** GHA001: the descriptor the user named is not there. `namedBy` says who named it, which changes the fix. */
export function descriptorMissing(path: string, namedBy: 'GITHUB_ASSETS_PATH' | 'command line'): BuildpackError {
  if (namedBy === 'GITHUB_ASSETS_PATH') {
    return new BuildpackError('GHA001', `GITHUB_ASSETS_PATH names ${path}, which does not exist`, {
      hint: 'give a path relative to the app directory (e.g. deploy/assets.toml), and check that pack include/exclude rules do not drop the file',
    });
  }
  return new BuildpackError('GHA001', `${path} does not exist`, {
    hint: 'pass the path of your project.toml (or the app directory), e.g. github-assets check path/to/project.toml',
  });
}

/** GHA001: the descriptor exists but cannot be read as one (`why`: an errno, "it is a directory, not a regular file", …). */
export function descriptorUnreadable(shown: string, why: string, details: { hint: string; cause?: unknown }): BuildpackError {
  return new BuildpackError('GHA001', `cannot read ${shown}: ${why}`, details);
}

// ─── github: the REST API and the release-download hosts ──────────────────────────────────────

export interface RateLimitFacts {
  entry?: string | undefined;
  /** What was being done, e.g. `looking up release v1 of acme/tool` or `downloading asset x`. */
  doing: string;
  /** The API's own words (`API rate limit exceeded (60 requests/hour)`) or plain `rate limit exceeded`. */
  limit: string;
  /** When it lifts and whether the wait was capped, already phrased (`; resets at 12:00 UTC`). */
  when: string;
  /** The variable the token came from; undefined when the request had no token. */
  tokenName: string | undefined;
  hadToken: boolean;
}

/** GHA013: GitHub's rate limit, for an API lookup or a download. The hint depends on whether a token was sent. */
export function rateLimited(facts: RateLimitFacts): BuildpackError {
  return new BuildpackError('GHA013', `GitHub ${facts.limit} while ${facts.doing}${facts.when}`, {
    entry: facts.entry,
    hint: facts.hadToken
      ? `wait until the limit resets, or use another token${facts.tokenName ? ` for ${facts.tokenName}` : ''}`
      : 'unauthenticated requests share a low per-IP limit: set token_env on the entry to an environment variable holding a GitHub token ' +
        '(e.g. token_env = "GITHUB_TOKEN", passed with pack build --env GITHUB_TOKEN), or wait until the limit resets',
  });
}

// ─── verify: hashes (digest, pin, checksums file) ────────────────────────────────────────────

export interface MismatchFacts {
  entry: string;
  assetName: string;
  /** What each disagreeing source expects, already joined: `pinned sha256 expects <hex>; SHA256SUMS expects <hex>`. */
  disagreed: string;
  /** What the bytes are: `the download is <hex> (…agreed with the download)` or `GitHub's asset digest is <hex>`. */
  actual: string;
  /** Who disagreed, which says what probably happened. */
  blame: 'transport' | 'pin' | 'checksums-file';
}

const MISMATCH_HINTS: Record<MismatchFacts['blame'], string> = {
  transport:
    'the bytes differ from what GitHub stored: the download was altered or corrupted on the way (proxy, mirror). Nothing was installed; retry, and if it persists check the network path',
  pin: 'the release asset is not the one that was pinned: it was re-uploaded, or the pin is wrong. Nothing was installed; check the release before updating sha256 (github-assets pin rewrites it)',
  'checksums-file':
    'the release\'s checksums file does not describe this asset as downloaded (stale file, or another build of the asset). Nothing was installed; name the right file with checksums = "..." or pin sha256',
};

/** GHA030: a hash source disagrees with the bytes (the build, after downloading) or with GitHub's digest (check, before). */
export function checksumMismatch(facts: MismatchFacts): BuildpackError {
  return new BuildpackError('GHA030', `sha256 mismatch for ${facts.assetName}: ${facts.disagreed}, but ${facts.actual}`, {
    entry: facts.entry,
    hint: MISMATCH_HINTS[facts.blame],
  });
}

export interface UnpinnedFacts {
  entry: string;
  assetName: string;
  /** The variable that turned strict mode on. */
  strictEnv: string;
  /** The hash of what was downloaded, and the sources it matched; absent before a download (check). */
  downloaded?: { sha256: string; matched: string };
}

/** GHA031: strict mode and no pinned sha256. After a download the hint offers the hash to pin. */
export function unpinnedInStrictMode(facts: UnpinnedFacts): BuildpackError {
  const d = facts.downloaded;
  return new BuildpackError('GHA031', `strict verification (${facts.strictEnv}) requires a pinned sha256, and ${facts.assetName} has none`, {
    entry: facts.entry,
    hint: d
      ? `add sha256 = "${d.sha256}" to the entry once you have checked that this is the release's real asset ` +
        `(it is the hash of what was just downloaded${d.matched ? `, and it matched ${d.matched}` : ''}); ` +
        "the buildpack's pin command will write these for you"
      : 'run github-assets pin to record it, after checking that the release is the one you mean',
  });
}
