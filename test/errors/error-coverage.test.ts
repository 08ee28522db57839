// Every error code the buildpack or the CLI can raise has its constructor in the error catalog
// (src/errors.ts and src/errors/), every constructor there is called from the pipeline, every code
// that can be raised is asserted by some test, and codes the error reference calls reserved are
// never raised. Guards docs/errors.md (and the catalog) against drifting.

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
const isCatalog = (f: string) => f.endsWith('/src/errors.ts') || f.includes('/src/errors/');
const srcFiles = filesUnder(join(root, 'src'));
const catalog = srcFiles
  .filter(isCatalog)
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const pipeline = srcFiles
  .filter((f) => !isCatalog(f))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const tests = filesUnder(join(root, 'test'))
  .filter((f) => !f.endsWith('error-coverage.test.ts'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

/** The catalog's exported constructors and the source of each one's body. */
const constructors = new Map(
  readFileSync(join(root, 'src', 'errors', 'catalog.ts'), 'utf8')
    .split(/^(?=export function )/m)
    .slice(1)
    .map((chunk) => [/^export function (\w+)/.exec(chunk)![1]!, chunk] as const),
);

describe('error code coverage', () => {
  it('knows which codes are reserved', () => {
    expect([...reserved]).toEqual([]);
  });

  it('never raises a reserved code', () => {
    for (const code of reserved) expect(catalog.includes(`'${code}'`) || pipeline.includes(`'${code}'`), code).toBe(false);
  });

  it('has a constructor in the catalog for every code that is not reserved', () => {
    const missing = Object.keys(ErrorCodes).filter((code) => !reserved.has(code) && !catalog.includes(`'${code}'`));
    expect(missing).toEqual([]);
  });

  it('calls every catalog constructor from the pipeline, directly or through another constructor', () => {
    expect(constructors.size).toBeGreaterThan(20);
    const called = (name: string, source: string) => new RegExp(`\\b${name}\\b`).test(source);
    const reached = new Set([...constructors.keys()].filter((name) => called(name, pipeline)));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [name] of constructors) {
        if (reached.has(name)) continue;
        if ([...reached].some((by) => called(name, constructors.get(by)!.replace(/^export function \w+/, '')))) {
          reached.add(name);
          grew = true;
        }
      }
    }
    expect([...constructors.keys()].filter((name) => !reached.has(name))).toEqual([]);
  });

  it('shapes every message and hint in the catalog: no exported constructor takes free text, no call site rephrases', () => {
    const source = readFileSync(join(root, 'src', 'errors', 'catalog.ts'), 'utf8');
    const constructors = [...source.matchAll(/^export function (\w+)\(([\s\S]*?)\): BuildpackError \{/gm)];
    expect(constructors.length).toBeGreaterThan(100);
    const freeText = constructors.filter(([, , params]) => /\b(message|hint|details)\??:/.test(params!)).map(([, name]) => name);
    expect(freeText).toEqual([]);
    const rephrasing = srcFiles.filter((f) => !isCatalog(f) && /\.rephrased\(/.test(readFileSync(f, 'utf8')));
    expect(rephrasing).toEqual([]);
  });

  it('asserts every code that can be raised in some test', () => {
    const untested = Object.keys(ErrorCodes).filter((code) => !reserved.has(code) && !new RegExp(`['\\[]${code}['\\]]`).test(tests));
    expect(untested).toEqual([]);
  });
});
