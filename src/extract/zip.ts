// Reads a zip file with yauzl (random access through the central directory; the download is
// already a file on disk) and hands each entry, in order, to the LayerWriter. File names are
// decoded here and judged by our own path rules in the writer; content CRCs are checked here.

import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { Entry, ZipFile } from 'yauzl';
import { lazy } from '../util/lazy.js';
import { formatRefusal } from './format.js';
import type { Body, EntryInfo, LayerWriter } from './writer.js';
import { archiveTooLarge, zipCrcMismatch } from '../errors/catalog.js';

/** yauzl, loaded when the first zip asset is extracted. */
const loadYauzl = lazy(async () => (await import('yauzl')).default);

const S_IFMT = 0o170000;
const unixTypes: Record<number, { kind: EntryInfo['kind']; typeName: string }> = {
  0o100000: { kind: 'file', typeName: 'File' },
  0o040000: { kind: 'directory', typeName: 'Directory' },
  0o120000: { kind: 'symlink', typeName: 'SymbolicLink' },
  0o020000: { kind: 'other', typeName: 'CharacterDevice' },
  0o060000: { kind: 'other', typeName: 'BlockDevice' },
  0o010000: { kind: 'other', typeName: 'FIFO' },
  0o140000: { kind: 'other', typeName: 'Socket' },
};
const UNIX_HOSTS = new Set([3, 19]); // Unix, OS X: external attributes carry st_mode

function describe(entry: Entry, name: string): EntryInfo {
  const unixMode = UNIX_HOSTS.has(entry.versionMadeBy >> 8) ? entry.externalFileAttributes >>> 16 : 0;
  const type = unixMode !== 0 ? unixTypes[unixMode & S_IFMT] : undefined;
  if (name.endsWith('/')) return { path: name, kind: 'directory', typeName: 'Directory' };
  if (type) return { path: name, ...type, mode: unixMode & 0o7777 };
  if (unixMode !== 0 && (unixMode & S_IFMT) !== 0)
    return { path: name, kind: 'other', typeName: `unix type 0o${(unixMode & S_IFMT).toString(8)}` };
  return { path: name, kind: 'file', typeName: 'File', ...(unixMode !== 0 ? { mode: unixMode & 0o7777 } : {}) };
}

/** The entry's content with its CRC-32 checked at the end (yauzl checks sizes, not CRCs). */
async function* checkedContent(stream: Readable, entry: Entry, name: string): AsyncGenerator<Buffer> {
  let crc = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw zipCrcMismatch(name);
  }
}

async function openZip(file: string): Promise<ZipFile> {
  const yauzl = await loadYauzl();
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))));
}

/** Yields entries one by one; the next is read only when the previous has been handled. */
async function* entriesOf(zip: ZipFile): AsyncGenerator<Entry> {
  while (true) {
    const next = new Promise<Entry | null>((resolve, reject) => {
      const onEntry = (entry: Entry) => done(() => resolve(entry));
      const onEnd = () => done(() => resolve(null));
      const onError = (err: Error) => done(() => reject(err));
      const done = (settle: () => void) => {
        zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
        settle();
      };
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    });
    zip.readEntry();
    const entry = await next;
    if (entry === null) return;
    yield entry;
  }
}

export async function extractZip(file: string, writer: LayerWriter, maxEntries: number, assetName: string): Promise<void> {
  const zip = await openZip(file);
  const yauzl = await loadYauzl();
  try {
    // The central directory says how many entries follow: refuse a huge count before reading any.
    if (zip.entryCount > maxEntries) {
      throw archiveTooLarge({ kind: 'entries', max: maxEntries, count: zip.entryCount });
    }
    for await (const entry of entriesOf(zip)) {
      const raw = entry.fileName as unknown as Buffer;
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
      if (entry.isEncrypted()) throw formatRefusal(`an encrypted zip (entry "${name}")`, assetName);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw formatRefusal(
          `a zip whose entry "${name}" uses compression method ${entry.compressionMethod} (only stored and deflate are supported)`,
          assetName,
        );
      }
      const info = describe(entry, name);
      const openBody = async (): Promise<Body> => checkedContent(await openEntry(zip, entry), entry, name);
      await writer.add(info, openBody);
    }
  } finally {
    zip.close();
  }
}
