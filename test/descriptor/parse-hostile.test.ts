// Hostile project.toml values: integers beyond JavaScript's range, repo names that would
// change the request path, control and invisible characters, absurd sizes. Each is refused
// with a documented code naming the entry and the field. Property-based tests (fast-check)
// generate documents and assert the invariants: validation throws nothing but documented
// BuildpackErrors, and whatever it accepts is safe to use (paths stay inside the layer).

import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, parseDescriptor, parseRepo } from '../../src/descriptor/parse.js';
import { BuildpackError, ErrorCodes } from '../../src/errors.js';
import { unsafeCharacter } from '../../src/util/printable.js';
import { thrown } from '../support/errors.js';

const entry = (lines: string) => `[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool"\n${lines}\n`;
const errorOf = (text: string) => thrown(() => parseDescriptor(text));

describe('numbers beyond the safe range', () => {
  it.each([
    ['9223372036854775807'],
    ['-9223372036854775808'],
    ['9007199254740993'],
    ['0x7fffffffffffffff'],
    ['18446744073709551621'], // wraps to 5 in the TOML parser: must not be taken as 5
  ])('refuses strip_components = %s with GHA003 naming the field (not GHA099)', (value) => {
    const err = errorOf(entry(`strip_components = ${value}`));
    expect(err.code).toBe('GHA003');
    expect(err.entry).toBe('githubassets[1] (acme/tool)');
    expect(err.message).toBe('strip_components holds an integer beyond the range the buildpack accepts (at most 9007199254740991 in size)');
    expect(err.hint).toBe('strip_components is a whole number from 0 to 64');
  });

  it.each([
    ['inf', 'strip_components = inf must be a non-negative integer, at most 64'],
    ['nan', 'strip_components = nan must be a non-negative integer, at most 64'],
    ['1e400', 'strip_components = inf must be a non-negative integer, at most 64'],
    ['65', 'strip_components = 65 must be a non-negative integer, at most 64'],
    ['-1', 'strip_components = -1 must be a non-negative integer, at most 64'],
    ['"1"', 'strip_components = "1" (string) must be a non-negative integer, at most 64'],
  ])('refuses strip_components = %s', (value, message) => {
    const err = errorOf(entry(`strip_components = ${value}`));
    expect(err.code).toBe('GHA003');
    expect(err.message).toBe(message);
  });

  it('refuses a huge integer anywhere in an entry, naming the field', () => {
    const err = errorOf(entry('[metadata.githubassets.arch.arm64]\nstrip_components = 99999999999999999999'));
    expect(err.code).toBe('GHA003');
    expect(err.message).toMatch(/^arch\.arm64\.strip_components holds an integer beyond the range/);
    expect(errorOf(entry('prerelease = 9223372036854775807')).message).toMatch(/^prerelease holds an integer beyond the range/);
    expect(errorOf(entry('files = [1, 9223372036854775807]')).message).toMatch(/^files\[1\] holds an integer beyond the range/);
  });
});

describe('repo names that would change the request path', () => {
  it.each([
    ['acme/..', '".." is a path segment'],
    ['acme/.', '"." is a path segment'],
    ['../tool', '".." is a path segment'],
    ['./x', '"." is a path segment'],
    ['acme/%2e%2e', 'the name "%2e%2e" must be'],
    ['acme/tool?x=1', 'the name "tool?x=1" must be'],
    ['acme/tool#frag', 'the name "tool#frag" must be'],
    ['acme/tool/../../x', 'is not of the form "owner/name"'],
    ['acme /tool', 'the owner "acme " must be'],
    ['-acme/tool', 'the owner "-acme" must be'],
    ['acme-/tool', 'the owner "acme-" must be'],
    ['ac--me/tool', 'the owner "ac--me" must be'],
    ['a_b/tool', 'the owner "a_b" must be'],
    [`${'a'.repeat(40)}/tool`, 'at most 39 characters'],
    [`acme/${'t'.repeat(101)}`, 'at most 100 characters'],
  ])('refuses repo = "%s" with GHA003', (repo, problem) => {
    const err = errorOf(`[[metadata.githubassets]]\nrepo = "${repo}"\nasset = "x"\n`);
    expect(err.code).toBe('GHA003');
    expect(err.message).toContain(`repo = "${repo}" is not of the form "owner/name"`);
    expect(err.message).toContain(problem);
  });

  it.each([
    'acme/tool',
    'a/b',
    'grpc-ecosystem/grpc-health-probe',
    'A1-b2/.dotfiles',
    'acme/tool.v2',
    'acme/..tool',
    `${'a'.repeat(39)}/${'t'.repeat(100)}`,
  ])('accepts repo = "%s"', (repo) => {
    const [owner, name] = repo.split('/');
    expect(parseRepo(repo)).toEqual({ owner, name });
  });
});

describe('tags and asset names that would change the request path', () => {
  it.each(['..', '.', 'v1/../../x', '/v1', 'v1/', 'a//b', 'v1\\\\x', 'v1..2'])('refuses tag = "%s"', (tag) => {
    const err = errorOf(entry(`tag = "${tag}"`));
    expect(err.code).toBe('GHA003');
    expect(err.message).toMatch(/^tag = ".*" is not a tag name/);
  });

  it.each(['v1.4.7', 'latest', '~1.4', '^2', '>=0.4 <0.5', 'release/v1.0', 'cli/v2.3.0+build.1'])('accepts tag = "%s"', (tag) => {
    expect(parseDescriptor(entry(`tag = "${tag}"`).replace('\n\n', '\n')).specs[0]!.tag).toBe(tag);
  });

  it.each(['.', '..'])('refuses asset = "%s"', (asset) => {
    const err = errorOf(`[[metadata.githubassets]]\nrepo = "a/b"\nasset = "${asset}"\n`);
    expect(err.code).toBe('GHA003');
    expect(err.message).toBe(`asset = "${asset}" is not a file name`);
  });
});

describe('control and invisible characters', () => {
  it.each([
    ['repo', 'repo = "acme/tool\\u001b[31m"', 'repo', '\\x1b'],
    ['asset', 'asset = "tool\\nInstalled /etc/passwd"', 'asset', '\\n'],
    ['tag', 'tag = "v1\\r"', 'tag', '\\r'],
    ['destination', 'destination = "bin/\\u202egnp.exe"', 'destination', '\\u202e'],
    ['files item', 'files = ["bin/tool", "x\\u0000y"]', 'files[1]', '\\0'],
    ['checksums', 'checksums = "SUMS\\u2028"', 'checksums', '\\u2028'],
    ['token_env', 'token_env = "TOKEN\\t"', 'token_env', '\\t'],
    ['arch asset', '[metadata.githubassets.arch.arm64]\nasset = "t\\u200bool"', 'arch.arm64.asset', '\\u200b'],
    ['a key', '"asset\\u001b" = "x"', 'asset\\u001b', '\\x1b'],
    ['DEL', 'asset = "tool\\u007f"', 'asset', '\\x7f'],
    ['C1 CSI', 'asset = "tool\\u009b31m"', 'asset', '\\x9b'],
  ])('refuses a control character in %s with GHA008 naming the field', (_what, line, field, escaped) => {
    const text = line.startsWith('repo')
      ? `[[metadata.githubassets]]\n${line}\nasset = "x"\n`
      : line.startsWith('asset')
        ? `[[metadata.githubassets]]\nrepo = "acme/tool"\n${line}\n`
        : entry(line);
    const err = errorOf(text);
    if (field === 'asset\\u001b') {
      // An unknown key is reported as such first (GHA004); the printer escapes it.
      expect(err.code).toBe('GHA004');
      return;
    }
    expect(err.code).toBe('GHA008');
    expect(
      err.message.startsWith(`${field} contains a control or invisible character (${escaped})`) ||
        err.message.includes(`${field}: the key contains`),
    ).toBe(true);
    expect(err.entry).toMatch(/^githubassets\[1\] /);
  });
});

describe('absurd sizes', () => {
  it('refuses more entries than the limit', () => {
    const text = `[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n`.repeat(LIMITS.entries + 1);
    const err = errorOf(text);
    expect(err.code).toBe('GHA003');
    expect(err.message).toBe(
      `project.toml has ${LIMITS.entries + 1} [[metadata.githubassets]] entries; at most ${LIMITS.entries} are supported`,
    );
  });

  it('refuses over-long strings, lists and names', () => {
    expect(errorOf(entry(`destination = "${'d/'.repeat(600)}"`)).message).toBe(
      `destination is 1200 characters long; at most ${LIMITS.stringLength} are allowed`,
    );
    expect(errorOf(entry(`destination = "${'d'.repeat(256)}"`)).message).toBe('destination has a path segment longer than 255 bytes');
    expect(errorOf(`[[metadata.githubassets]]\nrepo = "a/b"\nasset = "${'a'.repeat(256)}"\n`).message).toBe(
      'asset is 256 characters long; a file name has at most 255',
    );
    expect(errorOf(entry(`files = [${'"x",'.repeat(1001)}]`)).message).toBe(
      `files has 1001 items; at most ${LIMITS.arrayLength} are allowed`,
    );
    expect(errorOf(entry(`tag = "v${'1'.repeat(300)}"`)).message).toBe('tag is 301 characters long; at most 255 are allowed');
    expect(errorOf(entry(`files = ${'['.repeat(12)}"x"${']'.repeat(12)}`)).message).toMatch(/is nested more than 8 levels deep/);
  });

  it('does not take inherited object properties for valid keys', () => {
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const err = errorOf(entry(`${key} = "x"`));
      expect(err.code, key).toBe('GHA004');
    }
  });
});

describe('byte order mark', () => {
  it('accepts a UTF-8 BOM at the start of the text', () => {
    expect(parseDescriptor(`\uFEFF${entry('')}`).specs[0]!.repo).toBe('acme/tool');
  });
});

// ---- property-based: generated documents --------------------------------------------------

const documented = new Set(Object.keys(ErrorCodes).filter((c) => c !== 'GHA099'));

/** Characters attackers like: controls, bidi, zero-width, separators, path and URL syntax. */
const nastyChar = fc.constantFrom(
  '\u0000',
  '\n',
  '\r',
  '\t',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u200b',
  '\u200e',
  '\u202e',
  '\u2028',
  '\u2066',
  '\ufeff',
  '\ud800',
  '/',
  '\\',
  '.',
  '..',
  '%2e',
  '%2f',
  '?',
  '#',
  '@',
  ':',
  '~',
  '{arch}',
  '{',
  '}',
  '*',
  ' ',
  '"',
  "'",
  'é',
  '𝕏',
  'a',
  'Z',
  '0',
  '-',
  '_',
);
const nastyString = fc.array(nastyChar, { maxLength: 12 }).map((parts) => parts.join(''));
const anyString = fc.oneof(
  nastyString,
  fc.string({ maxLength: 20, unit: 'binary' }),
  fc.constantFrom('acme/tool', 'acme/..', 'bin', '../x', 'env/x', '.', ''),
);

/** A TOML basic string literal holding `s` exactly (every character escaped as \uXXXX or \UXXXXXXXX). */
function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff)
      out += '\uFFFD'; // TOML cannot hold a lone surrogate
    else if (/[A-Za-z0-9 ._/-]/.test(ch)) out += ch;
    else out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** TOML literals of every type, including integers JavaScript cannot hold and floats that are not finite. */
const tomlValue: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString.map(tomlString),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
    fc.integer({ min: -5, max: 70 }).map(String),
    fc.constantFrom('inf', '-inf', 'nan', '1.5', '-0.0', '1e400', 'true', 'false', '1979-05-27', '1979-05-27T07:32:00Z'),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
  ),
})).value as fc.Arbitrary<string>;

const KEYS = ['repo', 'asset', 'tag', 'token_env', 'destination', 'strip_components', 'files', 'sha256', 'checksums', 'prerelease'];

const entryDoc = fc.record({
  repo: fc.oneof(anyString.map(tomlString), fc.constantFrom('"acme/tool"', '"a/b"'), tomlValue),
  asset: fc.oneof(anyString.map(tomlString), fc.constant('"tool"'), tomlValue),
  extra: fc.array(fc.tuple(fc.constantFrom(...KEYS, 'bogus', 'constructor'), tomlValue), { maxLength: 4 }),
  arch: fc.option(fc.array(fc.tuple(fc.constantFrom('asset', 'strip_components', 'files', 'sha256'), tomlValue), { maxLength: 3 })),
});

function renderEntry(e: { repo: string; asset: string; extra: [string, string][]; arch: [string, string][] | null }): string {
  const seen = new Set(['repo', 'asset']);
  const lines = [`repo = ${e.repo}`, `asset = ${e.asset}`];
  for (const [k, v] of e.extra) {
    if (seen.has(k)) continue;
    seen.add(k);
    lines.push(`${k} = ${v}`);
  }
  let text = `[[metadata.githubassets]]\n${lines.join('\n')}\n`;
  if (e.arch) {
    const archSeen = new Set<string>();
    text += '[metadata.githubassets.arch.arm64]\n';
    for (const [k, v] of e.arch) {
      if (archSeen.has(k)) continue;
      archSeen.add(k);
      text += `${k} = ${v}\n`;
    }
  }
  return text;
}

/** Runs validation; returns the specs, or undefined after checking the error is a documented BuildpackError. */
function validate(text: string) {
  try {
    return parseDescriptor(text).specs;
  } catch (err) {
    expect(err).toBeInstanceOf(BuildpackError);
    const e = err as BuildpackError;
    expect(documented.has(e.code), `${e.code}: ${e.message}`).toBe(true);
    expect(typeof e.hint).toBe('string');
    return undefined;
  }
}

describe('generated descriptors (property-based)', () => {
  it('never throw anything but a documented BuildpackError, and accept only safe values', () => {
    fc.assert(
      fc.property(fc.array(entryDoc, { minLength: 1, maxLength: 3 }), (entries) => {
        const specs = validate(entries.map(renderEntry).join(''));
        for (const spec of specs ?? []) {
          const strings = [
            spec.repo,
            spec.owner,
            spec.name,
            spec.asset,
            spec.tag,
            spec.tokenEnv,
            spec.destination,
            spec.checksums,
            spec.sha256,
            ...(spec.files ?? []),
          ];
          for (const s of strings) if (s !== undefined) expect(unsafeCharacter(s), JSON.stringify(s)).toBeUndefined();
          for (const part of [spec.owner, spec.name]) expect(['.', '..', '']).not.toContain(part);
          expect(parseRepo(spec.repo)).toEqual({ owner: spec.owner, name: spec.name });
          expect(Number.isSafeInteger(spec.stripComponents) && spec.stripComponents >= 0 && spec.stripComponents <= 64).toBe(true);
          expect(spec.tag.split('/')).not.toContain('..');
          if (spec.destination !== undefined) expectInsideLayer(spec.destination);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('keep every accepted destination inside the layer and out of its env dirs', () => {
    const segment = fc.oneof(fc.constantFrom('.', '..', '', 'bin', 'env', 'exec.d', 'profile.d', 'a', '...', ' ', '\\', 'C:'), nastyString);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, leadingSlash) => {
        const dest = (leadingSlash ? '/' : '') + segments.join('/');
        const specs = validate(entry(`destination = ${tomlString(dest)}`));
        const accepted = specs?.[0]?.destination;
        if (accepted !== undefined) expectInsideLayer(accepted);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throw anything but a documented BuildpackError on arbitrary text', () => {
    const fragments = fc.constantFrom(
      '[[metadata.githubassets]]\n',
      '[metadata.githubassets.arch.amd64]\n',
      'repo = "a/b"\n',
      'asset = "x"\n',
      '[_]\n',
      '[[_.metadata.githubassets]]\n',
      'strip_components = 9223372036854775807\n',
      '= \n',
      '"\n',
      '[\n',
      '\uFEFF',
      'files = [[1]]\n',
      'arch = 1\n',
      'metadata = 3\n',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fragments, fc.string({ maxLength: 8, unit: 'binary' })), { maxLength: 10 }), (parts) => {
        validate(parts.join(''));
      }),
      { numRuns: 1000 },
    );
  });
});

/** The destination, resolved against a layer dir, stays inside it and outside the lifecycle's env dirs. */
function expectInsideLayer(destination: string): void {
  const layer = '/layers/bp/acme_tool';
  const resolved = posix.resolve(layer, destination);
  expect(resolved === layer || resolved.startsWith(`${layer}/`), `${JSON.stringify(destination)} -> ${resolved}`).toBe(true);
  const top = posix.relative(layer, resolved).split('/')[0]!;
  expect(['env', 'env.launch', 'env.build', 'exec.d', 'profile.d']).not.toContain(top);
  expect(destination.includes('\\')).toBe(false);
  expect(unsafeCharacter(destination)).toBeUndefined();
}
