#!/usr/bin/env node
// Bundles each entrypoint (src/main/*.ts) with its dependencies into one ESM file under lib/,
// so the buildpack runs without a node_modules tree. detect gets its own small bundle so
// the detect path loads no HTTP or archive code. Owns the one set of bundle settings.
//   node scripts/compile.ts [--outdir <dir>]
import { build, type BuildOptions } from 'esbuild';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The pinned runtime (runtime.json) is what the bundles are built for and tested on; the bin
// shims read lib/node-version to refuse an older node in one line instead of a SyntaxError.
const runtimeVersion = (JSON.parse(readFileSync(join(root, 'runtime.json'), 'utf8')) as { version: string }).version;

/** How every bundle of our sources is built (lib/ and the tests' child drivers): ESM for the pinned Node. */
export const ESM_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${runtimeVersion.split('.')[0]}`,
  logLevel: 'warning',
  // CommonJS dependencies (e.g. @iarna/toml) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __gha_createRequire } from 'node:module'; const require = __gha_createRequire(import.meta.url);",
  },
} as const satisfies BuildOptions;

/** Bundles src/main/*.ts into `outdir` as <name>.mjs; returns the entry file names. */
export async function compile(outdir = join(root, 'lib')): Promise<string[]> {
  const entries = readdirSync(join(root, 'src', 'main')).filter((f) => f.endsWith('.ts'));
  await build({
    ...ESM_BUNDLE,
    entryPoints: entries.map((f) => join(root, 'src', 'main', f)),
    outdir,
    outExtension: { '.js': '.mjs' },
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    sourcemap: false,
    legalComments: 'linked',
  });
  writeFileSync(join(outdir, 'node-version'), `${runtimeVersion}\n`);
  return entries;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const outdir = (args.includes('--outdir') ? args[args.indexOf('--outdir') + 1] : undefined) ?? join(root, 'lib');
  const entries = await compile(outdir);
  console.error(`compiled ${entries.join(', ')} -> ${outdir}`);
}
