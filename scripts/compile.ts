#!/usr/bin/env node
// Bundles the entry points (src/main/*.ts) with their dependencies into lib/: build and detect as
// classic CommonJS scripts (lib/<phase>.cjs) that lib/boot.cjs runs with a trained V8 code cache
// (scripts/code-cache.ts), the CLI (the npm package) as one ES module, lib/cli.mjs. A dynamic import()
// (src/util/lazy.ts) stays lazy in either form: esbuild evaluates such a module on its first import().
// Also emits lib/node-guard.cjs, which the bin shims preload to refuse an older Node.js, and
// lib/code-cache. Owns the one set of bundle settings.
//   node scripts/compile.ts [--outdir <dir>]
import { build, buildSync, type BuildOptions, type Plugin, type PluginBuild } from 'esbuild';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { CODE_CACHE_DIR } from '../src/main/boot.ts';
import { isBuiltin } from 'node:module';
import { writeCodeCaches } from './code-cache.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The pinned runtime (runtime.json) is what the bundles are built for and tested on; the bin
// shims preload lib/node-guard.cjs to refuse an older node in one line instead of a SyntaxError.
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

/**
 * What our code takes from undici, by its files instead of its index: the index loads every
 * dispatcher, fetch with web streams, WebSocket, caches and mocks at start-up (~25 ms CPU of
 * compiling and evaluating measured on bin/build). `import ... from 'undici'` in a bundle gets
 * this module; a name it lacks fails the compile. The proxy agent loads on first use (only with
 * proxy settings). Dispatchers get undici's API methods (request, stream, pipeline, …) as with its index.
 */
const UNDICI_PARTS = `
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import redirect from 'undici/lib/interceptor/redirect.js';
import util from 'undici/lib/core/util.js';
import { getGlobalDispatcher } from 'undici/lib/global.js';
export { default as Agent } from 'undici/lib/dispatcher/agent.js';
export { default as RetryHandler } from 'undici/lib/handler/retry-handler.js';
export { getGlobalDispatcher, setGlobalDispatcher } from 'undici/lib/global.js';
Object.assign(Dispatcher.prototype, api);
export const interceptors = { redirect };
export function EnvHttpProxyAgent(options) {
  const Agent = require('undici/lib/dispatcher/env-http-proxy-agent.js');
  return new Agent(options);
}
/** request(url, options): Dispatcher#request on options.dispatcher (else the global one), for a URL. */
export function request(url, { dispatcher = getGlobalDispatcher(), ...options } = {}) {
  const target = util.parseURL(url);
  const path = target.search ? target.pathname + target.search : target.pathname;
  return dispatcher.request({ ...options, origin: target.origin, path, method: options.method || 'GET' });
}
`;

/** V8's --wasm-tiering-budget of the pinned runtime (test/scripts/code-cache.test.ts checks it). */
export const V8_WASM_TIERING_BUDGET = 13_000_000;

/**
 * llhttp's module, compiled under a larger tier-up budget. V8 compiles hot WebAssembly again with
 * TurboFan on a background thread; llhttp's parser turns hot within a 1 MiB install, and that
 * compile took ~170 M instructions (callgrind), ~45 ms of CPU on a 2-core machine: more than the
 * whole of that install's HTTP parsing. Its baseline (Liftoff) code parses headers and hands
 * bodies on by span, so it stays. As a node flag the budget would cost more than it saves: V8
 * rejects every code cache (Node's own built-ins', lib/code-cache) made under other flags.
 * So it is set while undici compiles and instantiates the module (synchronously, right after
 * requiring its bytes) and set back to the runtime's value at the next microtask.
 */
const LLHTTP_TIERING = (wasmModule: string) => `
const v8 = process.getBuiltinModule('node:v8');
v8.setFlagsFromString('--wasm-tiering-budget=${100 * V8_WASM_TIERING_BUDGET}');
queueMicrotask(() => v8.setFlagsFromString('--wasm-tiering-budget=${V8_WASM_TIERING_BUDGET}'));
module.exports = require(${JSON.stringify(wasmModule)});
`;

/**
 * node:assert as undici's parts and minizlib (node-tar's) use it: a call with the value and at most
 * a message (test/scripts/bundle-contents.test.ts checks their sources). A failed invariant still
 * throws, with node:assert's code.
 */
export const ASSERT_STAND_IN_PACKAGES = ['undici', 'minizlib'];
export const ASSERT_STAND_IN = `
module.exports = function assert(value, message) {
  if (value) return;
  const err = message instanceof Error ? message : new Error(message ?? 'an internal invariant does not hold');
  err.code ??= 'ERR_ASSERTION';
  throw err;
};
`;

/**
 * Bundles take undici by parts (UNDICI_PARTS), never HTTP/2 (we speak HTTP/1.1 only; undici's
 * HTTP/2 client requires node:http2 at its top level, which loads readline and the REPL's history:
 * it gets a module that throws, so undici's guarded `require` falls back as on a runtime without it),
 * and never fetch's FormData body code.
 */
export const slimUndici: Plugin = {
  name: 'slim-undici',
  setup(b) {
    substitute(b, { namespace: 'slim-undici', filter: /^undici$/, contents: () => UNDICI_PARTS });
    substitute(b, {
      namespace: 'no-http2',
      filter: /^(node:)?http2$/,
      importer: /node_modules\/undici\//,
      contents: () => "throw new Error('HTTP/2 is not part of this bundle');",
    });
    // undici reads two things of node:http, whose loading costs ~3 ms (its client, server and agent):
    // the default response header cap (Node's default, 16 KiB; the shims pass no --max-http-header-size)
    // and IncomingMessage's identity (to unhook a node:http response it destroys: we never give it one).
    substitute(b, {
      namespace: 'undici-http',
      filter: /^(node:)?http$/,
      importer: /node_modules\/undici\//,
      contents: () => 'module.exports = { IncomingMessage: class IncomingMessage {}, maxHeaderSize: 16 * 1024 };',
    });
    // undici's parts and minizlib call node:assert only as assert(value) on their own invariants;
    // loading the module costs ~1.5 ms (7 of Node's modules: the assertion error's diff and colours).
    substitute(b, {
      namespace: 'assert-stand-in',
      filter: /^(node:)?assert$/,
      importer: new RegExp(`node_modules/(${ASSERT_STAND_IN_PACKAGES.join('|')})/`),
      contents: () => ASSERT_STAND_IN,
    });
    // llhttp, undici's HTTP/1.1 parser, is WebAssembly; see LLHTTP_TIERING.
    substitute(b, {
      namespace: 'llhttp-tiering',
      filter: /^\.\.\/llhttp\/llhttp(_simd)?-wasm\.js$/,
      importer: /node_modules\/undici\/lib\/dispatcher\/client-h1\.js$/,
      contents: LLHTTP_TIERING,
    });
    // FormData request bodies (fetch's body mixins, ~150 KB): undici's core requires them only for
    // such a body, which we never send; one would fail with this error instead.
    substitute(b, {
      namespace: 'no-formdata',
      filter: /^\.\.\/web\/(fetch\/body|fetch\/formdata|webidl)(\.js)?$/,
      importer: /node_modules\/undici\/lib\/(core|dispatcher)\//,
      contents: () => "throw new Error('FormData request bodies are not part of this bundle');",
    });
  },
};

/**
 * Gives imports matching `filter` from files matching `importer` (default: any file) the module
 * `contents(specifier)` instead, in a namespace of its own, resolving what it requires from the
 * importer's directory. Keyed by the specifier as written, so no path of this checkout ends up in the bundle.
 */
function substitute(
  b: PluginBuild,
  rule: { namespace: string; filter: RegExp; importer?: RegExp; contents: (specifier: string) => string },
): void {
  b.onResolve({ filter: rule.filter }, (args) =>
    !rule.importer || rule.importer.test(args.importer)
      ? { path: args.path, namespace: rule.namespace, pluginData: args.resolveDir }
      : undefined,
  );
  b.onLoad({ filter: /.*/, namespace: rule.namespace }, (args) => ({
    contents: rule.contents(args.path),
    resolveDir: args.pluginData as string,
    loader: 'js',
  }));
}

/**
 * Node.js built-ins by `process.getBuiltinModule()` instead of ESM imports. An ESM import of a
 * built-in reads every export of it first, getters included: `import { readFileSync } from
 * 'node:fs'` loads fs/promises, readline and the REPL history (34 internal modules), `node:process`
 * the stdio streams, `node:http` Node's own undici. As a CommonJS value, only what is used is
 * read. `require()` calls (undici's) stay as they are: they never read more than they use.
 */
export const builtinsOnUse: Plugin = {
  name: 'builtins-on-use',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      if (args.kind !== 'import-statement' || !isBuiltin(args.path)) return undefined;
      const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      // One stand-in per package: esbuild starts a module whole, and a package taking the whole
      // built-in (minizlib: `import * as zlib`) keeps every export, each read when it starts. Shared,
      // that loaded node:zlib (and 15 of Node's modules, ~3 ms) as soon as our extractor started, for
      // raw assets too; now it loads when node-tar starts, or on our first call.
      const pkg = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(args.importer)?.[1];
      return { path: pkg ? `${name}#${pkg}` : name, namespace: 'builtin-on-use' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-on-use' }, (args) => ({
      contents: builtinModuleSource(args.path.replace(/#.*/, '')),
      loader: 'js',
    }));
  },
};

/**
 * An ES module standing for built-in `name`, loaded on first use: a function (lowercase: not a class)
 * is exported as one that calls the built-in's, a class or other data property as its value, read
 * when the importing module starts, as is the default export (the whole module: minipass and
 * minizlib, in the lazy extractor, take it); a getter such as fs.promises is left out, so importing
 * it fails the compile. Loading node:crypto costs ~8 ms and node:fs/promises ~3 ms
 * (CPU profile of a 1 MiB build): a module importing createHash no longer pays that at start-up, only
 * its first call does. node:process is the global (getBuiltinModule would read its stdio getters).
 */
function builtinModuleSource(name: string): string {
  const value = process.getBuiltinModule(name) as Record<string, unknown>;
  const names = Object.keys(Object.getOwnPropertyDescriptors(value)).filter(
    (key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default' && 'value' in Object.getOwnPropertyDescriptor(value, key)!,
  );
  const load =
    name === 'node:process'
      ? 'const load = () => process;'
      : `let m;\nconst load = () => (m ??= process.getBuiltinModule(${JSON.stringify(name)}));`;
  return [
    load,
    'export default /* @__PURE__ */ (() => load())();',
    ...names.map((key) =>
      typeof value[key] === 'function' && /^[a-z]/.test(key)
        ? `export function ${key}(...args) { return load().${key}(...args); }`
        : `export const ${key} = /* @__PURE__ */ (() => load().${key})();`,
    ),
  ].join('\n');
}

/**
 * @iarna/toml's index also loads its stream parser, which requires node:stream (~20 of Node's
 * internal modules, for detect too); we call only parse (of strings) and stringify.
 */
const tomlParts: Plugin = {
  name: 'toml-parts',
  setup(b) {
    substitute(b, {
      namespace: 'toml-parts',
      filter: /^@iarna\/toml$/,
      // The parser is evaluated on its first call: descriptors usually take descriptor/simple-toml.ts's fast path.
      contents: () =>
        "module.exports = { parse: (text) => require('@iarna/toml/parse-string.js')(text), stringify: require('@iarna/toml/stringify.js') };",
    });
  },
};

/**
 * semver's functions evaluated on their first call instead of at start-up: its modules build ~40
 * regular expressions as they load (re.js), ~1 ms of detect's CPU (profile of 16 entries), though
 * detect calls semver only for an entry with an `update` key. Each `import f from 'semver/<path>'` in
 * our sources gets a function that requires the real one on its first call (bundled all the same).
 */
const semverOnUse: Plugin = {
  name: 'semver-on-use',
  setup(b) {
    substitute(b, {
      namespace: 'semver-on-use',
      filter: /^semver\/(functions|ranges)\/[a-z-]+\.js$/,
      importer: /\/src\//,
      contents: (specifier) =>
        `let f;\nexport default function semverOnUse(...args) { return (f ??= require(${JSON.stringify(specifier)}))(...args); }`,
    });
  },
};

/** How lib/ is bundled: lib/cli.mjs, and the bundle-contents test's view of what a phase loads before its first import(). */
export const LIB_BUNDLE = {
  ...ESM_BUNDLE,
  outExtension: { '.js': '.mjs' },
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: false,
  legalComments: 'linked',
  chunkNames: 'chunk-[name]-[hash]',
  plugins: [slimUndici, builtinsOnUse, tomlParts, semverOnUse],
  // undici's own flag for "bundled": skips its experimental Milo parser (parser-h1.js); llhttp stays.
  define: { esbuildDetection: 'true' },
} as const satisfies BuildOptions;

/**
 * lib/build.cjs and lib/detect.cjs: LIB_BUNDLE as one classic script each. V8 can cache the code of a
 * script after it ran (every function it compiled, not only the top level as for an ES module), which
 * is what lib/code-cache ships; CommonJS has no chunks, and needs neither the require banner nor
 * import.meta (the loader gives the bundle __dirname, lib/).
 */
const PHASE_BUNDLE = {
  ...LIB_BUNDLE,
  format: 'cjs',
  banner: {},
  outExtension: { '.js': '.cjs' },
  define: { ...LIB_BUNDLE.define, 'import.meta.dirname': '__dirname' },
} as const satisfies BuildOptions;

/** The bundles lib/boot.cjs runs (src/main/boot.ts names them too). */
const PHASES = ['build.ts', 'detect.ts'];
/** The loader (src/main/boot.ts), emitted by emitLoader. */
const LOADER = 'boot.ts';

/** Bundles src/main/*.ts into `outdir` (<phase>.cjs, boot.cjs, cli.mjs), trains their code caches; returns the entry file names. */
export async function compile(outdir = join(root, 'lib')): Promise<string[]> {
  const entries = readdirSync(join(root, 'src', 'main')).filter((f) => f.endsWith('.ts'));
  // A code cache is checked against its bundle's length only: none may outlive the compile that made it.
  // Chunks and .mjs phase bundles are an earlier layout's.
  for (const f of existsSync(outdir) ? readdirSync(outdir) : [])
    if (f === CODE_CACHE_DIR || f.startsWith('chunk-') || /^(build|detect)\.mjs/.test(f) || f === 'compile-cache')
      rmSync(join(outdir, f), { recursive: true });
  for (const f of entries) {
    const entryPoints = [join(root, 'src', 'main', f)];
    if (f === LOADER) emitLoader(outdir);
    else await build({ ...(PHASES.includes(f) ? PHASE_BUNDLE : LIB_BUNDLE), outdir, entryPoints });
  }
  await emitNodeGuard(outdir);
  // For the node compiling (the pinned runtime via npm run compile / bench/run.sh); scripts/package.ts
  // trains one per target with the runtime it ships.
  await writeCodeCaches(outdir, [process.execPath]);
  return entries;
}

/** Writes `outdir`/boot.cjs, the loader of the phase bundles, as readable CommonJS (it is small, and not cached). */
export function emitLoader(outdir: string): void {
  buildSync({
    entryPoints: [join(root, 'src', 'main', LOADER)],
    outfile: join(outdir, 'boot.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: ESM_BUNDLE.target,
    logLevel: 'warning',
  });
}

/** The file name of the guard in lib/ (the shims and scripts/package.ts name it too). */
export const NODE_GUARD = 'node-guard.cjs';

/** Writes `outdir`/node-guard.cjs: src/node-guard/ with `version` built in, as CommonJS in
 *  Node 12 syntax so that any node the shims may find parses it (`node -r` loads it first). */
export async function emitNodeGuard(outdir: string, version = runtimeVersion): Promise<void> {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`runtime.json version ${JSON.stringify(version)} is not a release version (x.y.z)`);
  await build({
    entryPoints: [join(root, 'src', 'node-guard', 'preload.ts')],
    outfile: join(outdir, NODE_GUARD),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node12',
    define: { BUILT_FOR: JSON.stringify(version) },
    logLevel: 'warning',
    legalComments: 'none',
  });
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const outdir = (args.includes('--outdir') ? args[args.indexOf('--outdir') + 1] : undefined) ?? join(root, 'lib');
  const entries = await compile(outdir);
  console.error(`compiled ${entries.join(', ')} -> ${outdir}`);
}
