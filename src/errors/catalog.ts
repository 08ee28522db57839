// The error catalog: the only place errors are constructed (test/architecture.test.ts), in code
// order, grouped by pipeline stage. Each code has a constructor named for its kind; a message or
// hint needed in more than one place is shaped here from facts (names, sizes), once. Imports only
// the base class: errors is the lowest unit, and nothing here may import from above it.

import { BuildpackError, type ErrorDetails } from '../errors.js';

// ─── descriptor (project.toml) and settings ──────────────────────────────────────────────────────

/** GHA001: the descriptor the user named is not there. `namedBy` says who named it, which changes the fix. */
export function descriptorMissing(path: string, namedBy: 'GITHUB_ASSETS_PATH' | 'command line'): BuildpackError {
  if (namedBy === 'GITHUB_ASSETS_PATH') {
    return new BuildpackError('GHA001', `GITHUB_ASSETS_PATH names ${path}, which does not exist`, {
      hint:
        'give a path relative to the app directory (e.g. deploy/assets.toml), ' +
        'and check that pack include/exclude rules do not drop the file',
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

/** GHA002: the descriptor is not TOML in UTF-8. */
export function descriptorInvalid(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA002', message, details);
}

/** GHA003: a descriptor without entries, given to a command that edits them. */
export function noEntries(shown: string, command: 'pin' | 'update'): BuildpackError {
  return new BuildpackError('GHA003', `${shown} has no [[metadata.githubassets]] entries to ${command}`, {
    hint: 'add an entry first; the README shows the format',
  });
}

/** The codes validating an entry can find: invalid (GHA003), unknown key, destination, unsafe characters. */
export type EntryErrorCode = 'GHA003' | 'GHA004' | 'GHA005' | 'GHA008';

/** What validating one entry found; the validator picks the code by what is wrong with the field. */
export function entryError(code: EntryErrorCode, message: string, details: ErrorDetails): BuildpackError {
  const construct = { GHA003: entryInvalid, GHA004: entryUnknownKey, GHA005: destinationEscapes, GHA008: unsafeCharacters }[code];
  return construct(message, details);
}

/** GHA003: an entry (or the descriptor's shape) is invalid: a missing key, a wrong type, a value out of range. */
export function entryInvalid(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA003', message, details);
}

/** How a TOML value is named in messages: "an array", "a table", `number 7`, … */
export function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a table';
  if (typeof v === 'bigint') return `integer ${v}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return `number ${Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

// GHA003, sha256 key: `entry` is the entry's label, `value` what the user wrote.
const SHA256_HINT =
  'write sha256 = "<64 hex digits>" (the SHA-256 of the asset file, e.g. from `sha256sum <asset>` or the release\'s checksums file)';

/** GHA003: sha256 is not a string. */
export function sha256NotString(entry: string, value: unknown): BuildpackError {
  return new BuildpackError('GHA003', `sha256 must be a string, got ${describeValue(value)}`, { entry, hint: SHA256_HINT });
}

/** GHA003: sha256 holds the hex digest of another algorithm (`algorithm`, e.g. "MD5", of `digits` hex digits). */
export function sha256OtherDigest(entry: string, value: string, found: { algorithm: string; digits: number }): BuildpackError {
  const message = `sha256 = "${value}" looks like a ${found.algorithm} digest (${found.digits} hex digits), not a SHA-256 (64)`;
  return new BuildpackError('GHA003', message, { entry, hint: SHA256_HINT });
}

/** GHA003: sha256 has an `algo:` prefix other than `sha256:`. */
export function sha256WrongPrefix(entry: string, value: string): BuildpackError {
  return new BuildpackError('GHA003', `sha256 = "${value}" has an algorithm prefix other than "sha256:"`, { entry, hint: SHA256_HINT });
}

/** GHA003: sha256 is not 64 hex digits. */
export function sha256Malformed(entry: string, value: string): BuildpackError {
  const message = `sha256 = "${value}" is not a SHA-256: expected 64 hex digits, optionally prefixed with "sha256:"`;
  return new BuildpackError('GHA003', message, { entry, hint: SHA256_HINT });
}

// GHA003, checksums key.
const CHECKSUMS_HINT =
  'write checksums = "<file name>" as shown on the release page, e.g. checksums = "SHA256SUMS" or "tool_{version}_checksums.txt"';

/** GHA003: checksums is not a string. */
export function checksumsNotString(entry: string, value: unknown): BuildpackError {
  return new BuildpackError('GHA003', `checksums must be a string, got ${describeValue(value)}`, { entry, hint: CHECKSUMS_HINT });
}

/** GHA003: checksums is empty. */
export function checksumsEmpty(entry: string): BuildpackError {
  const hint = `${CHECKSUMS_HINT}, or omit it to let the buildpack find the release's checksums file`;
  return new BuildpackError('GHA003', 'checksums is empty', { entry, hint });
}

/** GHA003: checksums holds a path or URL, not a file name. */
export function checksumsNotFileName(entry: string, value: string): BuildpackError {
  const hint = `${CHECKSUMS_HINT}; it names an asset of the same release, without a path or URL`;
  return new BuildpackError('GHA003', `checksums = "${value}" is not a file name`, { entry, hint });
}

/** GHA003: checksums holds control characters. */
export function checksumsControlCharacters(entry: string, value: string): BuildpackError {
  return new BuildpackError('GHA003', `checksums = ${JSON.stringify(value)} contains control characters`, { entry, hint: CHECKSUMS_HINT });
}

/** GHA003: checksums uses a `{placeholder}` other than {tag} and {version}. */
export function checksumsUnknownPlaceholder(entry: string, value: string, placeholder: string): BuildpackError {
  const hint = `${CHECKSUMS_HINT}; only {tag} and {version} are replaced`;
  return new BuildpackError('GHA003', `checksums = "${value}" uses the unknown placeholder {${placeholder}}`, { entry, hint });
}

/** GHA003: checksums names a signature or certificate (`suffix`), not a sums file. */
export function checksumsIsSignature(entry: string, value: string, suffix: string): BuildpackError {
  return new BuildpackError('GHA003', `checksums = "${value}" is a signature or certificate (${suffix}), not a list of SHA-256 sums`, {
    entry,
    hint: 'name the checksums file itself (e.g. "checksums.txt", not "checksums.txt.sig"); signatures are not verified by this buildpack',
  });
}

/** GHA004: an entry key the buildpack does not know (a typo, or a token written into the file). */
function entryUnknownKey(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA004', message, details);
}

/** GHA005: a destination outside the layer, or in a directory the lifecycle reads. */
export function destinationEscapes(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA005', message, details);
}

/** GHA007: an environment setting (GITHUB_ASSETS_*, CNB_*, a proxy) the buildpack cannot use. */
export function settingInvalid(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA007', message, details);
}

/** GHA008: a control or invisible character in a key or value of an entry. */
function unsafeCharacters(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA008', message, details);
}

// ─── github: the API, releases and asset selection ───────────────────────────────────────────────

export interface NotFoundFacts {
  entry?: string | undefined;
  /** `owner/name`. */
  repo: string;
  /** What was looked up, e.g. `release v1.2.0 of acme/tool`. */
  subject: string;
  /** The tag asked for (`latest` or an exact tag); undefined for a release list. */
  tag?: string | undefined;
  /** Whether the repository itself exists, when the client could ask; undefined when it could not. */
  repoFound: boolean | undefined;
  /** How the token is named in messages (`the token in $NAME`); undefined when no token was sent. */
  tokenName?: string | undefined;
  /** The repository's releases page on the web host, when known. */
  releasesPage?: string | undefined;
}

/**
 * GHA010: GitHub answered 404. Tells a repository without a "latest" release and a missing tag in
 * a repository that exists (kind: isTagNotFound) from a missing or hidden repository.
 */
export function repoOrReleaseNotFound(facts: NotFoundFacts): BuildpackError {
  const { entry, repo, tokenName } = facts;
  const see = facts.releasesPage ? ` (see ${facts.releasesPage})` : '';
  if (facts.repoFound === true && facts.tag === 'latest') {
    return new BuildpackError('GHA010', `${repo} has no published release: drafts and prereleases do not count as "latest"`, {
      entry,
      hint: `set tag to an exact release tag${see}, or publish a non-prerelease release`,
    });
  }
  if (facts.repoFound === true && facts.tag !== undefined) {
    const err = new BuildpackError('GHA010', `release tag "${facts.tag}" not found in ${repo}`, {
      entry,
      hint: `check the tag${see}; tags match exactly (including any leading "v"), and draft releases are not visible`,
    });
    err.notFound = 'tag';
    return err;
  }
  const subject = facts.repoFound === false ? `repository ${repo} not found` : `${facts.subject} not found`;
  const visible = tokenName ? ` to ${tokenName}` : ' without a token';
  return new BuildpackError('GHA010', `${subject} (or it is private and not visible${visible})`, {
    entry,
    hint: tokenName
      ? `check the repository name; if it is private, ${tokenName} may lack access: ` +
        `it needs read access to contents of ${repo} (fine-grained tokens must include this repository)`
      : 'check the repository name; if it is private, set token_env to the name of an environment variable ' +
        `holding a token with read access to contents of ${repo}`,
  });
}

export interface BadCredentialsFacts {
  entry?: string | undefined;
  /** The variable the token came from, when token_env named one. */
  tokenEnv?: string | undefined;
  /** What was refused: an API lookup in a repository, or a download. */
  refused: { repo: string } | { download: string };
}

/** GHA011: GitHub rejected the token (401), on a lookup or a download. */
export function badCredentials(facts: BadCredentialsFacts): BuildpackError {
  const { tokenEnv } = facts;
  const source = tokenEnv ? `the token in $${tokenEnv}` : 'the token';
  if ('repo' in facts.refused) {
    const message = `GitHub rejected ${source} for ${facts.refused.repo}: bad credentials (the token is invalid, expired or revoked)`;
    return new BuildpackError('GHA011', message, {
      entry: facts.entry,
      hint: tokenEnv
        ? `create a new token with read access to contents and put it in ${tokenEnv}; for a public repository you can remove token_env instead`
        : 'create a new token with read access to contents, or remove token_env for a public repository',
    });
  }
  return new BuildpackError('GHA011', `download of ${facts.refused.download} was refused: bad credentials for ${source}`, {
    entry: facts.entry,
    hint: tokenEnv
      ? `create a new token with read access to contents and put it in ${tokenEnv}`
      : 'check the token; it may be invalid, expired or revoked',
  });
}

/** GHA012: GitHub refused access (403, not a rate limit). */
export function forbidden(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA012', message, details);
}

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

/** GHA014: the release has no such asset, or its download answered 404. */
export function assetNotFound(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA014', message, details);
}

/** GHA015: several assets fit and nothing says which one. */
export function assetAmbiguous(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA015', message, details);
}

/** GHA016: no release satisfies the tag range. */
export function noMatchingRelease(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA016', message, details);
}

/** GHA018: automatic selection found nothing built for the target. */
export function noAssetForTarget(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA018', message, details);
}

// ─── net: transfers and their limits ─────────────────────────────────────────────────────────────

export interface UnreachableFacts {
  entry?: string | undefined;
  /** What could not be done, e.g. `could not reach the GitHub API at https://api.github.com`. */
  doing: string;
  /** Why, already redacted (`ECONNREFUSED: connect …`, `timed out, …`). */
  reason: string;
  /** The API (GITHUB_API_URL is worth checking) or a download host. */
  host: 'api' | 'download';
  cause?: unknown;
}

/** GHA020: GitHub, the web host or the mirror could not be reached (after the retries). */
export function unreachable(facts: UnreachableFacts): BuildpackError {
  const also = facts.host === 'api' ? ', and GITHUB_API_URL if you use GitHub Enterprise Server;' : ',';
  return new BuildpackError('GHA020', `${facts.doing} (${facts.reason})`, {
    entry: facts.entry,
    hint: `check the network and any proxy settings of the build${also} then retry`,
    cause: facts.cause,
  });
}

/** GHA021: the GitHub API kept answering 5xx. */
export function serverError(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA021', message, details);
}

export interface SizeFacts {
  entry?: string | undefined;
  /** The download, e.g. `asset tool.tar.gz`. */
  what: string;
  /** What came (or was announced). */
  bytes: number;
  /** What the release lists. */
  listed: number;
}

/** GHA022: the bytes announced or received are not the size the release lists. */
export function downloadSizeDiffers(facts: SizeFacts): BuildpackError {
  return new BuildpackError('GHA022', `download of ${facts.what} has ${facts.bytes} bytes but the release lists ${facts.listed}`, {
    entry: facts.entry,
    hint: 'the asset may have been replaced while downloading, or a proxy or mirror serves other bytes; retry the build',
  });
}

/** GHA022: the transfer ended before the body did (`doing` says where and how far it got). */
export function transferCutShort(doing: string, entry: string | undefined): BuildpackError {
  return new BuildpackError('GHA022', doing, { entry, hint: 'the connection or server cut the transfer short; retry the build' });
}

/** GHA022: redirects that never reach the file (`seen`: a loop, or more than the cap). */
export function redirectLoop(facts: { entry?: string | undefined; what: string; seen: string }): BuildpackError {
  return new BuildpackError('GHA022', `download of ${facts.what} failed: ${facts.seen}`, {
    entry: facts.entry,
    hint: 'the server redirects in a loop; retry later or report it',
  });
}

/** GHA022: a download failed or came back different from what the release lists. */
export function downloadFailed(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA022', message, details);
}

/** GHA023: a download over its listed size or GITHUB_ASSETS_MAX_DOWNLOAD_SIZE. */
export function downloadTooLarge(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA023', message, details);
}

/** GHA024: an API answer over its cap. */
export function apiAnswerTooLarge(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA024', message, details);
}

/** GHA025: the API kept paginating past the cap. */
export function tooManyPages(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA025', message, details);
}

/** GHA026: a body below the minimum speed. */
export function transferTooSlow(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA026', message, details);
}

/** GHA027: a request over GITHUB_ASSETS_REQUEST_TIMEOUT. */
export function requestDeadlineExceeded(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA027', message, details);
}

/** GHA028: an API answer of the wrong shape. */
export function apiAnswerMalformed(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA028', message, details);
}

// ─── verify: hashes, checksums files and attestations ────────────────────────────────────────────

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
    'the bytes differ from what GitHub stored: the download was altered or corrupted on the way (proxy, mirror). ' +
    'Nothing was installed; retry, and if it persists check the network path',
  pin:
    'the release asset is not the one that was pinned: it was re-uploaded, or the pin is wrong. ' +
    'Nothing was installed; check the release before updating sha256 (github-assets pin rewrites it)',
  'checksums-file':
    "the release's checksums file does not describe this asset as downloaded (stale file, or another build of the asset). " +
    'Nothing was installed; name the right file with checksums = "..." or pin sha256',
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
  const message = `strict verification (${facts.strictEnv}) requires a pinned sha256, and ${facts.assetName} has none`;
  return new BuildpackError('GHA031', message, {
    entry: facts.entry,
    hint: d
      ? `add sha256 = "${d.sha256}" to the entry once you have checked that this is the release's real asset ` +
        `(it is the hash of what was just downloaded${d.matched ? `, and it matched ${d.matched}` : ''}); ` +
        "the buildpack's pin command will write these for you"
      : 'run github-assets pin to record it, after checking that the release is the one you mean',
  });
}

/** GHA032: the checksums file cannot be used (too large, contradictory, missing). */
export function checksumsFileUnusable(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA032', message, details);
}

/** GHA033: attestations = "required" and no attestation. */
export function attestationMissing(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA033', message, details);
}

/** The codes verifying a signature bundle can end with, from the least to the most informative stage. */
export type AttestationCode = 'GHA034' | 'GHA035' | 'GHA036' | 'GHA037' | 'GHA038' | 'GHA039';

/**
 * GHA034 (other bytes), GHA035 (other signer), GHA036 (bad signature or certificate), GHA037
 * (transparency log), GHA038 (no trusted root), GHA039 (unusable): the verifier picks the code of
 * the furthest stage a bundle reached, and phrases what it found there.
 */
export function attestationRejected(code: AttestationCode, message: string, hint: string): BuildpackError {
  return new BuildpackError(code, message, { hint });
}

/** GHA037: a transparency-log entry that does not verify, or none where one is required. */
export function attestationTlogInvalid(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA037', message, details);
}

/** GHA038: no Sigstore trusted root to verify against. */
export function trustedRootUnavailable(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA038', message, details);
}

/** GHA039: an attestation that cannot be read or is not provenance. */
export function attestationUnusable(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA039', message, details);
}

// ─── extract and layers ──────────────────────────────────────────────────────────────────────────

/** GHA040: an asset in a format the buildpack cannot install. */
export function unsupportedFormat(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA040', message, details);
}

/** GHA041: an archive that is corrupt or truncated. */
export function corruptArchive(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA041', message, details);
}

/** GHA042: an archive entry that would write outside its place. */
export function unsafeArchiveEntry(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA042', message, details);
}

/** GHA043: an archive over an extraction limit (possible bomb). */
export function archiveTooLarge(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA043', message, details);
}

/** GHA044: a files pattern that matched nothing. */
export function filesPatternUnmatched(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA044', message, details);
}

/** GHA045: two entries of one archive want the same path in incompatible ways. */
export function archiveEntriesConflict(entryPath: string, problem: string): BuildpackError {
  return new BuildpackError('GHA045', `archive entry "${entryPath}" ${problem}`, {
    hint: 'the archive contains conflicting entries; pick another asset or narrow it with `files`',
  });
}

/** GHA045: two entries or archive entries want the same path. */
export function pathConflict(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA045', message, details);
}

/** GHA046: links in the assembled layer that lead outside it. */
export function layerLinkEscapes(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA046', message, details);
}

// ─── cli ─────────────────────────────────────────────────────────────────────────────────────────

/** GHA060: the command line is wrong. */
export function usageError(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA060', message, details);
}

/** GHA061: the pin command cannot edit the file safely. */
export function pinEditFailed(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA061', message, details);
}

/** GHA062: update cannot compare a tag that is not a version. */
export function updateTagNotAVersion(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA062', message, details);
}

// ─── internal ────────────────────────────────────────────────────────────────────────────────────

/** GHA099: anything thrown that is not a BuildpackError is a bug; say so, and keep it as the cause. */
export function unexpectedFailure(err: unknown): BuildpackError {
  return new BuildpackError('GHA099', `unexpected failure: ${(err as Error)?.message ?? String(err)}`, {
    hint: 'run again with BP_LOG_LEVEL=DEBUG for details, and report it if it persists',
    cause: err,
  });
}

/** GHA099: a bug: never for bad input. */
export function internalError(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA099', message, details);
}
