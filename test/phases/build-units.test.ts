// The build's pure decisions, tried with generated inputs: the API-fallback policy (resolve.ts
// fallbackFor) and a layer's state (layer.ts layerState). The invariants are the ones a user
// relies on: no direct download or offline reuse where the API's answer is needed, and a
// layer is kept as restored only when it holds exactly the entries asked for.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuildpackError, type ErrorCode } from '../../src/errors.js';
import type { AssetSpec } from '../../src/model.js';
import type { EntryDecision, EntryRecord } from '../../src/layers/reuse.js';
import { layerState, type RestoredLayer } from '../../src/phases/build/layer.js';
import { fallbackFor } from '../../src/phases/build/resolve.js';
import type { BuildEntry } from '../../src/phases/build/services.js';

function spec(tag: string, asset: string): AssetSpec {
  return { index: 1, repo: 'acme/tool', owner: 'acme', name: 'tool', asset, tag, prerelease: false, stripComponents: 0 };
}

function record(tag: string): EntryRecord {
  return {
    repo: 'acme/tool',
    asset: 'tool-linux',
    tag,
    asset_id: 7,
    sha256: 'a'.repeat(64),
    size: 3,
    destination: 'bin/tool',
    strip_components: 0,
    picked: [],
    url: 'https://github.com/acme/tool/releases/download/v1/tool-linux',
    files: ['bin/tool'],
    executables: ['bin/tool'],
    tag_spec: tag,
    asset_spec: 'tool-linux',
    prerelease: false,
    etag: '',
  };
}

const EXACT_TAGS = ['v1.2.3', '1.0.0', 'release-2024', 'nightly'];
const NOT_EXACT_TAGS = ['latest', '^1.0', '~2.3', '1.x', '>=1 <2'];
const CODES: ErrorCode[] = ['GHA010', 'GHA011', 'GHA012', 'GHA013', 'GHA020', 'GHA021', 'GHA022', 'GHA028', 'GHA099'];

const situation = fc.record({
  tag: fc.constantFrom(...EXACT_TAGS, ...NOT_EXACT_TAGS),
  asset: fc.constantFrom('tool-linux', 'tool-*', 'tool-{os}-{arch}', ''),
  code: fc.option(fc.constantFrom(...CODES), { nil: undefined }),
  reusable: fc.boolean(),
  network: fc.constantFrom('none', 'web', 'mirror'),
  token: fc.option(fc.constant('ghp_secret'), { nil: undefined }),
});

describe('fallbackFor (the API-fallback policy)', () => {
  it('reuses offline only an exact tag with a restored record, only when GitHub is unreachable or failing', () => {
    fc.assert(
      fc.property(situation, (s) => {
        const err = s.code ? new BuildpackError(s.code, 'lookup failed') : new Error('not ours');
        const network =
          s.network === 'none'
            ? undefined
            : { serverUrl: 'https://github.com', mirror: s.network === 'mirror' ? 'https://m.example/{asset}' : undefined };
        const reusable = s.reusable ? record(s.tag) : undefined;
        const fallback = fallbackFor(err, { spec: spec(s.tag, s.asset), creds: { token: s.token, source: undefined }, reusable, network });
        const exact = EXACT_TAGS.includes(s.tag);
        const plainName = s.asset !== '' && !/[*?{]/.test(s.asset);
        if (fallback.use === 'previous') {
          expect(s.reusable && exact && (s.code === 'GHA020' || s.code === 'GHA021')).toBe(true);
          expect(fallback.record).toBe(reusable);
        }
        if (fallback.use === 'direct') {
          // Never for a range, latest, a pattern or automatic selection: those need the API's answer.
          expect(exact && plainName).toBe(true);
          expect(s.code === 'GHA013' || (s.code === 'GHA020' && s.network === 'mirror')).toBe(true);
          // A token is not sent to the web host: a private repo's asset is not there.
          if (s.network === 'web') expect(s.token).toBeUndefined();
          expect(fallback.why).toBe(s.code === 'GHA013' ? 'rate limited' : 'unreachable');
          expect(fallback.release.assets.map((a) => a.name)).toEqual([s.asset]);
        }
        if (fallback.use === 'none' && exact && (s.code === 'GHA020' || s.code === 'GHA021') && s.reusable) {
          throw new Error('a restored exact entry must be reused when GitHub is unreachable');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('downloads directly when rate limited, and errors for the same entry with a range', () => {
    const limited = new BuildpackError('GHA013', 'API rate limit exceeded');
    const network = { serverUrl: 'https://github.com', mirror: undefined };
    const direct = fallbackFor(limited, {
      spec: spec('v1.2.3', 'tool-linux'),
      creds: { token: undefined, source: undefined },
      reusable: undefined,
      network,
    });
    expect(direct.use === 'direct' && direct.release.assets[0]!.url).toBe(
      'https://github.com/acme/tool/releases/download/v1.2.3/tool-linux',
    );
    expect(
      fallbackFor(limited, {
        spec: spec('^1.2', 'tool-linux'),
        creds: { token: undefined, source: undefined },
        reusable: undefined,
        network,
      }),
    ).toEqual({
      use: 'none',
    });
  });
});

describe('layerState (Restored | Fresh{cause})', () => {
  const decisions = fc.array(fc.record({ reuse: fc.boolean(), present: fc.boolean() }), { minLength: 1, maxLength: 5 });

  it('is Restored exactly when every entry is reused and the restored layer records nothing else', () => {
    fc.assert(
      fc.property(decisions, fc.nat({ max: 2 }), fc.boolean(), (entries, extra, hasMetadata) => {
        const records = [...entries, ...Array.from({ length: extra }, () => ({ reuse: false, present: true }))].map((_, i) =>
          record(`v${i}`),
        );
        const present = new Map(records.map((r, i) => [r, entries[i]?.present ?? true]));
        const previous: RestoredLayer = { metadata: hasMetadata ? { format: 3, entries: records } : undefined, present };
        const decided = entries.map((e, i) => ({
          entry: {} as BuildEntry,
          decision: (e.reuse
            ? { action: 'reuse', record: records[i]! }
            : { action: 'install', reason: `tag ${i} changed` }) as EntryDecision,
        }));
        const state = layerState(decided, previous);
        const restored = hasMetadata && entries.every((e) => e.reuse) && extra === 0;
        expect(state.state).toBe(restored ? 'restored' : 'fresh');
        if (state.state === 'fresh') {
          if (!hasMetadata) expect(state.cause).toBe('new');
          else if (entries.some((e) => !e.reuse)) {
            const incomplete = entries.some((e) => !e.present);
            expect(state.cause).toBe(
              incomplete ? 'restored layer incomplete' : `changed: tag ${entries.findIndex((e) => !e.reuse)} changed`,
            );
          } else expect(state.cause).toBe('changed: an entry was removed');
        }
      }),
      { numRuns: 300 },
    );
  });
});
