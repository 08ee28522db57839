// Recognises what a downloaded release asset is from its leading bytes (magic numbers); the
// asset's name only breaks ties the bytes cannot settle. Pure: no I/O, no decompression beyond
// peeking at the first few hundred bytes of gzip/zstd data held in memory.

import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import type { BuildpackError } from '../errors.js';
import { unsupportedFormat } from '../errors/catalog.js';

export type Compression = 'gzip' | 'xz' | 'bzip2' | 'zstd';

export type AssetFormat =
  | { kind: 'raw' }
  | { kind: 'tar'; compression: 'none' | Compression }
  | { kind: 'zip' }
  | { kind: 'compressed'; compression: Compression };

/** What detection found, with the reasons extraction needs (executable or not, refused type). */
export type Detection = { format: AssetFormat; executable: boolean } | { format: null; unsupported: string };

export const SUPPORTED_FORMATS =
  'executables (ELF, Mach-O, PE, #! scripts), other single files, tar (.tar, .tar.gz/.tgz, .tar.xz/.txz, .tar.bz2/.tbz2, .tar.zst/.tzst), zip, and single compressed files (.gz, .xz, .bz2, .zst)';

const startsWith = (head: Buffer, bytes: number[], offset = 0) =>
  head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** ELF, Mach-O (thin and fat), PE/COFF and scripts with a shebang. */
export function isExecutableHead(head: Buffer): boolean {
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return true; // ELF
  if (startsWith(head, ascii('#!'))) return true;
  if (startsWith(head, ascii('MZ'))) return true; // PE (DOS stub)
  const machO = [
    [0xfe, 0xed, 0xfa, 0xce],
    [0xfe, 0xed, 0xfa, 0xcf],
    [0xce, 0xfa, 0xed, 0xfe],
    [0xcf, 0xfa, 0xed, 0xfe],
  ];
  if (machO.some((magic) => startsWith(head, magic))) return true;
  // Fat Mach-O shares CAFEBABE with Java class files; a fat binary has a small architecture
  // count where a class file has its version numbers (major >= 45).
  if ((startsWith(head, [0xca, 0xfe, 0xba, 0xbe]) || startsWith(head, [0xca, 0xfe, 0xba, 0xbf])) && head.length >= 8) {
    return head.readUInt32BE(4) < 32;
  }
  return false;
}

/** A 512-byte tar header: the ustar magic, or (old v7 tar) a header whose checksum adds up. */
export function looksLikeTar(head: Buffer): boolean {
  if (head.length < 512) return false;
  if (startsWith(head, ascii('ustar'), 257)) return true;
  const stored = parseInt(
    head
      .subarray(148, 156)
      .toString('latin1')
      .replace(/[\0 ]+$/, '')
      .trim(),
    8,
  );
  if (!Number.isFinite(stored) || head[0] === 0) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i]!;
  return sum === stored;
}

const compressionMagic: Array<[Compression, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', ascii('BZh')],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

/** Container formats we recognise but do not unpack: named in the error instead of guessed at. */
const unsupportedMagic: Array<[string, number[], number?]> = [
  ['a Debian package or ar archive (.deb/.a)', ascii('!<arch>\n')],
  ['an RPM package', [0xed, 0xab, 0xee, 0xdb]],
  ['a 7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['a RAR archive', ascii('Rar!\x1a\x07')],
  ['an MSI/OLE compound file', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ['a xar archive (.pkg)', ascii('xar!')],
  ['a cpio archive', ascii('070701')],
  ['a cpio archive', ascii('070707')],
  ['an LZ4 file', [0x04, 0x22, 0x4d, 0x18]],
  ['an lzip file', ascii('LZIP')],
  ['a Unix compress (.Z) file', [0x1f, 0x9d]],
  ['an ISO 9660 image', ascii('CD001'), 0x8001],
];

const unsupportedNames: Array<[RegExp, string]> = [
  [/\.dmg$/i, 'a macOS disk image (.dmg)'],
  [/\.(deb|ddeb|udeb)$/i, 'a Debian package'],
  [/\.rpm$/i, 'an RPM package'],
  [/\.(7z|rar|cab|msi|pkg|lzma|lz|lz4|br|Z|iso|apk|snap|appx|msix)$/, 'an archive or package format that is not supported'],
];

/** Zip-based formats that are meant to be used whole, not unpacked (a .jar is a library, not a folder). */
const keepWholeNames = /\.(jar|war|ear|aar|whl|nupkg|vsix|xpi|crx|epub|docx|xlsx|pptx|odt)$/i;

const tarNames = /\.(tar|tar\.(gz|gzip|xz|bz2|bzip2|zst|zstd)|tgz|taz|txz|tbz|tbz2|tb2|tzst)$/i;

// zlib.constants.Z_SYNC_FLUSH and ZSTD_e_flush (zlib.h, zstd.h), written out: reading node:zlib's
// `constants` when this module starts loaded node:zlib and ~15 of Node's modules (~3 ms) for raw assets too.
const Z_SYNC_FLUSH = 2;
const ZSTD_E_FLUSH = 1;

/**
 * The start of what gzip/zstd data decompresses to, from the first KiB of input only and capped
 * in output, so a bomb's head cannot make this pure function allocate much.
 */
function peekDecompressed(head: Buffer, compression: Compression): Buffer | undefined {
  const input = head.subarray(0, 1024);
  const maxOutputLength = 2 * 1024 * 1024;
  try {
    if (compression === 'gzip') return gunzipSync(input, { finishFlush: Z_SYNC_FLUSH, maxOutputLength });
    if (compression === 'zstd') return zstdDecompressSync(input, { finishFlush: ZSTD_E_FLUSH, maxOutputLength });
  } catch {
    // Too little input, or too much output, to tell: fall back to the name.
  }
  return undefined;
}

/** Full detection, used by installAsset: also says whether a single file is executable. */
export function classify(head: Buffer, assetName: string): Detection {
  if (keepWholeNames.test(assetName) && startsWith(head, ascii('PK'))) return { format: { kind: 'raw' }, executable: false };
  if (startsWith(head, ascii('PK\x03\x04')) || startsWith(head, ascii('PK\x05\x06')) || startsWith(head, ascii('PK\x07\x08'))) {
    return { format: { kind: 'zip' }, executable: false };
  }
  for (const [compression, magic] of compressionMagic) {
    if (!startsWith(head, magic)) continue;
    if (compression === 'bzip2' && !(head.length > 3 && head[3]! >= 0x31 && head[3]! <= 0x39)) continue;
    const inner = peekDecompressed(head, compression);
    const isTar = inner && inner.length >= 512 ? looksLikeTar(inner) : tarNames.test(assetName);
    return { format: isTar ? { kind: 'tar', compression } : { kind: 'compressed', compression }, executable: false };
  }
  if (looksLikeTar(head)) return { format: { kind: 'tar', compression: 'none' }, executable: false };
  if (isExecutableHead(head)) return { format: { kind: 'raw' }, executable: true };
  for (const [what, magic, offset] of unsupportedMagic) {
    if (startsWith(head, magic, offset ?? 0)) return { format: null, unsupported: what };
  }
  for (const [pattern, what] of unsupportedNames) {
    if (pattern.test(assetName)) return { format: null, unsupported: what };
  }
  // Not an executable and no container we know. A release may legitimately ship a data file
  // (a config, a JSON schema, a .jar, a .wasm module): text, known data types and binary with a
  // known magic are installed as-is (0644). Unrecognised binary is refused: installing bytes we
  // cannot identify would hide a format we should have unpacked (a .dmg, an exotic archive).
  if (keepWholeNames.test(assetName) || startsWith(head, [0x00, 0x61, 0x73, 0x6d]) || looksLikeText(head)) {
    return { format: { kind: 'raw' }, executable: false };
  }
  return { format: null, unsupported: 'unrecognised binary data (no known magic number)' };
}

/** Text: no NUL bytes and valid UTF-8 (a cut-off multibyte character at the end is fine). */
function looksLikeText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  try {
    // stream: true tolerates a character cut off by the end of the head.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The interface's pure detector: the format, or GHA040 naming what it is and what is supported. */
export function detectFormat(head: Buffer, assetName: string): AssetFormat {
  const found = classify(head, assetName);
  if (found.format) return found.format;
  throw formatRefusal(found.unsupported, assetName);
}

export function formatRefusal(what: string, assetName: string): BuildpackError {
  return unsupportedFormat(assetName, what, SUPPORTED_FORMATS);
}
