// `github-assets pin`: resolves each entry for every architecture it serves, decides where each
// asset's sha256 belongs (the entry, or `arch.<arch>` tables when arches get different assets),
// writes automatically picked asset names into the entry (pinned-names.ts), edits the text via
// toml-edit.ts and proves the edit by re-parsing it. No file I/O (run.ts).

import { parseDescriptor, specForTarget } from '../descriptor/parse.js';
import { credentialsFor, explainedLookup, type TokenLookup } from '../github/credentials.js';
import { type BuildpackError, isAssetNotFound } from '../errors.js';
import { mapLimit } from '../util/concurrency.js';
import { entryLabel, type AssetSpec, type Release } from '../model.js';
import { createReleaseResolver, type ReleaseResolver, type ReleaseSource } from '../github/resolve.js';
import { isAutomatic, isPattern, selectAssetFor } from '../select/index.js';
import { pinnedAssetNames } from './pinned-names.js';
import { hashOfAsset, type AssetHash, type DownloadFn } from './asset-hash.js';
import { toBuildpackError } from './output.js';
import { applyEdits, TomlEditError, type EntryEdit } from './toml-edit.js';
import type { ProvenanceChecker } from '../verify/provenance.js';
import { parseSignerWorkflow } from '../descriptor/attestation-keys.js';
import { signerWorkflowConstraint } from '../verify/attestation-policy.js';
import { pinEditFailed, whilePinningArch } from '../errors/catalog.js';
import type { DescriptorFile } from './file.js';

export interface PinOptions {
  os: string;
  /** Architectures to pin (canonical names). */
  arches: string[];
  github: ReleaseSource;
  lookupToken: TokenLookup;
  download: DownloadFn;
  concurrency?: number;
  /**
   * The tag each entry (by index) has in the file, when the caller (github-assets update) passes
   * specs whose tag it has already moved: reported as `tag.from`, written when it differs.
   */
  fileTags?: ReadonlyMap<number, string>;
  /** pin --signer: verify each asset's attestation and write the workflow that signed it. */
  signer?: ProvenanceChecker;
}

export interface ArchPin {
  arch: string;
  asset: string;
  sha256: string;
  source: AssetHash['source'];
  /** Sources a downloaded hash matched, e.g. the release's checksums file. */
  matched: string[];
  /** `entry` (top-level sha256) or `arch.<arch>`. */
  written: string;
  /** The sha256 that applied before, when it differs. */
  previous?: string;
  /** Picked automatically: the rule that decided, and the asset name or pattern now written (`written` says where). */
  picked?: { rule: string; reason: string; asset: string; at: string };
}

export interface EntryPin {
  index: number;
  entry: string;
  repo: string;
  tag: { from: string; to: string };
  pins: ArchPin[];
  notes: string[];
  /** pin --signer: the workflow the verified attestation names, and whether it is written. */
  signer?: { workflow: string; signerUri: string; written: boolean };
}

export interface PinPlan {
  entries: EntryPin[];
  edits: EntryEdit[];
}

/** Resolves and hashes every entry; an entry that fails is left out of the plan and its error returned in `errors`. */
export async function planPins(specs: AssetSpec[], options: PinOptions): Promise<{ plan: PinPlan; errors: BuildpackError[] }> {
  const resolveRelease = createReleaseResolver(options.github).resolve;
  const hashes = new Map<string, Promise<AssetHash>>();
  const failures = new Map<number, BuildpackError>();
  const results = await mapLimit(specs, options.concurrency ?? 4, async (spec) => {
    try {
      return await pinEntry(spec, options, resolveRelease, hashes);
    } catch (err) {
      failures.set(spec.index, toBuildpackError(err).forEntry(entryLabel(spec)));
      return undefined;
    }
  });
  const errors = specs.flatMap((s) => (failures.has(s.index) ? [failures.get(s.index)!] : []));
  const entries = results.filter((r): r is { pin: EntryPin; edit: EntryEdit } => r !== undefined);
  return { plan: { entries: entries.map((e) => e.pin), edits: entries.map((e) => e.edit).filter(hasChanges) }, errors };
}

function hasChanges(edit: EntryEdit): boolean {
  return (
    edit.tag !== undefined ||
    edit.sha256 !== undefined ||
    edit.asset !== undefined ||
    edit.signerWorkflow !== undefined ||
    Object.keys(edit.arch ?? {}).length > 0 ||
    Object.keys(edit.archAsset ?? {}).length > 0
  );
}

/** Architectures an entry serves among those asked for: all of them (without an asset, each is picked automatically). */
export function archesFor(_spec: AssetSpec, requested: string[]): string[] {
  return requested;
}

async function pinEntry(
  spec: AssetSpec,
  options: PinOptions,
  resolveRelease: ReleaseResolver['resolve'],
  hashes: Map<string, Promise<AssetHash>>,
): Promise<{ pin: EntryPin; edit: EntryEdit }> {
  const label = entryLabel(spec);
  const arches = archesFor(spec, options.arches);
  const notes: string[] = [];
  const fileTag = options.fileTags?.get(spec.index) ?? spec.tag;
  if (arches.length === 0) {
    notes.push(
      `no asset for ${options.arches.join(', ')} (the entry has arch tables only for ${Object.keys(spec.arch ?? {}).join(', ')}); nothing pinned`,
    );
    return {
      pin: { index: spec.index, entry: label, repo: spec.repo, tag: { from: fileTag, to: fileTag }, pins: [], notes },
      edit: { index: spec.index },
    };
  }

  let release: Release | undefined;
  const picked: {
    arch: string;
    spec: AssetSpec;
    assetId: number;
    asset: string;
    hash: AssetHash;
    auto?: { rule: string; reason: string; release: Release };
  }[] = [];
  for (const arch of arches) {
    const target = { os: options.os, arch };
    const archSpec = specForTarget(spec, target);
    const creds = credentialsFor(archSpec, options.lookupToken);
    release = await explainedLookup(
      () => resolveRelease(archSpec, creds),
      archSpec,
      creds,
      (name) => `${name} is not set; export ${name}=<token> before running github-assets pin`,
    );
    let asset: Release['assets'][number];
    let selection: ReturnType<typeof selectAssetFor>;
    try {
      selection = selectAssetFor(release, archSpec, target);
      asset = selection.asset;
    } catch (err) {
      if (isAssetNotFound(err) && options.arches.length > 1) {
        const others = options.arches.filter((a) => a !== arch);
        throw whilePinningArch(err, { entry: label, os: options.os, arch, others });
      }
      throw err;
    }
    const found = release;
    const key = `${found.id}:${asset.id}`;
    let hash = hashes.get(key);
    if (!hash) {
      hash = hashOfAsset({ release: found, asset, spec: archSpec, creds, entry: label }, options.download);
      hashes.set(key, hash);
    }
    picked.push({
      arch,
      spec: archSpec,
      assetId: asset.id,
      asset: asset.name,
      hash: await hash,
      ...(isAutomatic(archSpec) ? { auto: { rule: selection.rule, reason: selection.reason, release: found } } : {}),
    });
  }

  // Automatic picks become names (or version-free patterns) in the file, so the pinned entry never depends on the heuristics.
  const names = pinnedAssetNames(
    picked.flatMap((p) => (p.auto ? [{ arch: p.arch, os: options.os, asset: p.asset, release: p.auto.release }] : [])),
  );
  const edit: EntryEdit = { index: spec.index };
  if (names.topLevel !== undefined) {
    edit.asset = names.topLevel;
    if (spec.matching !== undefined) edit.removeMatching = true;
  }
  for (const [arch, name] of Object.entries(names.perArch)) edit.archAsset = { ...edit.archAsset, [arch]: name };

  // Arches whose pin lives in their own table: those with an arch table that sets asset or sha256, or gets an asset now.
  const ownTable = (arch: string) =>
    spec.arch?.[arch]?.asset !== undefined || spec.arch?.[arch]?.sha256 !== undefined || names.perArch[arch] !== undefined;
  const inheriting = picked.filter((p) => !ownTable(p.arch));
  const oneAsset = new Set(inheriting.map((p) => p.assetId)).size === 1;
  const writtenTop = names.topLevel ?? spec.asset;
  const topLevel = inheriting.length > 0 && oneAsset && (!isPattern(writtenTop) || inheriting.length >= 2);

  const to = release!.tag;
  if (to !== fileTag) edit.tag = to;
  const pins: ArchPin[] = [];
  for (const p of picked) {
    const where = ownTable(p.arch) || !topLevel ? `arch.${p.arch}` : 'entry';
    const previous = p.spec.sha256;
    if (where === 'entry') {
      if (spec.sha256 !== p.hash.sha256) edit.sha256 = p.hash.sha256;
    } else if (spec.arch?.[p.arch]?.sha256 !== p.hash.sha256) {
      edit.arch = { ...edit.arch, [p.arch]: p.hash.sha256 };
    }
    pins.push({
      arch: p.arch,
      asset: p.asset,
      sha256: p.hash.sha256,
      source: p.hash.source,
      matched: p.hash.matched,
      written: where,
      ...(previous !== undefined && previous !== p.hash.sha256 ? { previous } : {}),
      ...(p.auto
        ? {
            picked: {
              rule: p.auto.rule,
              reason: p.auto.reason,
              asset: names.perArch[p.arch] ?? names.topLevel ?? p.asset,
              at: names.perArch[p.arch] !== undefined ? `arch.${p.arch}` : 'entry',
            },
          }
        : {}),
    });
    if (previous !== undefined && previous !== p.hash.sha256 && to === fileTag) {
      notes.push(
        `${p.arch}: the pinned sha256 ${previous} is not that of ${p.asset} in ${to}: the tag was changed without a new pin (as Renovate does), or the asset was replaced after it was pinned; check the release before committing the new pin`,
      );
    }
  }
  // A top-level sha256 cannot be right for arches that now get different assets.
  if (!topLevel && inheriting.length > 0 && spec.sha256 !== undefined) edit.sha256 = null;
  const signer = options.signer ? await observeSigner(spec, picked[0]!, options, notes) : undefined;
  if (signer?.written) edit.signerWorkflow = signer.workflow;
  return {
    pin: { index: spec.index, entry: label, repo: spec.repo, tag: { from: fileTag, to }, pins, notes, ...(signer ? { signer } : {}) },
    edit,
  };
}

/**
 * Verifies the attestation of the pinned bytes under the entry's current constraints and
 * returns the workflow that signed them (without its ref, which changes every release).
 */
async function observeSigner(
  spec: AssetSpec,
  picked: { spec: AssetSpec; asset: string; hash: AssetHash },
  options: PinOptions,
  notes: string[],
): Promise<EntryPin['signer']> {
  const creds = credentialsFor(picked.spec, options.lookupToken);
  const checked = await options.signer!.checkAsset({
    spec: { ...picked.spec, attestations: 'auto' },
    entry: entryLabel(spec),
    assetName: picked.asset,
    sha256: picked.hash.sha256,
    token: creds.token,
    tokenEnv: creds.source,
  });
  const signerUri = checked.provenance?.signer_workflow;
  const workflow = signerWorkflowConstraint(signerUri);
  if (!signerUri || !workflow) {
    notes.push(`no verified attestation for ${picked.asset}: signer_workflow not written`);
    return undefined;
  }
  const current = spec.signerWorkflow ? parseSignerWorkflow(spec.signerWorkflow)?.path : undefined;
  return { workflow, signerUri, written: current?.toLowerCase() !== workflow.toLowerCase() };
}

/** Applies the edits to the text and proves the result parses to the same entries with exactly the new tags and pins. */
export function applyPlan(file: Pick<DescriptorFile, 'text' | 'shown' | 'specs'>, plan: PinPlan, os: string): string {
  const { text, shown: source, specs } = file;
  if (plan.edits.length === 0) return text;
  let edited: string;
  try {
    edited = applyEdits(text, plan.edits);
  } catch (err) {
    if (err instanceof TomlEditError) throw editFailed(plan, err.message);
    throw err;
  }
  let reparsed: AssetSpec[];
  try {
    reparsed = parseDescriptor(edited, source).specs;
  } catch (err) {
    throw editFailed(plan, `the edited file does not validate (${toBuildpackError(err).message})`);
  }
  if (reparsed.length !== specs.length) throw editFailed(plan, `the edited file has ${reparsed.length} entries instead of ${specs.length}`);
  for (const before of specs) {
    const after = reparsed[before.index - 1]!;
    const pin = plan.entries.find((e) => e.index === before.index);
    const expectedTag = pin?.tag.to ?? before.tag;
    if (after.tag !== expectedTag)
      throw editFailed(plan, `${entryLabel(before)} has tag "${after.tag}" after the edit, not "${expectedTag}"`);
    const expectedSigner = pin?.signer?.written ? pin.signer.workflow : before.signerWorkflow;
    if (after.signerWorkflow !== expectedSigner)
      throw editFailed(
        plan,
        `${entryLabel(before)} has signer_workflow "${after.signerWorkflow ?? ''}" after the edit, not "${expectedSigner ?? ''}"`,
      );
    const newUpdate = plan.edits.find((e) => e.index === before.index)?.update;
    const expected = { ...before, tag: expectedTag, ...(newUpdate !== undefined ? { update: newUpdate } : {}) };
    // Entries whose automatic picks were written may also change asset (and lose matching, which only steers automatic selection).
    const namesWritten = pin?.pins.some((p) => p.picked) ?? false;
    if (JSON.stringify(withoutPins(expected, namesWritten)) !== JSON.stringify(withoutPins(after, namesWritten))) {
      throw editFailed(plan, `the edit changed more than tag${namesWritten ? ', asset' : ''} and sha256 in ${entryLabel(before)}`);
    }
    for (const p of pin?.pins ?? []) {
      const applied = specForTarget(after, { os, arch: p.arch });
      if (applied.sha256 !== p.sha256)
        throw editFailed(plan, `${entryLabel(before)} does not pin ${p.sha256} for ${p.arch} after the edit`);
      if (p.picked && applied.asset !== p.picked.asset)
        throw editFailed(plan, `${entryLabel(before)} does not name asset "${p.picked.asset}" for ${p.arch} after the edit`);
    }
  }
  return edited;
}

/** An entry without its tag, hashes and signer_workflow (and, when pin wrote picked names, its asset and matching), for "nothing else changed" comparisons. */
function withoutPins(spec: AssetSpec, namesWritten = false): unknown {
  const { sha256: _sha, tag: _tag, signerWorkflow: _signer, arch, ...rest } = spec;
  const top: Record<string, unknown> = { ...rest };
  if (namesWritten) {
    delete top.asset;
    delete top.matching;
  }
  const arches = Object.fromEntries(
    Object.entries(arch ?? {})
      .map(([name, { sha256: _s, ...override }]) => {
        const kept: Record<string, unknown> = { ...override };
        if (namesWritten) {
          delete kept.asset;
          delete kept.matching;
        }
        return [name, kept] as const;
      })
      .filter(([, override]) => Object.keys(override).length > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return { ...top, arch: arches };
}

function editFailed(plan: PinPlan, why: string): BuildpackError {
  const wanted = plan.entries.flatMap((e) => [
    ...(e.tag.to !== e.tag.from ? [`${e.entry}: tag = "${e.tag.to}"`] : []),
    ...e.pins.flatMap((p) =>
      p.picked ? [`${e.entry}: ${p.picked.at === 'entry' ? '' : `[…${p.picked.at}] `}asset = "${p.picked.asset}"`] : [],
    ),
    ...e.pins.map((p) => `${e.entry}: ${p.written === 'entry' ? '' : `[…${p.written}] `}sha256 = "${p.sha256}"`),
  ]);
  return pinEditFailed(why, wanted);
}
