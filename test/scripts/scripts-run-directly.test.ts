// The scripts, the demo and the bench run directly on the pinned Node.js, which strips types but
// resolves imports as written: every relative import they reach must name an existing .ts/.mjs
// file (a `.js` specifier that only tsc and vitest map to `.ts` fails under plain node). The
// bootstrap (scripts/runtime.mjs) must also run on an older node, so it imports builtins only.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/package-build.js';

const SPECIFIER =
  /(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Module specifiers in `source` (static imports, re-exports, side-effect and literal dynamic imports). */
function specifiers(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...withoutComments.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** Every file reached from `entries` through relative imports, with the problems found on the way. */
function walk(entries: string[]): { files: string[]; problems: string[] } {
  const seen = new Set<string>();
  const problems: string[] = [];
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      const where = `${relative(repoRoot, file)} imports '${spec}'`;
      if (!/\.(ts|mts|mjs)$/.test(spec)) problems.push(`${where}: name the file itself (.ts/.mjs), plain node does not map .js to .ts`);
      else if (!existsSync(target)) problems.push(`${where}: no such file`);
      else queue.push(target);
    }
  }
  return { files: [...seen].map((f) => relative(repoRoot, f)).sort(), problems };
}

const entryPoints = ['scripts', 'bench'].flatMap((dir) =>
  readdirSync(join(repoRoot, dir))
    .filter((f) => /\.(ts|mjs)$/.test(f))
    .map((f) => join(repoRoot, dir, f)),
);

describe('scripts run directly on the pinned node', () => {
  it('finds the specifiers the walker relies on', () => {
    const source =
      "import a from './a.ts';\nimport { b, type C } from \"../b.js\";\nexport * from './c.mjs';\nimport './d.ts';\nconst e = await import('./e.ts');\n// import x from './commented.js';";
    expect(specifiers(source)).toEqual(['./a.ts', '../b.js', './c.mjs', './d.ts', './e.ts']);
  });

  it('reaches only files named by their real extension', () => {
    const { files, problems } = walk(entryPoints);
    expect(problems).toEqual([]);
    // The walk really follows imports: the demo and the bench pull in the fake GitHub and the Go-build helper.
    expect(files).toEqual(
      expect.arrayContaining(['scripts/demo.ts', 'scripts/go-build.ts', 'bench/report.ts', 'test/support/fake-github/index.ts']),
    );
  });

  it('reports a .js specifier and a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gha-walk-'));
    try {
      writeFileSync(join(dir, 'entry.ts'), "import { a } from './dep.ts';\nimport { b } from './missing.ts';\n");
      writeFileSync(join(dir, 'dep.ts'), "export { c as a } from './other.js';\n");
      writeFileSync(join(dir, 'other.ts'), 'export const c = 1;\n');
      const { files, problems } = walk([join(dir, 'entry.ts')]);
      expect(problems.map((p) => p.replace(/^.*?(\w+\.ts imports)/, '$1'))).toEqual([
        "entry.ts imports './missing.ts': no such file",
        "dep.ts imports './other.js': name the file itself (.ts/.mjs), plain node does not map .js to .ts",
      ]);
      expect(files.map((f) => f.split('/').pop())).toEqual(['dep.ts', 'entry.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the bootstrap on builtins only, so it runs on the machine node before anything else', () => {
    const bootstrap = specifiers(readFileSync(join(repoRoot, 'scripts', 'runtime.mjs'), 'utf8'));
    expect(bootstrap.length).toBeGreaterThan(0);
    expect(bootstrap.filter((s) => !s.startsWith('node:'))).toEqual([]);
  });

  it('writes the bundling banner once: every bundle of our sources uses scripts/compile.ts ESM_BUNDLE', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.(ts|mjs|sh)$/.test(f))
        .map((f) => join(dir, f));
    const banners = ['scripts', 'bench', 'test/support', 'src']
      .flatMap(files)
      .filter((f) => /createRequire\s*(?:as\s+\w+\s*)?\}?\s*from\s*['"](?:node:)?module['"]/.test(readFileSync(join(repoRoot, f), 'utf8')));
    expect(banners).toEqual(['scripts/compile.ts']);
  });

  it('ships no hand-written declaration files for scripts', () => {
    expect(readdirSync(join(repoRoot, 'scripts')).filter((f) => /\.d\.[cm]?ts$/.test(f))).toEqual([]);
  });
});
