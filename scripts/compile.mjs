#!/usr/bin/env node
// Bundles each entrypoint (src/main/*.ts) with its dependencies into ESM files under lib/,
// so the buildpack runs without a node_modules tree. build is code-split: each dynamic import()
// (src/lazy.ts) becomes a chunk (lib/chunk-*.mjs) loaded only when a build needs it. detect (no
// HTTP or archive code, one file to read) and the CLI (the npm package) stay single files.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = process.argv.includes('--outdir') ? process.argv[process.argv.indexOf('--outdir') + 1] : join(root, 'lib');
const entries = readdirSync(join(root, 'src', 'main')).filter((f) => f.endsWith('.ts'));

const SPLIT = ['build.ts'];
// Chunk names change with their content: drop the previous compile's.
for (const f of existsSync(outdir) ? readdirSync(outdir).filter((n) => n.startsWith('chunk-')) : []) rmSync(join(outdir, f));
const common = {
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node26',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: false,
  legalComments: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies (e.g. @iarna/toml) call require(); give the ESM bundle one.
  chunkNames: 'chunk-[name]-[hash]',
  banner: { js: "import { createRequire as __gha_createRequire } from 'node:module'; const require = __gha_createRequire(import.meta.url);" },
};
await build({ ...common, entryPoints: entries.filter((f) => SPLIT.includes(f)).map((f) => join(root, 'src', 'main', f)), splitting: true });
// One build per single-file entry: two entries in one build would share nothing anyway (no splitting).
for (const f of entries.filter((f) => !SPLIT.includes(f))) await build({ ...common, entryPoints: [join(root, 'src', 'main', f)] });
console.error(`compiled ${entries.join(', ')} -> ${outdir}`);
