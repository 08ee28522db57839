// Pure: project.toml text -> validated AssetSpec[]. Every problem becomes a BuildpackError
// that names the entry (index and repo), the key and the fix. No fs or network here: the
// caller reads the file.

import TOML from '@iarna/toml';
import { posix } from 'node:path';
import { entryLabel, type ArchOverride, type AssetSpec, type Target } from '../model.js';
import { canonicalArch, RESERVED_LAYER_DIRS } from '../platform.js';
import { parseChecksumsField, parseSha256Field } from './integrity.js';
import { parseUpdateValue } from '../select/update-policy.js';
import { unsafeCharacter } from '../util/printable.js';
import { parseAttestationKeys } from './attestation-keys.js';
import { parseSimpleToml } from './simple-toml.js';
import {
  archAssetNotString,
  archEntryNotTable,
  archNotTable,
  archTwice,
  archUnknown,
  archUnknownKey,
  assetNameTooLong,
  assetNotFileName,
  descriptorNotToml,
  destinationAbsolute,
  destinationEmpty,
  destinationOutsideLayer,
  destinationReserved,
  destinationSegmentTooLong,
  entriesInBothTables,
  entriesNotArray,
  entryNotTable,
  filesItemNotRelative,
  filesItemNotString,
  filesNotList,
  integerOutOfRange,
  keyNotString,
  libcInvalid,
  listTooLong,
  matchingNotNamePart,
  matchingNotString,
  matchingWithAsset,
  numberOutOfRange,
  prereleaseNotBoolean,
  repoMalformed,
  requiredKeyMissing,
  tagNotName,
  tagTooLong,
  tokenEnvNotName,
  tokenKeyInDescriptor,
  tooManyEntries,
  unknownEntryKey,
  unsafeCharacterInDestination,
  unsafeCharacterInKey,
  unsafeCharacterInValue,
  updateUnknown,
  updateWrongType,
  valueNestedTooDeep,
  valueTooLong,
} from '../errors/catalog.js';

/** Keys an entry may have, with a one-line description used in messages and docs. */
export const ENTRY_KEYS = {
  repo: 'GitHub repository as "owner/name" (required)',
  asset: 'release asset file name or pattern; left out, the asset is picked automatically for each target',
  tag: 'release tag, or "latest" (default)',
  token_env: 'name of an environment variable holding a GitHub token (private repos)',
  destination: 'path inside the layer: a file for raw binaries, a directory for archives',
  strip_components: 'number of leading path components to drop from archive entries',
  files: 'paths or globs inside an archive to install (default: everything)',
  sha256: 'pinned SHA-256 of the asset; the build fails if the download differs',
  checksums: 'name of the release asset that lists SHA-256 sums (found automatically when absent)',
  prerelease: 'allow prereleases when tag is "latest" or a version range (default false)',
  attestations: 'check GitHub artifact attestations: "required", "auto" (default: when the release has them) or "off"',
  signer_repo: 'repository whose workflow must have signed the attestation (default: repo)',
  signer_workflow: 'workflow that must have signed: "owner/repo/.github/workflows/release.yml", optionally "@<ref>"',
  arch: 'per-architecture overrides: [metadata.githubassets.arch.<amd64|arm64>] with asset, sha256, strip_components, files, libc, matching',
  libc: 'automatic selection on Linux: "gnu" or "musl" build preferred (default: static/musl first)',
  matching: 'automatic selection: a substring or glob (* ?) an asset name must match, e.g. "kubens"',
  update: 'how far `github-assets update` may move tag: false (never), "patch", "minor", "latest" or a semver range such as "~1.4"',
} as const;

/** Keys an `arch.<name>` table may hold. */
const ARCH_KEYS = ['asset', 'sha256', 'strip_components', 'files', 'libc', 'matching'];

type EntryKey = keyof typeof ENTRY_KEYS;

/** GitHub's rules: an owner is alphanumerics and single hyphens, not at either end, at most 39 characters. */
const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** A repository name is letters, digits, `.`, `_` and `-`, at most 100 characters, and never `.` or `..`. */
const REPO_NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Caps on what one descriptor may hold: far above real use, low enough that nothing downstream meets an absurd value. */
export const LIMITS = {
  entries: 1000,
  /** Any string value. */
  stringLength: 1024,
  /** Any array (e.g. `files`). */
  arrayLength: 1000,
  /** Tables and arrays inside one entry. */
  depth: 8,
  /** An asset name or pattern, a path segment of a destination: a file name on Linux. */
  nameLength: 255,
  tagLength: 255,
  tokenEnvLength: 255,
  stripComponents: 64,
} as const;

export interface Descriptor {
  specs: AssetSpec[];
  /** Where the entries were found, for messages: `metadata.githubassets` or `_.metadata.githubassets`. */
  table: string | undefined;
  /** The parsed document, for callers that need other tables (e.g. build.env). */
  document: Record<string, unknown>;
}

/** Parses descriptor text. `source` names the file in messages. */
export function parseDescriptor(text: string, source = 'project.toml'): Descriptor {
  let document: Record<string, unknown>;
  try {
    // A UTF-8 byte order mark (Windows editors write one) is not part of the TOML.
    const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
    document = parseSimpleToml(body) ?? (TOML.parse(body) as Record<string, unknown>);
  } catch (err) {
    const e = err as { line?: number; col?: number; message?: string };
    const where = typeof e.line === 'number' ? ` at line ${e.line + 1}, column ${(e.col ?? 0) + 1}` : '';
    const first = String(e.message ?? err)
      .split('\n')[0]
      ?.replace(/ at row \d+, col \d+, pos \d+:?$/, '');
    throw descriptorNotToml(source, { where, parserSays: first, cause: err });
  }
  const found = findEntryTables(document, source);
  if (!found) return { specs: [], table: undefined, document };
  if (found.entries.length > LIMITS.entries) {
    throw tooManyEntries(source, found.table, found.entries.length, LIMITS.entries);
  }
  const specs = found.entries.map((raw, i) => validateEntry(raw, i + 1, found.table));
  return { specs, table: found.table, document };
}

function findEntryTables(doc: Record<string, unknown>, source: string): { table: string; entries: unknown[] } | undefined {
  const v1 = getPath(doc, ['metadata', 'githubassets']);
  const v2 = getPath(doc, ['_', 'metadata', 'githubassets']);
  if (v1 !== undefined && v2 !== undefined) {
    throw entriesInBothTables(source);
  }
  const table = v2 !== undefined ? '_.metadata.githubassets' : 'metadata.githubassets';
  const value = v2 ?? v1;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw entriesNotArray(table);
  }
  return { table, entries: value };
}

function getPath(doc: Record<string, unknown>, keys: string[]): unknown {
  let cur: unknown = doc;
  for (const key of keys) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function validateEntry(raw: unknown, index: number, table: string): AssetSpec {
  const repoGuess = isTable(raw) && typeof raw.repo === 'string' ? raw.repo.slice(0, 120) : '?';
  const label = entryLabel({ index, repo: repoGuess });
  if (!isTable(raw)) throw entryNotTable(label, table);

  for (const key of Object.keys(raw)) {
    if (Object.hasOwn(ENTRY_KEYS, key)) continue;
    if (key === 'token' || key === 'github_token') {
      throw tokenKeyInDescriptor(label, key);
    }
    throw unknownEntryKey(label, key, closestKey(key), Object.keys(ENTRY_KEYS));
  }

  checkValues(raw, [], label);

  const repo = requireString(raw, 'repo', label);
  const repoClean = repo.trim();
  const parsed = parseRepo(repoClean);
  if (typeof parsed === 'string') {
    const fromUrl = /github\.com[/:]([^/]+\/[^/#?]+?)(?:\.git)?\/?$/.exec(repoClean)?.[1];
    throw repoMalformed(label, repo, parsed, fromUrl && typeof parseRepo(fromUrl) !== 'string' ? fromUrl : undefined);
  }
  const { owner, name } = parsed;
  const finalLabel = entryLabel({ index, repo: repoClean });
  const arch = raw.arch === undefined ? undefined : validateArchTable(raw.arch, table, finalLabel);
  // No asset: picked automatically per target (select/auto.ts).
  const asset = raw.asset === undefined ? '' : requireString(raw, 'asset', finalLabel);
  if (asset !== '') checkAssetName(asset, finalLabel);
  const libc = raw.libc === undefined ? undefined : checkLibc(raw.libc, 'libc', finalLabel);
  const matching = raw.matching === undefined ? undefined : checkMatching(raw.matching, 'matching', finalLabel);
  checkMatchingApplies(asset, matching, arch, finalLabel);
  if (raw.prerelease !== undefined && typeof raw.prerelease !== 'boolean') {
    throw prereleaseNotBoolean(finalLabel, raw.prerelease);
  }

  const tag = optionalString(raw, 'tag', finalLabel)?.trim() || 'latest';
  checkTag(tag, finalLabel);

  const tokenEnv = optionalString(raw, 'token_env', finalLabel);
  if (tokenEnv !== undefined && (!ENV_NAME_PATTERN.test(tokenEnv) || tokenEnv.length > LIMITS.tokenEnvLength)) {
    throw tokenEnvNotName(finalLabel, tokenEnv);
  }

  const destinationRaw = optionalString(raw, 'destination', finalLabel);
  const destination = destinationRaw === undefined ? undefined : normaliseDestination(destinationRaw, finalLabel);

  const stripComponents = raw.strip_components === undefined ? 0 : checkStrip(raw.strip_components, 'strip_components', finalLabel);
  const sha256 = raw.sha256 === undefined ? undefined : parseSha256Field(raw.sha256, finalLabel);
  const checksums = raw.checksums === undefined ? undefined : parseChecksumsField(raw.checksums, finalLabel);
  const files = raw.files === undefined ? undefined : checkFiles(raw.files, 'files', finalLabel);
  const update = raw.update === undefined ? undefined : checkUpdate(raw.update, finalLabel);
  const attestation = parseAttestationKeys(raw, finalLabel);

  return {
    index,
    repo: repoClean,
    owner,
    name,
    asset,
    tag,
    prerelease: raw.prerelease === true,
    ...(libc !== undefined ? { libc } : {}),
    ...(matching !== undefined ? { matching } : {}),
    ...(arch !== undefined ? { arch } : {}),
    ...(tokenEnv !== undefined ? { tokenEnv } : {}),
    ...(destination !== undefined ? { destination } : {}),
    stripComponents,
    ...(sha256 !== undefined ? { sha256 } : {}),
    ...(checksums !== undefined ? { checksums } : {}),
    ...(files !== undefined ? { files } : {}),
    ...(update !== undefined ? { update } : {}),
    ...attestation,
  };
}

/** `update`: true/false, a level (patch, minor, latest) or a semver range; kept as written (trimmed). */
function checkUpdate(value: unknown, entry: string): false | string | undefined {
  if (value === true) return undefined;
  if (value === false) return false;
  if (typeof value !== 'string') throw updateWrongType(entry, value);
  if (!parseUpdateValue(value)) throw updateUnknown(entry, value);
  return value.trim();
}

/**
 * Checks every key and value of an entry before any field is interpreted, so keys added
 * later get the same guarantees: no control or invisible characters (GHA008), strings and
 * arrays of bounded length, bounded nesting, and no integer beyond JavaScript's safe range
 * (the TOML parser returns those as BigInt). `path` names the field in messages.
 */
function checkValues(value: unknown, path: string[], entry: string, depth = 0): void {
  const field = fieldName(path);
  if (depth > LIMITS.depth) throw valueNestedTooDeep(entry, field, LIMITS.depth);
  if (typeof value === 'string') {
    const bad = unsafeCharacter(value);
    if (bad) throw unsafeCharacterInValue(entry, field, bad, value);
    if (value.length > LIMITS.stringLength) throw valueTooLong(entry, field, value.length, LIMITS.stringLength);
  } else if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value))) {
    throw integerOutOfRange(entry, field, { is: path.at(-1) === 'strip_components', max: LIMITS.stripComponents });
  } else if (Array.isArray(value)) {
    if (value.length > LIMITS.arrayLength) throw listTooLong(entry, field, value.length, LIMITS.arrayLength);
    for (const [i, item] of value.entries()) checkValues(item, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`], entry, depth + 1);
  } else if (isTable(value)) {
    for (const [key, item] of Object.entries(value)) {
      const bad = unsafeCharacter(key);
      if (bad) throw unsafeCharacterInKey(entry, fieldName([...path, key]), bad);
      checkValues(item, [...path, key], entry, depth + 1);
    }
  }
}

/** `arch.arm64.files[2]`, or `the entry` for the entry itself. */
function fieldName(path: string[]): string {
  return path.length === 0 ? 'the entry' : path.join('.');
}

/** `owner/name` split, or what is wrong with it (for "repo = "…" <problem>"). Pure; usable by any module that takes a repo. */
export function parseRepo(value: string): { owner: string; name: string } | string {
  const parts = value.split('/');
  if (parts.length !== 2) return 'is not of the form "owner/name"';
  const [owner, name] = parts as [string, string];
  if (name === '.' || name === '..' || owner === '.' || owner === '..')
    return `is not of the form "owner/name": "${owner === '.' || owner === '..' ? owner : name}" is a path segment, not a name`;
  if (!OWNER_PATTERN.test(owner)) {
    return `is not of the form "owner/name": the owner "${owner}" must be letters, digits and single hyphens (not first or last), at most 39 characters`;
  }
  if (!REPO_NAME_PATTERN.test(name))
    return `is not of the form "owner/name": the name "${name}" must be letters, digits, ".", "_" and "-", at most 100 characters`;
  return { owner, name };
}

/**
 * A tag is `latest`, a tag name or a semver range. Refused: what git never allows in a tag
 * and what would change the path of a request (`.`/`..` segments, `..`, empty segments, `\`).
 */
function checkTag(tag: string, entry: string): void {
  if (tag.length > LIMITS.tagLength) throw tagTooLong(entry, tag.length, LIMITS.tagLength);
  if (
    tag.includes('..') ||
    tag.includes('\\') ||
    tag.startsWith('/') ||
    tag.endsWith('/') ||
    tag.includes('//') ||
    tag.split('/').includes('.')
  ) {
    throw tagNotName(entry, tag);
  }
}

function checkAssetName(asset: string, entry: string, key = 'asset'): void {
  if (asset.includes('/') || asset.trim() !== asset || asset === '.' || asset === '..') throw assetNotFileName(entry, key, asset);
  if (asset.length > LIMITS.nameLength) throw assetNameTooLong(entry, key, asset.length, LIMITS.nameLength);
}

/** A whole number from `min` to `max`, naming the field; BigInt, floats, inf and nan included. Usable for any numeric key. */
function checkWholeNumber(
  v: unknown,
  key: string,
  { min, max, example = `${key} = ${min}` }: { min: number; max: number; example?: string },
  entry: string,
): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw numberOutOfRange(entry, key, v, { min, max, example });
  return v;
}

function checkLibc(v: unknown, key: string, entry: string): 'gnu' | 'musl' {
  if (v !== 'gnu' && v !== 'musl') throw libcInvalid(entry, key, v);
  return v;
}

function checkMatching(v: unknown, key: string, entry: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw matchingNotString(entry, key, v);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters in a name part is the point
  if (v.length > 200 || v.includes('/') || v.trim() !== v || /[\u0000-\u001f]/.test(v)) throw matchingNotNamePart(entry, key, v);
  return v;
}

/** `matching` filters automatic selection; next to an asset that applies to the same target it would silently do nothing. */
function checkMatchingApplies(
  asset: string,
  matching: string | undefined,
  arch: Record<string, ArchOverride> | undefined,
  entry: string,
): void {
  if (asset !== '' && matching !== undefined) throw matchingWithAsset(entry, 'matching', matching, asset);
  for (const [name, override] of Object.entries(arch ?? {})) {
    if (override.matching === undefined) continue;
    const effective = override.asset ?? asset;
    if (effective !== '') throw matchingWithAsset(entry, `arch.${name}.matching`, override.matching, effective);
  }
}

function checkStrip(v: unknown, key: string, entry: string): number {
  return checkWholeNumber(v, key, { min: 0, max: LIMITS.stripComponents, example: 'strip_components = 1' }, entry);
}

function checkFiles(value: unknown, key: string, entry: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw filesNotList(entry, key);
  return value.map((item) => {
    if (typeof item !== 'string' || item.trim() === '') throw filesItemNotString(entry, key, item);
    if (item.startsWith('/') || item.split('/').includes('..') || item.includes('\\')) throw filesItemNotRelative(entry, key, item);
    return item;
  });
}

function validateArchTable(value: unknown, table: string, entry: string): Record<string, ArchOverride> {
  if (!isTable(value)) throw archNotTable(entry, table);
  const out: Record<string, ArchOverride> = {};
  for (const [name, override] of Object.entries(value)) {
    const arch = canonicalArch(name);
    if (!arch) throw archUnknown(entry, name);
    if (out[arch]) throw archTwice(entry, table, name, arch);
    if (!isTable(override)) throw archEntryNotTable(entry, table, name);
    const result: ArchOverride = {};
    for (const [key, v] of Object.entries(override)) {
      if (!ARCH_KEYS.includes(key)) throw archUnknownKey(entry, name, key, ARCH_KEYS);
      if (key === 'asset') {
        if (typeof v !== 'string' || v === '') throw archAssetNotString(entry, name);
        checkAssetName(v, entry, `arch.${name}.asset`);
        result.asset = v;
      } else if (key === 'strip_components') {
        result.stripComponents = checkStrip(v, `arch.${name}.strip_components`, entry);
      } else if (key === 'sha256') {
        result.sha256 = parseSha256Field(v, entry);
      } else if (key === 'files') {
        result.files = checkFiles(v, `arch.${name}.files`, entry);
      } else if (key === 'libc') {
        result.libc = checkLibc(v, `arch.${name}.libc`, entry);
      } else if (key === 'matching') {
        result.matching = checkMatching(v, `arch.${name}.matching`, entry);
      }
    }
    out[arch] = result;
  }
  return out;
}

/**
 * The entry as it applies to one target: per-arch overrides merged in. An entry that names
 * no asset for this target (asset '') is selected automatically.
 */
export function specForTarget(spec: AssetSpec, target: Target): AssetSpec {
  const override = spec.arch?.[canonicalArch(target.arch) ?? target.arch];
  const merged: AssetSpec = {
    ...spec,
    ...(override?.asset !== undefined ? { asset: override.asset } : {}),
    ...(override?.stripComponents !== undefined ? { stripComponents: override.stripComponents } : {}),
    ...(override?.sha256 !== undefined ? { sha256: override.sha256 } : {}),
    ...(override?.files !== undefined ? { files: override.files } : {}),
    ...(override?.libc !== undefined ? { libc: override.libc } : {}),
    ...(override?.matching !== undefined ? { matching: override.matching } : {}),
  };
  // A pinned hash belongs to one asset: with a per-arch asset but no per-arch pin, the top-level pin cannot apply.
  if (override?.asset !== undefined && override.sha256 === undefined) delete merged.sha256;
  return merged;
}

/** Normalises a destination; keeps a trailing "/" because it means "a directory". */
function normaliseDestination(value: string, entry: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw destinationEmpty(entry);
  const bad = unsafeCharacter(trimmed);
  if (bad) throw unsafeCharacterInDestination(entry, bad);
  if (trimmed.split('/').some((segment) => Buffer.byteLength(segment) > LIMITS.nameLength)) {
    throw destinationSegmentTooLong(entry, LIMITS.nameLength);
  }
  if (trimmed.startsWith('/') || /^[A-Za-z]:[\\/]/.test(trimmed) || trimmed.includes('\\')) throw destinationAbsolute(entry, value);
  const normal = posix.normalize(trimmed);
  if (normal === '..' || normal.startsWith('../')) throw destinationOutsideLayer(entry, value);
  const top = normal.split('/')[0] ?? '';
  if (RESERVED_LAYER_DIRS.includes(top)) throw destinationReserved(entry, value, top);
  if (normal === '.' || normal === './') return '';
  const dirSuffix = trimmed.endsWith('/') && !normal.endsWith('/') ? '/' : '';
  return normal + dirSuffix;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function requireString(raw: Record<string, unknown>, key: EntryKey, label: string): string {
  const v = raw[key];
  if (v === undefined) {
    throw requiredKeyMissing(label, key, ENTRY_KEYS[key]);
  }
  if (typeof v !== 'string' || v.trim() === '') throw keyNotString(label, key, v, ENTRY_KEYS[key]);
  return v;
}

function optionalString(raw: Record<string, unknown>, key: EntryKey, label: string): string | undefined {
  if (raw[key] === undefined) return undefined;
  return requireString(raw, key, label);
}

/** The valid key closest to a misspelt one, if it is close enough to be a likely typo. */
export function closestKey(key: string): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  let best: { key: string; distance: number } | undefined;
  for (const candidate of Object.keys(ENTRY_KEYS)) {
    const distance = norm(key) === norm(candidate) ? 0 : levenshtein(key.toLowerCase(), candidate);
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
