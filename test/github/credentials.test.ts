import { describe, expect, it } from 'vitest';
import { credentialsFor, explainedLookup, explainLookupError } from '../../src/github/credentials.js';
import { rejected } from '../support/errors.js';
import { BuildpackError } from '../../src/errors.js';
import { parseDescriptor } from '../../src/descriptor/parse.js';
import { redact } from '../../src/util/secrets.js';

const spec = (extra = '') => parseDescriptor(`[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "x"\n${extra}`).specs[0]!;

describe('credentialsFor', () => {
  it('uses the token_env variable, else GITHUB_TOKEN, trimmed and registered as a secret', () => {
    const env: Record<string, string> = { MY_TOKEN: ' ghp_fromMyToken123\n', GITHUB_TOKEN: 'ghp_default456' };
    const lookup = (name: string) => env[name];
    expect(credentialsFor(spec('token_env = "MY_TOKEN"'), lookup)).toEqual({
      token: 'ghp_fromMyToken123',
      source: 'MY_TOKEN',
      missingTokenEnv: undefined,
    });
    expect(credentialsFor(spec(), lookup)).toEqual({ token: 'ghp_default456', source: 'GITHUB_TOKEN', missingTokenEnv: undefined });
    expect(redact('x ghp_fromMyToken123 y')).toBe('x *** y');
  });

  it('does not fall back to GITHUB_TOKEN when token_env names an unset variable', () => {
    const lookup = (name: string) => ({ GITHUB_TOKEN: 'ghp_default456', EMPTY: '  ' })[name];
    expect(credentialsFor(spec('token_env = "MISSING"'), lookup)).toEqual({
      token: undefined,
      source: undefined,
      missingTokenEnv: 'MISSING',
    });
    expect(credentialsFor(spec('token_env = "EMPTY"'), lookup)).toEqual({ token: undefined, source: undefined, missingTokenEnv: 'EMPTY' });
    expect(credentialsFor(spec(), () => undefined)).toEqual({ token: undefined, source: undefined, missingTokenEnv: undefined });
  });
});

describe('explainLookupError', () => {
  it('turns a 404 with an unset token_env into a hint naming the variable, and attributes other errors to the entry', () => {
    const s = spec('token_env = "MISSING"');
    const creds = credentialsFor(s, () => undefined);
    const notFound = new BuildpackError('GHA010', 'repository acme/tool not found', { hint: 'check the name' });
    const explained = explainLookupError(notFound, s, creds, (n) => `${n} is not set; export ${n}`) as BuildpackError;
    expect(explained.code).toBe('GHA010');
    expect(explained.entry).toBe('githubassets[1] (acme/tool)');
    expect(explained.hint).toBe(
      'token_env = "MISSING" but MISSING is not set; export MISSING (a token with read access to the repository contents)',
    );
    const limited = explainLookupError(new BuildpackError('GHA013', 'rate limited'), s, creds, () => '') as BuildpackError;
    expect([limited.code, limited.entry, limited.hint]).toEqual(['GHA013', 'githubassets[1] (acme/tool)', undefined]);
  });
});

describe('explainedLookup', () => {
  it('passes an answer through and explains a failure, thrown or rejected, for the entry', async () => {
    const s = spec('token_env = "MISSING"');
    const creds = credentialsFor(s, () => undefined);
    const unset = (n: string) => `${n} is not set; export ${n}`;
    expect(await explainedLookup(async () => 'release', s, creds, unset)).toBe('release');
    const notFound = () => new BuildpackError('GHA010', 'repository acme/tool not found');
    for (const lookup of [
      async () => Promise.reject(notFound()),
      () => {
        throw notFound();
      },
    ]) {
      const err = await rejected(explainedLookup(lookup, s, creds, unset));
      expect([err.code, err.entry]).toEqual(['GHA010', 'githubassets[1] (acme/tool)']);
      expect(err.hint).toContain('MISSING is not set; export MISSING');
    }
  });
});
