#!/usr/bin/env node
// @ts-check
// Fetches the pinned Node.js runtime (runtime.json) from the npm registry's official
// runtime packages, verifies the tarball against the pinned sha512 integrity, and unpacks
// bin/node + LICENSE into .cache/runtime/<arch>/. Used by tests (to run on the shipped LTS)
// and by packaging (to ship it). Plain JS (type-checked through JSDoc) so it runs on whatever
// node the machine has (>= 20): it is the bootstrap that fetches the pinned one.
//   node scripts/runtime.mjs [--arch amd64|arm64|all] [--print]
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** @typedef {{ package: string, integrity: string }} RuntimePin */
/** @type {{ version: string, targets: Record<string, RuntimePin | undefined> }} */
const pins = JSON.parse(readFileSync(join(root, 'runtime.json'), 'utf8'));

/** @returns {'amd64' | 'arm64'} */
export function hostArch() {
  return process.arch === 'arm64' ? 'arm64' : 'amd64';
}

/** @param {string} arch @returns {string} */
export function runtimeDir(arch) {
  return join(root, '.cache', 'runtime', arch);
}

/** Returns the runtime dir for `arch` (bin/node, LICENSE), fetching and verifying it first if needed.
 * @param {string} arch @returns {string} */
export function ensureRuntime(arch) {
  const pin = pins.targets[arch];
  if (!pin) throw new Error(`no pinned runtime for arch ${arch} in runtime.json`);
  const dir = runtimeDir(arch);
  const marker = join(dir, '.integrity');
  const ready = () => existsSync(marker) && readFileSync(marker, 'utf8') === pin.integrity && existsSync(join(dir, 'bin', 'node'));
  if (ready()) return dir;
  const work = mkdtempSync(join(tmpdir(), 'gha-runtime-'));
  try {
    const spec = `${pin.package}@${pins.version}`;
    execFileSync('npm', ['pack', spec, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${spec} produced no tarball`);
    const [algo = '', expected] = pin.integrity.split('-', 2);
    const actual = createHash(algo)
      .update(readFileSync(join(work, tgz)))
      .digest('base64');
    if (actual !== expected) {
      throw new Error(`integrity mismatch for ${spec}: expected ${pin.integrity}, got ${algo}-${actual}`);
    }
    execFileSync('tar', ['-xzf', join(work, tgz), '-C', work, 'package/bin/node', 'package/LICENSE']);
    const staged = join(work, 'package');
    writeFileSync(join(staged, '.integrity'), pin.integrity);
    writeFileSync(join(staged, 'VERSION'), `${pins.version}\n`);
    // Parallel test workers may fetch the same runtime: keep whichever finished first.
    if (ready()) return dir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    try {
      renameSync(staged, dir);
    } catch (err) {
      if (!ready()) throw err;
    }
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const archArg = (args.includes('--arch') ? args[args.indexOf('--arch') + 1] : undefined) ?? hostArch();
  const arches = archArg === 'all' ? Object.keys(pins.targets) : [archArg];
  for (const arch of arches) {
    const dir = ensureRuntime(arch);
    if (args.includes('--print')) console.log(join(dir, 'bin', 'node'));
    else console.error(`runtime ${arch}: node ${pins.version} at ${dir}`);
  }
}
