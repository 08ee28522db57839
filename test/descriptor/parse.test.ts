import { describe, expect, it } from 'vitest';
import { closestKey, parseDescriptor } from '../../src/descriptor/parse.js';
import { thrown } from '../support/errors.js';
import { SEED_PROJECT_TOML as SEED } from '../support/seed.js';

const errorOf = (text: string) => thrown(() => parseDescriptor(text));

describe('parseDescriptor', () => {
  it('accepts the original buildpack configuration unchanged', () => {
    const { specs, table } = parseDescriptor(SEED);
    expect(table).toBe('metadata.githubassets');
    expect(specs).toEqual([
      {
        index: 1,
        repo: 'kkdai/youtube',
        owner: 'kkdai',
        name: 'youtube',
        asset: 'youtubedr_2.7.0_linux_arm64.tar.gz',
        tag: 'latest',
        prerelease: false,
        destination: 'bin',
        stripComponents: 0,
      },
      {
        index: 2,
        repo: 'qeek-dev/apitest-toolchain',
        owner: 'qeek-dev',
        name: 'apitest-toolchain',
        asset: 'apitest-toolchain-linux-amd64',
        tag: 'v0.1.0',
        prerelease: false,
        tokenEnv: 'APITEST_TOOLCHAIN_TOKEN',
        destination: 'bin/apitest-toolchain',
        stripComponents: 0,
      },
      {
        index: 3,
        repo: 'grpc-ecosystem/grpc-health-probe',
        owner: 'grpc-ecosystem',
        name: 'grpc-health-probe',
        asset: 'grpc_health_probe-linux-amd64',
        tag: 'latest',
        prerelease: false,
        destination: 'bin/grpc_health_probe',
        stripComponents: 0,
      },
    ]);
  });

  it('accepts schema v0.2 descriptors ([[_.metadata.githubassets]])', () => {
    const { specs, table } = parseDescriptor(
      `[_]\nschema-version = "0.2"\n[[_.metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\nstrip_components = 2\n`,
    );
    expect(table).toBe('_.metadata.githubassets');
    expect(specs).toHaveLength(1);
    expect(specs[0]).toMatchObject({ repo: 'a/b', asset: 'x', stripComponents: 2, tag: 'latest' });
  });

  it('returns no specs when there is no githubassets table', () => {
    expect(parseDescriptor('[project]\nid = "x"\n').specs).toEqual([]);
    expect(parseDescriptor('').specs).toEqual([]);
  });

  it('treats an explicit tag = "latest" like an omitted tag', () => {
    expect(parseDescriptor(`[[metadata.githubassets]]\nrepo="a/b"\nasset="x"\ntag="latest"\n`).specs[0]!.tag).toBe('latest');
  });

  it('reports broken TOML with line and column', () => {
    const err = errorOf('[[metadata.githubassets]]\nrepo = "a/b\nasset = "x"\n');
    expect(err.code).toBe('GHA002');
    expect(err.message).toMatch(/project\.toml is not valid TOML at line 2/);
  });

  it('rejects unknown keys and suggests the closest valid one', () => {
    const err = errorOf(`[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\nstrip_component = 1\n`);
    expect(err.code).toBe('GHA004');
    expect(err.entry).toBe('githubassets[1] (a/b)');
    expect(err.message).toBe('unknown key "strip_component"');
    expect(err.hint).toContain('did you mean "strip_components"?');
  });

  it('refuses a token written into project.toml', () => {
    const err = errorOf(`[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\ntoken = "ghp_abc"\n`);
    expect(err.code).toBe('GHA004');
    expect(err.hint).toContain('token_env');
    expect(`${err.message} ${err.hint}`).not.toContain('ghp_abc');
  });

  it('names the entry by index and repo in every validation error', () => {
    const text = `[[metadata.githubassets]]\nrepo = "ok/one"\nasset = "x"\n[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = 7\n`;
    const err = errorOf(text);
    expect(err.entry).toBe('githubassets[2] (acme/tool)');
    expect(err.message).toBe('asset must be a non-empty string, got number 7');
  });

  it.each([
    ['repo = "just-a-name"', /not of the form "owner\/name"/, undefined],
    ['repo = "https://github.com/acme/tool.git"', /not of the form/, 'write repo = "acme/tool"'],
    ['repo = "a/b/c"', /not of the form/, undefined],
  ])('rejects a malformed repo: %s', (line, message, hint) => {
    const err = errorOf(`[[metadata.githubassets]]\n${line}\nasset = "x"\n`);
    expect(err.code).toBe('GHA003');
    expect(err.message).toMatch(message);
    if (hint) expect(err.hint).toBe(hint);
  });

  it('requires repo; without asset the asset is picked automatically', () => {
    expect(errorOf(`[[metadata.githubassets]]\nasset = "x"\n`).message).toBe('missing required key "repo"');
    expect(parseDescriptor(`[[metadata.githubassets]]\nrepo = "a/b"\n`).specs[0]).toMatchObject({ repo: 'a/b', asset: '' });
  });

  it.each([
    ['"/usr/local/bin"', 'GHA005', /is absolute/],
    ['"../../etc"', 'GHA005', /escapes the layer/],
    ['"bin/../../x"', 'GHA005', /escapes the layer/],
    ['"env/PATH"', 'GHA005', /environment settings/],
    ['"exec.d"', 'GHA005', /environment settings/],
    ['""', 'GHA003', /destination must be a non-empty string/],
    ['3', 'GHA003', /destination must be a non-empty string/],
  ])('rejects destination %s', (value, code, message) => {
    const err = errorOf(`[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\ndestination = ${value}\n`);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('normalises destinations and keeps a trailing slash', () => {
    const dest = (v: string) =>
      parseDescriptor(`[[metadata.githubassets]]\nrepo="a/b"\nasset="x"\ndestination="${v}"\n`).specs[0]!.destination;
    expect(dest('./bin/tool')).toBe('bin/tool');
    expect(dest('bin/')).toBe('bin/');
    expect(dest('opt//tool/../tool')).toBe('opt/tool');
    expect(dest('.')).toBe('');
  });

  it.each(['-1', '"1"', '1.5', 'true'])('rejects strip_components = %s', (value) => {
    const err = errorOf(`[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\nstrip_components = ${value}\n`);
    expect(err.message).toMatch(/strip_components = .* must be a non-negative integer/);
    expect(err.hint).toContain('without quotes');
  });

  it('rejects a token_env that is not a variable name', () => {
    const err = errorOf(`[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\ntoken_env = "ghp_123 abc"\n`);
    expect(err.message).toMatch(/not an environment variable name/);
  });

  it('rejects a single table instead of an array of tables', () => {
    const err = errorOf(`[metadata.githubassets]\nrepo = "a/b"\nasset = "x"\n`);
    expect(err.message).toBe('[metadata.githubassets] must be an array of tables');
    expect(err.hint).toContain('[[metadata.githubassets]]');
  });

  it('rejects entries in both schema tables', () => {
    const err = errorOf(`[[metadata.githubassets]]\nrepo="a/b"\nasset="x"\n[[_.metadata.githubassets]]\nrepo="a/b"\nasset="x"\n`);
    expect(err.message).toMatch(/both/);
  });
});

describe('closestKey', () => {
  it('finds likely typos and ignores unrelated words', () => {
    expect(closestKey('destiantion')).toBe('destination');
    expect(closestKey('tokenEnv')).toBe('token_env');
    expect(closestKey('stripComponents')).toBe('strip_components');
    expect(closestKey('colour')).toBeUndefined();
  });
});
