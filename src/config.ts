// Pure: project.toml text -> validated AssetSpec[]. Every problem becomes a BuildpackError
// that names the entry (index and repo), the key and the fix. No fs or network here: the
// caller reads the file.

import TOML from '@iarna/toml';
import { posix } from 'node:path';
import { BuildpackError } from './errors.js';
import { entryLabel, type ArchOverride, type AssetSpec, type Target } from './model.js';
import { canonicalArch } from './select.js';
import { describeValue, parseChecksumsField, parseSha256Field } from './config-integrity.js';
import { parseAttestationKeys } from './config-attestations.js';

/** Keys an entry may have, with a one-line description used in messages and docs. */
export const ENTRY_KEYS = {
  repo: 'GitHub repository as "owner/name" (required)',
  asset: 'release asset file name (required)',
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
  arch: 'per-architecture overrides: [metadata.githubassets.arch.<amd64|arm64>] with asset, sha256, strip_components, files',
} as const;

/** Keys an `arch.<name>` table may hold. */
const ARCH_KEYS = ['asset', 'sha256', 'strip_components', 'files'];

type EntryKey = keyof typeof ENTRY_KEYS;

/** Top-level names inside a layer that the lifecycle interprets; installing there would change the image's environment. */
export const RESERVED_LAYER_DIRS = ['env', 'env.launch', 'env.build', 'exec.d', 'profile.d'];

const REPO_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
    document = TOML.parse(text) as Record<string, unknown>;
  } catch (err) {
    const e = err as { line?: number; col?: number; message?: string };
    const where = typeof e.line === 'number' ? ` at line ${e.line + 1}, column ${(e.col ?? 0) + 1}` : '';
    const first = String(e.message ?? err).split('\n')[0]?.replace(/ at row \d+, col \d+, pos \d+:?$/, '');
    throw new BuildpackError('GHA002', `${source} is not valid TOML${where}: ${first}`, {
      hint: `fix the syntax of ${source} (check quotes, brackets and that each [[metadata.githubassets]] table header is on its own line)`,
      cause: err,
    });
  }
  const found = findEntryTables(document, source);
  if (!found) return { specs: [], table: undefined, document };
  const specs = found.entries.map((raw, i) => validateEntry(raw, i + 1, found.table));
  return { specs, table: found.table, document };
}

function findEntryTables(doc: Record<string, unknown>, source: string): { table: string; entries: unknown[] } | undefined {
  const v1 = getPath(doc, ['metadata', 'githubassets']);
  const v2 = getPath(doc, ['_', 'metadata', 'githubassets']);
  if (v1 !== undefined && v2 !== undefined) {
    throw new BuildpackError('GHA003', `${source} has entries under both [[metadata.githubassets]] and [[_.metadata.githubassets]]`, {
      hint: 'keep one: [[_.metadata.githubassets]] for schema-version 0.2 descriptors, [[metadata.githubassets]] otherwise',
    });
  }
  const table = v2 !== undefined ? '_.metadata.githubassets' : 'metadata.githubassets';
  const value = v2 ?? v1;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new BuildpackError('GHA003', `[${table}] must be an array of tables`, {
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
  const repoGuess = isTable(raw) && typeof raw.repo === 'string' ? raw.repo : '?';
  const label = entryLabel({ index, repo: repoGuess });
  const fail = (message: string, hint: string, code: 'GHA003' | 'GHA004' | 'GHA005' = 'GHA003') =>
    new BuildpackError(code, message, { entry: label, hint });

  if (!isTable(raw)) throw fail(`entry is not a table`, `write it as [[${table}]] followed by key = value lines`);

  for (const key of Object.keys(raw)) {
    if (key in ENTRY_KEYS) continue;
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
      (suggestion ? `did you mean "${suggestion}"? ` : '') + `valid keys: ${Object.keys(ENTRY_KEYS).join(', ')}`,
      'GHA004',
    );
  }

  const repo = requireString(raw, 'repo', label);
  const repoClean = repo.trim();
  if (!REPO_PATTERN.test(repoClean)) {
    const fromUrl = /github\.com[/:]([^/]+\/[^/#?]+?)(?:\.git)?\/?$/.exec(repoClean)?.[1];
    throw fail(
      `repo = "${repo}" is not of the form "owner/name"`,
      fromUrl ? `write repo = "${fromUrl}"` : 'write the repository as owner/name, e.g. repo = "grpc-ecosystem/grpc-health-probe"',
    );
  }
  const [owner, name] = repoClean.split('/') as [string, string];
  const finalLabel = entryLabel({ index, repo: repoClean });
  const failFinal = (message: string, hint: string, code: 'GHA003' | 'GHA005' = 'GHA003') =>
    new BuildpackError(code, message, { entry: finalLabel, hint });

  const arch = raw.arch === undefined ? undefined : validateArchTable(raw.arch, table, failFinal);
  const asset = arch && raw.asset === undefined ? '' : requireString(raw, 'asset', finalLabel);
  if (asset !== '') checkAssetName(asset, failFinal);
  if (raw.prerelease !== undefined && typeof raw.prerelease !== 'boolean') {
    throw failFinal(`prerelease = ${JSON.stringify(raw.prerelease)} must be true or false`, 'write prerelease = true without quotes');
  }

  const tag = optionalString(raw, 'tag', finalLabel)?.trim() || 'latest';

  const tokenEnv = optionalString(raw, 'token_env', finalLabel);
  if (tokenEnv !== undefined && !ENV_NAME_PATTERN.test(tokenEnv)) {
    throw failFinal(
      `token_env = "${tokenEnv}" is not an environment variable name`,
      'token_env names the variable that holds the token (e.g. token_env = "TOOLCHAIN_TOKEN"), not the token itself',
    );
  }

  const destinationRaw = optionalString(raw, 'destination', finalLabel);
  const destination = destinationRaw === undefined ? undefined : normaliseDestination(destinationRaw, failFinal);

  const stripComponents = raw.strip_components === undefined ? 0 : checkStrip(raw.strip_components, 'strip_components', failFinal);
  const sha256 = raw.sha256 === undefined ? undefined : parseSha256Field(raw.sha256, failFinal);
  const checksums = raw.checksums === undefined ? undefined : parseChecksumsField(raw.checksums, failFinal);
  const files = raw.files === undefined ? undefined : checkFiles(raw.files, 'files', failFinal);
  const attestation = parseAttestationKeys(raw, failFinal);

  return {
    index,
    repo: repoClean,
    owner,
    name,
    asset,
    tag,
    prerelease: raw.prerelease === true,
    ...(arch !== undefined ? { arch } : {}),
    ...(tokenEnv !== undefined ? { tokenEnv } : {}),
    ...(destination !== undefined ? { destination } : {}),
    stripComponents,
    ...(sha256 !== undefined ? { sha256 } : {}),
    ...(checksums !== undefined ? { checksums } : {}),
    ...(files !== undefined ? { files } : {}),
    ...attestation,
  };
}

type Fail = (message: string, hint: string, code?: 'GHA003' | 'GHA005') => BuildpackError;

function checkAssetName(asset: string, fail: Fail, key = 'asset'): void {
  if (asset.includes('/') || asset.trim() !== asset) {
    throw fail(`${key} = "${asset}" is not a file name`, 'use the asset file name (or a pattern such as "tool_{version}_{os}_{arch}.tar.gz") as shown on the release page, without a path');
  }
}

function checkStrip(v: unknown, key: string, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 64) {
    throw fail(`${key} = ${JSON.stringify(v)} must be a non-negative integer`, 'write a bare number without quotes, e.g. strip_components = 1');
  }
  return v;
}

function checkFiles(value: unknown, key: string, fail: Fail): string[] {
  const hint = 'write a list of paths or globs inside the archive, e.g. files = ["bin/tool", "LICENSE*"]';
  if (!Array.isArray(value) || value.length === 0) throw fail(`${key} must be a non-empty list of strings`, hint);
  return value.map((item) => {
    if (typeof item !== 'string' || item.trim() === '') throw fail(`${key} must only hold non-empty strings, got ${describeValue(item)}`, hint);
    if (item.startsWith('/') || item.split('/').includes('..')) throw fail(`${key} entry "${item}" must be a relative path inside the archive`, hint);
    return item;
  });
}

function validateArchTable(value: unknown, table: string, fail: Fail): Record<string, ArchOverride> {
  if (!isTable(value)) throw fail('arch must be a table of per-architecture tables', `write [${table}.arch.arm64] followed by asset = "..."`);
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
        if (typeof v !== 'string' || v === '') throw fail(`arch.${name}.asset must be a non-empty string`, 'write asset = "..." with quotes');
        checkAssetName(v, fail, `arch.${name}.asset`);
        result.asset = v;
      } else if (key === 'strip_components') {
        result.stripComponents = checkStrip(v, `arch.${name}.strip_components`, fail);
      } else if (key === 'sha256') {
        result.sha256 = parseSha256Field(v, fail);
      } else if (key === 'files') {
        result.files = checkFiles(v, `arch.${name}.files`, fail);
      }
    }
    out[arch] = result;
  }
  return out;
}

/**
 * The entry as it applies to one target: per-arch overrides merged in. An entry without a
 * top-level asset and without a table for this arch has nothing to install here.
 */
export function specForTarget(spec: AssetSpec, target: Target): AssetSpec {
  const override = spec.arch?.[canonicalArch(target.arch) ?? target.arch];
  const merged: AssetSpec = {
    ...spec,
    ...(override?.asset !== undefined ? { asset: override.asset } : {}),
    ...(override?.stripComponents !== undefined ? { stripComponents: override.stripComponents } : {}),
    ...(override?.sha256 !== undefined ? { sha256: override.sha256 } : {}),
    ...(override?.files !== undefined ? { files: override.files } : {}),
  };
  // A pinned hash belongs to one asset: with a per-arch asset but no per-arch pin, the top-level pin cannot apply.
  if (override?.asset !== undefined && override.sha256 === undefined) delete merged.sha256;
  if (merged.asset === '') {
    const configured = Object.keys(spec.arch ?? {}).join(', ');
    throw new BuildpackError('GHA003', `no asset for ${target.os}/${target.arch}: the entry has no asset and arch tables only for ${configured}`, {
      entry: entryLabel(spec),
      hint: `add asset = "..." (a pattern with {arch} covers every architecture) or an [arch.${target.arch}] table`,
    });
  }
  return merged;
}

/** Normalises a destination; keeps a trailing "/" because it means "a directory". */
export function normaliseDestination(value: string, fail: Fail): string {
  const trimmed = value.trim();
  if (trimmed === '') throw fail('destination is empty', 'omit destination to use the default, or give a path such as "bin"');
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
    throw new BuildpackError('GHA003', `missing required key "${key}"`, {
      entry: label,
      hint: `add ${key} = "..." (${ENTRY_KEYS[key]})`,
    });
  }
  if (typeof v !== 'string' || v.trim() === '') {
    throw new BuildpackError('GHA003', `${key} must be a non-empty string, got ${describeValue(v)}`, {
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
