import { describe, expect, it } from 'vitest';
import { parseChecksumsField, parseSha256Field } from '../../src/descriptor/integrity.js';
import { thrown } from '../support/errors.js';

const fail = 'githubassets[1] (acme/tool)';
const HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('parseSha256Field', () => {
  it('accepts bare or sha256:-prefixed hex in any case and returns lowercase hex', () => {
    expect(parseSha256Field(HEX, fail)).toBe(HEX);
    expect(parseSha256Field(HEX.toUpperCase(), fail)).toBe(HEX);
    expect(parseSha256Field(`sha256:${HEX}`, fail)).toBe(HEX);
    expect(parseSha256Field(`SHA256:${HEX.toUpperCase()}`, fail)).toBe(HEX);
    expect(parseSha256Field(` ${HEX} `, fail)).toBe(HEX);
  });

  it('refuses non-strings with the entry label and a hint', () => {
    const err = thrown(() => parseSha256Field(123, fail));
    expect(err.code).toBe('GHA003');
    expect(err.entry).toBe('githubassets[1] (acme/tool)');
    expect(err.message).toBe('sha256 must be a string, got number 123');
    expect(err.hint).toContain('sha256 = "<64 hex digits>"');
  });

  it('names the algorithm of digests of another length', () => {
    expect(thrown(() => parseSha256Field('d41d8cd98f00b204e9800998ecf8427e', fail)).message).toContain(
      'looks like a MD5 digest (32 hex digits)',
    );
    expect(thrown(() => parseSha256Field(`sha512:${HEX}${HEX}`, fail)).message).toContain('looks like a SHA-512 digest (128 hex digits)');
    expect(thrown(() => parseSha256Field('da39a3ee5e6b4b0d3255bfef95601890afd80709', fail)).message).toContain('SHA-1');
  });

  it('refuses other prefixes, short values and non-hex', () => {
    expect(thrown(() => parseSha256Field(`md5:${HEX}`, fail)).message).toBe(
      `sha256 = "md5:${HEX}" has an algorithm prefix other than "sha256:"`,
    );
    expect(thrown(() => parseSha256Field(HEX.slice(1), fail)).message).toContain('expected 64 hex digits');
    expect(thrown(() => parseSha256Field(`${HEX.slice(1)}g`, fail)).message).toContain('expected 64 hex digits');
    expect(thrown(() => parseSha256Field('', fail)).code).toBe('GHA003');
  });
});

describe('parseChecksumsField', () => {
  it('accepts file names and {tag}/{version}/glob patterns, trimmed', () => {
    expect(parseChecksumsField('SHA256SUMS', fail)).toBe('SHA256SUMS');
    expect(parseChecksumsField(' checksums.txt ', fail)).toBe('checksums.txt');
    expect(parseChecksumsField('tool_{version}_checksums.txt', fail)).toBe('tool_{version}_checksums.txt');
    expect(parseChecksumsField('*_checksums.txt', fail)).toBe('*_checksums.txt');
  });

  it('refuses paths, URLs, empty values and non-strings', () => {
    expect(thrown(() => parseChecksumsField('dist/checksums.txt', fail)).message).toBe(
      'checksums = "dist/checksums.txt" is not a file name',
    );
    expect(thrown(() => parseChecksumsField('https://example.com/SHA256SUMS', fail)).message).toContain('is not a file name');
    expect(thrown(() => parseChecksumsField('a\\b', fail)).message).toContain('is not a file name');
    expect(thrown(() => parseChecksumsField('..', fail)).message).toContain('is not a file name');
    expect(thrown(() => parseChecksumsField('  ', fail)).message).toBe('checksums is empty');
    expect(thrown(() => parseChecksumsField(true, fail)).message).toBe('checksums must be a string, got boolean true');
  });

  it('refuses signatures and certificates', () => {
    for (const name of ['checksums.txt.sig', 'checksums.txt.pem', 'SHA256SUMS.asc', 'checksums.txt.sigstore.json']) {
      const err = thrown(() => parseChecksumsField(name, fail));
      expect(err.message).toContain('is a signature or certificate');
    }
  });

  it('refuses unknown placeholders and control characters', () => {
    expect(thrown(() => parseChecksumsField('tool_{os}_sums.txt', fail)).message).toBe(
      'checksums = "tool_{os}_sums.txt" uses the unknown placeholder {os}',
    );
    expect(thrown(() => parseChecksumsField('sums\n.txt', fail)).message).toContain('control characters');
  });
});
