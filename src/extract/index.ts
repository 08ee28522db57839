// Installs one downloaded release asset into an empty directory that stands for the layer root:
// detects the format from magic bytes, then writes a single file or extracts an archive safely
// and in bounded memory. On any failure it leaves the directory empty. It never touches the
// final layer, the network or the asset's download.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BuildpackError, fromFsError } from '../errors.js';
import type { InstalledFile } from '../model.js';
import { openDecompressed, decoderFailure } from './decompress.js';
import { type AssetFormat, type Compression, classify, formatRefusal, looksLikeTar } from './format.js';
import { DEFAULT_LIMITS, type ExtractLimits } from './limits.js';
import { placeEntryPath } from './paths.js';
import { createPicker } from './pick.js';
import { extractTar } from './tar.js';
import { findEscape } from './confine.js';
import { LayerWriter } from './writer.js';
import { extractZip } from './zip.js';
import { destinationNotInLayer, filesPatternUnmatched, installDirNotEmpty, unsafeArchiveEntry } from '../errors/catalog.js';

export { detectFormat, SUPPORTED_FORMATS, type AssetFormat } from './format.js';
export { findEscape, type Escape } from './confine.js';
export { limitsFromEnv, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, type ExtractLimits } from './limits.js';

export interface ExtractOptions {
  assetName: string;
  /** Relative path inside the layer as written by the user (validated upstream: not absolute, not escaping). */
  destination?: string;
  stripComponents: number;
  /** Picked paths/globs inside the archive. */
  files?: string[];
  /** Label for errors, e.g. "githubassets[2] (acme/tool)". */
  entry: string;
  /** The bomb caps (the build passes the settings' extractLimits); the defaults when absent. */
  limits?: ExtractLimits;
  /** The caller is done with `file`: a raw asset may be moved into place rather than copied. */
  consumeInput?: boolean;
}

const HEAD_SIZE = 8192;
const SHOWN_ENTRIES = 20;
const compressionSuffix = /\.(gz|gzip|xz|bz2|bzip2|zst|zstd)$/i;

async function readHead(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The first bytes of a decompressed stream (enough for a tar header), then stops reading. */
async function peekDecompressed(file: string, compression: Compression): Promise<Buffer> {
  const stream = openDecompressed(file, compression);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(Buffer.from(chunk));
      size += chunk.length;
      if (size >= 512) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/**
 * Compressed data is a tar when what it decompresses to starts with a tar header; the name
 * (.tar.gz vs .gz) is not trusted for that.
 */
async function settleCompressed(file: string, format: AssetFormat): Promise<AssetFormat> {
  if (format.kind !== 'compressed' && !(format.kind === 'tar' && format.compression !== 'none')) return format;
  const compression = format.compression as Compression;
  const inner = await peekDecompressed(file, compression);
  return looksLikeTar(inner) ? { kind: 'tar', compression } : { kind: 'compressed', compression };
}

/** `destination` as segments below the layer root; [] for the root itself. */
function destinationSegments(destination: string | undefined): string[] {
  if (destination === undefined) return [];
  const placed = placeEntryPath(destination, 0);
  if (placed.action === 'refuse') {
    throw destinationNotInLayer(destination);
  }
  return placed.action === 'place' ? placed.segments : [];
}

/**
 * Where a single file (a raw executable or a decompressed tool.gz) goes: `bin/<name>` by default;
 * inside `destination` when it is `bin` or ends with `/`; otherwise at `destination` itself.
 */
export function singleFilePath(destination: string | undefined, fileName: string): string {
  if (destination === undefined) return `bin/${fileName}`;
  const directory = destination.replace(/\/+$/, '');
  if (destination === 'bin' || destination.endsWith('/') || directory === '' || directory === '.') {
    return directory === '' || directory === '.' ? fileName : `${directory}/${fileName}`;
  }
  return destination;
}

async function emptyDirectory(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}

function toUserError(err: unknown, assetName: string): BuildpackError {
  if (err instanceof BuildpackError) return err;
  if (err && typeof err === 'object' && 'syscall' in err) return fromFsError(err, `installing ${assetName}`);
  return decoderFailure(err, `the asset ${assetName}`);
}

export async function installAsset(file: string, outDir: string, opts: ExtractOptions): Promise<InstalledFile[]> {
  await mkdir(outDir, { recursive: true });
  if ((await readdir(outDir)).length > 0) {
    throw installDirNotEmpty(outDir, opts.entry);
  }
  try {
    const installed = await install(file, outDir, opts);
    // Independent of the writer's bookkeeping: what is on disk must stay inside outDir.
    const escaped = await findEscape(outDir);
    if (escaped) throw unsafeArchiveEntry(escaped.path, escaped.reason);
    return installed;
  } catch (err) {
    await emptyDirectory(outDir).catch(() => {});
    throw toUserError(err, opts.assetName).forEntry(opts.entry);
  }
}

async function install(file: string, outDir: string, opts: ExtractOptions): Promise<InstalledFile[]> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const detection = classify(await readHead(file, HEAD_SIZE), opts.assetName);
  if (!detection.format) throw formatRefusal(detection.unsupported, opts.assetName);
  const format = await settleCompressed(file, detection.format);

  if (format.kind === 'raw' || format.kind === 'compressed') {
    const name = format.kind === 'compressed' ? opts.assetName.replace(compressionSuffix, '') || opts.assetName : opts.assetName;
    const target = singleFilePath(opts.destination, name.split('/').pop()!);
    const writer = new LayerWriter({ outDir, root: [], stripComponents: 0, limits });
    if (format.kind === 'raw' && opts.consumeInput) {
      const executable = 'executable' in detection && detection.executable;
      await writer.adoptFile({ path: target, kind: 'file', typeName: 'File', mode: executable ? 0o755 : 0o644 }, file);
      return writer.installed();
    }
    const content: Readable = openDecompressed(file, format.kind === 'raw' ? 'none' : format.compression);
    try {
      // Raw assets: ELF, Mach-O, PE and #! scripts are executables (0755); anything else we
      // install is a data file (0644). Decompressed single files are judged by their content.
      const mode = format.kind === 'raw' ? ('executable' in detection && detection.executable ? 0o755 : 0o644) : undefined;
      await writer.add({ path: target, kind: 'file', typeName: 'File', ...(mode === undefined ? {} : { mode }) }, async () => content);
    } finally {
      content.destroy();
    }
    return writer.installed();
  }

  const root = destinationSegments(opts.destination);
  const picker = opts.files && opts.files.length > 0 ? createPicker(opts.files) : undefined;
  const writer = new LayerWriter({ outDir, root, stripComponents: opts.stripComponents, limits, ...(picker ? { picker } : {}) });
  if (format.kind === 'tar') {
    await extractTar(openDecompressed(file, format.compression), writer, limits);
  } else {
    await extractZip(file, writer, limits.maxEntries, opts.assetName);
  }
  writer.verifyLinks();

  const unmatched = picker?.unmatched() ?? [];
  if (unmatched.length > 0) {
    throw filesPatternUnmatched({
      patterns: unmatched,
      assetName: opts.assetName,
      shown: writer.firstEntries(),
      shownMax: SHOWN_ENTRIES,
      total: writer.entryCount(),
      stripComponents: opts.stripComponents,
    });
  }

  const installed = writer.installed();
  const destination = opts.destination;
  const single = writer.pickedLeaves.length === 1 ? writer.pickedLeaves[0]! : undefined;
  if (picker && destination && !destination.endsWith('/') && destination !== 'bin' && single?.kind === 'file') {
    return installPickedFileAs(outDir, root, single.path, installed);
  }
  return installed;
}

/** `files` picked one file and `destination` names a file: the file itself becomes `destination`. */
async function installPickedFileAs(
  outDir: string,
  root: string[],
  pickedPath: string,
  installed: InstalledFile[],
): Promise<InstalledFile[]> {
  const rootPath = root.join('/');
  const picked = installed.find((f) => f.path === pickedPath)!;
  const parked = join(outDir, `.gha-pick-${randomBytes(6).toString('hex')}`);
  await rename(join(outDir, ...root), parked);
  await rename(join(parked, pickedPath.slice(rootPath.length + 1)), join(outDir, ...root));
  await rm(parked, { recursive: true, force: true });
  const outside = installed.filter((f) => f.path !== rootPath && !f.path.startsWith(`${rootPath}/`));
  return [...outside, { path: rootPath, kind: 'file' as const, executable: picked.executable }].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
}
