import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BuildpackError, ErrorCodes, fromFsError } from '../../src/errors.js';
import { formatError } from '../../src/log.js';
import { registerSecret } from '../../src/util/secrets.js';

describe('error codes', () => {
  it('every code has a section in docs/errors.md, and every section is a code', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const sections = [...doc.matchAll(/^## (GHA\d{3})$/gm)].map((m) => m[1]);
    expect(sections.sort()).toEqual(Object.keys(ErrorCodes).sort());
  });

  it('formats code, entry, message and hint on separate lines', () => {
    const err = new BuildpackError('GHA014', 'no asset named "x"', { entry: 'githubassets[1] (a/b)', hint: 'use one of the names' });
    expect(formatError(err)).toBe('ERROR [GHA014] githubassets[1] (a/b): no asset named "x"\n  hint: use one of the names');
  });

  it('redacts registered secrets from formatted errors', () => {
    registerSecret('ghp_supersecret123');
    const err = new BuildpackError('GHA099', 'oops ghp_supersecret123');
    expect(formatError(err)).not.toContain('ghp_supersecret123');
  });

  it('maps ENOSPC to a disk-full error with a hint', () => {
    const err = fromFsError(Object.assign(new Error('no space'), { code: 'ENOSPC' }), 'writing x', 'e');
    expect(err.code).toBe('GHA050');
    expect(err.entry).toBe('e');
    expect(err.message).toBe('no space left on device while writing x');
  });
});
