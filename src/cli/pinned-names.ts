// Pure: turns automatically picked asset names into what `pin` writes into project.toml: one
// pattern for the entry when it picks exactly the same assets for every pinned architecture,
// else a name (or version-free pattern) per `arch` table. Every pattern is proven against the release.

import type { Release } from '../model.js';
import { ARCH_PATTERN_WORDS, OS_PATTERN_WORDS, stripV } from '../platform.js';
import { patternToRegExp } from '../select/index.js';

export interface AutomaticPick {
  arch: string;
  os: string;
  /** The asset name automatic selection picked for this arch. */
  asset: string;
  release: Release;
}

export interface PinnedNames {
  /** Written as the entry's `asset` (covers every pinned arch). */
  topLevel?: string;
  /** Written as `asset` in `[…arch.<arch>]` tables. */
  perArch: Record<string, string>;
}

export function pinnedAssetNames(picks: AutomaticPick[]): PinnedNames {
  if (picks.length === 0) return { perArch: {} };
  // One entry-level pattern only when two or more arches prove it: from one arch, {arch} would be a guess for the others.
  if (picks.length >= 2) {
    const shared = picks
      .map((p) => platformPattern(p))
      .find((pattern) => pattern !== undefined && picks.every((p) => picksExactly(pattern, p)));
    if (shared !== undefined) return { topLevel: shared, perArch: {} };
  }
  const perArch: Record<string, string> = {};
  for (const pick of picks) {
    const versionFree = versionPattern(pick);
    perArch[pick.arch] = versionFree !== undefined && picksExactly(versionFree, pick) ? versionFree : pick.asset;
  }
  return { perArch };
}

/** Whether `pattern`, resolved for the pick's target and tag, matches exactly the picked asset. */
export function picksExactly(pattern: string, pick: AutomaticPick): boolean {
  const re = patternToRegExp(pattern, { os: pick.os, arch: pick.arch }, pick.release.tag);
  const hits = pick.release.assets.filter((a) => re.test(a.name));
  return hits.length === 1 && hits[0]!.name === pick.asset;
}

/** The name with its tag or version as {tag}/{version}, so a later `pin` to a newer release still matches. */
function versionPattern(pick: AutomaticPick): string | undefined {
  const escapeBraces = (text: string) => (/[{}*?]/.test(text) ? undefined : text);
  const name = escapeBraces(pick.asset);
  if (name === undefined) return undefined;
  const tag = pick.release.tag;
  const version = stripV(tag);
  if (version && name.includes(version)) return name.split(version).join('{version}');
  if (tag && name.includes(tag)) return name.split(tag).join('{tag}');
  return name;
}

/** The version-free pattern with the OS and arch spellings as {os}/{arch}, when the name has both. */
function platformPattern(pick: AutomaticPick): string | undefined {
  const base = versionPattern(pick);
  if (base === undefined) return undefined;
  const arch = replaceToken(base, ARCH_PATTERN_WORDS[pick.arch] ?? [], '{arch}');
  const os = arch && replaceToken(arch, OS_PATTERN_WORDS[pick.os] ?? [], '{os}');
  return os ?? undefined;
}

/** Replaces the first whole-token occurrence of any spelling (longest first), or undefined when none occurs. */
function replaceToken(text: string, spellings: string[], placeholder: string): string | undefined {
  for (const word of [...spellings].sort((a, b) => b.length - a.length)) {
    const re = new RegExp(`(^|[^A-Za-z0-9])(${word.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')})(?=$|[^A-Za-z0-9])`, 'i');
    if (re.test(text)) return text.replace(re, `$1${placeholder}`);
  }
  return undefined;
}
