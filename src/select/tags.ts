// Pure: what a `tag` value asks for (latest, an exact tag, or a semver range) and which
// release of a list satisfies it. Tags may carry a leading "v". No network here: the caller
// fetches the releases.

// semver by its functions: its index loads every class and range helper (and builds some) at start-up.
import semverGt from 'semver/functions/gt.js';
import semverSatisfies from 'semver/functions/satisfies.js';
import semverValid from 'semver/functions/valid.js';
import semverValidRange from 'semver/ranges/valid.js';
import type { Release } from '../model.js';
import { stripV } from '../platform.js';

export type TagQuery =
  | { kind: 'latest' }
  | { kind: 'exact'; tag: string }
  /** `exactFirst`: the text is also a valid tag name (e.g. "1.4"), and an existing tag of that name wins. */
  | { kind: 'range'; range: string; exactFirst: boolean };

// Characters git forbids in ref names: a value containing one can only be a range.
const NOT_A_TAG = /[\s~^:?*[\\]|^[<>=]/;

// The common shapes, decided without semver: its first call builds ~80 regular expressions (re.js)
// and a Range, ~3 ms of a 1 MiB build's CPU. test/select/tags.test.ts checks both against semver.
const PLAIN_VERSION = /^v?(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})$/;
const PARTIAL_VERSION = /^v?(0|[1-9]\d{0,8})(?:\.(0|[1-9]\d{0,8}))?$/;

export function parseTagSpec(tag: string): TagQuery {
  const value = tag.trim();
  if (value === 'latest') return { kind: 'latest' };
  // The common cases first: a full version (v1.2.3) is an exact tag, as below, and a major or
  // major.minor (v2, 1.4) the range semver makes of it, tried as a tag first.
  if (PLAIN_VERSION.test(value)) return { kind: 'exact', tag: value };
  const partial = PARTIAL_VERSION.exec(value);
  if (partial) return { kind: 'range', range: partialVersionRange(Number(partial[1]), partial[2]), exactFirst: true };
  const cannotBeTag = NOT_A_TAG.test(value);
  // A full version such as v1.2.3-rc.1 or 1.2.3+build is a tag name, not a range.
  if (!cannotBeTag && semverValid(stripV(value))) return { kind: 'exact', tag: value };
  const range = toRange(value);
  if (range === undefined) return { kind: 'exact', tag: value };
  return { kind: 'range', range, exactFirst: !cannotBeTag };
}

/** semver's range for "M" (>=M.0.0 <M+1.0.0-0) or "M.m" (>=M.m.0 <M.m+1.0-0), as validRange writes it (no >=0.0.0). */
function partialVersionRange(major: number, minorText: string | undefined): string {
  const minor = minorText === undefined ? undefined : Number(minorText);
  const upper = minor === undefined ? `<${major + 1}.0.0-0` : `<${major}.${minor + 1}.0-0`;
  return major === 0 && !minor ? upper : `>=${major}.${minor ?? 0}.0 ${upper}`;
}

/** `value` as a semver range, "v" prefixes allowed inside it ("^v1.2", ">=v0.4 <v0.5"), or undefined. */
export function toRange(value: string): string | undefined {
  const cleaned = value.replace(/(^|[\s^~<>=|])v(?=\d)/g, '$1');
  return semverValidRange(cleaned, { loose: true }) ?? undefined;
}

/** The semantic version a release tag stands for, or undefined when it is not one. */
export function versionOfTag(tag: string): string | undefined {
  return semverValid(stripV(tag), { loose: true }) ?? undefined;
}

/** A release and the semantic version its tag stands for. */
export interface VersionedRelease {
  release: Release;
  version: string;
}

/**
 * The highest release whose tag satisfies `range` and, when `atLeast` is given, is not older than
 * it (drafts never, prereleases only when allowed), with its version.
 */
export function newestInRange(releases: Release[], range: string, prerelease: boolean, atLeast?: string): VersionedRelease | undefined {
  let best: VersionedRelease | undefined;
  for (const release of releases) {
    if (release.draft || (release.prerelease && !prerelease)) continue;
    const version = versionOfTag(release.tag);
    if (!version) continue;
    if (!semverSatisfies(version, range, { includePrerelease: prerelease, loose: true })) continue;
    // "older than atLeast" as atLeast > version: semver's lt is the same comparison, one module more in the bundle.
    if (atLeast !== undefined && semverGt(atLeast, version, { loose: true })) continue;
    if (!best || semverGt(version, best.version, { loose: true })) best = { release, version };
  }
  return best;
}

/** The highest release whose tag satisfies `range` (drafts never, prereleases only when allowed). */
export function pickInRange(releases: Release[], range: string, prerelease: boolean): Release | undefined {
  return newestInRange(releases, range, prerelease)?.release;
}

/** The newest non-draft release, prereleases included (for `latest` with `prerelease = true`). */
export function pickNewest(releases: Release[]): Release | undefined {
  const candidates = releases.filter((r) => !r.draft);
  const time = (r: Release) => (r.publishedAt ? Date.parse(r.publishedAt) : 0);
  // The API lists newest first; published_at settles ties and unordered input.
  return candidates.reduce<Release | undefined>((best, r) => (!best || time(r) > time(best) ? r : best), undefined);
}
