// Pure: picks the release asset an entry asks for. `asset` is an exact name or a pattern with
// {os}, {arch}, {version}, {tag} placeholders and * / ? globs. Errors list what the release
// does have, so the fix is a copy-paste away.

import { BuildpackError } from './errors.js';
import { entryLabel, type AssetSpec, type Release, type ReleaseAsset, type Target } from './model.js';

/** How releases spell each CNB architecture (matched case-insensitively). */
export const ARCH_ALIASES: Record<string, string[]> = {
  amd64: ['amd64', 'x86_64', 'x86-64', 'x64', '64bit'],
  arm64: ['arm64', 'aarch64', 'armv8', 'arm64v8'],
  arm: ['armv7', 'armv7l', 'armhf', 'arm'],
  '386': ['386', 'i386', 'i686', 'x86', '32bit'],
  ppc64le: ['ppc64le'],
  s390x: ['s390x'],
  riscv64: ['riscv64'],
};

/** How releases spell each OS (matched case-insensitively). */
export const OS_ALIASES: Record<string, string[]> = {
  linux: ['linux'],
  darwin: ['darwin', 'macos', 'osx', 'apple-darwin'],
  windows: ['windows', 'win64', 'win'],
};

/** Files that accompany a release's binaries and are never what an entry means when a pattern also matches a binary. */
const SECONDARY_SUFFIXES = [
  '.sha256', '.sha256sum', '.sha512', '.sha512sum', '.md5', '.sig', '.asc', '.pem', '.crt', '.cert', '.sbom',
  '.sbom.json', '.spdx', '.spdx.json', '.cdx.json', '.intoto.jsonl', '.deb', '.rpm', '.apk', '.txt', '.json', '.msi', '.pkg', '.dmg',
];

const PLACEHOLDER = /\{(os|arch|version|tag)\}|[*?]/;

export function isPattern(asset: string): boolean {
  return PLACEHOLDER.test(asset);
}

/** Canonical CNB arch for a name users may write in `[…arch.<name>]` tables (x86_64 -> amd64). */
export function canonicalArch(name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [arch, aliases] of Object.entries(ARCH_ALIASES)) if (aliases.includes(lower)) return arch;
  return undefined;
}

/** A tag without its leading "v" (`v1.2.3` -> `1.2.3`); other tags as they are. */
export function stripV(tag: string): string {
  return tag.replace(/^v(?=\d)/, '');
}

/**
 * The regex for an asset-name pattern, resolved for a target and tag. Without a target,
 * {os} and {arch} stay literal; without a tag, so do {version} and {tag}.
 */
export function patternToRegExp(pattern: string, target: Target | undefined, tag: string | undefined): RegExp {
  const alt = (words: string[]) => `(?i:${words.map(escape).join('|')})`;
  let source = '';
  for (const token of pattern.split(/(\{(?:os|arch|version|tag)\}|[*?])/)) {
    if (token === '{os}' && target) source += alt(OS_ALIASES[target.os] ?? [target.os]);
    else if (token === '{arch}' && target) source += alt(ARCH_ALIASES[target.arch] ?? [target.arch]);
    else if (token === '{version}' && tag !== undefined) source += escape(stripV(tag));
    else if (token === '{tag}' && tag !== undefined) source += escape(tag);
    else if (token === '*') source += '.*';
    else if (token === '?') source += '.';
    else source += escape(token);
  }
  return new RegExp(`^${source}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export function selectAsset(release: Release, spec: AssetSpec, target: Target): ReleaseAsset {
  const names = release.assets.map((a) => a.name);
  const label = entryLabel(spec);
  if (!isPattern(spec.asset)) {
    const exact = release.assets.find((a) => a.name === spec.asset);
    if (exact) return exact;
    const folded = release.assets.filter((a) => a.name.toLowerCase() === spec.asset.toLowerCase());
    throw notFound(release, spec.asset, names, label, folded.length === 1 ? `asset names are case-sensitive: did you mean asset = "${folded[0]!.name}"?` : undefined);
  }
  const regex = patternToRegExp(spec.asset, target, release.tag);
  const matches = release.assets.filter((a) => regex.test(a.name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw notFound(release, spec.asset, names, label, `no asset matches for ${target.os}/${target.arch}; adjust the pattern to one of the names above`);
  }
  const primary = matches.filter((a) => !isSecondary(a.name));
  if (primary.length === 1) return primary[0]!;
  const remaining = primary.length > 0 ? primary : matches;
  const platformHint = !/\{arch\}/.test(spec.asset)
    ? ` Add {arch} (and {os}) to the pattern so it only matches the ${target.os}/${target.arch} asset, e.g. asset = "${suggestPattern(remaining[0]!.name, target)}".`
    : '';
  throw new BuildpackError('GHA015', `asset = "${spec.asset}" matches ${remaining.length} assets of release ${release.tag}: ${listNames(remaining.map((a) => a.name))}`, {
    entry: label,
    hint: `make the pattern more specific or write the exact name.${platformHint}`,
  });
}

function isSecondary(name: string): boolean {
  const lower = name.toLowerCase();
  return SECONDARY_SUFFIXES.some((suffix) => lower.endsWith(suffix)) || /(^|[._-])(checksums?|sha256sums?)([._-]|$)/.test(lower);
}

/** Replaces the first OS and arch spellings in a concrete name with placeholders, as a suggestion. */
function suggestPattern(name: string, target: Target): string {
  let out = name;
  for (const word of ARCH_ALIASES[target.arch] ?? []) {
    const re = new RegExp(escape(word), 'i');
    if (re.test(out)) {
      out = out.replace(re, '{arch}');
      break;
    }
  }
  for (const word of OS_ALIASES[target.os] ?? []) {
    const re = new RegExp(escape(word), 'i');
    if (re.test(out)) {
      out = out.replace(re, '{os}');
      break;
    }
  }
  return out;
}

function notFound(release: Release, asset: string, names: string[], label: string, hint?: string): BuildpackError {
  return new BuildpackError('GHA014', `release ${release.tag} has no asset ${isPattern(asset) ? 'matching' : 'named'} "${asset}"; it has: ${listNames(names)}`, {
    entry: label,
    hint: hint ?? (names.length === 0 ? `release ${release.tag} has no assets; pick another tag` : 'use one of the names above exactly as written'),
  });
}

export function listNames(names: string[], max = 30): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} … and ${names.length - max} more` : shown;
}
