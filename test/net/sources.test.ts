// Mirror templates, web-host URLs and which entries may download without the API.

import { describe, expect, it } from 'vitest';
import { directRelease, directReleaseFor, mirrorUrl, qualifiesForDirectDownload, webDownloadUrl } from '../../src/net/sources.js';

const c = { owner: 'acme', repo: 'tool', tag: 'release/v1+build', asset: 'tool linux.tar.gz' };

describe('sources', () => {
  it('fills the mirror template, encoding each value', () => {
    expect(mirrorUrl('https://m.example/gh/{owner}/{repo}/{tag}/{asset}?x={asset}', c)).toBe(
      'https://m.example/gh/acme/tool/release%2Fv1%2Bbuild/tool%20linux.tar.gz?x=tool%20linux.tar.gz',
    );
  });

  it('builds the release download URL on GITHUB_SERVER_URL', () => {
    expect(webDownloadUrl('https://github.com/', { ...c, tag: 'v1.2.3', asset: 'tool.tar.gz' })).toBe(
      'https://github.com/acme/tool/releases/download/v1.2.3/tool.tar.gz',
    );
  });

  it('only token-less entries with an exact tag and asset name qualify', () => {
    expect(qualifiesForDirectDownload({ tag: 'v1.2.3', asset: 'tool.tar.gz' }, undefined)).toBe(true);
    expect(qualifiesForDirectDownload({ tag: 'nightly-2024', asset: 'tool.tar.gz' }, undefined)).toBe(true);
    expect(qualifiesForDirectDownload({ tag: 'v1.2.3', asset: 'tool.tar.gz' }, 'ghp_x')).toBe(false);
    expect(qualifiesForDirectDownload({ tag: 'latest', asset: 'tool.tar.gz' }, undefined)).toBe(false);
    expect(qualifiesForDirectDownload({ tag: '^1.2', asset: 'tool.tar.gz' }, undefined)).toBe(false);
    expect(qualifiesForDirectDownload({ tag: 'v1.2.3', asset: 'tool-{os}-{arch}.tar.gz' }, undefined)).toBe(false);
    expect(qualifiesForDirectDownload({ tag: 'v1.2.3', asset: 'tool-*.tar.gz' }, undefined)).toBe(false);
  });

  it('a direct release has one synthetic asset (id 0, size 0, no digest); the mirror wins when set', () => {
    const spec = { owner: 'acme', name: 'tool', tag: 'v1.2.3', asset: 'tool.tar.gz' };
    const web = directRelease(spec, { serverUrl: 'https://github.com' });
    expect(web).toEqual({
      id: 0,
      tag: 'v1.2.3',
      draft: false,
      prerelease: false,
      assets: [
        {
          id: 0,
          name: 'tool.tar.gz',
          size: 0,
          url: 'https://github.com/acme/tool/releases/download/v1.2.3/tool.tar.gz',
          browserDownloadUrl: 'https://github.com/acme/tool/releases/download/v1.2.3/tool.tar.gz',
          origin: 'direct',
        },
      ],
    });
    const mirrored = directRelease(spec, { serverUrl: 'https://github.com', mirror: 'https://m.example/{owner}/{repo}/{tag}/{asset}' });
    expect(mirrored.assets[0]!.url).toBe('https://m.example/acme/tool/v1.2.3/tool.tar.gz');
    expect(mirrored.assets[0]!.browserDownloadUrl).toBe('https://github.com/acme/tool/releases/download/v1.2.3/tool.tar.gz');
  });
});

describe('directReleaseFor', () => {
  it('is the direct release for a qualifying entry and undefined otherwise', () => {
    const spec = { owner: 'acme', name: 'tool', tag: 'v1.2.3', asset: 'tool.tar.gz' };
    expect(directReleaseFor(spec, undefined, { serverUrl: 'https://github.com' })!.assets[0]!.id).toBe(0);
    expect(directReleaseFor(spec, 'ghp_x', { serverUrl: 'https://github.com' })).toBeUndefined();
    expect(directReleaseFor({ ...spec, tag: 'latest' }, undefined, { serverUrl: 'https://github.com' })).toBeUndefined();
    // With a mirror, an entry with a token qualifies too: the token never goes to the mirror.
    const mirror = { serverUrl: 'https://github.com', mirror: 'https://m.example/{owner}/{repo}/{tag}/{asset}' };
    expect(directReleaseFor(spec, 'ghp_x', mirror)!.assets[0]!.url).toBe('https://m.example/acme/tool/v1.2.3/tool.tar.gz');
    expect(directReleaseFor({ ...spec, asset: 'tool-{arch}.tar.gz' }, undefined, mirror)).toBeUndefined();
  });
});
