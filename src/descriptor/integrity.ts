// Pure: validates the integrity keys of an entry (`sha256`, `checksums`) into normalised
// values. The caller (parse.ts) owns the entry and passes its label; the catalog shapes
// each error from the facts; nothing here knows about entries, files or the network.

import {
  checksumsControlCharacters,
  checksumsEmpty,
  checksumsIsSignature,
  checksumsNotFileName,
  checksumsNotString,
  checksumsUnknownPlaceholder,
  sha256Malformed,
  sha256NotString,
  sha256OtherDigest,
  sha256WrongPrefix,
} from '../errors/catalog.js';

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

/** The `sha256` key of the entry labelled `entry`: the asset's expected SHA-256, returned as lowercase hex. */
export function parseSha256Field(value: unknown, entry: string): string {
  if (typeof value !== 'string') throw sha256NotString(entry, value);
  const hex = normaliseSha256(value);
  if (hex) return hex;
  const bare = value.trim().replace(/^[a-z0-9-]+:/i, '');
  const other = /^[0-9a-f]+$/i.test(bare) ? OTHER_DIGESTS[bare.length] : undefined;
  if (other) throw sha256OtherDigest(entry, value, { algorithm: other, digits: bare.length });
  if (/^[a-z0-9-]+:/i.test(value.trim()) && !/^sha256:/i.test(value.trim())) throw sha256WrongPrefix(entry, value);
  throw sha256Malformed(entry, value);
}

const OTHER_DIGESTS: Record<number, string> = { 32: 'MD5', 40: 'SHA-1', 96: 'SHA-384', 128: 'SHA-512' };

/**
 * The `checksums` key: the name of the release asset that lists SHA-256 sums. A plain file
 * name; `*`, `?`, `{tag}` and `{version}` are allowed so a versioned name such as
 * "tool_{version}_checksums.txt" keeps working when the tag changes.
 */
export function parseChecksumsField(value: unknown, entry: string): string {
  if (typeof value !== 'string') throw checksumsNotString(entry, value);
  const name = value.trim();
  if (name === '') throw checksumsEmpty(entry);
  if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') throw checksumsNotFileName(entry, value);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters in a file name is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) throw checksumsControlCharacters(entry, value);
  const placeholder = /\{([^}]*)\}/.exec(name.replace(/\{(tag|version)\}/g, ''));
  if (placeholder) throw checksumsUnknownPlaceholder(entry, value, placeholder[1] ?? '');
  const lower = name.toLowerCase();
  const signature = SIGNATURE_SUFFIXES.find((suffix) => lower.endsWith(suffix));
  if (signature) throw checksumsIsSignature(entry, value, signature);
  return name;
}
