// Every error code the buildpack or the CLI can raise is asserted by some test, and codes the
// error reference calls reserved are never raised. Guards docs/errors.md against drifting.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';

const root = new URL('../../', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const docs = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
const reserved = new Set([...docs.matchAll(/^## (GHA\d{3})\n\*\*[^*]+\*\*\s*Reserved/gm)].map((m) => m[1]!));
const sources = filesUnder(join(root, 'src')).filter((f) => !f.endsWith('/errors.ts')).map((f) => readFileSync(f, 'utf8')).join('\n');
const tests = filesUnder(join(root, 'test'))
  .filter((f) => !f.endsWith('error-coverage.test.ts'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

describe('error code coverage', () => {
  it('knows which codes are reserved', () => {
    expect([...reserved]).toEqual([]);
  });

  it('never raises a reserved code', () => {
    for (const code of reserved) expect(sources.includes(`'${code}'`), code).toBe(false);
  });

  it('asserts every code that can be raised in some test', () => {
    const untested = Object.keys(ErrorCodes).filter((code) => !reserved.has(code) && !new RegExp(`['\\[]${code}['\\]]`).test(tests));
    expect(untested).toEqual([]);
  });
});
