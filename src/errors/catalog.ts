// The error catalog: the only place errors are constructed (test/architecture.test.ts), in code
// order, grouped by pipeline stage. Each code has a constructor named for its kind; a message or
// hint needed in more than one place is shaped here from facts (names, sizes), once. Imports only
// the base class: errors is the lowest unit, and nothing here may import from above it.

import { BuildpackError, type ErrorDetails } from '../errors.js';

// ─── descriptor (project.toml) and settings ──────────────────────────────────────────────────────

/** GHA001: the descriptor the user named is not there. `namedBy` says who named it, which changes the fix. */
export function descriptorMissing(path: string, namedBy: 'GITHUB_ASSETS_PATH' | 'command line'): BuildpackError {
  if (namedBy === 'GITHUB_ASSETS_PATH') {
    return new BuildpackError('GHA001', `GITHUB_ASSETS_PATH names ${path}, which does not exist`, {
      hint:
        'give a path relative to the app directory (e.g. deploy/assets.toml), ' +
        'and check that pack include/exclude rules do not drop the file',
    });
  }
  return new BuildpackError('GHA001', `${path} does not exist`, {
    hint: 'pass the path of your project.toml (or the app directory), e.g. github-assets check path/to/project.toml',
  });
}

/** Why a descriptor cannot be read: the file system refused, it is no regular file, or it is too large (sizes formatted). */
export type DescriptorUnreadable =
  | { kind: 'io'; code: string | undefined; message: string; cause: unknown }
  | { kind: 'not-regular'; what: string; explicit: boolean }
  | { kind: 'too-large'; sizeShown: string; maxShown: string; explicit: boolean };

/** GHA001: the descriptor exists but cannot be read as one; `explicit` when GITHUB_ASSETS_PATH or the command line named it. */
export function descriptorUnreadable(shown: string, p: DescriptorUnreadable): BuildpackError {
  const unreadable = (why: string, hint: string, cause?: unknown) =>
    new BuildpackError('GHA001', `cannot read ${shown}: ${why}`, cause === undefined ? { hint } : { hint, cause });
  switch (p.kind) {
    case 'io':
      return unreadable(
        p.code ?? p.message,
        p.code === 'ELOOP' ? 'the path is a symlink loop; point it at the descriptor file' : 'check the file permissions',
        p.cause,
      );
    case 'not-regular':
      return unreadable(
        `it is ${p.what}, not a regular file`,
        p.explicit
          ? 'name the descriptor file itself (GITHUB_ASSETS_PATH must name a file, not a directory or a device)'
          : 'project.toml must be a regular file (a symlink to one is fine)',
      );
    case 'too-large':
      return unreadable(
        `it is ${p.sizeShown}, more than a descriptor may be (${p.maxShown})`,
        p.explicit
          ? 'check that the path names your descriptor (a project.toml of a few KiB)'
          : 'project.toml is far larger than any descriptor needs to be; check what it holds',
      );
  }
}

/** GHA002: the descriptor is UTF-16, not UTF-8. */
export function descriptorUtf16(shown: string): BuildpackError {
  return new BuildpackError('GHA002', `${shown} is UTF-16 encoded; TOML files are UTF-8`, {
    hint: `save ${shown} as UTF-8 (most editors: "Save with encoding" → UTF-8)`,
  });
}

/** GHA002: the descriptor's bytes are not UTF-8. */
export function descriptorNotUtf8(shown: string, cause: unknown): BuildpackError {
  return new BuildpackError('GHA002', `${shown} is not valid UTF-8`, { hint: `save ${shown} as UTF-8; TOML files must be UTF-8`, cause });
}

/** GHA003: a descriptor without entries, given to a command that edits them. */
export function noEntries(shown: string, command: 'pin' | 'update'): BuildpackError {
  return new BuildpackError('GHA003', `${shown} has no [[metadata.githubassets]] entries to ${command}`, {
    hint: 'add an entry first; the README shows the format',
  });
}

/** How a TOML value is named in messages: "an array", "a table", `number 7`, … */
function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a table';
  if (typeof v === 'bigint') return `integer ${v}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return `number ${Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

// GHA003, sha256 key: `entry` is the entry's label, `value` what the user wrote.
const SHA256_HINT =
  'write sha256 = "<64 hex digits>" (the SHA-256 of the asset file, e.g. from `sha256sum <asset>` or the release\'s checksums file)';

/** GHA003: sha256 is not a string. */
export function sha256NotString(entry: string, value: unknown): BuildpackError {
  return new BuildpackError('GHA003', `sha256 must be a string, got ${describeValue(value)}`, { entry, hint: SHA256_HINT });
}

/** GHA003: sha256 holds the hex digest of another algorithm (`algorithm`, e.g. "MD5", of `digits` hex digits). */
export function sha256OtherDigest(entry: string, value: string, found: { algorithm: string; digits: number }): BuildpackError {
  const message = `sha256 = "${value}" looks like a ${found.algorithm} digest (${found.digits} hex digits), not a SHA-256 (64)`;
  return new BuildpackError('GHA003', message, { entry, hint: SHA256_HINT });
}

/** GHA003: sha256 has an `algo:` prefix other than `sha256:`. */
export function sha256WrongPrefix(entry: string, value: string): BuildpackError {
  return new BuildpackError('GHA003', `sha256 = "${value}" has an algorithm prefix other than "sha256:"`, { entry, hint: SHA256_HINT });
}

/** GHA003: sha256 is not 64 hex digits. */
export function sha256Malformed(entry: string, value: string): BuildpackError {
  const message = `sha256 = "${value}" is not a SHA-256: expected 64 hex digits, optionally prefixed with "sha256:"`;
  return new BuildpackError('GHA003', message, { entry, hint: SHA256_HINT });
}

// GHA003, checksums key.
const CHECKSUMS_HINT =
  'write checksums = "<file name>" as shown on the release page, e.g. checksums = "SHA256SUMS" or "tool_{version}_checksums.txt"';

/** GHA003: checksums is not a string. */
export function checksumsNotString(entry: string, value: unknown): BuildpackError {
  return new BuildpackError('GHA003', `checksums must be a string, got ${describeValue(value)}`, { entry, hint: CHECKSUMS_HINT });
}

/** GHA003: checksums is empty. */
export function checksumsEmpty(entry: string): BuildpackError {
  const hint = `${CHECKSUMS_HINT}, or omit it to let the buildpack find the release's checksums file`;
  return new BuildpackError('GHA003', 'checksums is empty', { entry, hint });
}

/** GHA003: checksums holds a path or URL, not a file name. */
export function checksumsNotFileName(entry: string, value: string): BuildpackError {
  const hint = `${CHECKSUMS_HINT}; it names an asset of the same release, without a path or URL`;
  return new BuildpackError('GHA003', `checksums = "${value}" is not a file name`, { entry, hint });
}

/** GHA003: checksums holds control characters. */
export function checksumsControlCharacters(entry: string, value: string): BuildpackError {
  return new BuildpackError('GHA003', `checksums = ${JSON.stringify(value)} contains control characters`, { entry, hint: CHECKSUMS_HINT });
}

/** GHA003: checksums uses a `{placeholder}` other than {tag} and {version}. */
export function checksumsUnknownPlaceholder(entry: string, value: string, placeholder: string): BuildpackError {
  const hint = `${CHECKSUMS_HINT}; only {tag} and {version} are replaced`;
  return new BuildpackError('GHA003', `checksums = "${value}" uses the unknown placeholder {${placeholder}}`, { entry, hint });
}

/** GHA003: checksums names a signature or certificate (`suffix`), not a sums file. */
export function checksumsIsSignature(entry: string, value: string, suffix: string): BuildpackError {
  return new BuildpackError('GHA003', `checksums = "${value}" is a signature or certificate (${suffix}), not a list of SHA-256 sums`, {
    entry,
    hint: 'name the checksums file itself (e.g. "checksums.txt", not "checksums.txt.sig"); signatures are not verified by this buildpack',
  });
}

// ─── entry validation (descriptor/parse.ts, descriptor/attestation-keys.ts), grouped by code ────
// Each constructor takes the entry's label (`entry`) and the facts; the message and hint are shaped here.

/** A TOML value as written in a message: numbers (BigInt, inf, nan too) as they are, other values as describeValue says. */
function showValue(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf';
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  return describeValue(v);
}

function invalid(entry: string | undefined, message: string, hint: string): BuildpackError {
  return new BuildpackError('GHA003', message, entry === undefined ? { hint } : { entry, hint });
}

/** GHA002: the descriptor text is not TOML (`where`: " at line L, column C" or ''; `parserSays`: the parser's first line). */
export function descriptorNotToml(
  source: string,
  found: { where: string; parserSays: string | undefined; cause: unknown },
): BuildpackError {
  return new BuildpackError('GHA002', `${source} is not valid TOML${found.where}: ${found.parserSays}`, {
    hint: `fix the syntax of ${source} (check quotes, brackets and that each [[metadata.githubassets]] table header is on its own line)`,
    cause: found.cause,
  });
}

/** GHA003: more entries than the buildpack supports. */
export function tooManyEntries(source: string, table: string, count: number, max: number): BuildpackError {
  return invalid(
    undefined,
    `${source} has ${count} [[${table}]] entries; at most ${max} are supported`,
    'split the assets across fewer entries or buildpacks; check the file was not generated by mistake',
  );
}

/** GHA003: entries under both the 0.1 and the 0.2 table. */
export function entriesInBothTables(source: string): BuildpackError {
  return invalid(
    undefined,
    `${source} has entries under both [[metadata.githubassets]] and [[_.metadata.githubassets]]`,
    'keep one: [[_.metadata.githubassets]] for schema-version 0.2 descriptors, [[metadata.githubassets]] otherwise',
  );
}

/** GHA003: the entries table is a single table, not an array of tables. */
export function entriesNotArray(table: string): BuildpackError {
  return invalid(undefined, `[${table}] must be an array of tables`, `write each entry with double brackets: [[${table}]]`);
}

/** GHA003: an entry is not a table. */
export function entryNotTable(entry: string, table: string): BuildpackError {
  return invalid(entry, `entry is not a table`, `write it as [[${table}]] followed by key = value lines`);
}

/** GHA003: a required key is missing (`description`: what the key holds). */
export function requiredKeyMissing(entry: string, key: string, description: string): BuildpackError {
  return invalid(entry, `missing required key "${key}"`, `add ${key} = "..." (${description})`);
}

/** GHA003: a string key holds something else, or only spaces. */
export function keyNotString(entry: string, key: string, value: unknown, description: string): BuildpackError {
  return invalid(
    entry,
    `${key} must be a non-empty string, got ${describeValue(value)}`,
    `write ${key} = "..." with quotes (${description})`,
  );
}

/** GHA003: repo is not owner/name (`problem` from parseRepo); `fromUrl` is the owner/name found in a pasted URL. */
export function repoMalformed(entry: string, repo: string, problem: string, fromUrl: string | undefined): BuildpackError {
  return invalid(
    entry,
    `repo = "${repo}" ${problem}`,
    fromUrl !== undefined
      ? `write repo = "${fromUrl}"`
      : 'write the repository as owner/name, e.g. repo = "grpc-ecosystem/grpc-health-probe"',
  );
}

/** GHA003: prerelease is not a boolean. */
export function prereleaseNotBoolean(entry: string, value: unknown): BuildpackError {
  return invalid(entry, `prerelease = ${showValue(value)} must be true or false`, 'write prerelease = true without quotes');
}

/** GHA003: token_env is not an environment variable name (often: the token itself). */
export function tokenEnvNotName(entry: string, tokenEnv: string): BuildpackError {
  return invalid(
    entry,
    `token_env = "${tokenEnv}" is not an environment variable name`,
    'token_env names the variable that holds the token (e.g. token_env = "TOOLCHAIN_TOKEN"), not the token itself',
  );
}

const UPDATE_HINT =
  'write update = false to never bump this entry, update = "patch", "minor" or "latest", or a range such as update = "~1.4"';

/** GHA003: update is neither a boolean nor a string. */
export function updateWrongType(entry: string, value: unknown): BuildpackError {
  return invalid(entry, `update = ${describeValue(value)} must be true, false or a string`, UPDATE_HINT);
}

/** GHA003: update is a string that is no level and no semver range. */
export function updateUnknown(entry: string, value: string): BuildpackError {
  return invalid(entry, `update = "${value}" is neither "patch", "minor", "latest" nor a semver range`, UPDATE_HINT);
}

/** GHA003: a value nested deeper than `max` levels (`field`: e.g. `arch.arm64.files[2]`). */
export function valueNestedTooDeep(entry: string, field: string, max: number): BuildpackError {
  return invalid(
    entry,
    `${field} is nested more than ${max} levels deep`,
    "write the entry as documented in the README's configuration reference",
  );
}

/** GHA003: a string value longer than `max` characters. */
export function valueTooLong(entry: string, field: string, length: number, max: number): BuildpackError {
  return invalid(
    entry,
    `${field} is ${length} characters long; at most ${max} are allowed`,
    'check the value; no name, tag or path needs to be that long',
  );
}

/** GHA003: an integer beyond the safe range. Not echoed: the parser wraps literals beyond 64 bits, so it may not be what was written. */
export function integerOutOfRange(entry: string, field: string, stripComponents: { is: boolean; max: number }): BuildpackError {
  const hint = stripComponents.is
    ? `strip_components is a whole number from 0 to ${stripComponents.max}`
    : `write the value ${field} expects (the README's configuration reference lists each field)`;
  return invalid(
    entry,
    `${field} holds an integer beyond the range the buildpack accepts (at most ${Number.MAX_SAFE_INTEGER} in size)`,
    hint,
  );
}

/** GHA003: a list longer than `max` items. */
export function listTooLong(entry: string, field: string, length: number, max: number): BuildpackError {
  return invalid(
    entry,
    `${field} has ${length} items; at most ${max} are allowed`,
    'shorten the list; a glob such as "bin/*" can replace many paths',
  );
}

const TAG_HINT = 'write an existing tag (e.g. tag = "v1.4.7"), a range (tag = "~1.4") or tag = "latest"';

/** GHA003: tag longer than `max` characters. */
export function tagTooLong(entry: string, length: number, max: number): BuildpackError {
  return invalid(entry, `tag is ${length} characters long; at most ${max} are allowed`, TAG_HINT);
}

/** GHA003: tag holds what no git tag has and what would change a request path. */
export function tagNotName(entry: string, tag: string): BuildpackError {
  return invalid(entry, `tag = "${tag}" is not a tag name: it holds "..", "\\", an empty or "." path segment`, TAG_HINT);
}

/** GHA003: asset (or `arch.<a>.asset`, named by `key`) is a path, not a file name. */
export function assetNotFileName(entry: string, key: string, asset: string): BuildpackError {
  return invalid(
    entry,
    `${key} = "${asset}" is not a file name`,
    'use the asset file name (or a pattern such as "tool_{version}_{os}_{arch}.tar.gz") as shown on the release page, without a path',
  );
}

/** GHA003: an asset name longer than a file name can be. */
export function assetNameTooLong(entry: string, key: string, length: number, max: number): BuildpackError {
  return invalid(
    entry,
    `${key} is ${length} characters long; a file name has at most ${max}`,
    'use the asset file name as shown on the release page',
  );
}

/** GHA003: arch.<a>.asset is not a non-empty string. */
export function archAssetNotString(entry: string, arch: string): BuildpackError {
  return invalid(entry, `arch.${arch}.asset must be a non-empty string`, 'write asset = "..." with quotes');
}

/** GHA003: a numeric key outside `min`..`max` or not a whole number. */
export function numberOutOfRange(
  entry: string,
  key: string,
  value: unknown,
  range: { min: number; max: number; example: string },
): BuildpackError {
  const what =
    typeof value === 'number' || typeof value === 'bigint'
      ? `${key} = ${showValue(value)}`
      : `${key} = ${showValue(value)} (${describeValue(value).split(' ')[0]})`;
  const allowed = range.min === 0 ? `a non-negative integer, at most ${range.max}` : `a whole number from ${range.min} to ${range.max}`;
  return invalid(entry, `${what} must be ${allowed}`, `write a bare number without quotes, e.g. ${range.example}`);
}

/** GHA003: libc is neither "gnu" nor "musl". */
export function libcInvalid(entry: string, key: string, value: unknown): BuildpackError {
  return invalid(
    entry,
    `${key} = ${JSON.stringify(value) ?? describeValue(value)} must be "gnu" or "musl"`,
    `write ${key} = "gnu" to prefer glibc builds or ${key} = "musl" for musl/static builds only; leave it out for the default (static/musl first)`,
  );
}

const matchingHint = (key: string) => `write ${key} = "..." with a part of the asset name (e.g. "kubens") or a glob such as "*-linux-*"`;

/** GHA003: matching is not a non-empty string. */
export function matchingNotString(entry: string, key: string, value: unknown): BuildpackError {
  return invalid(entry, `${key} must be a non-empty string, got ${describeValue(value)}`, matchingHint(key));
}

/** GHA003: matching could not be part of a file name. */
export function matchingNotNamePart(entry: string, key: string, value: string): BuildpackError {
  return invalid(entry, `${key} = ${JSON.stringify(value.slice(0, 200))} is not part of a file name`, matchingHint(key));
}

/** GHA003: matching (`key`: matching or arch.<a>.matching) next to an asset for the same target, where it would do nothing. */
export function matchingWithAsset(entry: string, key: string, matching: string, asset: string): BuildpackError {
  return invalid(
    entry,
    `${key} = "${matching}" has no effect next to asset = "${asset}"`,
    'keep one: asset names the asset (exactly or as a pattern); matching only narrows automatic selection, when asset is left out',
  );
}

const FILES_HINT = 'write a list of paths or globs inside the archive, e.g. files = ["bin/tool", "LICENSE*"]';

/** GHA003: files is not a non-empty list. */
export function filesNotList(entry: string, key: string): BuildpackError {
  return invalid(entry, `${key} must be a non-empty list of strings`, FILES_HINT);
}

/** GHA003: an item of files is not a non-empty string. */
export function filesItemNotString(entry: string, key: string, item: unknown): BuildpackError {
  return invalid(entry, `${key} must only hold non-empty strings, got ${describeValue(item)}`, FILES_HINT);
}

/** GHA003: an item of files leaves the archive (absolute, `..`, backslash). */
export function filesItemNotRelative(entry: string, key: string, item: string): BuildpackError {
  return invalid(entry, `${key} entry "${item}" must be a relative path inside the archive`, FILES_HINT);
}

/** GHA003: arch is not a table of tables. */
export function archNotTable(entry: string, table: string): BuildpackError {
  return invalid(entry, 'arch must be a table of per-architecture tables', `write [${table}.arch.arm64] followed by asset = "..."`);
}

/** GHA003: arch.<name> is no architecture the buildpack knows. */
export function archUnknown(entry: string, name: string): BuildpackError {
  return invalid(entry, `arch.${name}: unknown architecture`, 'use a CNB architecture name such as amd64 or arm64');
}

/** GHA003: two arch tables name the same architecture (`arch`: the canonical name). */
export function archTwice(entry: string, table: string, name: string, arch: string): BuildpackError {
  return invalid(entry, `arch.${name}: ${arch} is configured twice`, `keep one [${table}.arch.${arch}] table`);
}

/** GHA003: arch.<name> is not a table. */
export function archEntryNotTable(entry: string, table: string, name: string): BuildpackError {
  return invalid(entry, `arch.${name} must be a table`, `write [${table}.arch.${name}] followed by asset = "..."`);
}

/** GHA003: a key an arch table may not set. */
export function archUnknownKey(entry: string, name: string, key: string, allowed: readonly string[]): BuildpackError {
  return invalid(entry, `arch.${name}: unknown key "${key}"`, `an arch table may set: ${allowed.join(', ')}`);
}

/** GHA003: destination is empty. */
export function destinationEmpty(entry: string): BuildpackError {
  return invalid(entry, 'destination is empty', 'omit destination to use the default, or give a path such as "bin"');
}

/** GHA003: a destination segment longer than a file name can be. */
export function destinationSegmentTooLong(entry: string, max: number): BuildpackError {
  return invalid(entry, `destination has a path segment longer than ${max} bytes`, 'use shorter directory and file names');
}

/** GHA003: attestations is not one of the modes. */
export function attestationsModeInvalid(entry: string, value: unknown): BuildpackError {
  return invalid(
    entry,
    `attestations = ${describeValue(value)} must be "required", "auto" or "off"`,
    'write attestations = "required" to refuse assets without a valid GitHub attestation; "auto" (the default) checks them when the release has them',
  );
}

/** GHA003: signer_repo is not owner/name. */
export function signerRepoInvalid(entry: string, value: unknown): BuildpackError {
  return invalid(
    entry,
    `signer_repo = ${describeValue(value)} is not of the form "owner/name"`,
    'name the repository whose workflow signs the releases, e.g. signer_repo = "acme/release-tools"',
  );
}

/** GHA003: signer_workflow is not a workflow path. */
export function signerWorkflowInvalid(entry: string, value: unknown): BuildpackError {
  return invalid(
    entry,
    `signer_workflow = ${describeValue(value)} is not a workflow path`,
    'write it as "owner/repo/.github/workflows/release.yml", optionally with "@refs/tags/v1" (as `gh attestation verify --signer-workflow` takes it)',
  );
}

/** GHA003: signer_workflow and signer_repo name different repositories. */
export function signerReposDisagree(entry: string, workflowRepo: string, signerRepo: string): BuildpackError {
  return invalid(
    entry,
    `signer_workflow belongs to ${workflowRepo} but signer_repo = "${signerRepo}"`,
    'remove signer_repo (signer_workflow already names the repository) or make them agree',
  );
}

/** GHA003: a pinned sha256 that reached verification without being a SHA-256. */
export function pinnedNotSha256(entry: string | undefined, pinned: string): BuildpackError {
  return new BuildpackError('GHA003', `sha256 = "${pinned}" is not a SHA-256`, {
    entry,
    hint: 'write sha256 = "<64 hex digits>", optionally prefixed with "sha256:"',
  });
}

/** GHA004: a token written into the descriptor under a key of its own. */
export function tokenKeyInDescriptor(entry: string, key: string): BuildpackError {
  return new BuildpackError('GHA004', `unknown key "${key}": tokens must not be written into project.toml`, {
    entry,
    hint: 'put the token in an environment variable (pack build --env NAME=...) and set token_env = "NAME"',
  });
}

/** GHA004: a key the buildpack does not know; `suggestion` is the likely intended key. */
export function unknownEntryKey(entry: string, key: string, suggestion: string | undefined, validKeys: readonly string[]): BuildpackError {
  return new BuildpackError('GHA004', `unknown key "${key}"`, {
    entry,
    hint: `${suggestion ? `did you mean "${suggestion}"? ` : ''}valid keys: ${validKeys.join(', ')}`,
  });
}

/** GHA005: an absolute destination. */
export function destinationAbsolute(entry: string, value: string): BuildpackError {
  return new BuildpackError('GHA005', `destination = "${value}" is absolute`, {
    entry,
    hint: 'destination is relative to the layer, e.g. "bin/grpc_health_probe"; the absolute path is printed after the build',
  });
}

/** GHA005: a destination that climbs out of the layer. */
export function destinationOutsideLayer(entry: string, value: string): BuildpackError {
  return new BuildpackError('GHA005', `destination = "${value}" escapes the layer`, {
    entry,
    hint: 'use a path inside the layer, without ".." segments',
  });
}

/** GHA005: a destination inside a directory the lifecycle reads (`top`: env, env.build, …). */
export function destinationReserved(entry: string, value: string, top: string): BuildpackError {
  return new BuildpackError('GHA005', `destination = "${value}" is inside "${top}/", which the lifecycle reads as environment settings`, {
    entry,
    hint: 'install into another directory, e.g. "bin" or "share/<tool>"',
  });
}

/** GHA008: a control or invisible character (`bad`, described) in a value. */
export function unsafeCharacterInValue(entry: string, field: string, bad: string, value: string): BuildpackError {
  return new BuildpackError(
    'GHA008',
    `${field} contains a control or invisible character (${bad}): ${JSON.stringify(value.slice(0, 80))}`,
    {
      entry,
      hint: 'remove it; names, tags and paths never need control characters, bidirectional overrides or zero-width characters',
    },
  );
}

/** GHA008: a control or invisible character in a key. */
export function unsafeCharacterInKey(entry: string, field: string, bad: string): BuildpackError {
  return new BuildpackError('GHA008', `${field}: the key contains a control or invisible character (${bad})`, {
    entry,
    hint: 'remove it; keys are plain names such as asset or files',
  });
}

/** GHA008: a control or invisible character in destination. */
export function unsafeCharacterInDestination(entry: string, bad: string): BuildpackError {
  return new BuildpackError('GHA008', `destination contains a control or invisible character (${bad})`, {
    entry,
    hint: 'use a plain relative path such as "bin" or "opt/tool"',
  });
}

/** GHA005: a destination that reached extraction without being a relative path inside the layer. */
export function destinationNotInLayer(destination: string): BuildpackError {
  return new BuildpackError('GHA005', `destination ${destination} is not a relative path inside the layer`, {
    hint: 'use a relative path such as "bin" or "opt/tool"',
  });
}

/** A setting's value quoted for a message, cut at 40 characters (the error printer escapes control characters). */
function shownSetting(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** What is wrong with an environment setting. URLs are never echoed: a proxy URL may carry a password. */
export type SettingProblem =
  | { kind: 'whole-number'; name: string; text: string; min: number; max: number; fallback: number }
  | { kind: 'duration'; name: string; text: string }
  | { kind: 'size'; name: string; text: string }
  | { kind: 'base-url-not-url'; name: 'GITHUB_API_URL' | 'GITHUB_SERVER_URL' }
  | { kind: 'base-url-scheme'; name: 'GITHUB_API_URL' | 'GITHUB_SERVER_URL'; protocol: string }
  | { kind: 'proxy-not-url'; name: string }
  | { kind: 'proxy-scheme'; name: string; protocol: string }
  | { kind: 'mirror-no-asset' }
  | { kind: 'mirror-placeholders'; unknown: readonly string[] }
  | { kind: 'no-layers-dir' }
  | { kind: 'platform-name'; name: string; value: string }
  | { kind: 'strict'; name: string; value: string }
  | { kind: 'attestations'; name: string; value: string }
  | { kind: 'descriptor-path'; length: number | undefined }
  | { kind: 'env-file-not-regular'; name: string; path: string; what: string }
  | { kind: 'env-value-unsafe'; name: string; from: string; bad: string }
  | { kind: 'env-value-too-long'; name: string; from: string; maxBytes: number };

function settingError(message: string, hint: string): BuildpackError {
  return new BuildpackError('GHA007', message, { hint });
}

/** GHA007: an environment setting (GITHUB_ASSETS_*, CNB_*, a proxy) the buildpack cannot use. */
export function settingInvalid(p: SettingProblem): BuildpackError {
  switch (p.kind) {
    case 'whole-number':
      return settingError(
        `${p.name} ${shownSetting(p.text)} is not a whole number from ${p.min} to ${p.max}`,
        `set ${p.name} to a whole number from ${p.min} to ${p.max}, or unset it for the default (${p.fallback})`,
      );
    case 'duration':
      return settingError(
        `${p.name} "${p.text}" is not a duration`,
        `write a number of seconds (e.g. ${p.name}=30), or add a unit: 500ms, 30s, 2m`,
      );
    case 'size':
      return settingError(`${p.name} "${p.text}" is not a size`, `write a number of bytes, or add a unit: 500MiB, 4GiB`);
    case 'base-url-not-url':
      return settingError(
        `${p.name} is not a URL`,
        p.name === 'GITHUB_API_URL'
          ? 'set GITHUB_API_URL to the REST base, e.g. https://api.github.com or https://HOST/api/v3'
          : 'set GITHUB_SERVER_URL to the web host, e.g. https://github.com or https://HOST',
      );
    case 'base-url-scheme':
      return settingError(`${p.name} has the unsupported scheme ${p.protocol}`, `use an https:// URL in ${p.name}`);
    case 'proxy-not-url':
      return settingError(`${p.name} is not a URL`, `set ${p.name} to a URL such as http://proxy.example:3128`);
    case 'proxy-scheme':
      return settingError(`${p.name} has the unsupported scheme ${p.protocol}`, `use an http:// or https:// URL in ${p.name}`);
    case 'mirror-no-asset':
      return settingError(
        'GITHUB_ASSETS_MIRROR has no {asset} placeholder',
        'write a URL template such as https://artifacts.example/github/{owner}/{repo}/{tag}/{asset}',
      );
    case 'mirror-placeholders':
      return settingError(
        `GITHUB_ASSETS_MIRROR has unknown placeholder${p.unknown.length > 1 ? 's' : ''} ${p.unknown.map((u) => `{${u}}`).join(', ')}`,
        'the placeholders are {owner}, {repo}, {tag} and {asset}',
      );
    case 'no-layers-dir':
      return settingError(
        'CNB_LAYERS_DIR is not set and no layers dir was passed',
        'run bin/build through the CNB lifecycle, which sets CNB_LAYERS_DIR',
      );
    case 'platform-name':
      return settingError(
        `${p.name} ${shownSetting(p.value)} is not a platform name`,
        `${p.name} is set by the CNB lifecycle to a name such as linux, amd64 or arm64; unset it or use such a name`,
      );
    case 'strict':
      return settingError(
        `${p.name} ${shownSetting(p.value)} is neither on (1, true, yes, on) nor off (0, false, no, off)`,
        `set ${p.name}=1 to require a pinned sha256 for every entry, or unset it`,
      );
    case 'attestations':
      return settingError(
        `${p.name} = ${JSON.stringify(p.value.slice(0, 40))} is not one of required, auto, off`,
        `set ${p.name} to "required" (every asset must have a valid attestation), "auto" (the default) or "off"`,
      );
    case 'descriptor-path':
      return settingError(
        `GITHUB_ASSETS_PATH is not a usable path (${p.length !== undefined ? `${p.length} characters` : 'it holds a NUL byte'})`,
        "set GITHUB_ASSETS_PATH to the descriptor's path relative to the app directory, e.g. deploy/assets.toml",
      );
    case 'env-file-not-regular':
      return settingError(
        `${p.name}: ${p.path} is ${p.what}, not a regular file`,
        `the platform passes ${p.name} as a file in <platform>/env; make it a regular file holding the value, or unset it`,
      );
    case 'env-value-unsafe':
      // The value itself is not shown: it may be a token.
      return settingError(
        `${p.name} (from ${p.from}) contains a control or invisible character (${p.bad})`,
        `set ${p.name} to a plain value on one line; check for a pasted escape sequence or a stray carriage return`,
      );
    case 'env-value-too-long':
      return settingError(
        `${p.name} (from ${p.from}) is longer than ${p.maxBytes / 1024} KiB`,
        `${p.name} should hold a short value (a name, a URL, a number or a token); check what was passed`,
      );
  }
}

// ─── github: the API, releases and asset selection ───────────────────────────────────────────────

export interface NotFoundFacts {
  entry?: string | undefined;
  /** `owner/name`. */
  repo: string;
  /** What was looked up, e.g. `release v1.2.0 of acme/tool`. */
  subject: string;
  /** The tag asked for (`latest` or an exact tag); undefined for a release list. */
  tag?: string | undefined;
  /** Whether the repository itself exists, when the client could ask; undefined when it could not. */
  repoFound: boolean | undefined;
  /** How the token is named in messages (`the token in $NAME`); undefined when no token was sent. */
  tokenName?: string | undefined;
  /** The repository's releases page on the web host, when known. */
  releasesPage?: string | undefined;
}

/**
 * GHA010: GitHub answered 404. Tells a repository without a "latest" release and a missing tag in
 * a repository that exists (kind: isTagNotFound) from a missing or hidden repository.
 */
export function repoOrReleaseNotFound(facts: NotFoundFacts): BuildpackError {
  const { entry, repo, tokenName } = facts;
  const see = facts.releasesPage ? ` (see ${facts.releasesPage})` : '';
  if (facts.repoFound === true && facts.tag === 'latest') {
    return new BuildpackError('GHA010', `${repo} has no published release: drafts and prereleases do not count as "latest"`, {
      entry,
      hint: `set tag to an exact release tag${see}, or publish a non-prerelease release`,
    });
  }
  if (facts.repoFound === true && facts.tag !== undefined) {
    const err = new BuildpackError('GHA010', `release tag "${facts.tag}" not found in ${repo}`, {
      entry,
      hint: `check the tag${see}; tags match exactly (including any leading "v"), and draft releases are not visible`,
    });
    err.notFound = 'tag';
    return err;
  }
  const subject = facts.repoFound === false ? `repository ${repo} not found` : `${facts.subject} not found`;
  const visible = tokenName ? ` to ${tokenName}` : ' without a token';
  return new BuildpackError('GHA010', `${subject} (or it is private and not visible${visible})`, {
    entry,
    hint: tokenName
      ? `check the repository name; if it is private, ${tokenName} may lack access: ` +
        `it needs read access to contents of ${repo} (fine-grained tokens must include this repository)`
      : 'check the repository name; if it is private, set token_env to the name of an environment variable ' +
        `holding a token with read access to contents of ${repo}`,
  });
}

export interface BadCredentialsFacts {
  entry?: string | undefined;
  /** The variable the token came from, when token_env named one. */
  tokenEnv?: string | undefined;
  /** What was refused: an API lookup in a repository, or a download. */
  refused: { repo: string } | { download: string };
}

/** GHA011: GitHub rejected the token (401), on a lookup or a download. */
export function badCredentials(facts: BadCredentialsFacts): BuildpackError {
  const { tokenEnv } = facts;
  const source = tokenEnv ? `the token in $${tokenEnv}` : 'the token';
  if ('repo' in facts.refused) {
    const message = `GitHub rejected ${source} for ${facts.refused.repo}: bad credentials (the token is invalid, expired or revoked)`;
    return new BuildpackError('GHA011', message, {
      entry: facts.entry,
      hint: tokenEnv
        ? `create a new token with read access to contents and put it in ${tokenEnv}; for a public repository you can remove token_env instead`
        : 'create a new token with read access to contents, or remove token_env for a public repository',
    });
  }
  return new BuildpackError('GHA011', `download of ${facts.refused.download} was refused: bad credentials for ${source}`, {
    entry: facts.entry,
    hint: tokenEnv
      ? `create a new token with read access to contents and put it in ${tokenEnv}`
      : 'check the token; it may be invalid, expired or revoked',
  });
}

/** GHA012: GitHub refused access to `repo` (403, not a rate limit); `tokenName` is set when a token was sent. */
export function forbidden(facts: {
  entry?: string | undefined;
  repo: string;
  serverMessage: string;
  tokenName: string | undefined;
}): BuildpackError {
  const { repo, serverMessage, tokenName } = facts;
  return new BuildpackError('GHA012', `GitHub refused access to ${repo} (403${serverMessage ? `: ${serverMessage}` : ''})`, {
    entry: facts.entry,
    hint: tokenName
      ? `make sure ${tokenName} has read access to contents of ${repo}; organisations with SAML SSO need the token authorised for SSO`
      : `set token_env to the name of an environment variable holding a token with read access to contents of ${repo}`,
  });
}

export interface RateLimitFacts {
  entry?: string | undefined;
  /** What was being done, e.g. `looking up release v1 of acme/tool` or `downloading asset x`. */
  doing: string;
  /** The API's own words (`API rate limit exceeded (60 requests/hour)`) or plain `rate limit exceeded`. */
  limit: string;
  /** When it lifts and whether the wait was capped, already phrased (`; resets at 12:00 UTC`). */
  when: string;
  /** The variable the token came from; undefined when the request had no token. */
  tokenName: string | undefined;
  hadToken: boolean;
}

/** GHA013: GitHub's rate limit, for an API lookup or a download. The hint depends on whether a token was sent. */
export function rateLimited(facts: RateLimitFacts): BuildpackError {
  return new BuildpackError('GHA013', `GitHub ${facts.limit} while ${facts.doing}${facts.when}`, {
    entry: facts.entry,
    hint: facts.hadToken
      ? `wait until the limit resets, or use another token${facts.tokenName ? ` for ${facts.tokenName}` : ''}`
      : 'unauthenticated requests share a low per-IP limit: set token_env on the entry to an environment variable holding a GitHub token ' +
        '(e.g. token_env = "GITHUB_TOKEN", passed with pack build --env GITHUB_TOKEN), or wait until the limit resets',
  });
}

/** A list of asset names for a message: at most `max`, then "… and N more"; "(none)" when empty. */
function listNames(names: readonly string[], max = 30): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} … and ${names.length - max} more` : shown;
}

function inRelease(tag: string | undefined): string {
  return tag === undefined ? ' of the release' : ` of release ${tag}`;
}

/** Why a named asset was not found: an exact name (`caseFolded`: the asset it names but for case) or a pattern with no match for `platform`. */
export type AssetMiss = { kind: 'name'; caseFolded: string | undefined } | { kind: 'pattern'; platform: string };

/** GHA014: the release has no asset named or matching `asset`; `names` are its assets. */
export function assetNotInRelease(facts: {
  entry: string;
  tag: string;
  asset: string;
  names: readonly string[];
  miss: AssetMiss;
}): BuildpackError {
  const { tag, asset, names, miss } = facts;
  const hint =
    miss.kind === 'pattern'
      ? `no asset matches for ${miss.platform}; adjust the pattern to one of the names above`
      : miss.caseFolded !== undefined
        ? `asset names are case-sensitive: did you mean asset = "${miss.caseFolded}"?`
        : names.length === 0
          ? `release ${tag} has no assets; pick another tag`
          : 'use one of the names above exactly as written';
  return assetNotFound(
    `release ${tag} has no asset ${miss.kind === 'pattern' ? 'matching' : 'named'} "${asset}"; it has: ${listNames(names)}`,
    {
      entry: facts.entry,
      hint,
    },
  );
}

/** GHA015: an asset pattern matches several assets; `platformFix` suggests a pattern with {arch} when it has none. */
export function assetPatternAmbiguous(facts: {
  entry: string;
  tag: string;
  asset: string;
  matches: readonly string[];
  platformFix: { platform: string; suggested: string } | undefined;
}): BuildpackError {
  const { tag, asset, matches, platformFix } = facts;
  const platformHint = platformFix
    ? ` Add {arch} (and {os}) to the pattern so it only matches the ${platformFix.platform} asset, e.g. asset = "${platformFix.suggested}".`
    : '';
  return assetAmbiguous(`asset = "${asset}" matches ${matches.length} assets of release ${tag}: ${listNames(matches)}`, {
    entry: facts.entry,
    hint: `make the pattern more specific or write the exact name.${platformHint}`,
  });
}

/** GHA015: automatic selection found several candidates (`why`: the selection's refusal); suggests a pattern and a filter. */
export function autoSelectionAmbiguous(facts: {
  entry: string;
  platform: string;
  tag: string;
  why: string;
  candidates: readonly string[];
  pattern: string;
  filter: string | undefined;
}): BuildpackError {
  const { platform, tag, why, candidates, pattern, filter } = facts;
  return assetAmbiguous(
    `cannot choose an asset for ${platform} automatically in release ${tag}: ${why}; candidates: ${listNames(candidates)}`,
    {
      entry: facts.entry,
      hint:
        `choose one: asset = "${pattern}" (a pattern, or an exact name) or ` +
        (filter
          ? `matching = "${filter}" (filters the names before automatic selection)`
          : 'matching = "<part of the name>" (filters the names before automatic selection)') +
        '; `github-assets check` shows what each would pick',
    },
  );
}

/** GHA018: automatic selection found nothing for `platform` (`why`: the selection's refusal); `archTable` names the per-arch table. */
export function noAutoAsset(facts: {
  entry: string;
  platform: string;
  tag: string;
  why: string;
  names: readonly string[];
  matching: string | undefined;
  archTable: string;
}): BuildpackError {
  const { platform, tag, why, names, matching } = facts;
  const libcHint = /glibc/.test(why) ? 'set libc = "gnu" if the run image has glibc, or ' : '';
  const matchingHint = matching !== undefined ? `loosen or remove matching = "${matching}", or ` : '';
  return noAssetForTarget(
    `automatic selection found no asset for ${platform} in release ${tag}: ${why}; the release has: ${listNames(names)}`,
    {
      entry: facts.entry,
      hint: `${matchingHint}${libcHint}name the asset with asset = "..." (or in ${facts.archTable} for this architecture only) if one of the names above is a ${platform} build; nothing for another platform is ever installed`,
    },
  );
}

/** GHA015: a checksums pattern matches several assets of the release (`tag` when known). */
export function checksumsPatternAmbiguous(facts: { pattern: string; tag: string | undefined; matches: readonly string[] }): BuildpackError {
  const { pattern, tag, matches } = facts;
  return assetAmbiguous(`checksums = "${pattern}" matches ${matches.length} assets${inRelease(tag)}: ${listNames(matches)}`, {
    hint: 'make the checksums pattern more specific or write the exact file name',
  });
}

/** GHA014: checksums names no asset of the release; `caseFolded` is the one asset it names but for case. */
export function checksumsAssetMissing(facts: {
  name: string;
  tag: string | undefined;
  names: readonly string[];
  caseFolded: string | undefined;
}): BuildpackError {
  const { name, tag, names, caseFolded } = facts;
  return assetNotFound(`checksums = "${name}" is not an asset${inRelease(tag)}; it has: ${listNames(names)}`, {
    hint:
      caseFolded !== undefined
        ? `asset names are case-sensitive: did you mean checksums = "${caseFolded}"?`
        : 'name one of the assets above, or omit checksums to let the buildpack look for a checksums file itself',
  });
}

/** GHA014: the release has no such asset, or its download answered 404. */
function assetNotFound(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA014', message, details);
}

/** GHA015: several assets fit and nothing says which one. */
function assetAmbiguous(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA015', message, details);
}

/** Why no release was picked: none at all, none in the tag range or the update range, none with a semver tag. */
export type NoReleaseWhy =
  | { kind: 'no-releases' }
  | { kind: 'tag'; tag: string }
  | { kind: 'update'; range: string }
  | { kind: 'no-semver' };

/** GHA016: no release satisfies the tag range; `versions` (tags, "(prerelease)" marked) are listed when known. */
export function noMatchingRelease(facts: {
  entry: string;
  prerelease: boolean;
  why: NoReleaseWhy;
  versions?: readonly string[];
}): BuildpackError {
  const { why, versions } = facts;
  const reason =
    why.kind === 'no-releases'
      ? 'the repository has no releases'
      : why.kind === 'tag'
        ? `no release satisfies tag = "${why.tag}"${facts.prerelease ? '' : ' (prereleases excluded)'}`
        : why.kind === 'update'
          ? `no release satisfies update = "${why.range}"`
          : 'the repository has no release with a semantic version tag';
  const listed =
    versions === undefined
      ? ''
      : `; releases: ${versions.slice(0, 15).join(', ') || '(none with a semantic version tag)'}${versions.length > 15 ? ` … and ${versions.length - 15} more` : ''}`;
  return new BuildpackError('GHA016', reason + listed, {
    entry: facts.entry,
    hint: facts.prerelease
      ? 'widen the range or use an exact tag'
      : 'widen the range, use an exact tag, or set prerelease = true to allow prereleases',
  });
}

/** GHA018: automatic selection found nothing built for the target. */
function noAssetForTarget(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA018', message, details);
}

// ─── net: transfers and their limits ─────────────────────────────────────────────────────────────

export interface UnreachableFacts {
  entry?: string | undefined;
  /** What could not be done, e.g. `could not reach the GitHub API at https://api.github.com`. */
  doing: string;
  /** Why, already redacted (`ECONNREFUSED: connect …`, `timed out, …`). */
  reason: string;
  /** The API (GITHUB_API_URL is worth checking) or a download host. */
  host: 'api' | 'download';
  cause?: unknown;
}

/** GHA020: GitHub, the web host or the mirror could not be reached (after the retries). */
export function unreachable(facts: UnreachableFacts): BuildpackError {
  const also = facts.host === 'api' ? ', and GITHUB_API_URL if you use GitHub Enterprise Server;' : ',';
  return new BuildpackError('GHA020', `${facts.doing} (${facts.reason})`, {
    entry: facts.entry,
    hint: `check the network and any proxy settings of the build${also} then retry`,
    cause: facts.cause,
  });
}

/** GHA021: the GitHub API kept answering 5xx while looking up `lookingUp` ("releases of a/b", …). */
export function serverError(facts: { entry?: string | undefined; status: number; lookingUp: string }): BuildpackError {
  return new BuildpackError('GHA021', `the GitHub API answered ${facts.status} while looking up ${facts.lookingUp}`, {
    entry: facts.entry,
    hint: 'GitHub may be having trouble (see https://www.githubstatus.com); retry the build in a few minutes',
  });
}

export interface SizeFacts {
  entry?: string | undefined;
  /** The download, e.g. `asset tool.tar.gz`. */
  what: string;
  /** What came (or was announced). */
  bytes: number;
  /** What the release lists. */
  listed: number;
}

/** GHA022: the bytes announced or received are not the size the release lists. */
export function downloadSizeDiffers(facts: SizeFacts): BuildpackError {
  return new BuildpackError('GHA022', `download of ${facts.what} has ${facts.bytes} bytes but the release lists ${facts.listed}`, {
    entry: facts.entry,
    hint: 'the asset may have been replaced while downloading, or a proxy or mirror serves other bytes; retry the build',
  });
}

/** GHA022: the transfer ended before the body did (`doing` says where and how far it got). */
export function transferCutShort(doing: string, entry: string | undefined): BuildpackError {
  return new BuildpackError('GHA022', doing, { entry, hint: 'the connection or server cut the transfer short; retry the build' });
}

/** GHA022: redirects that never reach the file (`seen`: a loop, or more than the cap). */
export function redirectLoop(facts: { entry?: string | undefined; what: string; seen: string }): BuildpackError {
  return new BuildpackError('GHA022', `download of ${facts.what} failed: ${facts.seen}`, {
    entry: facts.entry,
    hint: 'the server redirects in a loop; retry later or report it',
  });
}

/** GHA014: the download URL answered 404 (`detail`: what the server said, if anything). */
export function assetGoneForDownload(facts: {
  entry?: string | undefined;
  what: string;
  detail: string;
  tokenEnv?: string | undefined;
  hadToken: boolean;
}): BuildpackError {
  const said = facts.detail ? ` (${facts.detail})` : '';
  const source = facts.tokenEnv ? `the token in $${facts.tokenEnv}` : 'the token';
  return assetNotFound(`${facts.what} not found for download (HTTP 404)${said}`, {
    entry: facts.entry,
    hint: facts.hadToken
      ? `the asset may have been deleted, or ${source} lacks read access to contents of the repository`
      : 'the asset may have been deleted; if the repository is private, set token_env to an environment variable holding a token with read access to contents',
  });
}

/** GHA022: a redirect without a Location header. */
export function redirectWithoutLocation(facts: { entry?: string | undefined; what: string; status: number }): BuildpackError {
  return new BuildpackError('GHA022', `download of ${facts.what} failed: redirect ${facts.status} without a Location`, {
    entry: facts.entry,
    hint: 'retry the build; if it persists, the server is misbehaving',
  });
}

/** GHA022: a download answered with an HTTP error status (`detail`: what the server said, if anything). */
export function downloadHttpError(facts: { entry?: string | undefined; what: string; status: number; detail: string }): BuildpackError {
  const said = facts.detail ? ` (${facts.detail})` : '';
  return new BuildpackError('GHA022', `download of ${facts.what} failed with HTTP ${facts.status}${said}`, {
    entry: facts.entry,
    hint:
      facts.status >= 500
        ? 'the server had a problem; retry the build in a few minutes'
        : 'retry the build; if it persists, check the asset and any proxy in between',
  });
}

/** GHA023: a download over its listed size (`listed`) or GITHUB_ASSETS_MAX_DOWNLOAD_SIZE, stopped at `bytes`. */
export function downloadTooLarge(facts: {
  entry?: string | undefined;
  what: string;
  bytes: number;
  cap: number;
  listed: boolean;
}): BuildpackError {
  const { what, bytes, cap, listed } = facts;
  const why = listed
    ? `the release lists ${cap} bytes`
    : `more than GITHUB_ASSETS_MAX_DOWNLOAD_SIZE (${cap} bytes) allows for a download of unknown size`;
  return new BuildpackError('GHA023', `download of ${what} was stopped at ${bytes} bytes: ${why}`, {
    entry: facts.entry,
    hint: listed
      ? 'the server sends more than the asset GitHub lists: a proxy or mirror serves other bytes, or the asset was replaced; check them, then retry'
      : 'pin the asset with sha256, or raise GITHUB_ASSETS_MAX_DOWNLOAD_SIZE if the asset really is this large',
  });
}

/** GHA024: an API answer over its cap (`capShown`: the cap, formatted), as announced or as it arrived. */
export function apiAnswerTooLarge(facts: {
  url: string;
  capShown: string;
  size: { announced: number } | { arrivedOver: number };
}): BuildpackError {
  const bytes =
    'announced' in facts.size ? `it announces ${facts.size.announced} bytes` : `more than ${facts.size.arrivedOver} bytes arrived`;
  return new BuildpackError(
    'GHA024',
    `the GitHub API answer from ${facts.url} is larger than the ${facts.capShown} an answer may have (${bytes})`,
    {
      hint: 'GITHUB_API_URL may point at something that is not the GitHub REST API, or a proxy is misbehaving; check both and retry',
    },
  );
}

/** GHA025: the API kept paginating past `maxPages` while listing `listing` ("releases of a/b"). */
export function tooManyPages(facts: { entry?: string | undefined; listing: string; maxPages: number; releases: number }): BuildpackError {
  const { listing, maxPages, releases } = facts;
  return new BuildpackError(
    'GHA025',
    `the GitHub API still had more pages of ${listing} after ${maxPages} pages (${releases} releases); stopped reading`,
    {
      entry: facts.entry,
      hint: 'use an exact tag instead of a range or "latest" with prereleases, so the build asks for one release; if GITHUB_API_URL is not GitHub, check that its pagination ends',
    },
  );
}

/** GHA026: a body below the minimum speed: `brought` bytes in the last `windowShown` (a formatted duration). */
export function transferTooSlow(facts: { what: string; brought: number; windowShown: string; minBytesPerSecond: number }): BuildpackError {
  const { what, brought, windowShown, minBytesPerSecond } = facts;
  return new BuildpackError(
    'GHA026',
    `${what} is too slow: ${brought} bytes in the last ${windowShown}, less than the minimum of ${minBytesPerSecond} bytes/s (GITHUB_ASSETS_MIN_SPEED over GITHUB_ASSETS_BODY_TIMEOUT)`,
    { hint: 'the server or a proxy is sending the body too slowly; retry later, or lower GITHUB_ASSETS_MIN_SPEED for a known slow link' },
  );
}

/** GHA027: a request over GITHUB_ASSETS_REQUEST_TIMEOUT (`limitShown`: a formatted duration). */
export function requestDeadlineExceeded(what: string, limitShown: string): BuildpackError {
  return new BuildpackError('GHA027', `${what} did not finish within ${limitShown} (GITHUB_ASSETS_REQUEST_TIMEOUT)`, {
    hint: 'the server or the network is too slow for this transfer; retry later, or raise GITHUB_ASSETS_REQUEST_TIMEOUT for very large assets on slow links',
  });
}

/** GHA028: an API answer about `subject` of the wrong shape (`problem`: what the schema check found). */
export function apiAnswerMalformed(facts: { entry?: string | undefined; subject: string; problem: string }): BuildpackError {
  return new BuildpackError('GHA028', `the GitHub API answered ${facts.subject} with malformed data: ${facts.problem}`, {
    entry: facts.entry,
    hint: 'GITHUB_API_URL may point at something that is not the GitHub REST API, or a proxy rewrote the answer; check GITHUB_API_URL and any proxy, then retry',
  });
}

// ─── verify: hashes, checksums files and attestations ────────────────────────────────────────────

export interface MismatchFacts {
  entry: string;
  assetName: string;
  /** What each disagreeing source expects, already joined: `pinned sha256 expects <hex>; SHA256SUMS expects <hex>`. */
  disagreed: string;
  /** What the bytes are: `the download is <hex> (…agreed with the download)` or `GitHub's asset digest is <hex>`. */
  actual: string;
  /** Who disagreed, which says what probably happened. */
  blame: 'transport' | 'pin' | 'checksums-file';
}

const MISMATCH_HINTS: Record<MismatchFacts['blame'], string> = {
  transport:
    'the bytes differ from what GitHub stored: the download was altered or corrupted on the way (proxy, mirror). ' +
    'Nothing was installed; retry, and if it persists check the network path',
  pin:
    'the release asset is not the one that was pinned: it was re-uploaded, or the pin is wrong. ' +
    'Nothing was installed; check the release before updating sha256 (github-assets pin rewrites it)',
  'checksums-file':
    "the release's checksums file does not describe this asset as downloaded (stale file, or another build of the asset). " +
    'Nothing was installed; name the right file with checksums = "..." or pin sha256',
};

/** GHA030: a hash source disagrees with the bytes (the build, after downloading) or with GitHub's digest (check, before). */
export function checksumMismatch(facts: MismatchFacts): BuildpackError {
  return new BuildpackError('GHA030', `sha256 mismatch for ${facts.assetName}: ${facts.disagreed}, but ${facts.actual}`, {
    entry: facts.entry,
    hint: MISMATCH_HINTS[facts.blame],
  });
}

export interface UnpinnedFacts {
  entry: string;
  assetName: string;
  /** The variable that turned strict mode on. */
  strictEnv: string;
  /** The hash of what was downloaded, and the sources it matched; absent before a download (check). */
  downloaded?: { sha256: string; matched: string };
}

/** GHA031: strict mode and no pinned sha256. After a download the hint offers the hash to pin. */
export function unpinnedInStrictMode(facts: UnpinnedFacts): BuildpackError {
  const d = facts.downloaded;
  const message = `strict verification (${facts.strictEnv}) requires a pinned sha256, and ${facts.assetName} has none`;
  return new BuildpackError('GHA031', message, {
    entry: facts.entry,
    hint: d
      ? `add sha256 = "${d.sha256}" to the entry once you have checked that this is the release's real asset ` +
        `(it is the hash of what was just downloaded${d.matched ? `, and it matched ${d.matched}` : ''}); ` +
        "the buildpack's pin command will write these for you"
      : 'run github-assets pin to record it, after checking that the release is the one you mean',
  });
}

// GHA032: the checksums file cannot be used (too large, contradictory, missing).
const CHECKSUMS_FILE_HINT = 'name the right file with checksums = "...", or pin the asset\'s hash with sha256 = "<64 hex digits>"';

/** GHA032: the release lists the checksums file larger than a checksums file may be. */
export function checksumsFileTooLarge(fileName: string, bytes: number, max: number): BuildpackError {
  return new BuildpackError(
    'GHA032',
    `checksums file ${fileName} is ${bytes} bytes, more than the ${max} bytes a checksums file may have`,
    {
      hint: CHECKSUMS_FILE_HINT,
    },
  );
}

/** GHA032: the checksums file's download was stopped at `bytes`, over `cap` (its listed size, at most `max`). */
export function checksumsDownloadTooLarge(facts: {
  entry?: string | undefined;
  fileName: string;
  bytes: number;
  cap: number;
  max: number;
}): BuildpackError {
  const { fileName, bytes, cap, max } = facts;
  return new BuildpackError(
    'GHA032',
    `checksums file ${fileName} was stopped at ${bytes} bytes, more than the ${cap} bytes it may have (its listed size, at most ${max})`,
    { entry: facts.entry, hint: CHECKSUMS_FILE_HINT },
  );
}

/** GHA032: the checksums file lists the asset `count` times with different `hashes`. */
export function checksumsContradict(facts: {
  fileName: string | undefined;
  assetName: string;
  count: number;
  hashes: readonly string[];
}): BuildpackError {
  const { fileName, assetName, count, hashes } = facts;
  return new BuildpackError(
    'GHA032',
    `checksums file ${fileName ?? ''}${fileName ? ' ' : ''}lists ${assetName} ${count} times with different hashes: ${hashes.join(', ')}`,
    { hint: 'the file is ambiguous; name another checksums file with checksums = "...", or pin the hash with sha256 = "<64 hex digits>"' },
  );
}

/** The note (and GHA033 message stem) for an asset without provenance: `skippedNote` says which bundles were skipped. */
export function noProvenanceFound(sha256: string, repo: string, skippedNote: string): string {
  return `no SLSA provenance attestation for sha256:${sha256.slice(0, 16)}… in ${repo}${skippedNote}`;
}

/** GHA033: attestations = "required" and no attestation; `ownMode` when the entry set attestations itself. */
export function attestationMissing(facts: { sha256: string; repo: string; skippedNote: string; ownMode: boolean }): BuildpackError {
  const { repo } = facts;
  return new BuildpackError('GHA033', `${noProvenanceFound(facts.sha256, repo, facts.skippedNote)}, and attestations = "required"`, {
    hint: `the release's workflow must attest its assets (actions/attest-build-provenance); if ${repo} does not, set attestations = "auto" or "off" on this entry${facts.ownMode ? '' : ' (the default comes from GITHUB_ASSETS_ATTESTATIONS)'}`,
  });
}

/** GHA033: check, with attestations = "required", cannot look the attestation up: no digest and no pin. */
export function attestationNotLookedUp(entry: string, asset: string): BuildpackError {
  return new BuildpackError(
    'GHA033',
    `${asset} has no GitHub digest and no pinned sha256, so its attestation cannot be looked up without downloading it`,
    { entry, hint: 'run github-assets pin to record the sha256; the build checks the attestation of the downloaded bytes either way' },
  );
}

/** The codes verifying a signature bundle can end with, from the least to the most informative stage. */
export type AttestationCode = 'GHA034' | 'GHA035' | 'GHA036' | 'GHA037' | 'GHA038' | 'GHA039';

/**
 * GHA034 (other bytes), GHA035 (other signer), GHA036 (bad signature or certificate), GHA037
 * (transparency log), GHA038 (no trusted root), GHA039 (unusable): the verifier picks the code of
 * the furthest stage a bundle reached, and phrases what it found there.
 */
export function attestationRejected(best: BundleRejection, bundlesChecked: number): BuildpackError {
  const more = bundlesChecked > 1 ? ` (${bundlesChecked} bundles checked, none passed)` : '';
  return new BuildpackError(best.code, `${best.message}${more}`, { hint: best.hint });
}

/** What one signature bundle was refused for: the code, the message and the hint, shaped by `bundleRejected`. */
export interface BundleRejection {
  readonly code: AttestationCode;
  readonly message: string;
  readonly hint: string;
}

const rejection = (code: AttestationCode, message: string, hint: string): BundleRejection => ({ code, message, hint });
const NOT_PROVENANCE_HINT = 'GitHub artifact attestations carry an in-toto statement with SLSA provenance; check the attestation source';
const ALTERED_HINT = 'the bundle is corrupt or was altered';

/** The refusals of one bundle, grouped by code; `what` names the asset (or file) the bundle is about. */
export const bundleRejected = {
  /** GHA034: a message signature over other bytes. */
  signsOtherDigest: (what: string, digest: string, sha256: string) =>
    rejection(
      'GHA034',
      `the signature bundle of ${what} signs sha256:${digest}, the file is sha256:${sha256}`,
      'the file was replaced after it was signed; do not trust it until the publisher explains',
    ),
  /** GHA034: a statement whose subjects are other bytes. */
  attestsOtherBytes: (what: string, subjects: readonly { name: string; sha256: string }[], sha256: string) => {
    const listed = subjects.slice(0, 5).map((s) => `${s.name || '(unnamed)'} sha256:${s.sha256.slice(0, 16)}…`);
    return rejection(
      'GHA034',
      `the attestation is for other bytes: it lists ${listed.join(', ') || 'no subjects'}, the download of ${what} is sha256:${sha256}`,
      'the release asset was replaced after it was attested, or GitHub returned an attestation for another file; do not use this asset until the publisher explains',
    );
  },
  /** GHA035: another signer than the policy accepts (`problems`: what differs; `autoMode`: attestations = "auto"). */
  otherSigner: (what: string, signer: { uri: string | undefined; problems: readonly string[]; autoMode: boolean }) => {
    const observed = signer.uri ? ` The certificate names ${signer.uri}.` : '';
    return rejection(
      'GHA035',
      `${what} was signed by ${signer.uri ?? 'an unknown signer'}: ${signer.problems.join('; ')}`,
      `if the publisher moved its release workflow, set signer_repo / signer_workflow on the entry to the new one (github-assets pin --signer writes what it observes);${observed} Otherwise someone else built this asset: do not use it.${signer.autoMode ? ' attestations = "off" skips the check.' : ''}`,
    );
  },
  /** GHA036: signed with a bare key. */
  bareKey: (what: string) =>
    rejection(
      'GHA036',
      `the bundle for ${what} is signed with a bare key, not a certificate naming a workflow`,
      'only keyless (Fulcio certificate) signatures say who built the asset',
    ),
  /** GHA036: the certificate or timestamp cannot be parsed. */
  certificateUnparsable: (what: string, detail: string) =>
    rejection('GHA036', `the signing certificate or timestamp in the bundle for ${what} cannot be parsed (${detail})`, ALTERED_HINT),
  /** GHA036: no certificate. */
  noCertificate: (what: string) =>
    rejection('GHA036', `the bundle for ${what} carries no certificate`, 'only keyless signatures say who built the asset'),
  /** GHA036: the verifier failed in a way it does not classify. */
  notVerified: (what: string, root: string, detail: string) =>
    rejection('GHA036', `the bundle for ${what} could not be verified against the ${root} trusted root: ${detail}`, ALTERED_HINT),
  /** GHA036: the certificate does not chain to any of `roots`. */
  certificateUntrusted: (what: string, detail: string, roots: readonly string[]) =>
    rejection(
      'GHA036',
      `the signing certificate of ${what} does not chain to a trusted root or was not valid when it signed (${detail})`,
      `checked against: ${roots.join(', ')}; for GitHub Enterprise or a private Sigstore set GITHUB_ASSETS_TRUSTED_ROOT to its trusted_root.json`,
    ),
  /** GHA036: the signature is invalid. */
  signatureInvalid: (what: string, detail: string) =>
    rejection(
      'GHA036',
      `the signature over ${what} is invalid (${detail})`,
      'the attestation or signature was tampered with; do not use this asset until the publisher explains',
    ),
  /** GHA036: another verification error (`errorCode`: the verifier's). */
  otherVerificationError: (what: string, root: string, errorCode: string, detail: string) =>
    rejection('GHA036', `the bundle for ${what} does not verify against the ${root} trusted root (${errorCode}: ${detail})`, ALTERED_HINT),
  /** GHA037: a tlog entry without an inclusion proof (`fields`: what the parser missed). */
  tlogWithoutProof: (what: string, fields: readonly string[]) =>
    rejection(
      'GHA037',
      `the bundle for ${what} has a transparency-log entry without an inclusion proof (${fields.join(', ')})`,
      'the bundle is incomplete or was altered; fetch it again or ask the publisher',
    ),
  /** GHA037: no tlog entry where the root requires one; `noLoglessRoot` when no loaded root accepts a timestamp instead. */
  noTlogEntry: (what: string, root: string, noLoglessRoot: boolean) =>
    rejection(
      'GHA037',
      `the bundle for ${what} has no transparency-log entry, which the ${root} trusted root requires`,
      noLoglessRoot
        ? "attestations of private repositories are signed by GitHub's own Sigstore (no log, a timestamp instead), whose root this build could not load (see the log); set GITHUB_ASSETS_TRUSTED_ROOT to a root that includes it. Otherwise a signature that was never logged cannot be audited: do not use the asset"
        : 'a signature that was never logged cannot be audited; ask the publisher to sign with a transparency log (the default for GitHub attestations of public repositories)',
    ),
  /** GHA037: the tlog entry does not verify. */
  tlogInvalid: (what: string, root: string, detail: string) =>
    rejection(
      'GHA037',
      `the transparency-log entry of the bundle for ${what} does not verify against the ${root} trusted root (${detail})`,
      'the bundle was altered or logged in a log this build does not trust; GITHUB_ASSETS_TRUSTED_ROOT replaces the built-in roots',
    ),
  /** GHA038: no trusted root loaded. */
  noTrustedRoot: (what: string) =>
    rejection(
      'GHA038',
      `no trusted root is available to verify ${what}`,
      'set GITHUB_ASSETS_TRUSTED_ROOT to a Sigstore trusted_root.json, or let the build reach the Sigstore TUF repository',
    ),
  /** GHA039: a plain signature where an attestation was expected. */
  plainSignature: (what: string) =>
    rejection(
      'GHA039',
      `an attestation for ${what} is a plain signature, not an in-toto statement`,
      'GitHub artifact attestations are DSSE envelopes; check the attestation source',
    ),
  /** GHA039: a bundle the parser cannot read (`detail`: its error). */
  bundleUnreadable: (what: string, detail: string) =>
    rejection(
      'GHA039',
      `the Sigstore bundle for ${what} cannot be read (${detail})`,
      'the attestation is not a Sigstore bundle this buildpack reads (v0.1–v0.3); check its source',
    ),
  /** GHA039: the payload type is not in-toto. */
  payloadTypeNotInToto: (what: string, payloadType: string, expected: string) =>
    rejection(
      'GHA039',
      `the attestation for ${what} has payload type ${JSON.stringify(payloadType.slice(0, 80))}, not ${expected}`,
      NOT_PROVENANCE_HINT,
    ),
  /** GHA039: the statement is not what an in-toto statement is (`lacks`: which part). */
  statementMalformed: (what: string, lacks: 'json' | 'statement' | 'predicateType' | 'subject') =>
    rejection(
      'GHA039',
      `the attestation for ${what} ${{ json: 'holds a payload that is not JSON', statement: 'is not an in-toto statement', predicateType: 'has no predicateType', subject: 'has no subject list' }[lacks]}`,
      NOT_PROVENANCE_HINT,
    ),
  /** GHA039: a file's signature bundle holds a statement that is not SLSA provenance. */
  signedFileNotProvenance: (what: string) =>
    rejection(
      'GHA039',
      `the signature bundle of ${what} holds an in-toto statement that is not SLSA provenance`,
      'publish a cosign sign-blob bundle for the file',
    ),
};

/** The note (and GHA037 message) for a checksums file signed only as .sig + .pem. */
export function signedWithoutTlog(fileName: string): string {
  return `${fileName} is signed only as .sig + .pem, which carries no transparency-log proof; it cannot be verified without querying the log`;
}

/** GHA037: attestations = "required" and the checksums file is signed only as .sig + .pem. */
export function attestationTlogInvalid(fileName: string): BuildpackError {
  return new BuildpackError('GHA037', signedWithoutTlog(fileName), {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${signature} is GoReleaser's template syntax, shown literally
    hint: 'ask the publisher to also publish a Sigstore bundle (cosign sign-blob --bundle, GoReleaser signs: ["--bundle=${signature}"]), or set attestations = "auto" on this entry',
  });
}

/** GHA038: the trusted root named by `setting` (GITHUB_ASSETS_TRUSTED_ROOT) at `path` cannot be used (`why`). */
export function trustedRootUnavailable(setting: string, path: string, why: string): BuildpackError {
  return new BuildpackError('GHA038', `${setting} = ${path}: ${why}`, {
    hint: `point ${setting} at a Sigstore trusted_root.json (e.g. the output of \`gh attestation trusted-root\` for one instance, or your private Sigstore's), or unset it to use the built-in roots`,
  });
}

/** GHA039: a signature bundle the release lists larger than a bundle may be. */
export function signatureBundleTooLarge(name: string, size: number, max: number): BuildpackError {
  return new BuildpackError('GHA039', `${name} is ${size} bytes, more than a signature bundle may be (${max})`, {
    hint: 'the release holds an unexpected file under the name of a signature; ask the publisher',
  });
}

/** GHA039: a signature bundle that arrived larger than a bundle may be. */
export function signatureBundleArrivedTooLarge(name: string): BuildpackError {
  return new BuildpackError('GHA039', `${name} is larger than a signature bundle may be`, { hint: 'ask the publisher' });
}

/** GHA039: a signature bundle that is not JSON. */
export function signatureBundleNotJson(name: string): BuildpackError {
  return new BuildpackError('GHA039', `${name} is not JSON, so not a Sigstore bundle`, {
    hint: 'ask the publisher to publish the bundle cosign sign-blob --bundle writes',
  });
}

// ─── extract and layers ──────────────────────────────────────────────────────────────────────────

/** GHA040: an asset of a kind (`kind`: "a .deb package", …) the buildpack cannot install; `supported` lists what it can. */
export function unsupportedFormat(assetName: string, kind: string, supported: string): BuildpackError {
  return new BuildpackError('GHA040', `asset ${assetName} is ${kind}, which this buildpack cannot install`, {
    hint: `supported: ${supported}; pick another asset of the release (e.g. the .tar.gz or the bare binary)`,
  });
}

/** GHA040: an xz stream using options the decoder does not support (`problem`: xz's error, in words). */
export function xzUnsupported(what: string, problem: string, cause: unknown): BuildpackError {
  return new BuildpackError('GHA040', `${what} is ${problem}`, {
    hint: 'pick another asset of the release (e.g. the .tar.gz), or ask the publisher to use default xz settings',
    cause,
  });
}

/** GHA041: a compressed stream that is corrupt or truncated (`detail`: the decoder's error). */
export function corruptArchive(what: string, detail: string, cause: unknown): BuildpackError {
  return new BuildpackError('GHA041', `${what} is corrupt or truncated (${detail}); nothing was installed`, {
    hint: 'download it again; if it keeps failing, the release asset itself is broken: pick another asset or release',
    cause,
  });
}

/** GHA041: a tar archive without its end-of-archive marker. */
export function tarTruncated(): BuildpackError {
  return new BuildpackError('GHA041', 'the tar archive ends without its end-of-archive marker (truncated download?)');
}

/** GHA041: a zip entry whose bytes fail their CRC-32. */
export function zipCrcMismatch(name: string): BuildpackError {
  return new BuildpackError('GHA041', `zip entry "${name}" fails its CRC-32 check; the archive is corrupt; nothing was installed`, {
    hint: 'download it again; if it keeps failing, the release asset itself is broken',
  });
}

/** GHA042: an archive entry at `path` refused (`reason`: "it is a symlink to … that …", from the path rules). */
export function unsafeArchiveEntry(path: string, reason: string): BuildpackError {
  return new BuildpackError('GHA042', `refusing archive entry "${path}": ${reason}; nothing was installed`, {
    hint: 'the archive is unsafe to extract as is; ask the publisher for a clean archive, or pick another asset',
  });
}

/** GHA042: an asset that installs a directory the lifecycle reads (`name`: env, …) at the layer root. */
export function reservedDirAtLayerRoot(entry: string, name: string): BuildpackError {
  return new BuildpackError(
    'GHA042',
    `the asset installs "${name}/" at the layer root, which the lifecycle reads as environment settings`,
    {
      entry,
      hint: 'set destination to a subdirectory (e.g. destination = "opt/tool") or pick files with strip_components',
    },
  );
}

/** Which extraction limit was crossed, with the setting that raises it. */
export type ExtractLimit =
  | { kind: 'stream-bytes'; max: number }
  | { kind: 'extracted-bytes'; max: number }
  | { kind: 'entries'; max: number; count?: number };

/** GHA043: an archive over an extraction limit (possible bomb). */
export function archiveTooLarge(limit: ExtractLimit): BuildpackError {
  const [what, setting] =
    limit.kind === 'stream-bytes'
      ? [`the decompressed archive exceeds ${limit.max} bytes`, 'GITHUB_ASSETS_MAX_EXTRACT_BYTES']
      : limit.kind === 'extracted-bytes'
        ? [`extracted content exceeds ${limit.max} bytes`, 'GITHUB_ASSETS_MAX_EXTRACT_BYTES']
        : limit.count === undefined
          ? [`the archive has more than ${limit.max} entries`, 'GITHUB_ASSETS_MAX_ENTRIES']
          : [`the archive has ${limit.count} entries, more than ${limit.max}`, 'GITHUB_ASSETS_MAX_ENTRIES'];
  return new BuildpackError('GHA043', `${what}; extraction stopped (possible decompression bomb)`, {
    hint: `if the asset is legitimately this large, raise ${setting}`,
  });
}

/** GHA044: files patterns that matched nothing; `shown` are the first (at most `shownMax`) archive entries, of `total`. */
export function filesPatternUnmatched(facts: {
  patterns: readonly string[];
  assetName: string;
  shown: readonly string[];
  shownMax: number;
  total: number;
  stripComponents: number;
}): BuildpackError {
  const { patterns, shown, total, stripComponents } = facts;
  const more = total > shown.length ? ` (first ${facts.shownMax} of ${total})` : '';
  return new BuildpackError(
    'GHA044',
    `files pattern${patterns.length > 1 ? 's' : ''} ${patterns.map((p) => JSON.stringify(p)).join(', ')} matched nothing in ${facts.assetName}; it contains${more}: ${shown.join(', ') || '(no entries)'}`,
    {
      hint:
        stripComponents > 0
          ? `patterns match paths after strip_components = ${stripComponents} (or the full archive path); fix the pattern or the strip count`
          : 'patterns match paths inside the archive (globs like "*/bin/tool" work); fix the pattern',
    },
  );
}

/** GHA045: two entries of one archive want the same path in incompatible ways. */
export function archiveEntriesConflict(entryPath: string, problem: string): BuildpackError {
  return new BuildpackError('GHA045', `archive entry "${entryPath}" ${problem}`, {
    hint: 'the archive contains conflicting entries; pick another asset or narrow it with `files`',
  });
}

/** GHA045: two entries want the same path `rel` of the layer (`owner`: the entry that has it, if known). */
export function pathConflict(entry: string, rel: string, owner: string | undefined): BuildpackError {
  return new BuildpackError('GHA045', `"${rel}" is also installed by ${owner ?? 'another entry'}`, {
    entry,
    hint: 'give one of the two entries a different destination, or pick files so they do not overlap',
  });
}

/** GHA046: links in the assembled layer that lead outside it (`reason`: where the link leads). */
export function layerLinkEscapes(facts: { owner: string | undefined; path: string; reason: string }): BuildpackError {
  return new BuildpackError('GHA046', `the assembled layer would contain "${facts.path}": ${facts.reason}; nothing was installed`, {
    ...(facts.owner ? { entry: facts.owner } : {}),
    hint: 'entries of the same repository share a layer and their links can combine; give the entries different destinations, or pick files without the links',
  });
}

// ─── cli ─────────────────────────────────────────────────────────────────────────────────────────

/** GHA060: the command line is wrong. */
function usageError(message: string, hint: string): BuildpackError {
  return new BuildpackError('GHA060', message, { hint });
}

/** What is wrong with a command line. */
export type UsageProblem =
  | { kind: 'unknown-help-topic'; topic: string }
  | { kind: 'unknown-option'; option: string }
  | { kind: 'unknown-command'; command: string }
  | { kind: 'update-level'; value: string; levels: readonly string[] }
  | { kind: 'arguments'; command: string; parserSays: string }
  | { kind: 'files'; command: string; positionals: readonly string[] }
  | { kind: 'arch'; command: string; value: string }
  | { kind: 'os'; command: string; value: string };

/** GHA060: a command line the CLI cannot run. */
export function usageProblem(p: UsageProblem): BuildpackError {
  switch (p.kind) {
    case 'unknown-help-topic':
      return usageError(`unknown command "${p.topic}"`, 'the commands are check, pin and update');
    case 'unknown-option':
      return usageError(`unknown option "${p.option}"`, 'run github-assets --help');
    case 'unknown-command':
      return usageError(`unknown command "${p.command}"`, 'the commands are check, pin and update; run github-assets --help');
    case 'update-level':
      return usageError(`update: --to "${p.value}" is not a policy`, `use --to ${p.levels.join(', --to ')}`);
    case 'arguments':
      return usageError(`${p.command}: ${p.parserSays}`, `run github-assets ${p.command} --help`);
    case 'files':
      return usageError(
        `${p.command} takes one file, got ${p.positionals.length}: ${p.positionals.join(' ')}`,
        `run github-assets ${p.command} --help`,
      );
    case 'arch':
      return usageError(`${p.command}: unknown architecture "${p.value}"`, 'use a CNB architecture name such as amd64 or arm64');
    case 'os':
      return usageError(`${p.command}: "${p.value}" is not an OS name`, 'use a CNB OS name such as linux');
  }
}

/** GHA061: the pin command cannot edit the file safely. */
export function pinEditFailed(why: string, wanted: readonly string[]): BuildpackError {
  return new BuildpackError('GHA061', `cannot pin safely: ${why}; nothing was written`, {
    hint: `add these by hand: ${wanted.join('; ') || '(nothing to change)'}; or write each entry as a [[metadata.githubassets]] table with one key = "value" per line`,
  });
}

/** GHA062: update cannot compare a tag that is not a version. */
export function updateTagNotAVersion(entry: string, tag: string): BuildpackError {
  return new BuildpackError('GHA062', `tag = "${tag}" is not a semantic version, so update cannot tell which release is newer`, {
    entry,
    hint: 'set the new tag by hand and run github-assets pin, or add update = false to the entry to leave it out of updates',
  });
}

// ─── internal ────────────────────────────────────────────────────────────────────────────────────

/** GHA099: anything thrown that is not a BuildpackError is a bug; say so, and keep it as the cause. */
export function unexpectedFailure(err: unknown): BuildpackError {
  return new BuildpackError('GHA099', `unexpected failure: ${(err as Error)?.message ?? String(err)}`, {
    hint: 'run again with BP_LOG_LEVEL=DEBUG for details, and report it if it persists',
    cause: err,
  });
}

/** GHA099: the GitHub API answered a status no rule covers while looking up `lookingUp`. */
export function unexpectedApiStatus(facts: {
  entry?: string | undefined;
  status: number;
  lookingUp: string;
  serverMessage: string;
}): BuildpackError {
  const { status, lookingUp, serverMessage } = facts;
  return internalError(
    `unexpected answer ${status} from the GitHub API while looking up ${lookingUp}${serverMessage ? `: ${serverMessage}` : ''}`,
    {
      entry: facts.entry,
      hint: 'retry the build; if this persists, report it with the build log',
    },
  );
}

// ─── the same error told with more context (BuildpackError.rephrased), shaped here too ─────────────

/** An asset-not-found met while pinning one of several architectures: says which, and how to leave it out. */
export function whilePinningArch(
  err: BuildpackError,
  facts: { entry: string; os: string; arch: string; others: readonly string[] },
): BuildpackError {
  return err.rephrased({
    message: `${err.message} (while pinning for ${facts.os}/${facts.arch})`,
    entry: facts.entry,
    hint: `${err.hint ?? ''}; if the entry is not meant for ${facts.arch}, pin only the others with --arch ${facts.others.join(',')}`,
  });
}

/** A not-found lookup whose entry names a token variable that is not set (`unsetNote`: "NAME is not set", phrased per phase). */
export function tokenEnvUnset(err: BuildpackError, facts: { entry: string; tokenEnv: string; unsetNote: string }): BuildpackError {
  return err.rephrased({
    entry: facts.entry,
    hint: `token_env = "${facts.tokenEnv}" but ${facts.unsetNote} (a token with read access to the repository contents)`,
  });
}

/** A 403 while listing attestations with attestations = "required": names the permission a fine-grained token needs. */
export function attestationsForbidden(err: BuildpackError, repo: string): BuildpackError {
  return err.rephrased({
    message: `${err.message} while listing attestations`,
    hint: `a fine-grained token needs the "attestations: read" permission on ${repo} (and contents: read); ${err.hint ?? ''}`.trim(),
  });
}

/** A download that failed after retries: says how many attempts were made. */
export function gaveUpAfter(err: BuildpackError, attempts: number): BuildpackError {
  return err.rephrased({ message: `${err.message} (gave up after ${attempts} attempts)` });
}

/** GHA099: installAsset was given a directory that is not empty (a bug in the caller). */
export function installDirNotEmpty(outDir: string, entry: string | undefined): BuildpackError {
  return internalError(`installAsset needs an empty directory, and ${outDir} is not`, { entry });
}

/** GHA099: the extraction was fed other bytes than the download hashed (a bug in the downloader): nothing is installed. */
export function streamedBytesDiffer(entry: string, streamed: number, downloaded: number): BuildpackError {
  return internalError(`the extraction read ${streamed} bytes of a ${downloaded}-byte download`, { entry });
}

/** GHA099: an extraction that read the download as a stream asked for the file too (incomplete by then; a bug in the extractor). */
export function streamedDownloadReread(): BuildpackError {
  return internalError('an extraction that read the download as it arrived asked for the downloaded file too');
}

/** GHA099: a file entry reached the writer without a way to read its content (a bug in the reader). */
export function noContentReader(path: string): BuildpackError {
  return internalError(`no content reader for file entry ${path}`);
}

/** GHA099: the hash of a download is not a SHA-256 (a bug in the downloader). */
export function downloadHashMalformed(entry: string | undefined, actual: string): BuildpackError {
  return internalError(`internal: the downloaded asset's hash "${actual}" is not a SHA-256`, { entry });
}

/** GHA099: an attestation lookup without a SHA-256 (a bug in the caller). */
export function attestationLookupWithoutDigest(): BuildpackError {
  return internalError('internal error: attestation lookup without a sha256', {});
}

/** GHA099: a bug: never for bad input. */
function internalError(message: string, details?: ErrorDetails): BuildpackError {
  return new BuildpackError('GHA099', message, details);
}
