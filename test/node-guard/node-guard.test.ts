// src/node-guard/refusal.ts: the version order is semver's (checked against the semver library
// on generated versions), and the refusal names what was found, where, and what is needed.

import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { olderThan, refusal } from '../../src/node-guard/refusal.ts';

const part = fc.integer({ min: 0, max: 120 });
const release = fc.tuple(part, part, part).map((p) => p.join('.'));
const prerelease = fc.stringMatching(/^[0-9A-Za-z]{1,8}(\.[0-9A-Za-z]{1,8}){0,2}$/).filter((p) => semver.valid(`1.0.0-${p}`) !== null);
const version = fc.tuple(release, fc.option(prerelease)).map(([r, p]) => (p === null ? r : `${r}-${p}`));

describe('olderThan', () => {
  it('orders versions as semver does, prereleases included', () => {
    fc.assert(
      fc.property(version, release, (found, need) => {
        expect(olderThan(found, need)).toBe(semver.lt(found, need));
      }),
      { numRuns: 2000 },
    );
  });

  it('compares parts as numbers, not text', () => {
    expect(olderThan('26.2.0', '26.10.0')).toBe(true);
    expect(olderThan('26.10.0', '26.2.0')).toBe(false);
    expect(olderThan('26.10.0', '26.10.0')).toBe(false);
    expect(olderThan('26.10.0-pre', '26.10.0')).toBe(true);
    expect(olderThan('v26.10.0', '26.10.0')).toBe(false);
  });

  it('counts a version it cannot read as older', () => {
    for (const found of ['', '26', '26.10', 'x.y.z', '26.10.0.1', ' 26.10.0']) expect(olderThan(found, '26.10.0')).toBe(true);
  });

  it('refuses to compare against anything but a release', () => {
    expect(() => olderThan('26.10.0', '26.10.0-pre')).toThrow('not a release version: 26.10.0-pre');
  });
});

describe('refusal', () => {
  it('is undefined for a new enough node', () => {
    expect(refusal('26.10.0', '/n', '26.10.0', '/bp/lib/build.mjs')).toBeUndefined();
  });

  it('tells a buildpack user that the packaged buildpack ships its own Node.js', () => {
    expect(refusal('20.20.2', '/usr/bin/node', '26.10.0', '/bp/lib/build.mjs')).toBe(
      'github-assets: Node.js 20.20.2 at /usr/bin/node is older than 26.10.0, the version this buildpack is built for; ' +
        'the packaged buildpack ships its own Node.js 26.10.0 (npm run package), or put Node.js >= 26.10.0 first on PATH',
    );
    expect(refusal('', '/n', '26.10.0', undefined)).toMatch(
      /^github-assets: Node\.js of unknown version at \/n is older than 26\.10\.0, the version this buildpack/,
    );
  });

  it('tells a CLI user how to get a newer Node.js', () => {
    expect(refusal('20.20.2', '/usr/bin/node', '26.10.0', '/x/node_modules/github-assets-buildpack/lib/cli.mjs')).toBe(
      'github-assets: Node.js 20.20.2 at /usr/bin/node is older than 26.10.0, the version the github-assets CLI is built for; ' +
        'install Node.js >= 26.10.0 (https://nodejs.org) and put it first on PATH',
    );
  });
});
