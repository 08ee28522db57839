// Build: resolve every entry's release and asset, reuse what the previous build left when
// nothing changed, download and install the rest into staged layers, swap them into place,
// and print the absolute path of every installed executable. The services (GitHub client,
// downloader, extractor) are injected by the composition root.

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildpackError, fromFsError, isBuildpackError } from '../errors.js';
import TOML from '@iarna/toml';
import type { Logger } from '../log.js';
import { entryLabel, layerNameFor, type AssetSpec, type InstalledFile, type Release, type ReleaseAsset } from '../model.js';
import type { BuildContext } from '../cnb/context.js';
import {
  commitLayerDir,
  createWorkDir,
  exists,
  layerDir,
  listLayers,
  readLayerMetadata,
  removeLayer,
  removeStaleWorkDirs,
  writeLayerToml,
} from '../layers/store.js';
import { loadDescriptor, type LoadedDescriptor } from '../descriptor/read.js';
import { LayerAssembly } from '../layers/assemble.js';
import {
  previousRecordFor,
  resolvedFromRecord,
  decideEntry,
  groupByLayer,
  METADATA_FORMAT,
  parseLayerMetadata,
  recordFor,
  selectSpecOf,
  withSelection,
  type EntryDecision,
  type EntryRecord,
  type LayerMetadata,
  type ResolvedEntry,
} from '../layers/reuse.js';
import { registerSecret, safeUrl } from '../util/secrets.js';
import { selectAssetFor } from '../select/index.js';
import { specForTarget } from '../descriptor/parse.js';
import { createReleaseResolver, UNCHANGED, type ReleaseSource } from '../github/resolve.js';
import { credentialsFor, explainLookupError, type Credentials, type TokenLookup } from '../github/credentials.js';

/** Where a missing token variable is set for a build. */
const buildEnvHint = (name: string) => `${name} is not set in the build environment; pass it with pack build --env ${name}=<token>`;
import { parseTagSpec } from '../select/tags.js';
import { describeVerification, verifyDownload, type VerifySources } from '../verify/digest.js';
import { fetchChecksumsFor, type DownloadCap } from '../verify/checksums-fetch.js';
import { layerSbom, sbomFileName, serialiseSbom } from '../layers/sbom.js';
import { formatBytes, formatDuration } from '../util/format.js';
import { mapLimit } from '../util/concurrency.js';
import { blankValues, secretBuildEnvValues } from '../descriptor/scrub.js';
import type { NetworkConfig } from '../net/config.js';
import { directReleaseFor, isDirectAsset, type AssetCoordinates } from '../net/sources.js';
import type { AssetDownloadRequest } from '../net/downloader.js';
import type { ProvenanceChecker } from '../verify/provenance.js';
import type { VerifiedProvenance } from '../verify/attestations.js';
import { TUF_CACHE_LAYER } from '../verify/trust-names.js';

/** What the build asks the downloader for; coordinates let it map the asset to a mirror. */
export type DownloadRequest = AssetDownloadRequest & { coordinates: AssetCoordinates };

export interface InstallRequest {
  assetName: string;
  destination?: string;
  stripComponents: number;
  files?: string[];
  entry: string;
  /** The downloaded file is not needed after install (a raw asset may be moved, not copied). */
  consumeInput?: boolean;
}

export interface BuildServices {
  github: ReleaseSource;
  download(request: DownloadRequest): Promise<{ sha256: string; bytes: number; via?: 'api' | 'mirror' | 'web' }>;
  install(file: string, outDir: string, request: InstallRequest): Promise<InstalledFile[]>;
  log: Logger;
  /** How many entries download at once. */
  concurrency: number;
  /** Fail entries without a pinned sha256 (GITHUB_ASSETS_STRICT). */
  strict: boolean;
  /** Mirror template and web host, for entries resolved without the API when it is rate limited. */
  network?: Pick<NetworkConfig, 'mirror' | 'serverUrl'>;
  /** Attestation and signed-checksums checks (verify/provenance.ts); absent means none. */
  provenance?: ProvenanceChecker;
  /**
   * Reads the token variable an entry names (token_env, else GITHUB_TOKEN): process env, then
   * <platform>/env. A lookup rather than a setting because the descriptor, not the buildpack, names it.
   */
  lookupToken: TokenLookup;
}

/** Image label listing the absolute path of every installed executable. */
export const EXECUTABLES_LABEL = 'io.github-assets.executables';

export interface BuildResult {
  layers: { name: string; metadata: LayerMetadata; reused: boolean }[];
  executables: string[];
  /** Entries downloaded this build and their bytes; entries reused from the previous build. */
  downloaded: number;
  downloadedBytes: number;
  reused: number;
}

const LAYER_TYPES = { launch: true, build: false, cache: true };

/** An entry ready to install: resolved, with its token and what steers its automatic selection (layers/reuse.ts selectSpecOf). */
type BuildEntry = ResolvedEntry & { creds: Credentials; selectSpec: string };

export async function build(ctx: BuildContext, services: BuildServices): Promise<BuildResult> {
  const { log } = services;
  log.title(`${ctx.buildpack.name} ${ctx.buildpack.version}`);
  const descriptor = loadDescriptor(ctx.appDir, ctx.settings.descriptorPath);
  if (!descriptor || descriptor.specs.length === 0) {
    log.info('No [[metadata.githubassets]] entries found; nothing to install.');
    return { layers: [], executables: [], downloaded: 0, downloadedBytes: 0, reused: 0 };
  }
  await scrubCommittedTokens(ctx, descriptor, log);
  await mkdir(ctx.layersDir, { recursive: true });
  await removeStaleWorkDirs(ctx.layersDir);

  const groups = groupByLayer(descriptor.specs);
  const restored = new Map<string, RestoredLayer>();
  await Promise.all(groups.map(async (group) => restored.set(group.name, await loadRestored(ctx.layersDir, group.name))));
  const resolved = await resolveAll(ctx, descriptor.specs, restored, services);
  const workDir = await createWorkDir(ctx.layersDir);
  const started = Date.now();
  const result: BuildResult = { layers: [], executables: [], downloaded: 0, downloadedBytes: 0, reused: 0 };
  try {
    // Layers build side by side; the downloader bounds how many downloads run at once.
    const layers = await mapLimit(groups, groups.length, (group) =>
      buildLayer(ctx, group.name, group.specs.map((spec) => resolved.get(spec.index)!), restored.get(group.name)!, workDir, services, result),
    );
    for (const [i, group] of groups.entries()) {
      const layer = layers[i]!;
      result.layers.push(layer);
      for (const record of layer.metadata.entries) {
        for (const exe of record.executables) result.executables.push(join(layerDir(ctx.layersDir, group.name), exe));
      }
    }
    await keepTufCache(ctx.layersDir);
    await removeUnusedLayers(ctx.layersDir, new Set([...groups.map((g) => g.name), TUF_CACHE_LAYER]));
    await writeLaunchToml(ctx.layersDir, result.executables);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  log.info('');
  if (result.executables.length > 0) {
    log.info('Installed executables (use these absolute paths in exec probes):');
    for (const exe of result.executables) log.detail(exe);
  }
  const parts = [
    ...(result.downloaded ? [`${result.downloaded} downloaded (${formatBytes(result.downloadedBytes)})`] : []),
    ...(result.reused ? [`${result.reused} reused from the previous build`] : []),
  ];
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  log.info(`Done in ${formatDuration(Date.now() - started)}: ${count(descriptor.specs.length, 'asset')} in ${count(groups.length, 'layer')}; ${parts.join(', ')}.`);
  return result;
}

/** What the previous build left for a layer, as the restorer brought it back. */
interface RestoredLayer {
  metadata: LayerMetadata | undefined;
  /** Whether every file a record lists is in the restored layer dir. */
  present: Map<EntryRecord, boolean>;
}

async function loadRestored(layersDir: string, name: string): Promise<RestoredLayer> {
  const metadata = parseLayerMetadata(await readLayerMetadata(layersDir, name));
  const dir = layerDir(layersDir, name);
  const dirPresent = await exists(dir);
  const present = new Map<EntryRecord, boolean>();
  await Promise.all((metadata?.entries ?? []).map(async (record) => present.set(record, dirPresent && (await allExist(dir, record.files)))));
  return { metadata, present };
}

/**
 * Resolves each entry's release (one API lookup per distinct repo, tag and credential) and
 * asset. An entry the previous build installed is checked conditionally (a 304 is free), and
 * an exact tag is reused as it was when the API cannot be reached.
 */
async function resolveAll(
  ctx: BuildContext,
  specs: AssetSpec[],
  restored: Map<string, RestoredLayer>,
  services: BuildServices,
): Promise<Map<number, BuildEntry>> {
  const resolver = createReleaseResolver(services.github);
  const out = new Map<number, BuildEntry>();
  await mapLimit(specs, services.concurrency, async (written) => {
    const spec = specForTarget(written, ctx.target);
    // credentialsFor trims: a newline from `echo token > file` is a common slip.
    const creds = credentialsFor(spec, services.lookupToken);
    const layer = restored.get(layerNameFor(spec));
    const selectSpec = selectSpecOf(spec, ctx.target.distro?.name);
    const previous = previousRecordFor(spec, layer?.metadata, selectSpec);
    const reusable = previous !== undefined && (layer?.present.get(previous) ?? false);
    let release: Release;
    try {
      const answer = reusable && previous.etag ? await resolver.resolveIfChanged(spec, creds, previous.etag) : await resolver.resolve(spec, creds);
      if (answer === UNCHANGED) {
        services.log.debug(`${entryLabel(spec)}: GitHub says ${previous!.tag} is unchanged (304)`);
        out.set(spec.index, { ...resolvedFromRecord(spec, previous!), creds, selectSpec });
        return;
      }
      release = answer;
    } catch (err) {
      if (reusable && isBuildpackError(err) && (err.code === 'GHA020' || err.code === 'GHA021') && parseTagSpec(spec.tag).kind === 'exact') {
        services.log.warn(`${entryLabel(spec)}: the GitHub API could not be reached (${err.message}); reusing ${previous!.asset} ${previous!.tag} from the previous build`);
        out.set(spec.index, { ...resolvedFromRecord(spec, previous!), creds, selectSpec });
        return;
      }
      // Rate limited, or unreachable with a mirror set: exact entries can do without the API.
      const network = services.network;
      const skippable = isBuildpackError(err) && network !== undefined && (err.code === 'GHA013' || (err.code === 'GHA020' && network.mirror !== undefined));
      // Automatic selection needs the asset list, which only the API has.
      const direct = skippable ? directReleaseFor(spec, creds.token, network) : undefined;
      if (!direct) throw explainLookupError(err, spec, creds, buildEnvHint);
      release = direct;
      services.log.warn(
        `${entryLabel(spec)}: the GitHub API is ${(err as BuildpackError).code === 'GHA013' ? 'rate limited' : 'unreachable'}; ` +
          `downloading ${spec.asset} directly from ${safeUrl(direct.assets[0]!.url)} (no API call, so no GitHub digest to compare)`,
      );
    }
    const selection = selectAssetFor(release, spec, ctx.target);
    for (const step of selection.steps ?? []) services.log.debug(`${entryLabel(spec)}: automatic selection: ${step}`);
    out.set(spec.index, { spec, release, asset: selection.asset, selection: { rule: selection.rule, reason: selection.reason }, creds, selectSpec });
  });
  return out;
}

/** Blanks tokens committed as [[build.env]] values in the app dir's copy of the descriptor, so they do not ship in the image. */
async function scrubCommittedTokens(ctx: BuildContext, descriptor: LoadedDescriptor, log: Logger): Promise<void> {
  const names = new Set(['GITHUB_TOKEN', ...descriptor.specs.flatMap((s) => (s.tokenEnv ? [s.tokenEnv] : []))]);
  const values = secretBuildEnvValues(descriptor.document, names);
  if (values.length === 0) return;
  for (const v of values) registerSecret(v);
  if (!descriptor.path.startsWith(ctx.appDir + '/')) return;
  try {
    await writeFile(descriptor.path, blankValues(descriptor.text, values));
    log.warn('a token is written in project.toml ([[build.env]]); it was blanked in the image copy of the file. Keep tokens out of project.toml: pass them with pack build --env NAME instead.');
  } catch {
    log.warn('a token is written in project.toml ([[build.env]]) and could not be blanked; it will be in the image. Pass tokens with pack build --env NAME instead.');
  }
}

async function buildLayer(
  ctx: BuildContext,
  name: string,
  entries: (BuildEntry)[],
  previous: RestoredLayer,
  workDir: string,
  services: BuildServices,
  tally: Pick<BuildResult, 'downloaded' | 'downloadedBytes' | 'reused'>,
): Promise<BuildResult['layers'][number]> {
  const { log } = services;
  const currentDir = layerDir(ctx.layersDir, name);
  const restored = previous.metadata;
  const decisions = entries.map((entry) => ({ entry, decision: provenanceStillHolds(entry, decideEntry(entry, restored, (r) => previous.present.get(r) ?? false), services) }));
  // Every entry reusable means the restored dir holds all their files; nothing else recorded: keep it as is.
  const unchanged = decisions.every((d) => d.decision.action === 'reuse') && restored?.entries.length === decisions.length;

  const records: EntryRecord[] = [];
  if (unchanged) {
    for (const { entry, decision } of decisions) {
      const record = (decision as Extract<EntryDecision, { action: 'reuse' }>).record;
      logEntryHeader(log, entry);
      log.detail(`Reused    ${record.asset} ${record.tag} from the previous build (unchanged, nothing downloaded)`);
      tally.reused++;
      records.push(withSelection(record, entry, entry.selectSpec));
    }
  } else {
    const staging = join(workDir, `layer-${name}`);
    await mkdir(staging, { recursive: true });
    const assembly = new LayerAssembly(staging);
    const fresh = await mapLimit(decisions, services.concurrency, async ({ entry, decision }) => {
      if (decision.action === 'reuse') return { entry, record: decision.record, tree: undefined };
      return installEntry(entry, decision.reason, workDir, services);
    });
    for (const { entry, record, tree } of fresh) {
      const label = entryLabel(entry.spec);
      if (tree) {
        await assembly.addTree(tree, label);
        tally.downloaded++;
        tally.downloadedBytes += record.size;
      } else {
        logEntryHeader(log, entry);
        log.detail(`Reused    ${record.asset} ${record.tag} from the previous build (unchanged, nothing downloaded)`);
        tally.reused++;
        await assembly.addFromPrevious(currentDir, record.files, label);
      }
      records.push(withSelection(record, entry, (entry as BuildEntry).selectSpec));
    }
    // Commit: the final containment check on disk, then metadata retracted, dir swapped in,
    // SBOM and TOML written (TOML last). A kill in between leaves a dir no build reuses.
    await assembly.verifyConfined();
    await commitLayerDir(ctx.layersDir, name, staging, workDir);
    await holdForTest(ctx.settings.testHold, 'after-swap', name);
  }
  const metadata: LayerMetadata = { format: METADATA_FORMAT, entries: records };
  const sbom = layerSbom({ layer: name, records, buildpack: ctx.buildpack });
  await writeFile(join(ctx.layersDir, sbomFileName(name)), serialiseSbom(sbom)).catch((err) => {
    throw fromFsError(err, `writing the SBOM of layer ${name}`);
  });
  await writeLayerToml(ctx.layersDir, name, LAYER_TYPES, metadata);
  return { name, metadata, reused: unchanged };
}

/**
 * Test-only pause point, so a test can SIGKILL a real build at the worst moment of a layer
 * commit: with GITHUB_ASSETS_TEST_HOLD=<point>:<marker file>, the build creates the marker
 * there and waits forever.
 */
async function holdForTest(hold: string | undefined, point: string, layer: string): Promise<void> {
  if (!hold || !hold.startsWith(`${point}:`)) return;
  await writeFile(hold.slice(point.length + 1), `${process.pid} ${layer}`);
  await new Promise(() => setInterval(() => {}, 60_000));
}

async function installEntry(
  entry: BuildEntry,
  reason: string,
  workDir: string,
  services: BuildServices,
): Promise<{ entry: ResolvedEntry; record: EntryRecord; tree: string }> {
  const label = entryLabel(entry.spec);
  const file = join(workDir, `download-${entry.spec.index}`);
  const tree = join(workDir, `entry-${entry.spec.index}`);
  await mkdir(tree, { recursive: true });
  const started = Date.now();
  try {
    const checksumsNotes: string[] = [];
    const [download, checksumsFile] = await Promise.all([
      services.download({ asset: entry.asset, token: entry.creds.token, tokenEnv: entry.creds.source, destFile: file, entry: label, coordinates: coordinatesOf(entry, entry.asset.name) }),
      fetchChecksums(entry, workDir, services, checksumsNotes),
    ]);
    const downloadedIn = Date.now() - started;
    // Verify before anything is extracted: a mismatch must never reach a layer.
    const verification = verifyDownload({
      entry: label,
      assetName: entry.asset.name,
      actual: download.sha256,
      sources: { githubDigest: entry.asset.digest, pinned: entry.spec.sha256, checksumsFile },
      strict: services.strict,
    });
    // Who built these bytes: checked before extraction too, so a refused asset never reaches a layer.
    const attested = services.provenance
      ? await services.provenance.checkAsset({ spec: entry.spec, entry: label, assetName: entry.asset.name, sha256: download.sha256, token: entry.creds.token, tokenEnv: entry.creds.source })
      : { notes: [] };
    const installed = await services.install(file, tree, {
      assetName: entry.asset.name,
      ...(entry.spec.destination !== undefined ? { destination: entry.spec.destination } : {}),
      stripComponents: entry.spec.stripComponents,
      ...(entry.spec.files ? { files: entry.spec.files } : {}),
      entry: label,
      consumeInput: true,
    });
    const record = recordFor(entry, download, installed, entry.selectSpec, attested.provenance);
    logEntryHeader(services.log, entry);
    const via = download.via === 'mirror' ? ' from the mirror' : isDirectAsset(entry.asset) ? ' from the web host, without the API' : '';
    services.log.detail(`Download  ${formatBytes(download.bytes)} in ${formatDuration(downloadedIn)}${via} (${reason})`);
    services.log.detail(`Verified  sha256:${download.sha256.slice(0, 16)}… ${describeVerification(verification)}`);
    for (const note of verification.notes) services.log.detail(`          ${note}`);
    logProvenance(services.log, attested.provenance, [...checksumsNotes, ...attested.notes]);
    services.log.detail(`Installed ${summariseFiles(record.files)}`);
    return { entry, record, tree };
  } catch (err) {
    throw isBuildpackError(err) ? err.forEntry(label) : err;
  } finally {
    await rm(file, { force: true });
  }
}

function coordinatesOf(entry: ResolvedEntry, asset: string): AssetCoordinates {
  return { owner: entry.spec.owner, repo: entry.spec.name, tag: entry.release.tag, asset };
}

/** Downloads and reads the release's checksums file for this asset, if there is one. */
function fetchChecksums(entry: BuildEntry, workDir: string, services: BuildServices, notes: string[]): Promise<VerifySources['checksumsFile']> {
  const label = entryLabel(entry.spec);
  const download = (asset: ReleaseAsset, destFile: string, cap?: DownloadCap) =>
    services.download({ asset, token: entry.creds.token, tokenEnv: entry.creds.source, destFile, entry: label, coordinates: coordinatesOf(entry, asset.name), ...cap });
  const provenance = services.provenance;
  // A signed checksums file is verified before any hash in it is trusted.
  const inspect = provenance
    ? async (sums: ReleaseAsset, bytes: Buffer) => {
        const fetchAsset = async (asset: ReleaseAsset) => {
          const dest = join(workDir, `signature-${entry.spec.index}-${asset.id}`);
          try {
            await download(asset, dest);
            return await readFile(dest);
          } finally {
            await rm(dest, { force: true });
          }
        };
        const checked = await provenance.checkChecksumsSignature({ spec: entry.spec, entry: label, sums, bytes, releaseAssets: entry.release.assets, fetchAsset });
        if (checked.provenance) notes.push(`${sums.name} signed by ${checked.provenance.signer_workflow}${checked.provenance.tlog_index ? ` (tlog entry ${checked.provenance.tlog_index})` : ''}`);
        notes.push(...checked.notes);
      }
    : undefined;
  return fetchChecksumsFor({ release: entry.release, asset: entry.asset, spec: entry.spec, entry: label }, download, join(workDir, `checksums-${entry.spec.index}`), inspect);
}

/** A reusable entry whose recorded provenance no longer meets its policy is installed (and verified) again. */
function provenanceStillHolds(entry: ResolvedEntry, decision: EntryDecision, services: BuildServices): EntryDecision {
  if (decision.action !== 'reuse' || !services.provenance) return decision;
  const reason = services.provenance.reverifyReason(decision.record, entry.spec);
  return reason ? { action: 'install', reason } : decision;
}

function logProvenance(log: Logger, provenance: VerifiedProvenance | undefined, notes: string[]): void {
  if (provenance) {
    const commit = provenance.source_commit ? ` at ${provenance.source_commit.slice(0, 12)}` : '';
    const tlog = provenance.tlog_index ? `, tlog entry ${provenance.tlog_index}` : '';
    log.detail(`Attested  built by ${provenance.signer_workflow}${commit} (${provenance.predicate_type}${tlog})`);
  }
  for (const note of notes) log.detail(`          ${note}`);
}

/** The TUF metadata cache (verify/trust-root.ts) is a cache-only layer: kept between builds, never in the image. */
async function keepTufCache(layersDir: string): Promise<void> {
  if (await exists(layerDir(layersDir, TUF_CACHE_LAYER))) {
    await writeLayerToml(layersDir, TUF_CACHE_LAYER, { launch: false, build: false, cache: true }, {});
  }
}

/** launch.toml with an image label listing every installed executable, for docker/pack inspect. */
async function writeLaunchToml(layersDir: string, executables: string[]): Promise<void> {
  const doc = { labels: [{ key: EXECUTABLES_LABEL, value: JSON.stringify(executables) }] };
  await writeFile(join(layersDir, 'launch.toml'), TOML.stringify(doc as unknown as TOML.JsonMap)).catch((err) => {
    throw fromFsError(err, 'writing launch.toml');
  });
}

function logEntryHeader(log: Logger, entry: ResolvedEntry): void {
  log.section(`${entryLabel(entry.spec)}`);
  const how = entry.spec.tag === entry.release.tag ? '' : ` (from tag = "${entry.spec.tag}")`;
  log.detail(`Release   ${entry.release.tag}${how}`);
  log.detail(`Asset     ${entry.asset.name} (${formatBytes(entry.asset.size)})`);
  // Automatic picks say which rule decided, so a surprising pick is explained where it shows.
  if (entry.selection?.rule.startsWith('auto:')) log.detail(`Picked    automatically: ${entry.selection.reason}`);
}

function summariseFiles(files: string[]): string {
  if (files.length <= 3) return files.join(', ') || '(no files)';
  return `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}

async function allExist(dir: string, files: string[]): Promise<boolean> {
  return (await Promise.all(files.map((f) => exists(join(dir, f))))).every(Boolean);
}

/** Layers restored from a previous build for entries that are gone from the descriptor. */
async function removeUnusedLayers(layersDir: string, keep: Set<string>): Promise<void> {
  for (const name of await listLayers(layersDir)) {
    if (!keep.has(name)) await removeLayer(layersDir, name);
  }
}
