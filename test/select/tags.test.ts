import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import semver from 'semver';
import { parseTagSpec, pickInRange, pickNewest } from '../../src/select/tags.js';
import { createReleaseResolver, UNCHANGED } from '../../src/github/resolve.js';
import { createGitHubClient } from '../../src/github/client.js';
import type { AssetSpec, Release } from '../../src/model.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';

function rel(tag: string, over: Partial<Release> = {}): Release {
  return { id: 0, tag, draft: false, prerelease: false, assets: [], ...over };
}

describe('parseTagSpec', () => {
  it.each([
    ['latest', { kind: 'latest' }],
    ['v1.2.3', { kind: 'exact', tag: 'v1.2.3' }],
    ['1.2.3', { kind: 'exact', tag: '1.2.3' }],
    ['release-2024-01', { kind: 'exact', tag: 'release-2024-01' }],
    ['~1.4', { kind: 'range', range: '>=1.4.0 <1.5.0-0', exactFirst: false }],
    ['^2', { kind: 'range', range: '>=2.0.0 <3.0.0-0', exactFirst: false }],
    ['>=0.4 <0.5', { kind: 'range', range: '>=0.4.0 <0.5.0-0', exactFirst: false }],
    ['^v1.2', { kind: 'range', range: '>=1.2.0 <2.0.0-0', exactFirst: false }],
    ['1.4', { kind: 'range', range: '>=1.4.0 <1.5.0-0', exactFirst: true }],
    ['v2', { kind: 'range', range: '>=2.0.0 <3.0.0-0', exactFirst: true }],
  ])('%s', (tag, expected) => {
    expect(parseTagSpec(tag)).toEqual(expected);
  });

  it('a full version, with or without v, prerelease or build, is an exact tag (the fast path agrees with the range rules)', () => {
    const part = fc.integer({ min: 0, max: 9999 });
    const ident = fc.stringMatching(/^[0-9A-Za-z-]{1,8}$/).filter((s) => !/^0\d/.test(s));
    const version = fc
      .record({
        v: fc.boolean(),
        major: part,
        minor: part,
        patch: part,
        pre: fc.option(ident, { nil: undefined }),
        build: fc.option(ident, { nil: undefined }),
      })
      .map(
        ({ v, major, minor, patch, pre, build }) =>
          `${v ? 'v' : ''}${major}.${minor}.${patch}${pre ? `-${pre}` : ''}${build ? `+${build}` : ''}`,
      )
      .filter((tag) => semver.valid(tag.replace(/^v/, '')) !== null);
    fc.assert(
      fc.property(version, (tag) => {
        expect(parseTagSpec(tag)).toEqual({ kind: 'exact', tag });
      }),
    );
  });

  it('versions of one, two or three numbers are decided as semver decides them (the fast paths agree with the range rules)', () => {
    // The rules without fast paths, from semver itself: a valid version is a tag; else a valid range,
    // tried as a tag first unless the text cannot be one; else a tag.
    const bySemver = (tag: string) => {
      const value = tag.trim();
      if (semver.valid(value.replace(/^v(?=\d)/, ''))) return { kind: 'exact', tag: value };
      const range = semver.validRange(value.replace(/(^|[\s^~<>=|])v(?=\d)/g, '$1'), { loose: true });
      if (range === null) return { kind: 'exact', tag: value };
      return { kind: 'range', range, exactFirst: !/[\s~^:?*[\\]|^[<>=]/.test(value) };
    };
    const number = fc.oneof(
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.constant(999_999_999),
      fc.constant(1_000_000_000),
    );
    const text = fc
      .record({ v: fc.constantFrom('', 'v', 'V', ' '), zero: fc.boolean(), parts: fc.array(number, { minLength: 1, maxLength: 4 }) })
      .map(({ v, zero, parts }) => `${v}${zero ? '0' : ''}${parts.join('.')}`);
    fc.assert(
      fc.property(text, (tag) => {
        expect(parseTagSpec(tag)).toEqual(bySemver(tag));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('pickInRange', () => {
  const releases = [
    rel('v1.5.0-rc.1', { prerelease: true }),
    rel('v1.4.10'),
    rel('1.4.2'),
    rel('v1.3.9'),
    rel('v1.4.11', { draft: true }),
    rel('nightly'),
  ];

  it('picks the highest matching version, with or without a leading v, skipping drafts and non-semver tags', () => {
    expect(pickInRange(releases, '>=1.4.0 <1.5.0-0', false)?.tag).toBe('v1.4.10');
    expect(pickInRange(releases, '<1.4.5', false)?.tag).toBe('1.4.2');
  });

  it('includes prereleases only when allowed', () => {
    expect(pickInRange(releases, '^1.4', false)?.tag).toBe('v1.4.10');
    expect(pickInRange(releases, '^1.4', true)?.tag).toBe('v1.5.0-rc.1');
  });

  it('returns undefined when nothing matches', () => {
    expect(pickInRange(releases, '^3', true)).toBeUndefined();
  });

  it('pickNewest takes the newest published non-draft release, prereleases included', () => {
    expect(
      pickNewest([
        rel('v2.0.0-rc.1', { prerelease: true, publishedAt: '2026-03-01T00:00:00Z' }),
        rel('v1.9.0', { publishedAt: '2026-02-01T00:00:00Z' }),
        rel('v3', { draft: true, publishedAt: '2026-04-01T00:00:00Z' }),
      ])?.tag,
    ).toBe('v2.0.0-rc.1');
  });
});

describe('release resolver against the GitHub stand-in', () => {
  let gh: FakeGitHub;
  const spec = (tag: string, prerelease = false): AssetSpec => ({
    index: 1,
    repo: 'acme/many',
    owner: 'acme',
    name: 'many',
    asset: 'x',
    tag,
    prerelease,
    stripComponents: 0,
  });

  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/many');
    // 130 releases: v0.1.0 … v0.130.0 (oldest first), plus a prerelease and an exact tag named "1.4".
    for (let i = 1; i <= 130; i++)
      gh.addRelease('acme/many', {
        tag: `v0.${i}.0`,
        publishedAt: new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString(),
        assets: [{ name: 'x', content: `v${i}` }],
      });
    gh.addRelease('acme/many', {
      tag: 'v0.131.0-beta.1',
      prerelease: true,
      publishedAt: '2026-01-01T00:00:00Z',
      assets: [{ name: 'x', content: 'beta' }],
    });
    gh.addRelease('acme/many', { tag: '0.4', publishedAt: '2024-01-01T00:00:00Z', assets: [{ name: 'x', content: 'exact' }] });
  });
  afterAll(() => gh.close());

  const resolver = () => createReleaseResolver(createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'test' })).resolve;

  it('resolves a range by paging through every release', async () => {
    gh.resetRequests();
    const release = await resolver()(spec('>=0.4 <0.5 || ^0.12'), { token: undefined, source: undefined });
    expect(release.tag).toBe('v0.12.0');
    expect(gh.countRequests({ origin: 'api', path: '/repos/acme/many/releases' })).toBe(2); // 132 releases, 100 per page
  });

  it('finds the newest version in the range even when it is on the second page', async () => {
    expect((await resolver()(spec('<0.3'), { token: undefined, source: undefined })).tag).toBe('v0.2.0');
    expect((await resolver()(spec('~0.130'), { token: undefined, source: undefined })).tag).toBe('v0.130.0');
  });

  it('lets an existing exact tag win over the range reading of the same text', async () => {
    expect((await resolver()(spec('0.4'), { token: undefined, source: undefined })).tag).toBe('0.4');
  });

  it('uses the latest endpoint for latest, and the newest prerelease when allowed', async () => {
    expect((await resolver()(spec('latest'), { token: undefined, source: undefined })).tag).toBe('v0.130.0');
    expect((await resolver()(spec('latest', true), { token: undefined, source: undefined })).tag).toBe('v0.131.0-beta.1');
    expect((await resolver()(spec('^0.131.0-0', true), { token: undefined, source: undefined })).tag).toBe('v0.131.0-beta.1');
  });

  it('shares one lookup between a conditional and a plain resolution of the same release', async () => {
    const client = createGitHubClient({ apiUrl: gh.apiUrl, userAgent: 'test' });
    const creds = { token: undefined, source: undefined };
    const first = createReleaseResolver(client);
    const release = await first.resolve(spec('v0.7.0'), creds);
    expect(release.etag).toMatch(/^W\//);

    // Plain first, then conditional with the same ETag: answered from memory as unchanged.
    gh.resetRequests();
    expect(await first.resolveIfChanged(spec('v0.7.0'), creds, release.etag!)).toBe(UNCHANGED);
    expect(gh.countRequests({ origin: 'api' })).toBe(0);

    // Conditional with a stale ETag first (200), then plain: one request in all.
    const second = createReleaseResolver(client);
    gh.resetRequests();
    const fresh = await second.resolveIfChanged(spec('v0.7.0'), creds, 'W/"stale"');
    expect(fresh).not.toBe(UNCHANGED);
    expect((await second.resolve(spec('v0.7.0'), creds)).tag).toBe('v0.7.0');
    expect(gh.countRequests({ origin: 'api' })).toBe(1);
  });

  it('explains an unsatisfiable range and lists releases', async () => {
    const err = await resolver()(spec('^2'), { token: undefined, source: undefined }).catch((e) => e);
    expect(err.code).toBe('GHA016');
    expect(err.message).toMatch(/^no release satisfies tag = "\^2" \(prereleases excluded\); releases: /);
    expect(err.hint).toContain('prerelease = true');
  });

  it('looks each repo and tag up once however many entries share it', async () => {
    gh.resetRequests();
    const resolve = resolver();
    await Promise.all([
      resolve(spec('v0.5.0'), { token: undefined, source: undefined }),
      resolve(spec('v0.5.0'), { token: undefined, source: undefined }),
    ]);
    expect(gh.countRequests({ origin: 'api' })).toBe(1);
  });
});
