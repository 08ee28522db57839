#!/usr/bin/env node
// Bundles each entrypoint (src/main/*.ts) with its dependencies into one ESM file under lib/,
// so the buildpack runs without a node_modules tree. detect gets its own small bundle so
// the detect path loads no HTTP or archive code.
import { build } from 'esbuild';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = process.argv.includes('--outdir') ? process.argv[process.argv.indexOf('--outdir') + 1] : join(root, 'lib');
const entries = readdirSync(join(root, 'src', 'main')).filter((f) => f.endsWith('.ts'));
// The pinned runtime (runtime.json) is what the bundles are built for and tested on; the bin
// shims read lib/node-version to refuse an older node in one line instead of a SyntaxError.
const runtimeVersion = JSON.parse(readFileSync(join(root, 'runtime.json'), 'utf8')).version;

await build({
  entryPoints: entries.map((f) => join(root, 'src', 'main', f)),
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${runtimeVersion.split('.')[0]}`,
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: false,
  legalComments: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies (e.g. @iarna/toml) call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __gha_createRequire } from 'node:module'; const require = __gha_createRequire(import.meta.url);" },
});
writeFileSync(join(outdir, 'node-version'), `${runtimeVersion}\n`);
console.error(`compiled ${entries.join(', ')} -> ${outdir}`);
