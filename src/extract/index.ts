// Installs one downloaded release asset into an empty directory that stands for the layer root:
// detects the format from magic bytes, then writes a single file or extracts an archive safely
// and in bounded memory. On any failure it leaves the directory empty. It never touches the
// final layer, the network or the asset's download.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BuildpackError, fromFsError } from '../errors.js';
import type { InstalledFile } from '../model.js';
import { decompressStream, openDecompressed, decoderFailure } from './decompress.js';
import type { IncomingAsset, IncomingPass } from './incoming.js';
import { type AssetFormat, type Compression, classify, formatRefusal, looksLikeTar } from './format.js';
import { DEFAULT_LIMITS, type ExtractLimits } from './limits.js';
import { placeEntryPath } from './paths.js';
import { createPicker } from './pick.js';
import { extractTar } from './tar.js';
import { LayerWriter } from './writer.js';
import { extractZip } from './zip.js';
import { destinationNotInLayer, filesPatternUnmatched, installDirNotEmpty, streamedDownloadReread } from '../errors/catalog.js';

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
  /**
   * The download as it arrives: extraction starts at once and runs alongside it, into `outDir`
   * only; `file` is read only by formats that need the whole, verified file (incoming.ts).
   */
  incoming?: IncomingAsset;
}

const HEAD_SIZE = 8192;
const SHOWN_ENTRIES = 20;
const compressionSuffix = /\.(gz|gzip|xz|bz2|bzip2|zst|zstd)$/i;

/**
 * Where the asset's bytes come from: the downloaded file, or the download itself as it arrives
 * (a pass of IncomingAsset). Formats that need the whole file (zip's directory is at its end, a
 * raw asset is moved into place, bzip2 reads blocks from the file) ask for it: a pass then
 * waits until the download is complete and verified.
 */
interface AssetSource {
  /** The first HEAD_SIZE bytes (fewer for a smaller asset). */
  head(): Promise<Buffer>;
  /** All bytes from the first, once. */
  stream(): Readable;
  /** The complete file. */
  file(): Promise<string>;
  /** file() was asked for: the result stands whatever happened to the pass. */
  usedFile?: boolean;
}

function fileSource(file: string): AssetSource {
  return {
    async head() {
      const handle = await open(file, 'r');
      try {
        const buffer = Buffer.alloc(HEAD_SIZE);
        const { bytesRead } = await handle.read(buffer, 0, HEAD_SIZE, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    stream: () => openDecompressed(file, 'none'),
    file: async () => file,
  };
}

/** One pass of the download: the head is read from the arriving bytes and replayed in front of the rest. */
function passSource(pass: IncomingPass, incoming: IncomingAsset, file: string): AssetSource {
  const chunks = pass[Symbol.asyncIterator]();
  let peeked: Peeked | undefined;
  let streamed = false;
  return {
    usedFile: false,
    async head() {
      peeked = await peek(chunks, HEAD_SIZE);
      return peeked.head;
    },
    stream() {
      if (this.usedFile) throw streamedDownloadReread();
      streamed = true;
      incoming.streaming(pass);
      return replay(peeked ?? { head: Buffer.alloc(0), rest: chunks });
    },
    async file() {
      // Once streamed, the download no longer writes the file: it would be incomplete.
      if (streamed) throw streamedDownloadReread();
      this.usedFile = true;
      incoming.detach();
      await chunks.return(undefined);
      await incoming.verifiedFile;
      return file;
    },
  };
}

interface Peeked {
  head: Buffer;
  rest: AsyncIterator<Buffer | Uint8Array>;
}

/** Reads chunks until `size` bytes (or the end); the rest stays unread. */
async function peek(chunks: AsyncIterator<Buffer | Uint8Array>, size: number): Promise<Peeked> {
  const seen: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const next = await chunks.next();
    if (next.done) break;
    seen.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    length += next.value.length;
  }
  return { head: Buffer.concat(seen), rest: chunks };
}

/** The peeked head, then the rest, as one stream; destroying it ends the rest too. */
function replay({ head, rest }: Peeked): Readable {
  async function* all(): AsyncGenerator<Buffer | Uint8Array> {
    try {
      if (head.length > 0) yield head;
      for (;;) {
        const next = await rest.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await rest.return?.(undefined);
    }
  }
  return Readable.from(all(), { objectMode: false });
}

/**
 * Compressed data is a tar when what it decompresses to starts with a tar header; the name
 * (.tar.gz vs .gz) is not trusted for that. Returns the format and the decompressed stream.
 */
async function settleCompressed(content: Readable, compression: Compression): Promise<{ format: AssetFormat; content: Readable }> {
  const peeked = await peek(content[Symbol.asyncIterator](), 512);
  const format: AssetFormat = looksLikeTar(peeked.head) ? { kind: 'tar', compression } : { kind: 'compressed', compression };
  return { format, content: replay(peeked) };
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

/**
 * Installs into `outDir`, which must be new or empty. What is on disk is checked once more,
 * independently of the writer's bookkeeping, by the layer unit's walk of the whole staged layer
 * (layers/assemble.ts verifyConfined) before anything is committed: that check also sees links
 * of several entries that chain out together, so a second walk here per entry only repeated it
 * (2+ fs calls per directory). A caller that commits `outDir` anywhere must run findEscape on it.
 */
export async function installAsset(file: string, outDir: string, opts: ExtractOptions): Promise<InstalledFile[]> {
  // mkdir says whether it created the dir: only an existing one needs the look inside.
  const created = await mkdir(outDir, { recursive: true });
  if (created === undefined && (await readdir(outDir)).length > 0) {
    throw installDirNotEmpty(outDir, opts.entry);
  }
  try {
    return opts.incoming ? await installArriving(file, outDir, opts) : await install(fileSource(file), outDir, opts);
  } catch (err) {
    await emptyDirectory(outDir).catch(() => {});
    throw toUserError(err, opts.assetName).forEntry(opts.entry);
  }
}

/**
 * Extracts the asset while it downloads, one pass per start from byte zero: when the download
 * starts over, the pass's files are removed and the next pass extracts from the beginning. A
 * pass's own failure waits for the download to end, so a restart can still replace it.
 */
async function installArriving(file: string, outDir: string, opts: ExtractOptions): Promise<InstalledFile[]> {
  const incoming = opts.incoming!;
  incoming.attach();
  for (;;) {
    const pass = incoming.open();
    const source = passSource(pass, incoming, file);
    let outcome: { installed: InstalledFile[] } | { failure: unknown };
    try {
      outcome = { installed: await install(source, outDir, opts) };
    } catch (err) {
      outcome = { failure: err };
    }
    pass.stopReading();
    if (source.usedFile) {
      // Installed from the complete, verified file: no pass matters any more.
      if ('failure' in outcome) throw outcome.failure;
      return outcome.installed;
    }
    const end = await pass.end;
    if (end === 'restarted') {
      await emptyDirectory(outDir);
      continue;
    }
    if (end === 'failed') await incoming.verifiedFile; // throws the download's failure
    if ('failure' in outcome) throw outcome.failure;
    return outcome.installed;
  }
}

async function install(source: AssetSource, outDir: string, opts: ExtractOptions): Promise<InstalledFile[]> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const detection = classify(await source.head(), opts.assetName);
  if (!detection.format) throw formatRefusal(detection.unsupported, opts.assetName);
  let format = detection.format;

  if (format.kind === 'raw' && opts.consumeInput) {
    const target = singleFilePath(opts.destination, opts.assetName.split('/').pop()!);
    const writer = new LayerWriter({ outDir, root: [], stripComponents: 0, limits });
    const executable = 'executable' in detection && detection.executable;
    await writer.adoptFile({ path: target, kind: 'file', typeName: 'File', mode: executable ? 0o755 : 0o644 }, await source.file());
    return writer.installed();
  }
  if (format.kind === 'zip') {
    const file = await source.file();
    return extractArchive(outDir, opts, (writer) => extractZip(file, writer, limits.maxEntries, opts.assetName));
  }

  const compression = format.kind === 'raw' ? 'none' : format.compression;
  let content = compression === 'bzip2' ? openDecompressed(await source.file(), 'bzip2') : decompressStream(source.stream(), compression);
  if (compression !== 'none') ({ format, content } = await settleCompressed(content, compression));

  if (format.kind === 'raw' || format.kind === 'compressed') {
    const name = format.kind === 'compressed' ? opts.assetName.replace(compressionSuffix, '') || opts.assetName : opts.assetName;
    const target = singleFilePath(opts.destination, name.split('/').pop()!);
    const writer = new LayerWriter({ outDir, root: [], stripComponents: 0, limits });
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
  const tar = content;
  return extractArchive(outDir, opts, (writer) => extractTar(tar, writer, limits));
}

/** An archive's entries through the LayerWriter, then the checks on the whole tree and `files`. */
async function extractArchive(
  outDir: string,
  opts: ExtractOptions,
  read: (writer: LayerWriter) => Promise<void>,
): Promise<InstalledFile[]> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const root = destinationSegments(opts.destination);
  const picker = opts.files && opts.files.length > 0 ? createPicker(opts.files) : undefined;
  const writer = new LayerWriter({ outDir, root, stripComponents: opts.stripComponents, limits, ...(picker ? { picker } : {}) });
  await read(writer);
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
