// The folder tree tells the pipeline and no import runs back up: every relative import in src/
// goes from a unit (a folder, or a file at the root of src/) to a unit lower in LAYERS, so there
// is no cycle between folders; process.env is read only by the composition roots (src/main/); and
// errors are constructed only by the error catalog.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

/**
 * Lowest first: a unit may import only units before it. The foundation (errors, util, model,
 * platform facts, settings, log), then the CNB platform I/O, then the pipeline's stages as
 * their dependencies require (select's rules feed the descriptor's validation; github is built on
 * net; verify uses the descriptor's pins and the API), then the phases that compose them, the
 * CLI, and the composition roots.
 */
const LAYERS = [
  'errors',
  'util',
  'model',
  'platform',
  'settings',
  'log',
  'cnb',
  'select',
  'descriptor',
  'net',
  'github',
  'verify',
  'extract',
  'layers',
  'phases',
  'cli',
  'main',
];

/**
 * Imported by no one: ambient declarations for untyped packages, and the Node.js version guard
 * (bundled on its own as lib/node-guard.cjs and preloaded before any bundle; it imports nothing).
 */
const IGNORED = new Set(['types', 'node-guard']);

/** Reads of process.env below src/main/: none; settings reach modules as the Settings object (src/settings.ts). */
const PROCESS_ENV_ALLOWED = new Set<string>([]);

/**
 * The CNB lookup (process env, then <platform>/env files) and the settings readers built on it are
 * called only by the composition roots; below them, settings arrive read. Each pattern is a call.
 */
const ENV_LOOKUP_CALLS = /\b(?:lookupEnv|setting|platformReader|processReader|readSettings|readOutputSettings)\s*\(/;

/**
 * Modules below src/main/ that take an environment map (NodeJS.ProcessEnv) from a root: the CNB
 * lookup itself, and the lifecycle's contract (CNB_* dirs and target facts, which the lifecycle sets in
 * the process env of the phase, never in the platform's env files).
 */
const PROCESS_ENV_TYPE_ALLOWED = new Set(['cnb/env.ts', 'cnb/context.ts']);

/** Files below src/main/ whose code (comments aside) matches `pattern`, as paths relative to src/. */
function filesBelowMainMatching(pattern: RegExp): string[] {
  return files
    .filter((f) => unitOf(f) !== 'main')
    .filter((f) => pattern.test(withoutComments(readFileSync(f, 'utf8')).replace(/function\s+lookupEnv\s*\(/, '')))
    .map((f) => relative(SRC, f).split(sep).join('/'));
}

/** Modules allowed to branch on error code strings instead of the kind predicates of src/errors.ts: none. */
const CODE_BRANCHES_ALLOWED = new Set<string>();

/** `err.code === 'GHA020'`, `['GHA012', 'GHA014'].includes(err.code)`, `codes.includes(err.code)`. */
const CODE_BRANCH = /\.code\s*[!=]==?\s*['"]GHA\d|\[\s*['"]GHA\d{3}['"]\s*,|includes\(\s*\w+\.code\s*\)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The unit a file belongs to: its top folder under src/, or its own name at the root. */
function unitOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const IMPORT =
  /(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|(?:^|[;\s])import\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

function relativeImports(file: string): string[] {
  return [...withoutComments(readFileSync(file, 'utf8')).matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const files = sourceFiles(SRC).filter((f) => !IGNORED.has(unitOf(f)));

describe('architecture', () => {
  it('places every folder and root module of src/ in the layer order', () => {
    const units = [...new Set(files.map(unitOf))].sort();
    expect(units.filter((u) => !LAYERS.includes(u))).toEqual([]);
    expect(files.filter((f) => relative(SRC, f).split(sep).length === 1).length).toBeLessThanOrEqual(6);
  });

  it('finds the imports it checks', () => {
    expect(relativeImports(join(SRC, 'main', 'build.ts')).length).toBeGreaterThan(3);
    const source =
      "import a from './a.js';\nexport { b } from \"../b.js\";\nimport './c.js';\nconst d = await import('../d/e.js');\n// import x from './x.js';";
    expect([...withoutComments(source).matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3])).toEqual([
      './a.js',
      '../b.js',
      './c.js',
      '../d/e.js',
    ]);
  });

  it('has no import that runs back up the layer order (and so no cycle between folders)', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = unitOf(file);
      for (const spec of relativeImports(file)) {
        const to = unitOf(resolve(dirname(file), spec));
        if (to === from) continue;
        if (LAYERS.indexOf(to) >= LAYERS.indexOf(from)) violations.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('constructs errors only in the error catalog (src/errors.ts and src/errors/), so each message is written once', () => {
    const constructing = files
      .filter((f) => unitOf(f) !== 'errors')
      .filter((f) => /\bnew\s+BuildpackError\s*\(/.test(withoutComments(readFileSync(f, 'utf8'))))
      .map((f) => relative(SRC, f).split(sep).join('/'));
    expect(constructing).toEqual([]);
    // The check sees the catalog's own constructions, so it would see them anywhere else.
    expect(/\bnew\s+BuildpackError\s*\(/.test(readFileSync(join(SRC, 'errors', 'catalog.ts'), 'utf8'))).toBe(true);
    expect(unitOf(join(SRC, 'errors', 'catalog.ts'))).toBe('errors');
  });

  it('branches on error kinds, never on code strings (kind predicates live with the errors)', () => {
    const branching = files
      .filter((f) => unitOf(f) !== 'errors')
      .filter((f) => CODE_BRANCH.test(withoutComments(readFileSync(f, 'utf8'))))
      .map((f) => relative(SRC, f).split(sep).join('/'));
    for (const branch of [
      "err.code === 'GHA013'",
      "e.code !== 'GHA026'",
      "['GHA012', 'GHA014'].includes(err.code)",
      'codes.includes(err.code)',
    ]) {
      expect(CODE_BRANCH.test(branch), branch).toBe(true);
    }
    expect(CODE_BRANCH.test("entryError('GHA004', message, details)")).toBe(false);
    expect(branching.filter((f) => !CODE_BRANCHES_ALLOWED.has(f))).toEqual([]);
    expect([...CODE_BRANCHES_ALLOWED].filter((f) => !branching.includes(f))).toEqual([]);
  });

  it('reads process.env only in the composition roots (src/main/)', () => {
    const readers = filesBelowMainMatching(/\bprocess\s*(?:\.\s*env\b|\[\s*['"]env['"]\s*\])|\benv\s*\}\s*=\s*process\b/);
    expect(readers.filter((f) => !PROCESS_ENV_ALLOWED.has(f))).toEqual([]);
    // An allowed entry that no longer reads process.env must leave the list.
    expect([...PROCESS_ENV_ALLOWED].filter((f) => !readers.includes(f))).toEqual([]);
  });

  it('looks settings up (lookupEnv and the readers built on it) only in the composition roots', () => {
    expect(filesBelowMainMatching(ENV_LOOKUP_CALLS)).toEqual([]);
    // The roots do call them: the pattern finds real calls (and not the definition in cnb/env.ts).
    const roots = ['build.ts', 'detect.ts', 'cli.ts'].map((f) => withoutComments(readFileSync(join(SRC, 'main', f), 'utf8')));
    expect(roots.every((code) => ENV_LOOKUP_CALLS.test(code))).toBe(true);
    expect(ENV_LOOKUP_CALLS.test('const creds = credentialsFor(spec, (name) => lookupEnv(ctx, name));')).toBe(true);
  });

  it('hands an environment map (NodeJS.ProcessEnv) only to the CNB lookup and the lifecycle contract below src/main/', () => {
    const takers = filesBelowMainMatching(/\bProcessEnv\b/);
    expect(takers.filter((f) => !PROCESS_ENV_TYPE_ALLOWED.has(f))).toEqual([]);
    expect([...PROCESS_ENV_TYPE_ALLOWED].filter((f) => !takers.includes(f))).toEqual([]);
  });
});
