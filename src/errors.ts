// One error type for everything a user can cause or fix. Each has a stable code (documented
// in docs/errors.md), the entry it concerns, a message and a hint with the next step.
// No secrets here: messages are built from names, never from token values.

export const ErrorCodes = {
  GHA001: 'descriptor-unreadable',
  GHA002: 'descriptor-invalid-toml',
  GHA003: 'entry-invalid',
  GHA004: 'entry-unknown-key',
  GHA005: 'destination-escapes-layer',
  GHA007: 'network-setting-invalid',
  GHA008: 'unsafe-characters',
  GHA010: 'repo-or-release-not-found',
  GHA011: 'bad-credentials',
  GHA012: 'forbidden',
  GHA013: 'rate-limited',
  GHA014: 'asset-not-found',
  GHA015: 'asset-ambiguous',
  GHA016: 'no-matching-release',
  GHA018: 'no-asset-for-target',
  GHA020: 'network-error',
  GHA021: 'server-error',
  GHA022: 'download-failed',
  GHA023: 'download-too-large',
  GHA024: 'api-answer-too-large',
  GHA025: 'too-many-pages',
  GHA026: 'transfer-too-slow',
  GHA027: 'request-deadline-exceeded',
  GHA028: 'api-answer-malformed',
  GHA030: 'checksum-mismatch',
  GHA031: 'unverified-in-strict-mode',
  GHA032: 'checksums-file-unusable',
  GHA033: 'attestation-missing',
  GHA034: 'attestation-digest-mismatch',
  GHA035: 'attestation-signer-mismatch',
  GHA036: 'attestation-signature-invalid',
  GHA037: 'attestation-tlog-invalid',
  GHA038: 'trusted-root-unavailable',
  GHA039: 'attestation-unusable',
  GHA040: 'unsupported-format',
  GHA041: 'corrupt-archive',
  GHA042: 'unsafe-archive-entry',
  GHA043: 'archive-too-large',
  GHA044: 'files-pattern-unmatched',
  GHA045: 'path-conflict',
  GHA046: 'layer-link-escapes',
  GHA050: 'disk-full',
  GHA051: 'filesystem-error',
  GHA060: 'cli-usage',
  GHA061: 'pin-edit-failed',
  GHA062: 'update-tag-not-a-version',
  GHA099: 'internal-error',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorDetails {
  /** Which project.toml entry this is about, e.g. `githubassets[2] (acme/tool)`. */
  entry?: string;
  /** What the user should do next. */
  hint?: string;
  cause?: unknown;
}

export class BuildpackError extends Error {
  readonly code: ErrorCode;
  readonly entry: string | undefined;
  readonly hint: string | undefined;
  /** For GHA010: what GitHub could not find, when the client could tell (a missing tag vs a missing or hidden repo). */
  notFound?: 'tag' | 'repo';

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BuildpackError';
    this.code = code;
    this.entry = details.entry;
    this.hint = details.hint;
  }

  /**
   * The same error (code, kind, entry) told with more context: a longer message and/or another
   * hint, e.g. "(while pinning for linux/arm64)". The original stays reachable as the cause.
   */
  rephrased(change: { message?: string; hint?: string | undefined; entry?: string }): BuildpackError {
    const copy = new BuildpackError(this.code, change.message ?? this.message, {
      entry: change.entry ?? this.entry,
      hint: 'hint' in change ? change.hint : this.hint,
      cause: this.cause,
    });
    if (this.notFound) copy.notFound = this.notFound;
    return copy;
  }

  /** Same error, attributed to an entry (used when a lower layer did not know which). */
  forEntry(entry: string): BuildpackError {
    if (this.entry) return this;
    const copy = new BuildpackError(this.code, this.message, { entry, hint: this.hint, cause: this.cause });
    copy.stack = this.stack;
    if (this.notFound) copy.notFound = this.notFound;
    return copy;
  }
}

export function isBuildpackError(err: unknown): err is BuildpackError {
  return err instanceof BuildpackError;
}

// Kinds: code branches on what went wrong through these predicates, never on code strings or
// message text, so a code can be renumbered or a message reworded without changing behaviour.

function hasCode(err: unknown, ...codes: ErrorCode[]): err is BuildpackError {
  return isBuildpackError(err) && codes.includes(err.code);
}

/** GitHub (API or web host) could not be reached at all: DNS, connection, TLS, timeouts. */
export function isUnreachable(err: unknown): err is BuildpackError {
  return hasCode(err, 'GHA020');
}

/** GitHub answered with a server error (5xx) that retries did not get past. */
export function isServerError(err: unknown): err is BuildpackError {
  return hasCode(err, 'GHA021');
}

/** The GitHub API refused for its rate limit (primary or secondary). */
export function isRateLimited(err: unknown): err is BuildpackError {
  return hasCode(err, 'GHA013');
}

/** The repository or release is not there, or not visible to this token. */
export function isNotFound(err: unknown): err is BuildpackError {
  return hasCode(err, 'GHA010');
}

/** A missing tag in a repository that exists (so a version range may still find a release). */
export function isTagNotFound(err: unknown): err is BuildpackError {
  return isNotFound(err) && err.notFound === 'tag';
}

/** The release has no asset by that name (or pattern). */
export function isAssetNotFound(err: unknown): err is BuildpackError {
  return hasCode(err, 'GHA014');
}

/** GitHub refused access (403 other than a rate limit): a token without the permission. */
export function isForbidden(err: unknown): err is BuildpackError {
  return hasCode(err, 'GHA012');
}

/**
 * A host that refused or failed to serve a download in a way another URL for the same bytes
 * may not (forbidden, not found, unreachable, failed): the web host, before the API URL.
 */
export function isHostRefusal(err: unknown): err is BuildpackError {
  return hasCode(err, 'GHA012', 'GHA014', 'GHA020', 'GHA022');
}

/** A body that arrived below the minimum rate: the one limit of ours worth resuming past. */
export function isTooSlow(err: unknown): boolean {
  return hasCode(err, 'GHA026');
}

/** The command line was used wrongly (the CLI exits with its usage status). */
export function isUsageError(err: unknown): err is BuildpackError {
  return hasCode(err, 'GHA060');
}

/** Maps an operating-system error from fs work to a user-facing error. */
export function fromFsError(err: unknown, doing: string, entry?: string): BuildpackError {
  if (isBuildpackError(err)) return entry ? err.forEntry(entry) : err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new BuildpackError('GHA050', `no space left on device while ${doing}`, {
      entry,
      hint: 'free disk space on the build machine (docker system prune, a larger CI runner disk) or install fewer/smaller assets',
      cause: err,
    });
  }
  return new BuildpackError('GHA051', `filesystem error while ${doing}: ${(err as Error)?.message ?? String(err)}`, {
    entry,
    hint: code === 'EACCES' || code === 'EPERM' ? 'check that the build user can write to the layers directory' : undefined,
    cause: err,
  });
}
