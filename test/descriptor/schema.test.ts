// schema/githubassets.schema.json must accept what the buildpack accepts and reject what it
// rejects: every sample and README example, and a table of valid and invalid entries.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseDescriptor } from '../../src/descriptor/parse.js';
import { ENTRY_KEYS } from '../../src/descriptor/parse.js';

const root = new URL('../../', import.meta.url).pathname;
const schema = JSON.parse(readFileSync(join(root, 'schema', 'githubassets.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

function schemaAccepts(text: string): boolean {
  return validate(JSON.parse(JSON.stringify(TOML.parse(text))));
}

function validatorAccepts(text: string): boolean {
  try {
    parseDescriptor(text);
    return true;
  } catch {
    return false;
  }
}

function projectFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return projectFiles(path);
    return name === 'project.toml' ? [path] : [];
  });
}

const entry = (body: string) => `[[metadata.githubassets]]\n${body}\n`;

// [description, TOML text, valid?]
const CASES: [string, string, boolean][] = [
  ['minimal', entry('repo = "a/b"\nasset = "x"'), true],
  [
    'every key',
    entry(
      'repo = "grpc-ecosystem/grpc-health-probe"\nasset = "p-{os}-{arch}"\ntag = "~1.4"\nprerelease = true\ntoken_env = "MY_TOKEN"\ndestination = "bin/p"\nstrip_components = 1\nfiles = ["bin/*", "LICENSE"]\nsha256 = "sha256:' +
        'A'.repeat(64) +
        '"\nchecksums = "p_{version}_checksums.txt"',
    ),
    true,
  ],
  ['schema-version 0.2 table', '[[_.metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n', true],
  [
    'arch tables without a top-level asset',
    entry(
      'repo = "a/b"\n[metadata.githubassets.arch.arm64]\nasset = "y"\nsha256 = "' +
        'b'.repeat(64) +
        '"\n[metadata.githubassets.arch.x86_64]\nasset = "z"\nstrip_components = 2\nfiles = ["t"]',
    ),
    true,
  ],
  ['repo with spaces around it', entry('repo = " a/b "\nasset = "x"'), true],
  [
    'destination ./ and a trailing slash',
    entry('repo = "a/b"\nasset = "x"\ndestination = "./"') + entry('repo = "a/c"\nasset = "x"\ndestination = "opt/tool/"'),
    true,
  ],
  ['destination named like a reserved dir', entry('repo = "a/b"\nasset = "x"\ndestination = "environment/bin"'), true],
  [
    'other tables are left alone',
    '[_]\nschema-version = "0.2"\nid = "x"\n[[build.env]]\nname = "A"\nvalue = "b"\n[io.buildpacks]\nbuilder = "x"\n' +
      '[[_.metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n',
    true,
  ],
  ['no entries at all', '[_]\nid = "x"\n', true],
  [
    'provenance keys',
    entry('repo = "a/b"\nasset = "x"\nattestations = "required"\nsigner_workflow = "a/b/.github/workflows/release.yml@refs/tags/v1"'),
    true,
  ],
  ['signer_repo for a reusable workflow', entry('repo = "a/b"\nasset = "x"\nattestations = "auto"\nsigner_repo = "a/release-tools"'), true],
  ['attestations with a wrong value', entry('repo = "a/b"\nasset = "x"\nattestations = "yes"'), false],
  ['attestations as a boolean', entry('repo = "a/b"\nasset = "x"\nattestations = true'), false],
  ['signer_repo that is not owner/name', entry('repo = "a/b"\nasset = "x"\nsigner_repo = "https://github.com/a/b"'), false],
  ['signer_workflow without the workflows dir', entry('repo = "a/b"\nasset = "x"\nsigner_workflow = "a/b/release.yml"'), false],

  ['missing repo', entry('asset = "x"'), false],
  ['no asset: picked automatically', entry('repo = "a/b"'), true],
  [
    'automatic selection with libc and matching',
    entry('repo = "a/b"\nlibc = "gnu"\nmatching = "kubens"\n[metadata.githubassets.arch.arm64]\nlibc = "musl"\nmatching = "*-arm64*"'),
    true,
  ],
  ['libc other than gnu or musl', entry('repo = "a/b"\nlibc = "glibc"'), false],
  ['empty matching', entry('repo = "a/b"\nmatching = ""'), false],
  ['matching with a path', entry('repo = "a/b"\nmatching = "dl/x"'), false],
  ['matching next to asset', entry('repo = "a/b"\nasset = "x"\nmatching = "x"'), false],
  [
    'matching next to asset in an arch table',
    entry('repo = "a/b"\n[metadata.githubassets.arch.arm64]\nasset = "x"\nmatching = "x"'),
    false,
  ],
  ['repo as a URL', entry('repo = "https://github.com/a/b"\nasset = "x"'), false],
  ['repo without owner', entry('repo = "b"\nasset = "x"'), false],
  ['repo with a ".." name', entry('repo = "acme/.."\nasset = "x"'), false],
  ['repo owner with a double hyphen', entry('repo = "ac--me/tool"\nasset = "x"'), false],
  ['asset with a path', entry('repo = "a/b"\nasset = "dl/x"'), false],
  ['asset with surrounding spaces', entry('repo = "a/b"\nasset = " x"'), false],
  ['empty tag', entry('repo = "a/b"\nasset = "x"\ntag = " "'), false],
  ['misspelt key', entry('repo = "a/b"\nasset = "x"\ndestinaton = "bin"'), false],
  ['a token in the file', entry('repo = "a/b"\nasset = "x"\ntoken = "ghp_x"'), false],
  ['token_env holding a token', entry('repo = "a/b"\nasset = "x"\ntoken_env = "ghp-abc"'), false],
  ['strip_components as a string', entry('repo = "a/b"\nasset = "x"\nstrip_components = "1"'), false],
  ['negative strip_components', entry('repo = "a/b"\nasset = "x"\nstrip_components = -1'), false],
  ['prerelease as a string', entry('repo = "a/b"\nasset = "x"\nprerelease = "yes"'), false],
  ['absolute destination', entry('repo = "a/b"\nasset = "x"\ndestination = "/usr/bin"'), false],
  ['destination escaping the layer', entry('repo = "a/b"\nasset = "x"\ndestination = "../x"'), false],
  ['destination in env/', entry('repo = "a/b"\nasset = "x"\ndestination = "env/PATH"'), false],
  ['destination exec.d', entry('repo = "a/b"\nasset = "x"\ndestination = "./exec.d"'), false],
  ['destination with a backslash', entry('repo = "a/b"\nasset = "x"\ndestination = "bin\\\\x"'), false],
  ['sha1 instead of sha256', entry(`repo = "a/b"\nasset = "x"\nsha256 = "${'a'.repeat(40)}"`), false],
  ['sha256 with another prefix', entry(`repo = "a/b"\nasset = "x"\nsha256 = "sha512:${'a'.repeat(64)}"`), false],
  ['checksums as a path', entry('repo = "a/b"\nasset = "x"\nchecksums = "dl/SHA256SUMS"'), false],
  ['checksums naming a signature', entry('repo = "a/b"\nasset = "x"\nchecksums = "checksums.txt.sig"'), false],
  ['checksums with an unknown placeholder', entry('repo = "a/b"\nasset = "x"\nchecksums = "{os}_checksums.txt"'), false],
  ['empty files list', entry('repo = "a/b"\nasset = "x"\nfiles = []'), false],
  ['files escaping the archive', entry('repo = "a/b"\nasset = "x"\nfiles = ["../etc/passwd"]'), false],
  ['absolute files entry', entry('repo = "a/b"\nasset = "x"\nfiles = ["/bin/sh"]'), false],
  ['unknown architecture', entry('repo = "a/b"\n[metadata.githubassets.arch.sparc]\nasset = "y"'), false],
  ['unknown key in an arch table', entry('repo = "a/b"\nasset = "x"\n[metadata.githubassets.arch.arm64]\ntag = "v1"'), false],
  ['githubassets as a single table', '[metadata.githubassets]\nrepo = "a/b"\nasset = "x"\n', false],
  ['entries in both places', `${entry('repo = "a/b"\nasset = "x"')}[[_.metadata.githubassets]]\nrepo = "a/c"\nasset = "x"\n`, false],
];

describe('schema/githubassets.schema.json', () => {
  it('agrees with the buildpack on every case of the table', () => {
    const disagreements = CASES.flatMap(([name, text, valid]) => {
      const bySchema = schemaAccepts(text);
      const byValidator = validatorAccepts(text);
      return bySchema === valid && byValidator === valid
        ? []
        : [`${name}: expected ${valid}, schema ${bySchema}, validator ${byValidator}`];
    });
    expect(disagreements).toEqual([]);
  });

  it('accepts every sample project.toml', () => {
    const samples = projectFiles(join(root, 'samples'));
    expect(samples.length).toBeGreaterThan(0);
    for (const file of samples) {
      const text = readFileSync(file, 'utf8');
      expect(schemaAccepts(text), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validatorAccepts(text), file).toBe(true);
    }
  });

  it('accepts every TOML example in the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.includes('githubassets'));
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks) {
      expect(schemaAccepts(block), `${block}\n${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validatorAccepts(block), block).toBe(true);
    }
  });

  it('describes every key the buildpack knows, for editor hovers', () => {
    const properties = schema.definitions.entry.properties as Record<string, { description?: string }>;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(ENTRY_KEYS).sort());
    for (const [key, value] of Object.entries(properties)) expect(value.description, key).toBeTruthy();
  });
});
