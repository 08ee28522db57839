import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkChecksumsSize, checksumsText, findChecksumAsset, MAX_CHECKSUMS_BYTES, parseChecksums } from '../../src/verify/checksums.js';
import { thrown } from '../support/errors.js';
import type { ReleaseAsset } from '../../src/model.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const A = sha('a');
const B = sha('b');
const C = sha('c');

function assets(...names: string[]): ReleaseAsset[] {
  return names.map((name, i) => ({
    id: i + 1,
    name,
    size: 100,
    url: `http://api/assets/${i + 1}`,
    browserDownloadUrl: `http://web/dl/${name}`,
  }));
}

function pick(names: string[], asset: string, explicit?: string, tag?: string): string | undefined {
  return findChecksumAsset(assets(...names), asset, explicit, tag)?.name;
}

describe('findChecksumAsset: automatic discovery', () => {
  // Real release layouts, abbreviated.
  const goreleaser = [
    'tool_1.4.0_checksums.txt',
    'tool_1.4.0_checksums.txt.pem',
    'tool_1.4.0_checksums.txt.sig',
    'tool_1.4.0_darwin_arm64.tar.gz',
    'tool_1.4.0_linux_amd64.tar.gz',
    'tool_1.4.0_linux_arm64.tar.gz',
  ];

  it('finds goreleaser <project>_<version>_checksums.txt and never its .sig or .pem', () => {
    expect(pick(goreleaser, 'tool_1.4.0_linux_amd64.tar.gz')).toBe('tool_1.4.0_checksums.txt');
    expect(
      pick(
        goreleaser.filter((n) => !n.endsWith('checksums.txt')),
        'tool_1.4.0_linux_amd64.tar.gz',
      ),
    ).toBeUndefined();
  });

  it('prefers the per-asset <asset>.sha256 over a release-wide list', () => {
    const names = [
      'SHA256SUMS',
      'checksums.txt',
      'tool-linux-amd64',
      'tool-linux-amd64.sha256',
      'tool-linux-arm64',
      'tool-linux-arm64.sha256',
    ];
    expect(pick(names, 'tool-linux-amd64')).toBe('tool-linux-amd64.sha256');
    expect(pick(names, 'tool-linux-arm64')).toBe('tool-linux-arm64.sha256');
    expect(pick(['x.tar.gz', 'x.tar.gz.sha256sum', 'checksums.txt'], 'x.tar.gz')).toBe('x.tar.gz.sha256sum');
  });

  it('follows the documented order: SHA256SUMS, sha256sum.txt, checksums.txt, *_checksums.txt, *checksums*.txt', () => {
    const all = ['tool-checksums-sha256.txt', 'tool_checksums.txt', 'checksums.txt', 'sha256sum.txt', 'SHA256SUMS', 'tool'];
    expect(pick(all, 'tool')).toBe('SHA256SUMS');
    expect(pick(all.slice(0, 4).concat('tool'), 'tool')).toBe('sha256sum.txt');
    expect(pick(all.slice(0, 3).concat('tool'), 'tool')).toBe('checksums.txt');
    expect(pick(all.slice(0, 2).concat('tool'), 'tool')).toBe('tool_checksums.txt');
    expect(pick(all.slice(0, 1).concat('tool'), 'tool')).toBe('tool-checksums-sha256.txt');
  });

  it('finds HashiCorp <product>_<version>_SHA256SUMS and Node.js SHASUMS256.txt, never their signatures', () => {
    const hashicorp = [
      'terraform_1.9.0_SHA256SUMS',
      'terraform_1.9.0_SHA256SUMS.72D7468F.sig',
      'terraform_1.9.0_SHA256SUMS.sig',
      'terraform_1.9.0_linux_amd64.zip',
    ];
    expect(pick(hashicorp, 'terraform_1.9.0_linux_amd64.zip')).toBe('terraform_1.9.0_SHA256SUMS');
    expect(
      pick(
        ['SHASUMS256.txt', 'SHASUMS256.txt.asc', 'SHASUMS256.txt.sig', 'node-v24.0.0-linux-x64.tar.xz'],
        'node-v24.0.0-linux-x64.tar.xz',
      ),
    ).toBe('SHASUMS256.txt');
    expect(pick(['tool', 'checksums.sha256'], 'tool')).toBe('checksums.sha256');
  });

  it('matches names case-insensitively', () => {
    expect(pick(['Tool.exe', 'sha256sums.TXT'], 'Tool.exe')).toBe('sha256sums.TXT');
    expect(pick(['tool', 'CHECKSUMS.txt'], 'tool')).toBe('CHECKSUMS.txt');
    expect(pick(['Tool', 'tool.SHA256'], 'Tool')).toBe('tool.SHA256');
  });

  it('skips checksum lists of other algorithms', () => {
    expect(pick(['tool', 'tool_sha512_checksums.txt', 'checksums-md5.txt', 'sha1-checksums.txt'], 'tool')).toBeUndefined();
    expect(pick(['tool', 'tool_sha512_checksums.txt', 'tool_sha256_checksums.txt'], 'tool')).toBe('tool_sha256_checksums.txt');
  });

  it('picks the list sharing the longest prefix with the asset when a release has several', () => {
    const names = ['alpha_2.0.0_checksums.txt', 'beta_2.0.0_checksums.txt', 'alpha_2.0.0_linux_amd64.zip', 'beta_2.0.0_linux_amd64.zip'];
    expect(pick(names, 'beta_2.0.0_linux_amd64.zip')).toBe('beta_2.0.0_checksums.txt');
    expect(pick(names, 'alpha_2.0.0_linux_amd64.zip')).toBe('alpha_2.0.0_checksums.txt');
  });

  it('returns undefined when the release has no checksums file, and never picks the asset itself', () => {
    expect(pick(['tool', 'tool.sig', 'README.md'], 'tool')).toBeUndefined();
    expect(pick(['checksums.txt'], 'checksums.txt')).toBeUndefined();
  });
});

describe('findChecksumAsset: the checksums key', () => {
  it('an explicit name wins over discovery', () => {
    expect(pick(['tool', 'tool.sha256', 'MANIFEST.sums'], 'tool', 'MANIFEST.sums')).toBe('MANIFEST.sums');
  });

  it('resolves {version}, {tag} and globs against the release', () => {
    const names = ['tool_1.2.3_checksums.txt', 'tool_1.2.3_linux_amd64.tar.gz'];
    expect(pick(names, 'tool_1.2.3_linux_amd64.tar.gz', 'tool_{version}_checksums.txt', 'v1.2.3')).toBe('tool_1.2.3_checksums.txt');
    expect(pick(['sums-v1.2.3.txt', 'x'], 'x', 'sums-{tag}.txt', 'v1.2.3')).toBe('sums-v1.2.3.txt');
    expect(pick(names, 'tool_1.2.3_linux_amd64.tar.gz', 'tool_*_checksums.txt')).toBe('tool_1.2.3_checksums.txt');
  });

  it('throws GHA014 listing the assets when the named file is not in the release', () => {
    const err = thrown(() => pick(['tool', 'checksums.txt'], 'tool', 'SHA256SUMS', 'v2.0.0'));
    expect(err.code).toBe('GHA014');
    expect(err.message).toBe('checksums = "SHA256SUMS" is not an asset of release v2.0.0; it has: tool, checksums.txt');
    expect(err.hint).toContain('omit checksums');
  });

  it('suggests the right case when only the case differs', () => {
    const err = thrown(() => pick(['tool', 'Checksums.txt'], 'tool', 'checksums.txt'));
    expect(err.code).toBe('GHA014');
    expect(err.hint).toBe('asset names are case-sensitive: did you mean checksums = "Checksums.txt"?');
  });

  it('throws GHA015 when a pattern matches several files', () => {
    const err = thrown(() => pick(['a_checksums.txt', 'b_checksums.txt', 'a'], 'a', '*_checksums.txt'));
    expect(err.code).toBe('GHA015');
    expect(err.message).toBe('checksums = "*_checksums.txt" matches 2 assets of the release: a_checksums.txt, b_checksums.txt');
  });
});

describe('parseChecksums', () => {
  it('reads a goreleaser checksums.txt (two spaces, LF)', () => {
    const text = [
      `${A}  tool_1.4.0_darwin_arm64.tar.gz`,
      `${B}  tool_1.4.0_linux_amd64.tar.gz`,
      `${C}  tool_1.4.0_linux_arm64.tar.gz`,
      '',
    ].join('\n');
    expect(parseChecksums(text, 'tool_1.4.0_linux_amd64.tar.gz')).toBe(B);
    expect(parseChecksums(text, 'tool_1.4.0_linux_arm64.tar.gz')).toBe(C);
    expect(parseChecksums(text, 'tool_1.4.0_windows_amd64.zip')).toBeUndefined();
  });

  it('reads SHA256SUMS with the binary-mode * marker, upper-case hex and CRLF', () => {
    const text = `${A.toUpperCase()} *tool-linux-amd64\r\n${B} *tool-linux-arm64\r\n`;
    expect(parseChecksums(text, 'tool-linux-amd64')).toBe(A);
    expect(parseChecksums(text, 'tool-linux-arm64')).toBe(B);
  });

  it('reads a single space separator and names with leading ./', () => {
    expect(parseChecksums(`${A} ./dist.tar.gz\n${B}  ././other\n`, 'dist.tar.gz')).toBe(A);
    expect(parseChecksums(`${A} ./dist.tar.gz\n${B}  ././other\n`, 'other')).toBe(B);
  });

  it('reads names with spaces', () => {
    expect(parseChecksums(`${A}  My Tool 1.0.dmg\n`, 'My Tool 1.0.dmg')).toBe(A);
  });

  it('reads a per-asset .sha256 that holds only the hash', () => {
    expect(parseChecksums(`${A}\n`, 'tool-linux-amd64', 'tool-linux-amd64.sha256')).toBe(A);
    expect(parseChecksums(A, 'tool-linux-amd64')).toBe(A);
    expect(parseChecksums(`${A}\r\n`, 'tool', 'tool.sha256.txt')).toBe(A);
  });

  it('does not take a bare hash from a release-wide file: it does not say which asset it is for', () => {
    expect(parseChecksums(`${A}\n`, 'tool-linux-amd64', 'checksums.txt')).toBeUndefined();
    expect(parseChecksums(`${A}\n`, 'tool-linux-amd64', 'tool-linux-arm64.sha256')).toBeUndefined();
    expect(parseChecksums(`${A}\n${B}  tool-linux-amd64\n`, 'tool-linux-amd64', 'SHA256SUMS')).toBe(B);
  });

  it('trusts a per-asset .sha256 whose single line names the file as it was before renaming', () => {
    const text = `${A}  build/out/tool\n`;
    expect(parseChecksums(text, 'tool-linux-amd64', 'tool-linux-amd64.sha256')).toBe(A);
    expect(parseChecksums(text, 'tool-linux-amd64', 'checksums.txt')).toBeUndefined();
    expect(parseChecksums(text, 'tool-linux-amd64')).toBeUndefined();
  });

  it('reads BSD style (shasum --tag, FreeBSD sha256) and openssl style', () => {
    const bsd = `SHA256 (tool-1.0.tar.gz) = ${A}\nSHA512 (tool-1.0.tar.gz) = ${A}${B}\nSHA256 (other) = ${B}\n`;
    expect(parseChecksums(bsd, 'tool-1.0.tar.gz')).toBe(A);
    expect(parseChecksums(bsd, 'other')).toBe(B);
    expect(parseChecksums(`SHA2-256(tool)= ${C}\n`, 'tool')).toBe(C);
  });

  it('matches a listed path by its last component when no line names the asset exactly', () => {
    expect(parseChecksums(`${A}  dist/tool_linux_amd64/tool\n${B}  dist/tool.tar.gz\n`, 'tool.tar.gz')).toBe(B);
    // Two different files with that base name: unknown rather than a guess.
    expect(parseChecksums(`${A}  linux/tool\n${B}  darwin/tool\n`, 'tool')).toBeUndefined();
  });

  it('prefers an exact name over a base-name match', () => {
    expect(parseChecksums(`${A}  sub/tool\n${B}  tool\n`, 'tool')).toBe(B);
  });

  it('ignores SHA-512 and MD5 values, comments and garbage', () => {
    const text = [
      '# generated by release.sh',
      `${A}${B}  tool`, // sha512 width
      'd41d8cd98f00b204e9800998ecf8427e  tool', // md5
      'not a checksum line',
      '',
    ].join('\n');
    expect(parseChecksums(text, 'tool')).toBeUndefined();
  });

  it('does not take a partial name match', () => {
    expect(parseChecksums(`${A}  tool.tar.gz.sig\n${B}  xtool.tar.gz\n`, 'tool.tar.gz')).toBeUndefined();
  });

  it('accepts a name listed twice with the same hash', () => {
    expect(parseChecksums(`${A}  tool\n${A} *tool\n`, 'tool')).toBe(A);
  });

  it('throws GHA032 when a name is listed twice with different hashes', () => {
    const err = thrown(() => parseChecksums(`${A}  tool\n${B}  tool\n`, 'tool', 'SHA256SUMS'));
    expect(err.code).toBe('GHA032');
    expect(err.message).toBe(`checksums file SHA256SUMS lists tool 2 times with different hashes: ${A}, ${B}`);
    expect(thrown(() => parseChecksums(`${A}\n${B}\n`, 'tool')).code).toBe('GHA032');
  });

  it("unescapes sha256sum's backslash-escaped names", () => {
    expect(parseChecksums(`\\${A}  dir\\\\name\n`, 'dir\\name')).toBe(A);
  });

  it('strips a UTF-8 byte-order mark', () => {
    expect(parseChecksums(`\uFEFF${A}  tool\n`, 'tool')).toBe(A);
  });
});

describe('size guard', () => {
  it('refuses files over 1 MiB before and after download', () => {
    expect(MAX_CHECKSUMS_BYTES).toBe(1024 * 1024);
    expect(() => checkChecksumsSize(MAX_CHECKSUMS_BYTES, 'checksums.txt')).not.toThrow();
    const err = thrown(() => checkChecksumsSize(MAX_CHECKSUMS_BYTES + 1, 'checksums.txt'));
    expect(err.code).toBe('GHA032');
    expect(err.message).toBe('checksums file checksums.txt is 1048577 bytes, more than the 1048576 bytes a checksums file may have');
    expect(thrown(() => checksumsText(new Uint8Array(MAX_CHECKSUMS_BYTES + 1), 'SHA256SUMS')).code).toBe('GHA032');
  });

  it('decodes UTF-8 and drops a byte-order mark', () => {
    const bytes = new TextEncoder().encode(`\uFEFF${A}  outil-é\n`);
    const text = checksumsText(bytes, 'SHA256SUMS');
    expect(text).toBe(`${A}  outil-é\n`);
    expect(parseChecksums(text, 'outil-é')).toBe(A);
  });
});
