// Pure: finds the checksums file that belongs to an asset among a release's assets, and reads
// the asset's SHA-256 out of its text. Downloading the file and comparing hashes are the
// caller's jobs (net/download.ts, digest.ts); no I/O here.

import { SIGNATURE_SUFFIXES } from '../descriptor/integrity.js';
import type { ReleaseAsset } from '../model.js';
import { patternToRegExp } from '../select/index.js';
import { checksumsAssetMissing, checksumsContradict, checksumsFileTooLarge, checksumsPatternAmbiguous } from '../errors/catalog.js';

/** Checksums files larger than this are refused: real ones list a few hundred assets at most. */
export const MAX_CHECKSUMS_BYTES = 1024 * 1024;

/**
 * How a checksums file is found when the entry does not name one, best first. Within a tier,
 * the name sharing the longest prefix with the asset wins (goreleaser releases of several
 * projects carry one `<project>_<version>_checksums.txt` each), then the alphabetically first.
 *   1. `<asset>.sha256`, `<asset>.sha256sum`: written for this one asset
 *   2. `SHA256SUMS`, `SHA256SUMS.txt`, `SHASUMS256.txt` (GNU coreutils and Node.js conventions)
 *   3. `*SHA256SUMS`, `*SHA256SUMS.txt` (HashiCorp's `<product>_<version>_SHA256SUMS`)
 *   4. `sha256sum.txt`
 *   5. `checksums.txt`, `checksums.sha256`
 *   6. `*_checksums.txt`: goreleaser's default
 *   7. `*checksums*.txt`, unless the name mentions another algorithm (sha512, sha1, md5, …)
 * Names are compared case-insensitively. Signature and certificate files (`.sig`, `.pem`, …)
 * and the asset itself are never picked.
 */
const DISCOVERY_TIERS: Array<(lower: string, assetLower: string) => boolean> = [
  (n, a) => n === `${a}.sha256` || n === `${a}.sha256sum`,
  (n) => n === 'sha256sums' || n === 'sha256sums.txt' || n === 'shasums256.txt',
  (n) => n.endsWith('sha256sums') || n.endsWith('sha256sums.txt'),
  (n) => n === 'sha256sum.txt',
  (n) => n === 'checksums.txt' || n === 'checksums.sha256',
  (n) => n.endsWith('_checksums.txt') && !mentionsOtherAlgorithm(n),
  (n) => n.endsWith('.txt') && n.includes('checksums') && !mentionsOtherAlgorithm(n),
];

function mentionsOtherAlgorithm(lower: string): boolean {
  return /sha-?(1|224|384|512)(?![0-9])|md5|blake|b2sum|crc/.test(lower);
}

function isSignature(name: string): boolean {
  const lower = name.toLowerCase();
  return SIGNATURE_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/**
 * The release asset that lists `assetName`'s SHA-256, if any. `explicit` (the entry's
 * `checksums` key: a name, or a pattern with * ? {tag} {version}) wins and must exist;
 * `tag` resolves its placeholders. Throws GHA014 when the explicit name is not in the
 * release and GHA015 when an explicit pattern matches several assets.
 */
export function findChecksumAsset(assets: ReleaseAsset[], assetName: string, explicit?: string, tag?: string): ReleaseAsset | undefined {
  if (explicit !== undefined) return findExplicit(assets, explicit, tag);
  const assetLower = assetName.toLowerCase();
  const candidates = assets.filter((a) => a.name !== assetName && !isSignature(a.name));
  for (const inTier of DISCOVERY_TIERS) {
    const found = candidates.filter((a) => inTier(a.name.toLowerCase(), assetLower));
    if (found.length > 0) return closestTo(found, assetName);
  }
  return undefined;
}

function findExplicit(assets: ReleaseAsset[], explicit: string, tag: string | undefined): ReleaseAsset {
  const names = assets.map((a) => a.name);
  const exact = assets.find((a) => a.name === explicit);
  if (exact) return exact;
  const isPattern = /[*?]|\{(tag|version)\}/.test(explicit);
  if (isPattern) {
    const regex = patternToRegExp(explicit, undefined, tag);
    const matches = assets.filter((a) => regex.test(a.name));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw checksumsPatternAmbiguous({ pattern: explicit, tag, matches: matches.map((a) => a.name) });
    }
  }
  const folded = assets.filter((a) => a.name.toLowerCase() === explicit.toLowerCase());
  throw checksumsAssetMissing({ name: explicit, tag, names, caseFolded: folded.length === 1 ? folded[0]!.name : undefined });
}

function closestTo(found: ReleaseAsset[], assetName: string): ReleaseAsset {
  const prefix = (name: string) => {
    let i = 0;
    while (i < name.length && i < assetName.length && name[i] === assetName[i]) i++;
    return i;
  };
  return [...found].sort((x, y) => prefix(y.name) - prefix(x.name) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))[0]!;
}

/** Refuses a checksums file before downloading it when the release says it is too large. */
export function checkChecksumsSize(bytes: number, fileName: string): void {
  if (bytes > MAX_CHECKSUMS_BYTES) {
    throw checksumsFileTooLarge(fileName, bytes, MAX_CHECKSUMS_BYTES);
  }
}

/** A downloaded checksums file's text: size-checked, UTF-8 decoded, without a byte-order mark. */
export function checksumsText(content: Uint8Array, fileName: string): string {
  checkChecksumsSize(content.byteLength, fileName);
  return new TextDecoder('utf-8').decode(content).replace(/^\uFEFF/, '');
}

interface Listing {
  name: string | undefined;
  hex: string;
}

/**
 * The SHA-256 the text lists for `assetName`, as lowercase hex; undefined when it does not
 * list it. Understands, line by line (LF or CRLF, `#` comments and blank lines skipped):
 *   `<hex>  <name>` and `<hex> <name>` (sha256sum text mode), `<hex> *<name>` (binary mode),
 *   `\<hex>  <escaped name>` (sha256sum's escaping of names with `\` or newlines),
 *   `SHA256 (<name>) = <hex>` (BSD and `shasum --tag`; also `SHA2-256(<name>)= <hex>` from openssl),
 *   `<hex>` alone (a per-asset `.sha256` file): taken as the asset's hash only when the file
 *   holds nothing else and its name starts with the asset's (or `fileName` is not given), since
 *   a release-wide list must say which file each hash is for.
 * Names match exactly after dropping a leading `./`; a name with directories (`dist/tool`)
 * matches by its last component when no exact name does. Only 64-hex values count: lines with
 * SHA-512 or MD5 sums are ignored. `fileName` is the checksums file's own name: when it is
 * `<asset>.sha256` or `<asset>.sha256sum` and holds a single hash, that hash is the asset's
 * whatever name it was written with (tools often hash a file before renaming it for release).
 * Throws GHA032 when the asset is listed twice with different hashes.
 */
export function parseChecksums(text: string, assetName: string, fileName?: string): string | undefined {
  const listings = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n|\r/)
    .map(parseLine)
    .filter((l): l is Listing => l !== undefined);

  const exact = listings.filter((l) => l.name === assetName);
  if (exact.length > 0) return single(exact, assetName, fileName, true);

  const byBaseName = listings.filter((l) => l.name?.includes('/') && baseName(l.name) === assetName);
  if (byBaseName.length > 0) return single(byBaseName, assetName, fileName, false);

  const namedForAsset = fileName === undefined || fileName.toLowerCase().startsWith(assetName.toLowerCase());
  const unnamed = listings.filter((l) => l.name === undefined);
  if (namedForAsset && unnamed.length > 0 && unnamed.length === listings.length) return single(unnamed, assetName, fileName, true);
  if (fileName !== undefined && isPerAssetFile(fileName, assetName) && new Set(listings.map((l) => l.hex)).size === 1)
    return listings[0]!.hex;
  return undefined;
}

/** The one hash of several listings of the asset; conflicting ones are an error, or "unknown" for base-name guesses. */
function single(listings: Listing[], assetName: string, fileName: string | undefined, strict: boolean): string | undefined {
  const hashes = [...new Set(listings.map((l) => l.hex))];
  if (hashes.length === 1) return hashes[0];
  if (!strict) return undefined;
  throw checksumsContradict({ fileName, assetName, count: listings.length, hashes });
}

function isPerAssetFile(fileName: string, assetName: string): boolean {
  const lower = fileName.toLowerCase();
  const asset = assetName.toLowerCase();
  return lower === `${asset}.sha256` || lower === `${asset}.sha256sum`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const HEX64 = '[0-9a-fA-F]{64}';
const GNU_LINE = new RegExp(`^(\\\\?)(${HEX64})[ \\t]+\\*?(.+)$`);
const BSD_LINE = new RegExp(`^SHA(?:2-)?256[ \\t]*\\((.+)\\)[ \\t]*=[ \\t]*(${HEX64})$`, 'i');
const BARE_LINE = new RegExp(`^(${HEX64})$`);

function parseLine(raw: string): Listing | undefined {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return undefined;
  const bare = BARE_LINE.exec(line);
  if (bare) return { name: undefined, hex: bare[1]!.toLowerCase() };
  const bsd = BSD_LINE.exec(line);
  if (bsd) return { name: cleanName(bsd[1]!), hex: bsd[2]!.toLowerCase() };
  const gnu = GNU_LINE.exec(line);
  if (gnu) {
    const name = gnu[1] === '\\' ? unescapeName(gnu[3]!) : gnu[3]!;
    return { name: cleanName(name), hex: gnu[2]!.toLowerCase() };
  }
  return undefined;
}

function cleanName(name: string): string {
  return name.trim().replace(/^(\.\/)+/, '');
}

/** sha256sum writes `\\` for a backslash and `\n` for a newline when a line starts with `\`. */
function unescapeName(name: string): string {
  return name.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}
