// Pure: project.toml text -> validated AssetSpec[]. Every problem becomes a BuildpackError
// that names the entry (index and repo), the key and the fix. No fs or network here: the
// caller reads the file.

import TOML from '@iarna/toml';
import { posix } from 'node:path';
import type { BuildpackError } from '../errors.js';
import { entryLabel, type ArchOverride, type AssetSpec, type Target } from '../model.js';
import { canonicalArch, RESERVED_LAYER_DIRS } from '../platform.js';
import { describeValue, parseChecksumsField, parseSha256Field } from './integrity.js';
import { parseUpdateValue } from '../select/update-policy.js';
import { unsafeCharacter } from '../util/printable.js';
import { parseAttestationKeys } from './attestation-keys.js';
import { descriptorInvalid, entryError, entryInvalid, type EntryErrorCode } from '../errors/catalog.js';

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
    document = TOML.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as Record<string, unknown>;
  } catch (err) {
    const e = err as { line?: number; col?: number; message?: string };
    const where = typeof e.line === 'number' ? ` at line ${e.line + 1}, column ${(e.col ?? 0) + 1}` : '';
    const first = String(e.message ?? err)
      .split('\n')[0]
      ?.replace(/ at row \d+, col \d+, pos \d+:?$/, '');
    throw descriptorInvalid(`${source} is not valid TOML${where}: ${first}`, {
      hint: `fix the syntax of ${source} (check quotes, brackets and that each [[metadata.githubassets]] table header is on its own line)`,
      cause: err,
    });
  }
  const found = findEntryTables(document, source);
  if (!found) return { specs: [], table: undefined, document };
  if (found.entries.length > LIMITS.entries) {
    throw entryInvalid(`${source} has ${found.entries.length} [[${found.table}]] entries; at most ${LIMITS.entries} are supported`, {
      hint: 'split the assets across fewer entries or buildpacks; check the file was not generated by mistake',
    });
  }
  const specs = found.entries.map((raw, i) => validateEntry(raw, i + 1, found.table));
  return { specs, table: found.table, document };
}

function findEntryTables(doc: Record<string, unknown>, source: string): { table: string; entries: unknown[] } | undefined {
  const v1 = getPath(doc, ['metadata', 'githubassets']);
  const v2 = getPath(doc, ['_', 'metadata', 'githubassets']);
  if (v1 !== undefined && v2 !== undefined) {
    throw entryInvalid(`${source} has entries under both [[metadata.githubassets]] and [[_.metadata.githubassets]]`, {
      hint: 'keep one: [[_.metadata.githubassets]] for schema-version 0.2 descriptors, [[metadata.githubassets]] otherwise',
    });
  }
  const table = v2 !== undefined ? '_.metadata.githubassets' : 'metadata.githubassets';
  const value = v2 ?? v1;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw entryInvalid(`[${table}] must be an array of tables`, {
      hint: `write each entry with double brackets: [[${table}]]`,
    });
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
  const fail = (message: string, hint: string, code: EntryErrorCode = 'GHA003') => entryError(code, message, { entry: label, hint });

  if (!isTable(raw)) throw fail(`entry is not a table`, `write it as [[${table}]] followed by key = value lines`);

  for (const key of Object.keys(raw)) {
    if (Object.hasOwn(ENTRY_KEYS, key)) continue;
    if (key === 'token' || key === 'github_token') {
      throw fail(
        `unknown key "${key}": tokens must not be written into project.toml`,
        'put the token in an environment variable (pack build --env NAME=...) and set token_env = "NAME"',
        'GHA004',
      );
    }
    const suggestion = closestKey(key);
    throw fail(
      `unknown key "${key}"`,
      `${suggestion ? `did you mean "${suggestion}"? ` : ''}valid keys: ${Object.keys(ENTRY_KEYS).join(', ')}`,
      'GHA004',
    );
  }

  checkValues(raw, [], fail);

  const repo = requireString(raw, 'repo', label);
  const repoClean = repo.trim();
  const parsed = parseRepo(repoClean);
  if (typeof parsed === 'string') {
    const fromUrl = /github\.com[/:]([^/]+\/[^/#?]+?)(?:\.git)?\/?$/.exec(repoClean)?.[1];
    throw fail(
      `repo = "${repo}" ${parsed}`,
      fromUrl && typeof parseRepo(fromUrl) !== 'string'
        ? `write repo = "${fromUrl}"`
        : 'write the repository as owner/name, e.g. repo = "grpc-ecosystem/grpc-health-probe"',
    );
  }
  const { owner, name } = parsed;
  const finalLabel = entryLabel({ index, repo: repoClean });
  const failFinal: Fail = (message, hint, code = 'GHA003') => entryError(code, message, { entry: finalLabel, hint });

  const arch = raw.arch === undefined ? undefined : validateArchTable(raw.arch, table, failFinal, finalLabel);
  // No asset: picked automatically per target (select/auto.ts).
  const asset = raw.asset === undefined ? '' : requireString(raw, 'asset', finalLabel);
  if (asset !== '') checkAssetName(asset, failFinal);
  const libc = raw.libc === undefined ? undefined : checkLibc(raw.libc, 'libc', failFinal);
  const matching = raw.matching === undefined ? undefined : checkMatching(raw.matching, 'matching', failFinal);
  checkMatchingApplies(asset, matching, arch, failFinal);
  if (raw.prerelease !== undefined && typeof raw.prerelease !== 'boolean') {
    throw failFinal(`prerelease = ${showValue(raw.prerelease)} must be true or false`, 'write prerelease = true without quotes');
  }

  const tag = optionalString(raw, 'tag', finalLabel)?.trim() || 'latest';
  checkTag(tag, failFinal);

  const tokenEnv = optionalString(raw, 'token_env', finalLabel);
  if (tokenEnv !== undefined && (!ENV_NAME_PATTERN.test(tokenEnv) || tokenEnv.length > LIMITS.tokenEnvLength)) {
    throw failFinal(
      `token_env = "${tokenEnv}" is not an environment variable name`,
      'token_env names the variable that holds the token (e.g. token_env = "TOOLCHAIN_TOKEN"), not the token itself',
    );
  }

  const destinationRaw = optionalString(raw, 'destination', finalLabel);
  const destination = destinationRaw === undefined ? undefined : normaliseDestination(destinationRaw, failFinal);

  const stripComponents = raw.strip_components === undefined ? 0 : checkStrip(raw.strip_components, 'strip_components', failFinal);
  const sha256 = raw.sha256 === undefined ? undefined : parseSha256Field(raw.sha256, finalLabel);
  const checksums = raw.checksums === undefined ? undefined : parseChecksumsField(raw.checksums, finalLabel);
  const files = raw.files === undefined ? undefined : checkFiles(raw.files, 'files', failFinal);
  const update = raw.update === undefined ? undefined : checkUpdate(raw.update, failFinal);
  const attestation = parseAttestationKeys(raw, failFinal);

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
function checkUpdate(value: unknown, fail: Fail): false | string | undefined {
  const hint = 'write update = false to never bump this entry, update = "patch", "minor" or "latest", or a range such as update = "~1.4"';
  if (value === true) return undefined;
  if (value === false) return false;
  if (typeof value !== 'string') throw fail(`update = ${describeValue(value)} must be true, false or a string`, hint);
  if (!parseUpdateValue(value)) throw fail(`update = "${value}" is neither "patch", "minor", "latest" nor a semver range`, hint);
  return value.trim();
}

/** Builds the entry's error: GHA003 unless a more precise code is given. */
export type Fail = (message: string, hint: string, code?: 'GHA003' | 'GHA005' | 'GHA008') => BuildpackError;

/**
 * Checks every key and value of an entry before any field is interpreted, so keys added
 * later get the same guarantees: no control or invisible characters (GHA008), strings and
 * arrays of bounded length, bounded nesting, and no integer beyond JavaScript's safe range
 * (the TOML parser returns those as BigInt). `path` names the field in messages.
 */
function checkValues(value: unknown, path: string[], fail: Fail, depth = 0): void {
  const field = fieldName(path);
  if (depth > LIMITS.depth)
    throw fail(
      `${field} is nested more than ${LIMITS.depth} levels deep`,
      "write the entry as documented in the README's configuration reference",
    );
  if (typeof value === 'string') {
    const bad = unsafeCharacter(value);
    if (bad) {
      throw fail(
        `${field} contains a control or invisible character (${bad}): ${JSON.stringify(value.slice(0, 80))}`,
        'remove it; names, tags and paths never need control characters, bidirectional overrides or zero-width characters',
        'GHA008',
      );
    }
    if (value.length > LIMITS.stringLength)
      throw fail(
        `${field} is ${value.length} characters long; at most ${LIMITS.stringLength} are allowed`,
        'check the value; no name, tag or path needs to be that long',
      );
  } else if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value))) {
    const hint =
      path.at(-1) === 'strip_components'
        ? `strip_components is a whole number from 0 to ${LIMITS.stripComponents}`
        : `write the value ${field} expects (the README's configuration reference lists each field)`;
    // Not echoed: the parser wraps literals beyond 64 bits (2^64 + 5 arrives as 5), so the value may not be what was written.
    throw fail(`${field} holds an integer beyond the range the buildpack accepts (at most ${Number.MAX_SAFE_INTEGER} in size)`, hint);
  } else if (Array.isArray(value)) {
    if (value.length > LIMITS.arrayLength)
      throw fail(
        `${field} has ${value.length} items; at most ${LIMITS.arrayLength} are allowed`,
        'shorten the list; a glob such as "bin/*" can replace many paths',
      );
    for (const [i, item] of value.entries()) checkValues(item, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`], fail, depth + 1);
  } else if (isTable(value)) {
    for (const [key, item] of Object.entries(value)) {
      const bad = unsafeCharacter(key);
      if (bad)
        throw fail(
          `${fieldName([...path, key])}: the key contains a control or invisible character (${bad})`,
          'remove it; keys are plain names such as asset or files',
          'GHA008',
        );
      checkValues(item, [...path, key], fail, depth + 1);
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
function checkTag(tag: string, fail: Fail): void {
  const hint = 'write an existing tag (e.g. tag = "v1.4.7"), a range (tag = "~1.4") or tag = "latest"';
  if (tag.length > LIMITS.tagLength) throw fail(`tag is ${tag.length} characters long; at most ${LIMITS.tagLength} are allowed`, hint);
  if (
    tag.includes('..') ||
    tag.includes('\\') ||
    tag.startsWith('/') ||
    tag.endsWith('/') ||
    tag.includes('//') ||
    tag.split('/').includes('.')
  ) {
    throw fail(`tag = "${tag}" is not a tag name: it holds "..", "\\", an empty or "." path segment`, hint);
  }
}

function checkAssetName(asset: string, fail: Fail, key = 'asset'): void {
  if (asset.includes('/') || asset.trim() !== asset || asset === '.' || asset === '..') {
    throw fail(
      `${key} = "${asset}" is not a file name`,
      'use the asset file name (or a pattern such as "tool_{version}_{os}_{arch}.tar.gz") as shown on the release page, without a path',
    );
  }
  if (asset.length > LIMITS.nameLength)
    throw fail(
      `${key} is ${asset.length} characters long; a file name has at most ${LIMITS.nameLength}`,
      'use the asset file name as shown on the release page',
    );
}

/** A whole number from `min` to `max`, naming the field; BigInt, floats, inf and nan included. Usable for any numeric key. */
function checkWholeNumber(
  v: unknown,
  key: string,
  { min, max, example = `${key} = ${min}` }: { min: number; max: number; example?: string },
  fail: Fail,
): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    const what =
      typeof v === 'number' || typeof v === 'bigint'
        ? `${key} = ${showValue(v)}`
        : `${key} = ${showValue(v)} (${describeValue(v).split(' ')[0]})`;
    const range = min === 0 ? `a non-negative integer, at most ${max}` : `a whole number from ${min} to ${max}`;
    throw fail(`${what} must be ${range}`, `write a bare number without quotes, e.g. ${example}`);
  }
  return v;
}

function checkLibc(v: unknown, key: string, fail: Fail): 'gnu' | 'musl' {
  if (v !== 'gnu' && v !== 'musl') {
    throw fail(
      `${key} = ${JSON.stringify(v) ?? describeValue(v)} must be "gnu" or "musl"`,
      `write ${key} = "gnu" to prefer glibc builds or ${key} = "musl" for musl/static builds only; leave it out for the default (static/musl first)`,
    );
  }
  return v;
}

function checkMatching(v: unknown, key: string, fail: Fail): string {
  const hint = `write ${key} = "..." with a part of the asset name (e.g. "kubens") or a glob such as "*-linux-*"`;
  if (typeof v !== 'string' || v.trim() === '') throw fail(`${key} must be a non-empty string, got ${describeValue(v)}`, hint);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters in a name part is the point
  if (v.length > 200 || v.includes('/') || v.trim() !== v || /[\u0000-\u001f]/.test(v))
    throw fail(`${key} = ${JSON.stringify(v.slice(0, 200))} is not part of a file name`, hint);
  return v;
}

/** `matching` filters automatic selection; next to an asset that applies to the same target it would silently do nothing. */
function checkMatchingApplies(
  asset: string,
  matching: string | undefined,
  arch: Record<string, ArchOverride> | undefined,
  fail: Fail,
): void {
  const hint =
    'keep one: asset names the asset (exactly or as a pattern); matching only narrows automatic selection, when asset is left out';
  if (asset !== '' && matching !== undefined) throw fail(`matching = "${matching}" has no effect next to asset = "${asset}"`, hint);
  for (const [name, override] of Object.entries(arch ?? {})) {
    if (override.matching === undefined) continue;
    const effective = override.asset ?? asset;
    if (effective !== '') throw fail(`arch.${name}.matching = "${override.matching}" has no effect next to asset = "${effective}"`, hint);
  }
}

function checkStrip(v: unknown, key: string, fail: Fail): number {
  return checkWholeNumber(v, key, { min: 0, max: LIMITS.stripComponents, example: 'strip_components = 1' }, fail);
}

/** A TOML value as written in a message: numbers (BigInt, inf, nan too) as they are, other values as describeValue says. */
function showValue(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf';
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  return describeValue(v);
}

function checkFiles(value: unknown, key: string, fail: Fail): string[] {
  const hint = 'write a list of paths or globs inside the archive, e.g. files = ["bin/tool", "LICENSE*"]';
  if (!Array.isArray(value) || value.length === 0) throw fail(`${key} must be a non-empty list of strings`, hint);
  return value.map((item) => {
    if (typeof item !== 'string' || item.trim() === '')
      throw fail(`${key} must only hold non-empty strings, got ${describeValue(item)}`, hint);
    if (item.startsWith('/') || item.split('/').includes('..') || item.includes('\\'))
      throw fail(`${key} entry "${item}" must be a relative path inside the archive`, hint);
    return item;
  });
}

function validateArchTable(value: unknown, table: string, fail: Fail, entry: string): Record<string, ArchOverride> {
  if (!isTable(value))
    throw fail('arch must be a table of per-architecture tables', `write [${table}.arch.arm64] followed by asset = "..."`);
  const out: Record<string, ArchOverride> = {};
  for (const [name, override] of Object.entries(value)) {
    const arch = canonicalArch(name);
    if (!arch) throw fail(`arch.${name}: unknown architecture`, 'use a CNB architecture name such as amd64 or arm64');
    if (out[arch]) throw fail(`arch.${name}: ${arch} is configured twice`, `keep one [${table}.arch.${arch}] table`);
    if (!isTable(override)) throw fail(`arch.${name} must be a table`, `write [${table}.arch.${name}] followed by asset = "..."`);
    const result: ArchOverride = {};
    for (const [key, v] of Object.entries(override)) {
      if (!ARCH_KEYS.includes(key)) throw fail(`arch.${name}: unknown key "${key}"`, `an arch table may set: ${ARCH_KEYS.join(', ')}`);
      if (key === 'asset') {
        if (typeof v !== 'string' || v === '')
          throw fail(`arch.${name}.asset must be a non-empty string`, 'write asset = "..." with quotes');
        checkAssetName(v, fail, `arch.${name}.asset`);
        result.asset = v;
      } else if (key === 'strip_components') {
        result.stripComponents = checkStrip(v, `arch.${name}.strip_components`, fail);
      } else if (key === 'sha256') {
        result.sha256 = parseSha256Field(v, entry);
      } else if (key === 'files') {
        result.files = checkFiles(v, `arch.${name}.files`, fail);
      } else if (key === 'libc') {
        result.libc = checkLibc(v, `arch.${name}.libc`, fail);
      } else if (key === 'matching') {
        result.matching = checkMatching(v, `arch.${name}.matching`, fail);
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
function normaliseDestination(value: string, fail: Fail): string {
  const trimmed = value.trim();
  if (trimmed === '') throw fail('destination is empty', 'omit destination to use the default, or give a path such as "bin"');
  const bad = unsafeCharacter(trimmed);
  if (bad)
    throw fail(
      `destination contains a control or invisible character (${bad})`,
      'use a plain relative path such as "bin" or "opt/tool"',
      'GHA008',
    );
  if (trimmed.split('/').some((segment) => Buffer.byteLength(segment) > LIMITS.nameLength)) {
    throw fail(`destination has a path segment longer than ${LIMITS.nameLength} bytes`, 'use shorter directory and file names');
  }
  if (trimmed.startsWith('/') || /^[A-Za-z]:[\\/]/.test(trimmed) || trimmed.includes('\\')) {
    throw fail(
      `destination = "${value}" is absolute`,
      'destination is relative to the layer, e.g. "bin/grpc_health_probe"; the absolute path is printed after the build',
      'GHA005',
    );
  }
  const normal = posix.normalize(trimmed);
  if (normal === '..' || normal.startsWith('../')) {
    throw fail(`destination = "${value}" escapes the layer`, 'use a path inside the layer, without ".." segments', 'GHA005');
  }
  const top = normal.split('/')[0] ?? '';
  if (RESERVED_LAYER_DIRS.includes(top)) {
    throw fail(
      `destination = "${value}" is inside "${top}/", which the lifecycle reads as environment settings`,
      'install into another directory, e.g. "bin" or "share/<tool>"',
      'GHA005',
    );
  }
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
    throw entryInvalid(`missing required key "${key}"`, {
      entry: label,
      hint: `add ${key} = "..." (${ENTRY_KEYS[key]})`,
    });
  }
  if (typeof v !== 'string' || v.trim() === '') {
    throw entryInvalid(`${key} must be a non-empty string, got ${describeValue(v)}`, {
      entry: label,
      hint: `write ${key} = "..." with quotes (${ENTRY_KEYS[key]})`,
    });
  }
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
