// The one writer of the files a buildpack hands the CNB lifecycle: the build plan, each
// `<layer>.toml` and its SBOM files, and `launch.toml` (cnb-notes §3). Writes what the phases
// return; decides nothing, and knows nothing about GitHub.

// Synchronous writes, and so synchronous functions: a few small files, written in order anyway; and fs/promises would cost detect
// ~20 more of Node's internal modules (readline, streams) and the thread pool's start.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { fromFsError } from '../errors.js';
import { ExitCode } from './run.js';

export interface LayerTypes {
  launch: boolean;
  build: boolean;
  cache: boolean;
}

/** A layer's record as the lifecycle reads it: `<name>.toml` ([types], [metadata]) and its SBOM files. */
export interface LayerOutput {
  name: string;
  types: LayerTypes;
  metadata: object;
  /** SBOM files by extension (`cdx.json` → `<name>.sbom.cdx.json`), already serialised. */
  sbom: Record<string, string>;
}

export interface LaunchOutput {
  labels: { key: string; value: string }[];
}

export interface BuildPlan {
  provides: { name: string }[];
  requires: { name: string; metadata?: Record<string, unknown> }[];
}

function sbomPath(layersDir: string, layer: string, extension: string): string {
  return join(layersDir, `${layer}.sbom.${extension}`);
}

/**
 * Writes a layer's SBOM files, then `<name>.toml` last: the TOML is the commit record, so a
 * build killed in between leaves a layer no later build reuses (layers/store.ts commitLayerDir).
 */
export function writeLayer(layersDir: string, layer: LayerOutput): void {
  for (const [extension, text] of Object.entries(layer.sbom)) {
    try {
      writeFileSync(sbomPath(layersDir, layer.name, extension), text);
    } catch (err) {
      throw fromFsError(err, `writing the SBOM of layer ${layer.name}`);
    }
  }
  writeLayerToml(layersDir, layer.name, layer.types, layer.metadata);
}

/** `<name>.toml`, replaced atomically (written aside, renamed over). */
export function writeLayerToml(layersDir: string, name: string, types: LayerTypes, metadata: object): void {
  const text = TOML.stringify({ types, metadata } as unknown as TOML.JsonMap);
  const path = join(layersDir, `${name}.toml`);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fromFsError(err, `writing ${name}.toml`);
  }
}

function writeLaunch(layersDir: string, launch: LaunchOutput): void {
  try {
    writeFileSync(join(layersDir, 'launch.toml'), TOML.stringify(launch as unknown as TOML.JsonMap));
  } catch (err) {
    throw fromFsError(err, 'writing launch.toml');
  }
}

function writePlan(planPath: string, plan: BuildPlan): void {
  writeFileSync(planPath, TOML.stringify(plan as unknown as TOML.JsonMap));
}

/** Detect's outcome as the lifecycle takes it: pass (0) with the plan written, or fail (100). */
export function writeDetectResult(planPath: string, result: { plan: BuildPlan } | 'fail'): number {
  if (result === 'fail') return ExitCode.Fail;
  writePlan(planPath, result.plan);
  return ExitCode.Pass;
}

/** What the build returns that is not written as it goes (layers are committed one by one): launch.toml. */
export function writeBuildResult(layersDir: string, result: { launch?: LaunchOutput }): void {
  if (result.launch) writeLaunch(layersDir, result.launch);
}
