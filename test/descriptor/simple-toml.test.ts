// The descriptor's TOML fast path must agree with the full parser (@iarna/toml) on every document
// it accepts, and leave everything else (including every malformed document) to it. Property-based
// over lines built from descriptor-like pieces, valid and not.

import TOML from '@iarna/toml';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSimpleToml } from '../../src/descriptor/simple-toml.js';

function fullParse(text: string): { ok: true; doc: unknown } | { ok: false } {
  try {
    return { ok: true, doc: TOML.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A value as nested [key, value] pairs: compares key order too, and nothing of the prototypes. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([k, v]) => [k, canonical(v)]);
  return typeof value === 'bigint' ? `${value}n` : value;
}

const key = fc.constantFrom(
  'repo',
  'asset',
  'tag',
  'a',
  'b',
  'metadata',
  'githubassets',
  '_',
  'x-y',
  '1',
  '__proto__',
  'constructor',
  'toString',
);
const path = fc.array(key, { minLength: 1, maxLength: 3 }).map((keys) => keys.join('.'));
const space = fc.constantFrom('', ' ', '\t', '  ');
const comment = fc.constantFrom('', ' # note', '#', ' # tab\there', ' # \u0001', ' # é 日本', ' #\u007f');
const value = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary', maxLength: 6 }).map((s) => `"${s}"`),
  fc.constantFrom(
    'true',
    'false',
    '0',
    '-0',
    '1',
    '-17',
    '007',
    '123456789012345',
    '1234567890123456',
    '9007199254740993',
    '1.5',
    '1_000',
    '+1',
  ),
  fc.constantFrom("'lit'", '"""multi"""', '[1, 2]', '["a"]', '{ a = 1 }', '1979-05-27', 'inf', '"a\\"b"', '"\\u00e9"'),
);
const line = fc.oneof(
  fc.tuple(space, key, space, space, value, comment).map(([s1, k, s2, s3, v, c]) => `${s1}${k}${s2}=${s3}${v}${c}`),
  fc.tuple(space, path, comment).map(([s, p, c]) => `${s}[[${p}]]${c}`),
  fc.tuple(space, path, comment).map(([s, p, c]) => `${s}[${p}]${c}`),
  fc.tuple(path, fc.constantFrom('[[', '[', '[ ', '[[ '), fc.constantFrom(']', ']]', ' ]', ']x')).map(([p, o, c]) => `${o}${p}${c}`),
  fc.tuple(path, space, value).map(([p, s, v]) => `${p}${s}=${s}${v}`),
  comment,
  space,
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const document = fc.tuple(fc.array(line, { maxLength: 14 }), fc.constantFrom('\n', '\r\n', '\r')).map(([lines, eol]) => lines.join(eol));

describe('parseSimpleToml', () => {
  it('returns what @iarna/toml returns whenever it returns a document, and never accepts what that parser refuses (property)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(document, (text) => {
        const fast = parseSimpleToml(text);
        if (fast === undefined) return;
        accepted++;
        const full = fullParse(text);
        expect(full.ok).toBe(true);
        expect(canonical(fast)).toEqual(canonical((full as { doc: unknown }).doc));
      }),
      { numRuns: 20000 },
    );
    // The generator must reach the fast path often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(2000);
  });

  it('takes a typical descriptor: entries, comments, other tables, CRLF', () => {
    expect(parseSimpleToml('# tools\n[a] # the table\nb = 1 # one')).toEqual({ a: { b: 1 } });
    const text = [
      '[_]',
      'id = "app"',
      '',
      '[[build.env]]',
      'name = "X"',
      'value = "1"',
      '[[metadata.githubassets]]',
      'repo = "cli/cli"',
      'asset = "gh_{version}_linux_amd64.tar.gz"',
      'tag = "v2.40.0"',
      'strip_components = 1',
      'prerelease = false',
      '',
      '  [[metadata.githubassets]]',
      '\trepo = "BurntSushi/ripgrep"',
    ].join('\r\n');
    const doc = parseSimpleToml(text);
    expect(canonical(doc)).toEqual(canonical(TOML.parse(text)));
    expect(doc).toEqual({
      _: { id: 'app' },
      build: { env: [{ name: 'X', value: '1' }] },
      metadata: {
        githubassets: [
          { repo: 'cli/cli', asset: 'gh_{version}_linux_amd64.tar.gz', tag: 'v2.40.0', strip_components: 1, prerelease: false },
          { repo: 'BurntSushi/ripgrep' },
        ],
      },
    });
  });

  it('leaves duplicate keys, redefined tables, escapes and arrays to the full parser', () => {
    for (const text of [
      'a = "1"\na = "2"',
      '[a]\n[a]',
      '[[a]]\n[a]',
      'a = "x"\n[a.b]',
      'a = "x"\n[[a]]',
      'a = "\\n"',
      'files = ["a"]',
      'a.b = "1"',
      '__proto__ = "x"',
      '[__proto__]',
      '[constructor]',
      '[[a.toString]]',
      'a = 1.5',
      'a = 12345678901234567',
      '# CRLF after a comment is refused by @iarna/toml\r\n',
    ])
      expect(parseSimpleToml(text), text).toBeUndefined();
  });
});
