// Pure: compares a downloaded asset's SHA-256 with every expectation the build gathered (GitHub's
// asset digest, the pinned `sha256`, the release's checksums file) before anything is installed.
// Gathering them (API, downloading the checksums file) is the caller's job; no I/O here.

import { normaliseSha256 } from '../descriptor/integrity.js';
import type { BuildpackError } from '../errors.js';
import { checksumMismatch, downloadHashMalformed, pinnedNotSha256, settingInvalid, unpinnedInStrictMode } from '../errors/catalog.js';

/** The environment variable that turns strict verification on (every entry must pin sha256). */
export const STRICT_ENV = 'GITHUB_ASSETS_STRICT';

/**
 * `1`, `true`, `yes`, `on` (any case) turn strict mode on; unset, empty, `0`, `false`, `no`,
 * `off` leave it off. Anything else is GHA007: a typo must not silently turn a check off.
 */
export function strictModeFromEnv(value: string | undefined): boolean {
  const text = (value ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(text)) return false;
  throw settingInvalid({ kind: 'strict', name: STRICT_ENV, value: value ?? '' });
}

export interface VerifySources {
  /** GitHub's `digest` field for the asset, `sha256:<hex>`; absent on assets uploaded before GitHub computed digests. */
  githubDigest?: string;
  /** The entry's `sha256` key (already validated by config; `sha256:` prefix and any case accepted). */
  pinned?: string;
  /** The release's checksums file; `expected` is undefined when the file does not list the asset. */
  checksumsFile?: { name: string; expected: string | undefined };
}

export interface VerifyInput {
  /** Entry label for errors, e.g. `githubassets[2] (acme/tool)`. */
  entry: string;
  assetName: string;
  /** SHA-256 of the downloaded bytes, hex. */
  actual: string;
  sources: VerifySources;
  /** Strict mode: an entry without a pinned sha256 fails. */
  strict: boolean;
}

export interface VerifyResult {
  /** The sources the hash was compared with and matched, e.g. ['GitHub asset digest', 'pinned sha256', 'checksums.txt']. */
  checked: string[];
  /** Sources that could not be compared, and why (for the build log). */
  notes: string[];
}

interface Expectation {
  source: string;
  expected: string;
}

const GITHUB_DIGEST_SOURCE = 'GitHub asset digest';
const PINNED_SOURCE = 'pinned sha256';

/**
 * Checks `actual` against every source given. Throws GHA030 naming each source that
 * disagreed (expected and actual hash) when any does, and GHA031 in strict mode when no
 * sha256 is pinned. Returns the sources that matched and notes on those that could not be used.
 */
export function verifyDownload({ entry, assetName, actual: actualRaw, sources, strict }: VerifyInput): VerifyResult {
  const actual = normaliseSha256(actualRaw);
  if (!actual) throw downloadHashMalformed(entry, actualRaw);
  const expectations: Expectation[] = [];
  const notes: string[] = [];

  if (sources.githubDigest !== undefined) {
    const [algorithm, value] = splitDigest(sources.githubDigest);
    const hex = algorithm === 'sha256' ? normaliseSha256(value) : undefined;
    if (hex) expectations.push({ source: GITHUB_DIGEST_SOURCE, expected: hex });
    else if (algorithm !== 'sha256') notes.push(`GitHub asset digest uses ${algorithm || 'an unknown algorithm'}; not compared`);
    else notes.push(`GitHub asset digest "${sources.githubDigest}" is malformed; not compared`);
  } else {
    notes.push('GitHub publishes no digest for this asset, which predates asset digests');
  }

  if (sources.pinned !== undefined) {
    const hex = normaliseSha256(sources.pinned);
    if (!hex) {
      throw pinnedNotSha256(entry, sources.pinned);
    }
    expectations.push({ source: PINNED_SOURCE, expected: hex });
  }

  if (sources.checksumsFile) {
    const { name, expected } = sources.checksumsFile;
    const hex = expected === undefined ? undefined : normaliseSha256(expected);
    if (hex) expectations.push({ source: name, expected: hex });
    else if (expected === undefined) notes.push(`${name} does not list ${assetName}; not compared`);
    else notes.push(`${name} lists "${expected}" for ${assetName}, which is not a SHA-256; not compared`);
  }

  const mismatches = expectations.filter((e) => e.expected !== actual);
  if (mismatches.length > 0) throw mismatchError({ entry, assetName, actual }, mismatches, expectations);

  if (strict && sources.pinned === undefined) {
    const downloaded = { sha256: actual, matched: joinSources(expectations) };
    throw unpinnedInStrictMode({ entry, assetName, strictEnv: STRICT_ENV, downloaded });
  }
  return { checked: expectations.map((e) => e.source), notes };
}

export interface PublishedInput {
  entry: string;
  assetName: string;
  /** GitHub's `sha256:<hex>` digest of the asset, when the API has one. */
  githubDigest?: string | undefined;
  /** The entry's `sha256` key, when pinned. */
  pinned?: string | undefined;
  strict: boolean;
}

/**
 * The verification that needs no download (the `check` command): the pin against GitHub's
 * digest (GHA030, as the build would fail after downloading) and strict mode's pin (GHA031).
 */
export function verifyPublished({ entry, assetName, githubDigest, pinned, strict }: PublishedInput): void {
  const digest = githubDigestHex(githubDigest);
  const pin = pinned === undefined ? undefined : normaliseSha256(pinned);
  if (digest && pin && digest !== pin) {
    const disagreed = `${PINNED_SOURCE} expects ${pin}`;
    throw checksumMismatch({ entry, assetName, disagreed, actual: `GitHub's asset digest is ${digest}`, blame: 'pin' });
  }
  if (strict && pinned === undefined) throw unpinnedInStrictMode({ entry, assetName, strictEnv: STRICT_ENV });
}

/** The hex of a GitHub asset digest when it is a well-formed `sha256:<hex>`, else undefined. */
export function githubDigestHex(digest: string | undefined): string | undefined {
  if (!digest) return undefined;
  const [algorithm, value] = splitDigest(digest);
  return algorithm === 'sha256' ? normaliseSha256(value) : undefined;
}

function splitDigest(digest: string): [string, string] {
  const at = digest.indexOf(':');
  if (at < 0) return ['', digest];
  return [digest.slice(0, at).trim().toLowerCase(), digest.slice(at + 1)];
}

function mismatchError(
  { entry, assetName, actual }: { entry: string; assetName: string; actual: string },
  mismatches: Expectation[],
  all: Expectation[],
): BuildpackError {
  const disagreed = mismatches.map((m) => `${m.source} expects ${m.expected}`).join('; ');
  const agreed = all.filter((e) => e.expected === actual);
  const agreedText = agreed.length > 0 ? ` (${joinSources(agreed)} agreed with the download)` : '';
  const onlyPinned = mismatches.every((m) => m.source === PINNED_SOURCE);
  const githubDisagreed = mismatches.some((m) => m.source === GITHUB_DIGEST_SOURCE);
  const blame = githubDisagreed ? 'transport' : onlyPinned ? 'pin' : 'checksums-file';
  return checksumMismatch({ entry, assetName, disagreed, actual: `the download is ${actual}${agreedText}`, blame });
}

function joinSources(list: Expectation[]): string {
  const names = list.map((e) => e.source);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** One line for the build log: what the hash was checked against. */
export function describeVerification(result: VerifyResult): string {
  if (result.checked.length === 0) return 'not compared with any published hash';
  return `matches ${result.checked.join(', ')}`;
}
