// Pure: what `github-assets update` may move an entry to. Parses the entry's `update` key and
// the --to option into a policy, and picks the newest release a policy allows from a release
// list. Never picks a release older than the current one. No network, no file I/O.

// semver by its functions: its index loads every class and range helper (and builds some) at start-up.
import semverParse from 'semver/functions/parse.js';
import type { Release } from '../model.js';
import { newestInRange, toRange, versionOfTag, type VersionedRelease } from './tags.js';

/** `--to` values and the named policies an entry's `update` key may hold. */
export const UPDATE_LEVELS = ['patch', 'minor', 'latest'] as const;
export type UpdateLevel = (typeof UPDATE_LEVELS)[number];

/** How far an entry may move: a level relative to its current version, or a semver range. */
export type UpdatePolicy = { kind: 'level'; level: UpdateLevel } | { kind: 'range'; range: string; text: string };

export function isUpdateLevel(value: string): value is UpdateLevel {
  return (UPDATE_LEVELS as readonly string[]).includes(value);
}

/** A semver range in a tag-like spelling ("~1.4", "^v2", ">=0.4 <0.5", "1.x"), or undefined. */
export function semverRange(text: string): string | undefined {
  const value = text.trim();
  return value === '' ? undefined : toRange(value);
}

/** The `update` key's string value as a policy, or undefined when it is neither a level nor a range. */
export function parseUpdateValue(text: string): UpdatePolicy | undefined {
  const value = text.trim();
  if (isUpdateLevel(value)) return { kind: 'level', level: value };
  const range = semverRange(value);
  return range === undefined ? undefined : { kind: 'range', range, text: value };
}

/** The range a level allows from `current` (a semantic version without "v"). */
export function rangeForLevel(level: UpdateLevel, current: string): string {
  const v = semverParse(current, { loose: true })!;
  if (level === 'patch') return `>=${v.version} <${v.major}.${v.minor + 1}.0-0`;
  if (level === 'minor') return `>=${v.version} <${v.major + 1}.0.0-0`;
  return `>=${v.version}`;
}

/**
 * The newest release `range` allows that is not older than `current` (drafts never,
 * prereleases only when `prerelease`). With no `current` (a floating entry being pinned),
 * the newest the range allows.
 */
export function newestAllowed(releases: Release[], range: string, prerelease: boolean, current?: string): VersionedRelease | undefined {
  return newestInRange(releases, range, prerelease, current);
}

/** The semantic version of an exact tag ("v1.4.7" -> "1.4.7"), or undefined. */
export function currentVersion(tag: string): string | undefined {
  return versionOfTag(tag);
}
