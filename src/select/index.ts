// Pure: picks the release asset an entry asks for. `asset` is an exact name or a pattern with
// {os}, {arch}, {version}, {tag} placeholders and * / ? globs; without `asset` the pick is
// automatic (select/auto.ts). Errors list what the release does have, so the fix is a copy-paste away.

import type { BuildpackError } from '../errors.js';
import { entryLabel, type AssetSpec, type Release, type ReleaseAsset, type Target } from '../model.js';
import { ARCH_PATTERN_WORDS, OS_PATTERN_WORDS, stripV } from '../platform.js';
import { autoSelect, toolNameOf, type AutoRefusal, type AutoRule } from './auto.js';
import { type AssetMiss, assetNotInRelease, assetPatternAmbiguous, autoSelectionAmbiguous, noAutoAsset } from '../errors/catalog.js';

/** Files that accompany a release's binaries and are never what an entry means when a pattern also matches a binary. */
const SECONDARY_SUFFIXES = [
  '.sha256',
  '.sha256sum',
  '.sha512',
  '.sha512sum',
  '.md5',
  '.sig',
  '.asc',
  '.pem',
  '.crt',
  '.cert',
  '.sbom',
  '.sbom.json',
  '.spdx',
  '.spdx.json',
  '.cdx.json',
  '.intoto.jsonl',
  '.deb',
  '.rpm',
  '.apk',
  '.txt',
  '.json',
  '.msi',
  '.pkg',
  '.dmg',
];

const PLACEHOLDER = /\{(os|arch|version|tag)\}|[*?]/;

export function isPattern(asset: string): boolean {
  return PLACEHOLDER.test(asset);
}

/**
 * The regex for an asset-name pattern, resolved for a target and tag. Without a target,
 * {os} and {arch} stay literal; without a tag, so do {version} and {tag}.
 */
export function patternToRegExp(pattern: string, target: Target | undefined, tag: string | undefined): RegExp {
  const alt = (words: string[]) => `(?i:${words.map(escapeRegExp).join('|')})`;
  let source = '';
  for (const token of pattern.split(/(\{(?:os|arch|version|tag)\}|[*?])/)) {
    if (token === '{os}' && target) source += alt(OS_PATTERN_WORDS[target.os] ?? [target.os]);
    else if (token === '{arch}' && target) source += alt(ARCH_PATTERN_WORDS[target.arch] ?? [target.arch]);
    else if (token === '{version}' && tag !== undefined) source += escapeRegExp(stripV(tag));
    else if (token === '{tag}' && tag !== undefined) source += escapeRegExp(tag);
    else if (token === '*') source += '.*';
    else if (token === '?') source += '.';
    else source += escapeRegExp(token);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** How an asset was chosen: named in `asset` (exactly or by pattern), or by an automatic-selection rule. */
export interface Selection {
  asset: ReleaseAsset;
  /** `asset`, `pattern`, or `auto:<rule>` (select/auto.ts AutoRule). */
  rule: 'asset' | 'pattern' | `auto:${AutoRule}`;
  /** One sentence for logs, `check` and the layer metadata. */
  reason: string;
  /** Automatic selection on Linux: the libc policy that applied. */
  libcPolicy?: string;
  /** Automatic selection: what each step did, for the debug log. */
  steps?: string[];
}

/** Whether an entry (as it applies to a target) leaves the asset to automatic selection. */
export function isAutomatic(spec: Pick<AssetSpec, 'asset'>): boolean {
  return spec.asset === '';
}

/** The asset an entry means for a target, with the rule that decided. Costs no request: it reads the release already fetched. */
export function selectAssetFor(release: Release, spec: AssetSpec, target: Target): Selection {
  if (!isAutomatic(spec)) {
    const asset = selectAsset(release, spec, target);
    return isPattern(spec.asset)
      ? { asset, rule: 'pattern', reason: `asset = "${spec.asset}" matches it for ${target.os}/${target.arch}` }
      : { asset, rule: 'asset', reason: `asset = "${spec.asset}"` };
  }
  const binaryName = spec.destination && !spec.destination.endsWith('/') ? spec.destination.split('/').pop() : undefined;
  const result = autoSelect(release.assets, target, {
    repoName: spec.name,
    tag: release.tag,
    ...(binaryName ? { binaryName } : {}),
    ...(spec.libc ? { libc: spec.libc } : {}),
    ...(spec.matching !== undefined ? { matching: spec.matching } : {}),
  });
  if (result.kind === 'refused') throw refusalError(release, spec, target, result);
  return {
    asset: result.asset,
    rule: `auto:${result.rule}`,
    reason: result.reason,
    ...(result.libcPolicy ? { libcPolicy: result.libcPolicy } : {}),
    steps: result.steps,
  };
}

/** GHA018 when nothing fits the target, GHA015 when several do: both list the names and the two ways to choose. */
function refusalError(release: Release, spec: AssetSpec, target: Target, refusal: AutoRefusal): BuildpackError {
  const platform = `${target.os}/${target.arch}`;
  const label = entryLabel(spec);
  const archTable = `[metadata.githubassets.arch.${target.arch}]`;
  if (refusal.problem === 'none') {
    const names = release.assets.map((a) => a.name);
    return noAutoAsset({ entry: label, platform, tag: release.tag, why: refusal.why, names, matching: spec.matching, archTable });
  }
  const candidates = refusal.candidates;
  // Suggest with the candidate named like the repository when there is one: usually the one people want.
  const repo = spec.name.toLowerCase().replace(/[_.]/g, '-');
  const ordered = [...candidates.filter((c) => toolNameOf(c, release.tag) === repo), ...candidates];
  const first = ordered[0] ?? '';
  const pattern = suggestAutoPattern(first, release, target);
  const filter = ordered.map((c) => suggestMatching(c, candidates, release.tag)).find((f) => f !== undefined);
  return autoSelectionAmbiguous({ entry: label, platform, tag: release.tag, why: refusal.why, candidates, pattern, filter });
}

/** The candidate's name with its version, OS and arch turned into placeholders, when that pattern picks exactly it. */
function suggestAutoPattern(name: string, release: Release, target: Target): string {
  let pattern = name;
  const version = stripV(release.tag);
  if (version && pattern.includes(version)) pattern = pattern.split(version).join('{version}');
  const withPlatform = suggestPattern(pattern, target);
  for (const candidate of [withPlatform, pattern]) {
    const re = patternToRegExp(candidate, target, release.tag);
    const hits = release.assets.filter((a) => re.test(a.name));
    if (hits.length === 1 && hits[0]!.name === name) return candidate;
  }
  return name;
}

/** The candidate's tool name as a `matching` filter, when it tells it apart from the other candidates. */
function suggestMatching(name: string, candidates: string[], tag: string): string | undefined {
  const tool = toolNameOf(name, tag);
  if (!tool) return undefined;
  const word = name.toLowerCase().startsWith(tool) ? name.slice(0, tool.length) : tool;
  const others = candidates.filter((c) => c !== name && toolNameOf(c, tag) !== tool);
  if (others.length === candidates.length - 1 && others.every((c) => !c.toLowerCase().includes(word.toLowerCase()))) return word;
  return undefined;
}

export function selectAsset(release: Release, spec: AssetSpec, target: Target): ReleaseAsset {
  if (isAutomatic(spec)) return selectAssetFor(release, spec, target).asset;
  const names = release.assets.map((a) => a.name);
  const label = entryLabel(spec);
  if (!isPattern(spec.asset)) {
    const exact = release.assets.find((a) => a.name === spec.asset);
    if (exact) return exact;
    const folded = release.assets.filter((a) => a.name.toLowerCase() === spec.asset.toLowerCase());
    const miss: AssetMiss = { kind: 'name', caseFolded: folded.length === 1 ? folded[0]!.name : undefined };
    throw assetNotInRelease({ entry: label, tag: release.tag, asset: spec.asset, names, miss });
  }
  const regex = patternToRegExp(spec.asset, target, release.tag);
  const matches = release.assets.filter((a) => regex.test(a.name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const miss: AssetMiss = { kind: 'pattern', platform: `${target.os}/${target.arch}` };
    throw assetNotInRelease({ entry: label, tag: release.tag, asset: spec.asset, names, miss });
  }
  const primary = matches.filter((a) => !isSecondary(a.name));
  if (primary.length === 1) return primary[0]!;
  const remaining = primary.length > 0 ? primary : matches;
  const platformFix = !/\{arch\}/.test(spec.asset)
    ? { platform: `${target.os}/${target.arch}`, suggested: suggestPattern(remaining[0]!.name, target) }
    : undefined;
  const remainingNames = remaining.map((a) => a.name);
  throw assetPatternAmbiguous({ entry: label, tag: release.tag, asset: spec.asset, matches: remainingNames, platformFix });
}

function isSecondary(name: string): boolean {
  const lower = name.toLowerCase();
  return SECONDARY_SUFFIXES.some((suffix) => lower.endsWith(suffix)) || /(^|[._-])(checksums?|sha256sums?)([._-]|$)/.test(lower);
}

/** Replaces the first OS and arch spellings in a concrete name with placeholders, as a suggestion. */
function suggestPattern(name: string, target: Target): string {
  let out = name;
  for (const word of ARCH_PATTERN_WORDS[target.arch] ?? []) {
    const re = new RegExp(escapeRegExp(word), 'i');
    if (re.test(out)) {
      out = out.replace(re, '{arch}');
      break;
    }
  }
  for (const word of OS_PATTERN_WORDS[target.os] ?? []) {
    const re = new RegExp(escapeRegExp(word), 'i');
    if (re.test(out)) {
      out = out.replace(re, '{os}');
      break;
    }
  }
  return out;
}
