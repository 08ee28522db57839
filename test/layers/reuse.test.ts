import { describe, expect, it } from 'vitest';
import {
  decideEntry,
  groupByLayer,
  identityOf,
  METADATA_FORMAT,
  parseLayerMetadata,
  previousRecordFor,
  recordFor,
  resolvedFromRecord,
  type ResolvedEntry,
} from '../../src/layers/reuse.js';
import type { AssetSpec } from '../../src/model.js';

function spec(over: Partial<AssetSpec> = {}): AssetSpec {
  return {
    index: 1,
    repo: 'acme/tool',
    owner: 'acme',
    name: 'tool',
    asset: 'tool-linux-amd64',
    tag: 'latest',
    prerelease: false,
    stripComponents: 0,
    ...over,
  };
}

function resolved(over: { spec?: Partial<AssetSpec>; tag?: string; assetId?: number } = {}): ResolvedEntry {
  return {
    spec: spec(over.spec),
    release: { id: 1, tag: over.tag ?? 'v1.0.0', draft: false, prerelease: false, assets: [] },
    asset: {
      id: over.assetId ?? 42,
      name: 'tool-linux-amd64',
      size: 10,
      url: 'http://api/a/42',
      browserDownloadUrl: 'http://web/acme/tool/releases/download/v1.0.0/tool-linux-amd64',
    },
  };
}

describe('groupByLayer', () => {
  it('puts entries of one repo into one <owner>_<repo> layer, in descriptor order', () => {
    const groups = groupByLayer([
      spec({ index: 1 }),
      spec({ index: 2, repo: 'other/x', owner: 'other', name: 'x' }),
      spec({ index: 3, asset: 'second' }),
    ]);
    expect(groups.map((g) => [g.name, g.specs.map((s) => s.index)])).toEqual([
      ['acme_tool', [1, 3]],
      ['other_x', [2]],
    ]);
  });
});

describe('decideEntry', () => {
  const entry = resolved();
  const record = recordFor(entry, { sha256: 'ab'.repeat(32), bytes: 10 }, [
    { path: 'bin/tool-linux-amd64', executable: true, kind: 'file' },
  ]);
  const restored = { format: METADATA_FORMAT, entries: [record] };

  it('reuses an entry whose identity matches and whose files are present', () => {
    expect(decideEntry(entry, restored, () => true)).toEqual({ action: 'reuse', record });
  });

  it('installs when nothing was restored', () => {
    expect(decideEntry(entry, undefined, () => true)).toEqual({ action: 'install', reason: 'not installed before' });
  });

  it('installs when the files are gone', () => {
    expect(decideEntry(entry, restored, () => false).action).toBe('install');
  });

  it('installs with a reason when the resolved tag changed', () => {
    expect(decideEntry(resolved({ tag: 'v1.1.0' }), restored, () => true)).toEqual({
      action: 'install',
      reason: 'release changed from v1.0.0 to v1.1.0',
    });
  });

  it('installs when the asset was re-uploaded (new id, same name)', () => {
    expect(decideEntry(resolved({ assetId: 43 }), restored, () => true)).toEqual({
      action: 'install',
      reason: 'the asset was re-uploaded to the release',
    });
  });

  it('installs when destination or strip_components changed', () => {
    expect(decideEntry(resolved({ spec: { destination: 'bin/x' } }), restored, () => true).action).toBe('install');
    expect(decideEntry(resolved({ spec: { stripComponents: 1 } }), restored, () => true).action).toBe('install');
  });
});

describe('recordFor', () => {
  it('records the download URL without user info or query string (the record ends up in the image metadata)', () => {
    const entry = resolved();
    entry.asset.browserDownloadUrl =
      'https://user:s3cret@web.example/acme/tool/releases/download/v1.0.0/tool?X-Amz-Signature=abc&token=t0k';
    const rec = recordFor(entry, { sha256: 'ab'.repeat(32), bytes: 1 }, []);
    expect(rec.url).toBe('https://web.example/acme/tool/releases/download/v1.0.0/tool');
    expect(JSON.stringify(rec)).not.toMatch(/s3cret|t0k|Signature/);
  });
});

describe('previousRecordFor', () => {
  const rec = recordFor(resolved(), { sha256: 'ab'.repeat(32), bytes: 1 }, []);
  const restored = { format: METADATA_FORMAT, entries: [rec] };

  it('finds the record of the same entry as written, before resolution', () => {
    expect(previousRecordFor(spec(), restored)).toBe(rec);
  });

  it.each([
    ['another tag', { tag: 'v2' }],
    ['another asset', { asset: 'other' }],
    ['another destination', { destination: 'x' }],
    ['prereleases allowed', { prerelease: true }],
    ['a different pin', { sha256: 'cd'.repeat(32) }],
  ])('does not match with %s', (_what, over) => {
    expect(previousRecordFor(spec(over as Partial<AssetSpec>), restored)).toBeUndefined();
  });

  it('rebuilds an entry from a record with the recorded tag and asset id', () => {
    const entry = resolvedFromRecord(spec(), { ...rec, etag: 'W/"x"' });
    expect(entry.release.tag).toBe('v1.0.0');
    expect(entry.release.etag).toBe('W/"x"');
    expect(entry.asset).toMatchObject({ id: 42, name: 'tool-linux-amd64' });
    expect(decideEntry(entry, restored, () => true).action).toBe('reuse');
  });
});

describe('parseLayerMetadata', () => {
  it('accepts what recordFor wrote and rejects other formats', () => {
    const rec = recordFor(resolved(), { sha256: 'cd'.repeat(32), bytes: 3 }, []);
    expect(parseLayerMetadata({ format: METADATA_FORMAT, entries: [rec] })?.entries).toEqual([rec]);
    expect(parseLayerMetadata({ format: METADATA_FORMAT + 1, entries: [rec] })).toBeUndefined();
    expect(parseLayerMetadata('junk')).toBeUndefined();
    expect(parseLayerMetadata(undefined)).toBeUndefined();
  });

  it('records identity, hash and installed files but no credentials', () => {
    const rec = recordFor(resolved(), { sha256: 'ef'.repeat(32), bytes: 3 }, [
      { path: 'bin', executable: false, kind: 'directory' },
      { path: 'bin/tool', executable: true, kind: 'file' },
      { path: 'README', executable: false, kind: 'file' },
    ]);
    expect(rec).toEqual({
      ...identityOf(resolved()),
      sha256: 'ef'.repeat(32),
      size: 3,
      url: 'http://web/acme/tool/releases/download/v1.0.0/tool-linux-amd64',
      files: ['bin/tool', 'README'],
      executables: ['bin/tool'],
      tag_spec: 'latest',
      asset_spec: 'tool-linux-amd64',
      prerelease: false,
      etag: '',
    });
  });
});

describe('parseLayerMetadata: recorded provenance', () => {
  const base = { repo: 'a/b', asset: 'x', files: ['bin/x'] };
  const provenance = {
    signer_workflow: 'https://github.com/a/b/.github/workflows/r.yml@refs/tags/v1',
    source_repo: 'https://github.com/a/b',
    source_commit: 'c',
    source_ref: 'r',
    issuer: 'i',
    tlog_index: '1',
    predicate_type: 'p',
    sha256: 's',
    trusted_root: 't',
  };
  it('keeps a well-formed record and drops anything else, so the entry is verified again', () => {
    expect(parseLayerMetadata({ format: METADATA_FORMAT, entries: [{ ...base, provenance }] })!.entries[0]!.provenance).toEqual(provenance);
    for (const bad of [null, 'x', [], { ...provenance, tlog_index: 1 }, { signer_workflow: 'x' }]) {
      const entry = parseLayerMetadata({ format: METADATA_FORMAT, entries: [{ ...base, provenance: bad }] })!.entries[0]!;
      expect('provenance' in entry, JSON.stringify(bad)).toBe(false);
    }
  });
});
