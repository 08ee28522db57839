#!/usr/bin/env node
// Assembles the distributable buildpack under dist/: one ready directory and one .tgz per
// target (buildpack.toml, bin/ shims, lib/ bundles and their code caches trained by the target's
// runtime (arm64 under qemu-user on other hosts), runtime/ Node.js for that arch) plus the
// nested linux/<arch>/ layout `pack buildpack package` reads. Never edits sources or pins.
//   node scripts/package.ts [--arch amd64|arm64|all] [--out <dir>] [--lib <dir>] [--no-archive]
//   --lib uses prebuilt bundles (boot.cjs, detect.cjs, build.cjs) instead of compiling src/main/.
// Multi-arch image: cd dist/multiarch && pack buildpack package <image> --config package.toml --publish
// (pack reads [[targets]] from ./buildpack.toml and copies it into linux/<arch>/ itself, so
// run it from that directory or pass --path dist/multiarch instead of --config.)
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { readCheckedVersion } from './check-version.ts';
import { NODE_GUARD } from './compile.ts';
import { writeCodeCaches } from './code-cache.ts';
import { CODE_CACHE_DIR } from '../src/main/boot.ts';
import { ensureRuntime } from './runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ARCHES = ['amd64', 'arm64'];
const REQUIRED_BUNDLES = ['boot.cjs', 'detect.cjs', 'build.cjs'];
// Archive entries get one fixed time so the same inputs give the same bytes.
const FIXED_MTIME = new Date(Number(process.env.SOURCE_DATE_EPOCH ?? 315532801) * 1000);

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return (i >= 0 ? args[i + 1] : undefined) || fallback;
}

/** Copies `from` to `to` with `mode`. `link` hard-links instead (for the 150 MB runtime, which
 *  nothing edits), falling back to a copy across filesystems. */
function place(from: string, to: string, mode: number, { link = false } = {}): void {
  mkdirSync(dirname(to), { recursive: true });
  rmSync(to, { force: true });
  try {
    if (!link) throw new Error('copy');
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
  chmodSync(to, mode);
}

function compileBundles(outDir: string): string {
  const libDir = join(outDir, '.work', 'lib');
  rmSync(libDir, { recursive: true, force: true });
  execFileSync(process.execPath, [join(root, 'scripts', 'compile.ts'), '--outdir', libDir], { stdio: 'inherit' });
  return libDir;
}

function checkBundles(libDir: string): void {
  const missing = REQUIRED_BUNDLES.filter((f) => !existsSync(join(libDir, f)));
  if (missing.length > 0) {
    throw new Error(`bundles missing from ${libDir}: ${missing.join(', ')} (does src/main/ have detect.ts and build.ts?)`);
  }
}

/** Writes one target's files into `dir` (replacing it): the exact set the package ships. */
function stageTarget(dir: string, arch: string, libDir: string, { withDescriptor }: { withDescriptor: boolean }): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (withDescriptor) place(join(root, 'buildpack.toml'), join(dir, 'buildpack.toml'), 0o644);
  for (const shim of ['detect', 'build']) place(join(root, 'bin', shim), join(dir, 'bin', shim), 0o755);
  for (const file of readdirSync(libDir).sort()) {
    // The shims run the runtime shipped here unguarded (it is the bundles' version): no node guard.
    // The code caches are the compiling node's: each target's are trained by its own runtime.
    if (file === NODE_GUARD || file === CODE_CACHE_DIR) continue;
    if (statSync(join(libDir, file)).isFile()) place(join(libDir, file), join(dir, 'lib', file), 0o644);
  }
  const runtime = ensureRuntime(arch);
  place(join(runtime, 'bin', 'node'), join(dir, 'runtime', 'bin', 'node'), 0o755, { link: true });
  place(join(runtime, 'LICENSE'), join(dir, 'runtime', 'LICENSE'), 0o644);
  for (const sub of ['', 'bin', 'lib', 'runtime', 'runtime/bin']) chmodSync(join(dir, sub), 0o755);
}

/** Debian's arm64 libraries, for running the arm64 runtime under qemu-user on another host. */
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

/** How to run `arch`'s node here: itself on its own architecture, under qemu-aarch64 for arm64 elsewhere, else not at all. */
function runtimeCommand(arch: string, node: string): string[] | undefined {
  if ((arch === 'amd64' ? 'x64' : arch) === process.arch) return [node];
  const qemu = ['/usr/bin/qemu-aarch64', '/usr/bin/qemu-aarch64-static'].find((p) => existsSync(p));
  if (arch === 'arm64' && qemu && existsSync(join(ARM64_SYSROOT, 'lib', 'ld-linux-aarch64.so.1'))) return [qemu, '-L', ARM64_SYSROOT, node];
  return undefined;
}

/**
 * lib/code-cache for the target staged in `dir`, trained by the runtime it ships (scripts/code-cache.ts);
 * copied from `from` when that target was already done. Without a way to run that runtime here the
 * package ships none (the loader then compiles the bundles, only slower to start).
 */
async function stageCodeCache(dir: string, arch: string, from?: string): Promise<void> {
  const target = join(dir, 'lib', CODE_CACHE_DIR);
  if (from && existsSync(join(from, 'lib', CODE_CACHE_DIR))) {
    cpSync(join(from, 'lib', CODE_CACHE_DIR), target, { recursive: true });
    for (const sub of listTree(target)) chmodSync(join(target, sub), 0o644);
    chmodSync(target, 0o755);
    return;
  }
  const runtime = runtimeCommand(arch, join(dir, 'runtime', 'bin', 'node'));
  if (!runtime) {
    console.error(
      `package: no code cache for ${arch}: cannot run its runtime here (apt-get install qemu-user libc6-arm64-cross libstdc++6-arm64-cross)`,
    );
    return;
  }
  await writeCodeCaches(join(dir, 'lib'), runtime);
}

/** Every path under `dir`, directories before their contents, sorted bytewise. */
function listTree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) out.push(rel, ...listTree(dir, rel));
    else out.push(rel);
  }
  return out;
}

/** Digest of paths, modes and contents: unchanged digest means the archive can be kept. */
function treeDigest(dir: string, entries: string[]): string {
  const hash = createHash('sha256');
  hash.update(`mtime:${FIXED_MTIME.getTime()}\n`);
  for (const rel of entries) {
    const st = statSync(join(dir, rel));
    hash.update(`${rel}\0${(st.mode & 0o7777).toString(8)}\0`);
    if (st.isFile()) hash.update(readFileSync(join(dir, rel)));
    hash.update('\n');
  }
  return hash.digest('hex');
}

async function archive(dir: string, file: string): Promise<boolean> {
  const entries = listTree(dir);
  const digest = treeDigest(dir, entries);
  const stamp = join(dirname(file), '.stamps', `${basename(file)}.inputs`);
  if (existsSync(file) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return false;
  rmSync(file, { force: true });
  await tar.create(
    {
      file,
      cwd: dir,
      gzip: { level: 6 },
      mtime: FIXED_MTIME,
      noDirRecurse: true,
      noPax: true,
      // Owner root (0/0), no user or group names, whoever packages; modes stay as staged.
      onWriteEntry: (entry) => {
        const stat = entry.stat;
        if (!stat) throw new Error(`tar: no file status for ${entry.path}`); // always set for entries read from disk
        stat.uid = 0;
        stat.gid = 0;
        entry.myuser = '';
        // node-tar also records atime and ctime in the header; pin them like mtime.
        stat.atime = FIXED_MTIME;
        stat.ctime = FIXED_MTIME;
      },
    },
    entries,
  );
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, digest);
  return true;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outDir = option(args, '--out', join(root, 'dist'));
  const archArg = option(args, '--arch', 'all');
  const arches = archArg === 'all' ? ARCHES : [archArg];
  if (!arches.every((a) => ARCHES.includes(a))) throw new Error(`unknown --arch ${archArg}; use amd64, arm64 or all`);

  const started = Date.now();
  const version = readCheckedVersion(root);
  const name = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name;
  const libDir = args.includes('--lib') ? option(args, '--lib', '') : compileBundles(outDir);
  checkBundles(libDir);

  const multiarch = join(outDir, 'multiarch');
  mkdirSync(multiarch, { recursive: true });
  place(join(root, 'buildpack.toml'), join(multiarch, 'buildpack.toml'), 0o644);
  rmSync(join(multiarch, 'package.toml'), { force: true });
  writeFileSync(join(multiarch, 'package.toml'), '[buildpack]\nuri = "."\n', { mode: 0o644 });

  for (const arch of arches) {
    const targetDir = join(outDir, `linux-${arch}`);
    stageTarget(targetDir, arch, libDir, { withDescriptor: true });
    await stageCodeCache(targetDir, arch);
    stageTarget(join(multiarch, 'linux', arch), arch, libDir, { withDescriptor: false });
    await stageCodeCache(join(multiarch, 'linux', arch), arch, targetDir);
    if (!args.includes('--no-archive')) {
      const file = join(outDir, `${name}-${version}-linux-${arch}.tgz`);
      const wrote = await archive(targetDir, file);
      console.error(`${wrote ? 'wrote' : 'kept'} ${relative(process.cwd(), file) || file}`);
    }
    console.error(`staged ${relative(process.cwd(), targetDir) || targetDir}`);
  }
  rmSync(join(outDir, '.work'), { recursive: true, force: true });
  console.error(`packaged ${name} ${version} (${arches.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((err) => {
  console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
