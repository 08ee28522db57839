// Layer files in this buildpack's layers dir: reading `<name>.toml`'s metadata, the layer
// directory, and the commit of a staged directory into place (metadata retracted first, so
// it never describes other content). Writing TOML and SBOM is cnb/output.ts's. No GitHub.

import { lstat, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { fromFsError } from '../errors.js';

/** Files in the layers dir that are not layers (cnb-notes §3). */
const NON_LAYER_TOML = new Set(['launch.toml', 'build.toml', 'store.toml']);
/** Prefix of this buildpack's scratch dirs inside the layers dir (never a layer: no .toml). */
const WORK_PREFIX = '.gha-work-';

export function layerDir(layersDir: string, name: string): string {
  return join(layersDir, name);
}

/** The `[metadata]` table of a restored or existing `<name>.toml`, or undefined. */
export async function readLayerMetadata(layersDir: string, name: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(layersDir, `${name}.toml`), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return (TOML.parse(text) as { metadata?: unknown }).metadata;
  } catch {
    return undefined; // a damaged record only means nothing is reused
  }
}

/** Names of layers present in the layers dir (a `<name>.toml`), e.g. restored from a previous build. */
export async function listLayers(layersDir: string): Promise<string[]> {
  const names = await readdir(layersDir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.toml') && !NON_LAYER_TOML.has(n) && !n.startsWith('.')).map((n) => n.slice(0, -'.toml'.length));
}

/** Removes a layer completely: TOML, directory and SBOM files. */
export async function removeLayer(layersDir: string, name: string): Promise<void> {
  const entries = await readdir(layersDir).catch(() => [] as string[]);
  const doomed = entries.filter((n) => n === name || n === `${name}.toml` || n.startsWith(`${name}.sbom.`));
  await Promise.all(doomed.map((n) => rm(join(layersDir, n), { recursive: true, force: true })));
}

export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** A scratch dir on the same filesystem as the layers, so staged content can be renamed into place. */
export async function createWorkDir(layersDir: string): Promise<string> {
  try {
    return await mkdtemp(join(layersDir, WORK_PREFIX));
  } catch (err) {
    throw fromFsError(err, 'creating a work directory in the layers dir');
  }
}

/** Removes scratch dirs a killed build may have left behind. */
export async function removeStaleWorkDirs(layersDir: string): Promise<void> {
  const entries = await readdir(layersDir).catch(() => [] as string[]);
  await Promise.all(entries.filter((n) => n.startsWith(WORK_PREFIX)).map((n) => rm(join(layersDir, n), { recursive: true, force: true })));
}

/**
 * The first half of a layer commit: removes `<name>.toml` and the layer's SBOM files, so
 * that from now until the caller writes them anew no metadata claims to describe the dir.
 * A build killed anywhere in between leaves a dir without metadata, which the next build
 * never reuses; it cannot leave one version's content under another's metadata.
 * Then swaps `stagedDir` in (when that fails, the old dir and its metadata are put back).
 * The caller writes the SBOM, then `<name>.toml` last: the TOML is the commit record.
 */
export async function commitLayerDir(layersDir: string, name: string, stagedDir: string, workDir: string): Promise<void> {
  const entries = await readdir(layersDir).catch(() => [] as string[]);
  // The TOML first: once it is gone, a stale SBOM is harmless (nothing reads it to reuse).
  const records = [`${name}.toml`, ...entries.filter((e) => e.startsWith(`${name}.sbom.`))].filter((n) => entries.includes(n));
  const saved = new Map<string, string>();
  try {
    for (const n of records) {
      saved.set(n, await readFile(join(layersDir, n), 'utf8'));
      await rm(join(layersDir, n), { force: true });
    }
  } catch (err) {
    throw fromFsError(err, `retracting the metadata of layer ${name}`);
  }
  try {
    await swapLayerDir(layersDir, name, stagedDir, workDir);
  } catch (err) {
    // The previous dir is back in place (swapLayerDir undoes itself): so is what described it.
    for (const [n, text] of saved) await writeFile(join(layersDir, n), text).catch(() => {});
    throw err;
  }
}

/**
 * Puts `stagedDir` in place as layer `name`. The previous directory, if any, is moved aside
 * first and put back if the swap fails, so a failure never leaves a half-replaced layer.
 */
export async function swapLayerDir(layersDir: string, name: string, stagedDir: string, workDir: string): Promise<void> {
  const target = layerDir(layersDir, name);
  const aside = join(workDir, `previous-${name}`);
  let hadPrevious = true;
  try {
    // Moving the previous dir aside is also the look whether there is one (no lstat first).
    await rename(target, aside).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      hadPrevious = false;
    });
    try {
      await rename(stagedDir, target);
    } catch (err) {
      if (hadPrevious) await rename(aside, target);
      throw err;
    }
  } catch (err) {
    throw fromFsError(err, `moving layer ${name} into place`);
  }
  if (hadPrevious) await rm(aside, { recursive: true, force: true });
}
