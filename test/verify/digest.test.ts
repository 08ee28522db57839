import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { thrown } from '../support/errors.js';
import { describeVerification, strictModeFromEnv, verifyDownload, type VerifyInput } from '../../src/verify/digest.js';

const ACTUAL = createHash('sha256').update('the asset bytes').digest('hex');
const OTHER = createHash('sha256').update('tampered bytes').digest('hex');
const LABEL = 'githubassets[1] (acme/tool)';

function input(sources: VerifyInput['sources'], strict = false): VerifyInput {
  return { entry: LABEL, assetName: 'tool-linux-amd64', actual: ACTUAL, sources, strict };
}

describe('verifyDownload', () => {
  it('checks every source given and lists them in order', () => {
    const result = verifyDownload(
      input({ githubDigest: `sha256:${ACTUAL}`, pinned: ACTUAL.toUpperCase(), checksumsFile: { name: 'checksums.txt', expected: ACTUAL } }),
    );
    expect(result).toEqual({ checked: ['GitHub asset digest', 'pinned sha256', 'checksums.txt'], notes: [] });
    expect(describeVerification(result)).toBe('matches GitHub asset digest, pinned sha256, checksums.txt');
  });

  it('normalises hex case and prefixes on every side', () => {
    const result = verifyDownload({
      ...input({
        githubDigest: `SHA256:${ACTUAL.toUpperCase()}`,
        pinned: `sha256:${ACTUAL}`,
        checksumsFile: { name: 'SHA256SUMS', expected: ACTUAL.toUpperCase() },
      }),
      actual: ACTUAL.toUpperCase(),
    });
    expect(result.checked).toEqual(['GitHub asset digest', 'pinned sha256', 'SHA256SUMS']);
  });

  it('notes sources that could not be compared', () => {
    const result = verifyDownload(input({ checksumsFile: { name: 'SHA256SUMS', expected: undefined } }));
    expect(result.checked).toEqual([]);
    expect(result.notes).toEqual([
      'GitHub publishes no digest for this asset, which predates asset digests',
      'SHA256SUMS does not list tool-linux-amd64; not compared',
    ]);
    expect(describeVerification(result)).toBe('not compared with any published hash');
  });

  it('notes a GitHub digest of another algorithm instead of failing', () => {
    const result = verifyDownload(input({ githubDigest: `sha512:${'ab'.repeat(64)}`, pinned: ACTUAL }));
    expect(result.checked).toEqual(['pinned sha256']);
    expect(result.notes).toEqual(['GitHub asset digest uses sha512; not compared']);
  });

  it('fails with GHA030 naming the GitHub digest, both hashes and what agreed', () => {
    const err = thrown(() => verifyDownload(input({ githubDigest: `sha256:${OTHER}`, pinned: ACTUAL })));
    expect(err.code).toBe('GHA030');
    expect(err.entry).toBe(LABEL);
    expect(err.message).toBe(
      `sha256 mismatch for tool-linux-amd64: GitHub asset digest expects ${OTHER}, but the download is ${ACTUAL} (pinned sha256 agreed with the download)`,
    );
    expect(err.hint).toContain('altered or corrupted on the way');
    expect(err.hint).toContain('Nothing was installed');
  });

  it('fails with GHA030 on a pinned mismatch and says the asset changed since it was pinned', () => {
    const err = thrown(() =>
      verifyDownload(
        input({ githubDigest: `sha256:${ACTUAL}`, pinned: OTHER, checksumsFile: { name: 'checksums.txt', expected: ACTUAL } }),
      ),
    );
    expect(err.code).toBe('GHA030');
    expect(err.message).toBe(
      `sha256 mismatch for tool-linux-amd64: pinned sha256 expects ${OTHER}, but the download is ${ACTUAL} (GitHub asset digest and checksums.txt agreed with the download)`,
    );
    expect(err.hint).toContain('re-uploaded, or the pin is wrong');
  });

  it('fails with GHA030 on a checksums file mismatch, naming the file', () => {
    const err = thrown(() => verifyDownload(input({ checksumsFile: { name: 'tool_1.0_checksums.txt', expected: OTHER } })));
    expect(err.code).toBe('GHA030');
    expect(err.message).toBe(
      `sha256 mismatch for tool-linux-amd64: tool_1.0_checksums.txt expects ${OTHER}, but the download is ${ACTUAL}`,
    );
    expect(err.hint).toContain('checksums = "..."');
  });

  it('lists every source that disagreed', () => {
    const err = thrown(() =>
      verifyDownload(input({ githubDigest: `sha256:${OTHER}`, pinned: OTHER, checksumsFile: { name: 'SHA256SUMS', expected: OTHER } })),
    );
    expect(err.message).toBe(
      `sha256 mismatch for tool-linux-amd64: GitHub asset digest expects ${OTHER}; pinned sha256 expects ${OTHER}; SHA256SUMS expects ${OTHER}, but the download is ${ACTUAL}`,
    );
  });

  it('strict mode fails an entry without a pinned sha256 (GHA031) and says how to pin', () => {
    const err = thrown(() => verifyDownload(input({ githubDigest: `sha256:${ACTUAL}` }, true)));
    expect(err.code).toBe('GHA031');
    expect(err.entry).toBe(LABEL);
    expect(err.message).toBe('strict verification (GITHUB_ASSETS_STRICT) requires a pinned sha256, and tool-linux-amd64 has none');
    expect(err.hint).toContain(`sha256 = "${ACTUAL}"`);
    expect(err.hint).toContain('it matched GitHub asset digest');
    expect(err.hint).toContain('pin command');
  });

  it('strict mode passes with a matching pin, and a mismatch wins over the strict error', () => {
    expect(verifyDownload(input({ pinned: ACTUAL }, true)).checked).toEqual(['pinned sha256']);
    expect(thrown(() => verifyDownload(input({ githubDigest: `sha256:${OTHER}` }, true))).code).toBe('GHA030');
  });

  it('refuses a malformed pin (config should have caught it)', () => {
    const err = thrown(() => verifyDownload(input({ pinned: 'abc123' })));
    expect(err.code).toBe('GHA003');
  });
});

describe('strictModeFromEnv', () => {
  it('turns on for 1/true/yes/on in any case, off otherwise', () => {
    for (const v of ['1', 'true', 'TRUE', 'yes', 'on', ' 1 ']) expect(strictModeFromEnv(v)).toBe(true);
    for (const v of [undefined, '', '0', 'false', 'no', 'off', 'OFF', ' 0\n']) expect(strictModeFromEnv(v)).toBe(false);
  });

  it('refuses anything else with GHA007 naming the variable: a typo must not turn the check off', () => {
    for (const v of ['strict', 'ture', '2', '1\u001b[31m']) {
      const err = thrown(() => strictModeFromEnv(v));
      expect(err.code).toBe('GHA007');
      expect(err.message).toMatch(/^GITHUB_ASSETS_STRICT ".*" is neither on \(1, true, yes, on\) nor off \(0, false, no, off\)$/);
    }
  });
});
