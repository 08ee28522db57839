import { describe, expect, it } from 'vitest';
import { parseDescriptor, specForTarget } from '../../src/descriptor/parse.js';
import { applyEdits, TomlEditError } from '../../src/cli/toml-edit.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_C = 'c'.repeat(64);

const DOC = `# top comment
[_]
schema-version = "0.2"

# the probe
[[_.metadata.githubassets]]
repo = "grpc-ecosystem/grpc-health-probe"   # trailing comment
asset = 'grpc_health_probe-{os}-{arch}'
tag = 'latest'   # keep me
destination = "bin/grpc_health_probe"

[[_.metadata.githubassets]]
  repo = "acme/tool"
  asset = "tool.tar.gz"

[[build.env]]
name = "X"
value = "y"
`;

describe('applyEdits', () => {
  it('replaces a tag in place, keeping its quote style and trailing comment', () => {
    const out = applyEdits(DOC, [{ index: 1, tag: 'v0.4.41' }]);
    expect(out).toBe(DOC.replace("tag = 'latest'   # keep me", "tag = 'v0.4.41'   # keep me"));
  });

  it('inserts tag after asset and sha256 after tag, with the entry indentation', () => {
    const out = applyEdits(DOC, [{ index: 2, tag: 'v1.0.0', sha256: SHA_A }]);
    expect(out).toBe(DOC.replace('  asset = "tool.tar.gz"\n', `  asset = "tool.tar.gz"\n  tag = "v1.0.0"\n  sha256 = "${SHA_A}"\n`));
    expect(parseDescriptor(out).specs[1]).toMatchObject({ tag: 'v1.0.0', sha256: SHA_A });
  });

  it('appends arch tables after the entry, before the next table, with the entry header prefix', () => {
    const out = applyEdits(DOC, [{ index: 1, arch: { arm64: SHA_B, amd64: SHA_A } }]);
    expect(out).toContain(
      `destination = "bin/grpc_health_probe"\n\n[_.metadata.githubassets.arch.amd64]\nsha256 = "${SHA_A}"\n\n[_.metadata.githubassets.arch.arm64]\nsha256 = "${SHA_B}"\n\n[[_.metadata.githubassets]]`,
    );
    const spec = parseDescriptor(out).specs[0]!;
    expect(specForTarget(spec, { os: 'linux', arch: 'amd64' }).sha256).toBe(SHA_A);
    expect(specForTarget(spec, { os: 'linux', arch: 'arm64' }).sha256).toBe(SHA_B);
    expect(parseDescriptor(out).specs[1]!.arch).toBeUndefined();
  });

  it('edits an existing arch table (found by alias) and removes the top-level sha256', () => {
    const text = [
      '[[metadata.githubassets]]',
      'repo = "acme/odd"',
      'asset = "odd-x64.tgz"',
      `sha256 = "${SHA_C}"`,
      '',
      '[metadata.githubassets.arch.aarch64]',
      'asset = "odd-aarch64.tgz"',
      '',
    ].join('\n');
    const out = applyEdits(text, [{ index: 1, sha256: null, arch: { arm64: SHA_B, amd64: SHA_A } }]);
    expect(out).toBe(
      [
        '[[metadata.githubassets]]',
        'repo = "acme/odd"',
        'asset = "odd-x64.tgz"',
        '',
        '[metadata.githubassets.arch.aarch64]',
        'asset = "odd-aarch64.tgz"',
        `sha256 = "${SHA_B}"`,
        '',
        '[metadata.githubassets.arch.amd64]',
        `sha256 = "${SHA_A}"`,
        '',
      ].join('\n'),
    );
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    const text = '[[metadata.githubassets]]\r\nrepo = "a/b"\r\nasset = "x"';
    const out = applyEdits(text, [{ index: 1, tag: 'v1', sha256: SHA_A }]);
    expect(out).toBe(`[[metadata.githubassets]]\r\nrepo = "a/b"\r\nasset = "x"\r\ntag = "v1"\r\nsha256 = "${SHA_A}"`);
  });

  it('does not mistake a header inside a multi-line string for an entry', () => {
    const text = 'notes = """\n[[metadata.githubassets]]\n"""\n\n[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n';
    const out = applyEdits(text, [{ index: 1, tag: 'v2' }]);
    expect(out).toBe(text.replace('asset = "x"\n', 'asset = "x"\ntag = "v2"\n'));
  });

  it('edits only the entry asked for when several share a repo', () => {
    const text =
      '[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\ntag = "latest"\n\n[[metadata.githubassets]]\nrepo = "a/b"\nasset = "y"\ntag = "latest"\n';
    const out = applyEdits(text, [{ index: 2, tag: 'v3' }]);
    expect(out.split('\n')).toEqual(text.replace(/tag = "latest"\n$/, 'tag = "v3"\n').split('\n'));
  });

  it('refuses entries it cannot find as table headers, and values that are not one-line strings', () => {
    expect(() => applyEdits('metadata.githubassets = [{ repo = "a/b", asset = "x" }]\n', [{ index: 1, tag: 'v1' }])).toThrow(TomlEditError);
    expect(() => applyEdits('[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\ntag = """v1"""\n', [{ index: 1, tag: 'v2' }])).toThrow(
      TomlEditError,
    );
    expect(() =>
      applyEdits('[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\narch.arm64.asset = "y"\n', [{ index: 1, arch: { arm64: SHA_A } }]),
    ).toThrow(/written inline/);
  });

  it('escapes quotes in basic strings and falls back from literal strings that cannot hold the value', () => {
    const text = "[[metadata.githubassets]]\nrepo = 'a/b'\nasset = 'x'\ntag = 'old'\n";
    expect(applyEdits(text, [{ index: 1, tag: `it's "v1"` }])).toContain(`tag = "it's \\"v1\\""`);
  });
});
