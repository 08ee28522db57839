// Pure: validates the integrity keys of an entry (`sha256`, `checksums`) into normalised
// values. The caller (parse.ts) owns the entry and passes `fail`, which builds the error
// with the entry's label; nothing here knows about entries, files or the network.

import type { BuildpackError } from '../errors.js';

/** Builds a user-facing error for the entry being validated (parse.ts supplies it). */
export type FieldFail = (message: string, hint: string) => BuildpackError;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Suffixes of signature and certificate files, which are never checksum lists. */
export const SIGNATURE_SUFFIXES = ['.sig', '.asc', '.pem', '.crt', '.cert', '.bundle', '.sigstore', '.sigstore.json', '.intoto.jsonl'];

/** `<64 hex>` or `sha256:<64 hex>`, any case and surrounding spaces -> lowercase hex; undefined otherwise. */
export function normaliseSha256(value: string): string | undefined {
  const hex = value
    .trim()
    .replace(/^sha256:/i, '')
    .toLowerCase();
  return SHA256_HEX.test(hex) ? hex : undefined;
}

/** The `sha256` key: the asset's expected SHA-256, returned as lowercase hex. */
export function parseSha256Field(value: unknown, fail: FieldFail): string {
  const hint =
    'write sha256 = "<64 hex digits>" (the SHA-256 of the asset file, e.g. from `sha256sum <asset>` or the release\'s checksums file)';
  if (typeof value !== 'string') throw fail(`sha256 must be a string, got ${describeValue(value)}`, hint);
  const hex = normaliseSha256(value);
  if (hex) return hex;
  const bare = value.trim().replace(/^[a-z0-9-]+:/i, '');
  const other = /^[0-9a-f]+$/i.test(bare) ? OTHER_DIGESTS[bare.length] : undefined;
  if (other) throw fail(`sha256 = "${value}" looks like a ${other} digest (${bare.length} hex digits), not a SHA-256 (64)`, hint);
  if (/^[a-z0-9-]+:/i.test(value.trim()) && !/^sha256:/i.test(value.trim())) {
    throw fail(`sha256 = "${value}" has an algorithm prefix other than "sha256:"`, hint);
  }
  throw fail(`sha256 = "${value}" is not a SHA-256: expected 64 hex digits, optionally prefixed with "sha256:"`, hint);
}

const OTHER_DIGESTS: Record<number, string> = { 32: 'MD5', 40: 'SHA-1', 96: 'SHA-384', 128: 'SHA-512' };

/**
 * The `checksums` key: the name of the release asset that lists SHA-256 sums. A plain file
 * name; `*`, `?`, `{tag}` and `{version}` are allowed so a versioned name such as
 * "tool_{version}_checksums.txt" keeps working when the tag changes.
 */
export function parseChecksumsField(value: unknown, fail: FieldFail): string {
  const hint =
    'write checksums = "<file name>" as shown on the release page, e.g. checksums = "SHA256SUMS" or "tool_{version}_checksums.txt"';
  if (typeof value !== 'string') throw fail(`checksums must be a string, got ${describeValue(value)}`, hint);
  const name = value.trim();
  if (name === '') throw fail('checksums is empty', `${hint}, or omit it to let the buildpack find the release's checksums file`);
  if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    throw fail(`checksums = "${value}" is not a file name`, `${hint}; it names an asset of the same release, without a path or URL`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters in a file name is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) throw fail(`checksums = ${JSON.stringify(value)} contains control characters`, hint);
  const placeholder = /\{([^}]*)\}/.exec(name.replace(/\{(tag|version)\}/g, ''));
  if (placeholder)
    throw fail(`checksums = "${value}" uses the unknown placeholder {${placeholder[1]}}`, `${hint}; only {tag} and {version} are replaced`);
  const lower = name.toLowerCase();
  const signature = SIGNATURE_SUFFIXES.find((suffix) => lower.endsWith(suffix));
  if (signature) {
    throw fail(
      `checksums = "${value}" is a signature or certificate (${signature}), not a list of SHA-256 sums`,
      'name the checksums file itself (e.g. "checksums.txt", not "checksums.txt.sig"); signatures are not verified by this buildpack',
    );
  }
  return name;
}

/** How a TOML value is named in messages: "an array", "a table", `number 7`, … */
export function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a table';
  if (typeof v === 'bigint') return `integer ${v}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return `number ${Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
