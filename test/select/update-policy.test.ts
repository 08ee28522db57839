// Invariants of what `github-assets update` may pick, tried with generated release lists:
// never older than the current version, never a draft, a prerelease only when allowed, always
// inside the policy's range, and the highest such release.

import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import type { Release } from '../../src/model.js';
import { newestAllowed, parseUpdateValue, rangeForLevel, semverRange, UPDATE_LEVELS } from '../../src/select/update-policy.js';

const versionArb = fc
  .record({
    major: fc.integer({ min: 0, max: 4 }),
    minor: fc.integer({ min: 0, max: 4 }),
    patch: fc.integer({ min: 0, max: 4 }),
    pre: fc.option(fc.constantFrom('rc.1', 'beta.2', 'alpha'), { nil: undefined }),
  })
  .map((v) => `${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ''}`);

const releaseArb = fc.record({
  version: versionArb,
  v: fc.boolean(),
  draft: fc.boolean(),
  prerelease: fc.boolean(),
});

function toReleases(items: { version: string; v: boolean; draft: boolean; prerelease: boolean }[]): Release[] {
  return items.map((r, i) => ({
    id: i + 1,
    tag: `${r.v ? 'v' : ''}${r.version}`,
    draft: r.draft,
    prerelease: r.prerelease || r.version.includes('-'),
    assets: [],
  }));
}

const stableVersion = fc
  .record({ major: fc.integer({ min: 0, max: 4 }), minor: fc.integer({ min: 0, max: 4 }), patch: fc.integer({ min: 0, max: 4 }) })
  .map((v) => `${v.major}.${v.minor}.${v.patch}`);

describe('newestAllowed', () => {
  it('picks the highest release the level allows, never older than the current one, never a draft, prereleases only when allowed', () => {
    fc.assert(
      fc.property(
        fc.array(releaseArb, { maxLength: 25 }),
        stableVersion,
        fc.constantFrom(...UPDATE_LEVELS, 'any-range' as const),
        fc.boolean(),
        (items, current, level, prerelease) => {
          const releases = toReleases(items);
          // 'any-range': an update key such as "*" that alone would allow going back.
          const range = level === 'any-range' ? '*' : rangeForLevel(level, current);
          const pick = newestAllowed(releases, range, prerelease, current);
          const eligible = releases.filter((r) => {
            const v = semver.valid(r.tag.replace(/^v/, ''));
            if (!v || r.draft || (r.prerelease && !prerelease)) return false;
            return semver.gte(v, current) && semver.satisfies(v, range, { includePrerelease: prerelease });
          });
          if (eligible.length === 0) return pick === undefined;
          expect(pick).toBeDefined();
          const version = pick!.version;
          expect(pick!.release.draft).toBe(false);
          if (!prerelease) expect(pick!.release.prerelease).toBe(false);
          expect(semver.gte(version, current)).toBe(true);
          const cur = semver.parse(current)!;
          const got = semver.parse(version)!;
          if (level === 'patch' || level === 'minor') expect(got.major).toBe(cur.major);
          if (level === 'patch') expect(got.minor).toBe(cur.minor);
          for (const r of eligible) expect(semver.lte(r.tag.replace(/^v/, ''), version)).toBe(true);
          return true;
        },
      ),
      { numRuns: 400 },
    );
  });

  it('without a current version (a range entry being pinned) picks the highest match of the range', () => {
    fc.assert(
      fc.property(fc.array(releaseArb, { maxLength: 25 }), fc.constantFrom('~1.2', '^2', '>=0.4 <3', '1.x', '*'), (items, text) => {
        const releases = toReleases(items);
        const range = semverRange(text)!;
        const pick = newestAllowed(releases, range, false);
        const matches = releases.filter((r) => !r.draft && !r.prerelease && semver.satisfies(r.tag.replace(/^v/, ''), range));
        if (matches.length === 0) return pick === undefined;
        return matches.every((r) => semver.lte(r.tag.replace(/^v/, ''), pick!.version)) && semver.satisfies(pick!.version, range);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseUpdateValue', () => {
  it('reads the levels, ranges with or without v, and rejects anything else', () => {
    expect(parseUpdateValue('minor')).toEqual({ kind: 'level', level: 'minor' });
    expect(parseUpdateValue(' latest ')).toEqual({ kind: 'level', level: 'latest' });
    expect(parseUpdateValue('~v1.4')).toMatchObject({ kind: 'range', text: '~v1.4' });
    expect(parseUpdateValue('>=0.4 <0.5')).toMatchObject({ kind: 'range' });
    for (const bad of ['sometimes', '', 'major', 'v1.4-', 'nightly']) expect(parseUpdateValue(bad), bad).toBeUndefined();
  });

  it('never accepts a value whose range semver cannot parse', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const policy = parseUpdateValue(text);
        if (policy?.kind === 'range') return semver.validRange(policy.range) !== null;
        return true;
      }),
    );
  });
});
