// Build: a function from the build context and injected services (main/build.ts) to a result:
// the layers with their metadata, SBOM and state, the launch label and the executables. It
// composes the units in build/: resolve → one layer unit per layer (restore, decide, install,
// stage, commit) → summary. launch.toml is written by the caller through cnb/output.ts.

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildContext } from '../cnb/context.js';
import { writeLayerToml, type LaunchOutput } from '../cnb/output.js';
import { loadDescriptor } from '../descriptor/read.js';
import { groupByLayer } from '../layers/reuse.js';
import { createWorkDir, exists, layerDir, listLayers, removeLayer, removeStaleWorkDirs } from '../layers/store.js';
import { mapLimit } from '../util/concurrency.js';
import { TUF_CACHE_LAYER } from '../verify/trust-names.js';
import { buildLayer, loadRestored } from './build/layer.js';
import { resolveAll } from './build/resolve.js';
import { scrubCommittedTokens } from './build/scrub-tokens.js';
import type { BuildResult, BuildServices } from './build/services.js';
import { logSummary, NO_COUNTS, sumCounts } from './build/summary.js';

export type { BuildResult, BuildServices, DownloadRequest } from './build/services.js';
export { testHoldFrom } from './build/services.js';

/** Image label listing the absolute path of every installed executable. */
export const EXECUTABLES_LABEL = 'io.github-assets.executables';

export async function build(ctx: BuildContext, services: BuildServices): Promise<BuildResult> {
  const { log } = services;
  log.title(`${ctx.buildpack.name} ${ctx.buildpack.version}`);
  const descriptor = loadDescriptor(ctx.appDir, ctx.settings.descriptorPath);
  if (!descriptor || descriptor.specs.length === 0) {
    log.info('No [[metadata.githubassets]] entries found; nothing to install.');
    return { layers: [], executables: [], counts: NO_COUNTS };
  }
  await scrubCommittedTokens(ctx, descriptor, log);
  await mkdir(ctx.layersDir, { recursive: true });
  await removeStaleWorkDirs(ctx.layersDir);

  const groups = groupByLayer(descriptor.specs);
  const restored = new Map(await Promise.all(groups.map(async (g) => [g.name, await loadRestored(ctx.layersDir, g.name)] as const)));
  const resolved = await resolveAll(ctx, descriptor.specs, restored, services);
  const workDir = await createWorkDir(ctx.layersDir);
  const started = Date.now();
  try {
    // Layers build side by side (the downloader bounds how many downloads run at once); on a
    // failure mapLimit awaits the layers already started before the work dir is removed.
    const built = await mapLimit(groups, groups.length, (group) => {
      const entries = group.specs.map((spec) => resolved.get(spec.index)!);
      return buildLayer(ctx, { name: group.name, entries, previous: restored.get(group.name)!, workDir }, services);
    });
    const layers = built.map((b) => b.layer);
    const executables = layers.flatMap((layer) =>
      layer.metadata.entries.flatMap((record) => record.executables.map((exe) => join(layerDir(ctx.layersDir, layer.name), exe))),
    );
    await keepTufCache(ctx.layersDir);
    await removeUnusedLayers(ctx.layersDir, new Set([...groups.map((g) => g.name), TUF_CACHE_LAYER]));
    const counts = sumCounts(built.map((b) => b.counts));
    logSummary(log, { executables, counts, assets: descriptor.specs.length, layers: groups.length, elapsedMs: Date.now() - started });
    return { layers, launch: launchFor(executables), executables, counts };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** launch.toml: an image label listing every installed executable, for docker/pack inspect. */
function launchFor(executables: string[]): LaunchOutput {
  return { labels: [{ key: EXECUTABLES_LABEL, value: JSON.stringify(executables) }] };
}

/** The TUF metadata cache (verify/trust-root.ts) is a cache-only layer: kept between builds, never in the image. */
async function keepTufCache(layersDir: string): Promise<void> {
  if (await exists(layerDir(layersDir, TUF_CACHE_LAYER))) {
    writeLayerToml(layersDir, TUF_CACHE_LAYER, { launch: false, build: false, cache: true }, {});
  }
}

/** Layers restored from a previous build for entries that are gone from the descriptor. */
async function removeUnusedLayers(layersDir: string, keep: Set<string>): Promise<void> {
  for (const name of await listLayers(layersDir)) {
    if (!keep.has(name)) await removeLayer(layersDir, name);
  }
}
