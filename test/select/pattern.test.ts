import { describe, expect, it } from 'vitest';
import { canonicalArch } from '../../src/platform.js';
import { isPattern, patternToRegExp, selectAsset } from '../../src/select/index.js';
import { parseDescriptor, specForTarget } from '../../src/descriptor/parse.js';
import type { BuildpackError } from '../../src/errors.js';
import type { AssetSpec, Release, Target } from '../../src/model.js';

const AMD64: Target = { os: 'linux', arch: 'amd64' };
const ARM64: Target = { os: 'linux', arch: 'arm64' };

const NAMES = [
  'tool_1.2.3_linux_x86_64.tar.gz',
  'tool_1.2.3_linux_arm64.tar.gz',
  'tool_1.2.3_darwin_arm64.tar.gz',
  'tool_1.2.3_windows_amd64.zip',
  'tool_1.2.3_linux_arm64.tar.gz.sig',
  'tool_1.2.3_linux_x86_64.tar.gz.sig',
  'tool_1.2.3_linux_amd64.deb',
  'checksums.txt',
];
const release: Release = {
  id: 1,
  tag: 'v1.2.3',
  draft: false,
  prerelease: false,
  assets: NAMES.map((name, i) => ({ id: 100 + i, name, size: 1, url: `http://api/${i}`, browserDownloadUrl: `http://web/${name}` })),
};

function spec(asset: string, over: Partial<AssetSpec> = {}): AssetSpec {
  return { index: 1, repo: 'acme/tool', owner: 'acme', name: 'tool', asset, tag: 'v1.2.3', prerelease: false, stripComponents: 0, ...over };
}

function pick(asset: string, target: Target = AMD64): string {
  return selectAsset(release, spec(asset), target).name;
}

function failure(asset: string, target: Target = AMD64): BuildpackError {
  try {
    selectAsset(release, spec(asset), target);
  } catch (err) {
    return err as BuildpackError;
  }
  throw new Error('expected a failure');
}

describe('selectAsset', () => {
  it('picks an exact name as before', () => {
    expect(pick('tool_1.2.3_windows_amd64.zip')).toBe('tool_1.2.3_windows_amd64.zip');
  });

  it('resolves {version}, {os} and {arch} for amd64 and arm64 from one pattern', () => {
    expect(pick('tool_{version}_{os}_{arch}.tar.gz', AMD64)).toBe('tool_1.2.3_linux_x86_64.tar.gz');
    expect(pick('tool_{version}_{os}_{arch}.tar.gz', ARM64)).toBe('tool_1.2.3_linux_arm64.tar.gz');
  });

  it('matches {arch} aliases case-insensitively and {tag} literally', () => {
    const r: Release = { ...release, assets: [{ ...release.assets[0]!, name: 'Tool-v1.2.3-Linux-X86_64' }] };
    expect(selectAsset(r, spec('Tool-{tag}-{os}-{arch}'), AMD64).name).toBe('Tool-v1.2.3-Linux-X86_64');
  });

  it('prefers the archive over signatures and packages that match the same glob', () => {
    expect(pick('tool_*_{os}_{arch}*')).toBe('tool_1.2.3_linux_x86_64.tar.gz');
  });

  it('reports ambiguity when a pattern without {arch} matches several platforms, suggesting {arch}', () => {
    const err = failure('tool_*_linux_*.tar.gz');
    expect(err.code).toBe('GHA015');
    expect(err.message).toBe(
      'asset = "tool_*_linux_*.tar.gz" matches 2 assets of release v1.2.3: tool_1.2.3_linux_x86_64.tar.gz, tool_1.2.3_linux_arm64.tar.gz',
    );
    expect(err.hint).toContain('Add {arch} (and {os})');
    expect(err.hint).toContain('tool_1.2.3_{os}_{arch}.tar.gz');
  });

  it('lists the release assets when nothing matches', () => {
    const err = failure('tool_{version}_{os}_{arch}.tar.xz');
    expect(err.code).toBe('GHA014');
    expect(err.message).toContain(
      'release v1.2.3 has no asset matching "tool_{version}_{os}_{arch}.tar.xz"; it has: tool_1.2.3_linux_x86_64.tar.gz,',
    );
    expect(err.message).toContain('checksums.txt');
  });

  it('suggests the right case for an exact name that differs only in case', () => {
    const err = failure('TOOL_1.2.3_windows_amd64.zip');
    expect(err.code).toBe('GHA014');
    expect(err.hint).toBe('asset names are case-sensitive: did you mean asset = "tool_1.2.3_windows_amd64.zip"?');
  });

  it('treats regex characters in names literally', () => {
    expect(patternToRegExp('a+b(1).tar.gz', AMD64, 'v1').test('a+b(1).tar.gz')).toBe(true);
    expect(patternToRegExp('a+b(1).tar.gz', AMD64, 'v1').test('aab1.tar.gz')).toBe(false);
    expect(patternToRegExp('tool-?.zip', AMD64, 'v1').test('tool-x.zip')).toBe(true);
    expect(isPattern('plain-name.tar.gz')).toBe(false);
  });
});

describe('per-arch overrides', () => {
  const text = `[[metadata.githubassets]]
repo = "acme/tool"
tag = "v1.2.3"
asset = "tool_{version}_{os}_{arch}.tar.gz"

[metadata.githubassets.arch.arm64]
asset = "tool-aarch64-special.tar.gz"
strip_components = 1
`;

  it('uses the arch table for its architecture and the top-level asset otherwise', () => {
    const [entry] = parseDescriptor(text).specs;
    expect(specForTarget(entry!, ARM64)).toMatchObject({ asset: 'tool-aarch64-special.tar.gz', stripComponents: 1 });
    expect(specForTarget(entry!, AMD64)).toMatchObject({ asset: 'tool_{version}_{os}_{arch}.tar.gz', stripComponents: 0 });
  });

  it('accepts arch aliases as table names and canonicalises them', () => {
    const [entry] = parseDescriptor(
      `[[metadata.githubassets]]\nrepo="a/b"\n[metadata.githubassets.arch.x86_64]\nasset="b-x64"\n[metadata.githubassets.arch.aarch64]\nasset="b-arm"\n`,
    ).specs;
    expect(specForTarget(entry!, AMD64).asset).toBe('b-x64');
    expect(specForTarget(entry!, ARM64).asset).toBe('b-arm');
    expect(canonicalArch('AARCH64')).toBe('arm64');
  });

  it('leaves an architecture with neither a table nor a top-level asset to automatic selection', () => {
    const [entry] = parseDescriptor(`[[metadata.githubassets]]\nrepo="a/b"\n[metadata.githubassets.arch.amd64]\nasset="b-x64"\n`).specs;
    expect(specForTarget(entry!, ARM64).asset).toBe('');
    expect(specForTarget(entry!, AMD64).asset).toBe('b-x64');
  });

  it.each([
    ['[metadata.githubassets.arch.sparc]\nasset="x"', /arch.sparc: unknown architecture/],
    ['[metadata.githubassets.arch.arm64]\nassets="x"', /arch.arm64: unknown key "assets"/],
    ['[metadata.githubassets.arch.arm64]\nstrip_components="1"', /must be a non-negative integer/],
  ])('validates arch tables: %s', (table, message) => {
    expect(() => parseDescriptor(`[[metadata.githubassets]]\nrepo="a/b"\nasset="x"\n${table}\n`)).toThrow(message);
  });

  it('validates prerelease as a boolean', () => {
    expect(parseDescriptor(`[[metadata.githubassets]]\nrepo="a/b"\nasset="x"\nprerelease=true\n`).specs[0]!.prerelease).toBe(true);
    expect(() => parseDescriptor(`[[metadata.githubassets]]\nrepo="a/b"\nasset="x"\nprerelease="yes"\n`)).toThrow(/must be true or false/);
  });
});
