// Writes archive entries into the (initially empty) extraction directory, one at a time, with
// every safety rule applied by us whatever the archive library already checks: no absolute or
// escaping paths, no links out of the layer (judged against the tree as it is written, links
// through links included), no devices, never writing through a symlink, and the bomb limits.
// It does not parse archives and does not touch anything outside `outDir`.

import { constants as fsConstants } from 'node:fs';
import { chmod, copyFile, link, mkdir, open, rename, stat, symlink, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstalledFile } from '../model.js';
import { isExecutableHead } from './format.js';
import type { ExtractLimits } from './limits.js';
import { placeEntryPath, posixJoin, resolveInTree, symlinkTargetInside, type TreeNode } from './paths.js';
import type { Picker } from './pick.js';
import { archiveEntriesConflict, archiveTooLarge, noContentReader, unsafeArchiveEntry } from '../errors/catalog.js';

/** One archive entry as the tar and zip readers describe it. */
export interface EntryInfo {
  /** The path as stored in the archive, for messages and patterns. */
  path: string;
  kind: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  /** The archive's own type name, used in messages for `other` (e.g. "CharacterDevice"). */
  typeName: string;
  /** Unix permission bits when the archive records them. */
  mode?: number;
  /** Symlink target, or hard link target (an archive path). */
  linkTarget?: string;
}

export type Body = AsyncIterable<Buffer | Uint8Array>;

type NodeKind = 'file' | 'directory' | 'symlink';

const EXECUTABLE_MODE = 0o755;
const REGULAR_MODE = 0o644;
const SHOWN_ENTRIES = 20;

const otherTypeNames: Record<string, string> = {
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a FIFO (named pipe)',
  Socket: 'a socket',
};

export interface WriterOptions {
  outDir: string;
  /** Extraction root below outDir, e.g. ["opt", "tool"] for destination "opt/tool"; [] for the layer root. */
  root: string[];
  stripComponents: number;
  picker?: Picker;
  limits: ExtractLimits;
}

export class LayerWriter {
  /** What has been written, by layer path; symlinks keep their target and archive path for the final link check. */
  private readonly nodes = new Map<string, { kind: NodeKind; executable: boolean; target?: string; entryPath?: string }>();
  private entries = 0;
  private bytes = 0;
  private readonly seen: string[] = [];
  /** Picked non-directory entries, as layer paths, for the single-file rule. */
  readonly pickedLeaves: Array<{ path: string; kind: NodeKind }> = [];

  constructor(private readonly options: WriterOptions) {}

  /** Archive paths of the first entries, for "pattern matched nothing" messages. */
  firstEntries(): string[] {
    return [...this.seen];
  }

  entryCount(): number {
    return this.entries;
  }

  /** Counts an entry against the limit; readers call it for every entry, written or not. */
  countEntry(path: string): void {
    this.entries++;
    if (this.seen.length < SHOWN_ENTRIES) this.seen.push(path);
    if (this.entries > this.options.limits.maxEntries) {
      throw archiveTooLarge({ kind: 'entries', max: this.options.limits.maxEntries });
    }
  }

  /** Counts bytes about to be written; throws once the total exceeds the limit. */
  countBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.options.limits.maxBytes) {
      throw archiveTooLarge({ kind: 'extracted-bytes', max: this.options.limits.maxBytes });
    }
  }

  /**
   * Installs one entry. `openBody` is called only when the content is needed (regular files and
   * zip symlinks whose target is the content); callers drain or close the body when it is not.
   */
  async add(entry: EntryInfo, openBody?: () => Promise<Body>): Promise<void> {
    this.countEntry(entry.path);
    const placed = placeEntryPath(entry.path, this.options.stripComponents);
    if (placed.action === 'refuse') throw unsafeArchiveEntry(entry.path, placed.reason);
    if (entry.kind === 'other') {
      throw unsafeArchiveEntry(entry.path, `it is ${otherTypeNames[entry.typeName] ?? `an unsupported entry type (${entry.typeName})`}`);
    }
    if (placed.action === 'skip') return;
    const stripped = posixJoin(placed.segments);
    if (this.options.picker && !this.options.picker.picks(stripped, entry.path)) return;
    const segments = [...this.options.root, ...placed.segments];
    const path = posixJoin(segments);

    switch (entry.kind) {
      case 'directory':
        await this.ensureDirectory(entry.path, segments);
        return;
      case 'file':
        if (!openBody) throw noContentReader(entry.path);
        await this.writeFile(entry, segments, await openBody());
        break;
      case 'symlink': {
        const target = entry.linkTarget ?? (openBody ? await readSmall(await openBody(), entry.path) : '');
        await this.writeSymlink(entry, segments, target);
        break;
      }
      case 'hardlink':
        await this.writeHardlink(entry, segments);
        break;
    }
    this.pickedLeaves.push({ path, kind: this.nodes.get(path)!.kind });
  }

  /**
   * Installs a whole file that already sits on the same filesystem (a verified raw download)
   * by moving it into place instead of copying its bytes. Same checks as `add`.
   */
  async adoptFile(entry: EntryInfo & { kind: 'file' }, source: string): Promise<void> {
    this.countEntry(entry.path);
    const placed = placeEntryPath(entry.path, 0);
    if (placed.action !== 'place') throw unsafeArchiveEntry(entry.path, placed.action === 'refuse' ? placed.reason : 'it has no path');
    const segments = [...this.options.root, ...placed.segments];
    this.countBytes((await stat(source)).size);
    await this.prepareLeaf(entry.path, segments);
    const target = this.abs(segments);
    this.nodes.set(posixJoin(segments), { kind: 'file', executable: false });
    await rename(source, target).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EXDEV') throw err;
      await copyFile(source, target, fsConstants.COPYFILE_EXCL);
    });
    const executable = ((entry.mode ?? 0) & 0o111) !== 0;
    await chmod(target, executable ? EXECUTABLE_MODE : REGULAR_MODE);
    this.nodes.set(posixJoin(segments), { kind: 'file', executable });
    this.pickedLeaves.push({ path: posixJoin(segments), kind: 'file' });
  }

  /** Everything written, relative to outDir, sorted. */
  installed(): InstalledFile[] {
    return [...this.nodes.entries()]
      .map(([path, node]) => ({ path, kind: node.kind, executable: node.executable }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private abs(segments: string[]): string {
    return join(this.options.outDir, ...segments);
  }

  /** Creates each missing directory of `segments`; refuses to pass through a symlink or a file. */
  private async ensureDirectory(entryPath: string, segments: string[]): Promise<void> {
    for (let i = 1; i <= segments.length; i++) {
      const prefix = posixJoin(segments.slice(0, i));
      const node = this.nodes.get(prefix);
      if (node?.kind === 'directory') continue;
      if (node?.kind === 'symlink') throw unsafeArchiveEntry(entryPath, `it would be written through the symlink ${prefix}`);
      if (node?.kind === 'file') {
        throw archiveEntriesConflict(entryPath, `needs ${prefix} to be a directory, but the archive made it a file`);
      }
      await mkdir(this.abs(segments.slice(0, i)), { mode: EXECUTABLE_MODE });
      await chmod(this.abs(segments.slice(0, i)), EXECUTABLE_MODE);
      this.nodes.set(prefix, { kind: 'directory', executable: false });
    }
  }

  /** Makes room for a non-directory at `segments`: parents exist, an earlier entry is replaced. */
  private async prepareLeaf(entryPath: string, segments: string[]): Promise<void> {
    await this.ensureDirectory(entryPath, segments.slice(0, -1));
    const path = posixJoin(segments);
    const existing = this.nodes.get(path);
    if (existing?.kind === 'directory') {
      throw archiveEntriesConflict(entryPath, `would replace the directory ${path}`);
    }
    if (existing) {
      // A later entry with the same path wins, as with tar. Unlinking first means we never
      // open (and write through) a symlink an earlier entry left there.
      await unlink(this.abs(segments));
      this.nodes.delete(path);
    }
  }

  private async writeFile(entry: EntryInfo, segments: string[], body: Body): Promise<void> {
    await this.prepareLeaf(entry.path, segments);
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;
    const handle = await open(this.abs(segments), flags, 0o600);
    // Record before writing so a failure part-way still gets the file cleaned up.
    this.nodes.set(posixJoin(segments), { kind: 'file', executable: false });
    let head = Buffer.alloc(0);
    // One write in flight while the next chunk is read (decompressed): the two overlap on the
    // thread pool instead of taking turns (500 MiB .tar.gz: ~10% less wall time).
    let writing: Promise<void> | undefined;
    try {
      for await (const chunk of body) {
        this.countBytes(chunk.length);
        if (head.length < 8) head = Buffer.concat([head, chunk.subarray(0, 8)]);
        if (writing) await writing;
        writing = writeWhole(handle, chunk);
        writing.catch(() => {}); // its error is thrown where it is awaited, not reported as unhandled meanwhile
      }
      if (writing) await writing;
      writing = undefined;
      // Keep the archive's executable bits; formats without Unix modes (zips made on Windows)
      // get them from the content's magic number instead.
      const executable = entry.mode !== undefined ? (entry.mode & 0o111) !== 0 : isExecutableHead(head);
      await handle.chmod(executable ? EXECUTABLE_MODE : REGULAR_MODE);
      this.nodes.set(posixJoin(segments), { kind: 'file', executable });
    } finally {
      // A failure while a write is in flight: let it settle before the file is closed.
      if (writing) await writing.catch(() => {});
      await handle.close();
    }
  }

  private async writeSymlink(entry: EntryInfo, segments: string[], target: string): Promise<void> {
    const inside = symlinkTargetInside(segments, target);
    if (!inside.ok) throw unsafeArchiveEntry(entry.path, inside.reason);
    // The text alone is not enough: `a/up -> ..` then `x -> a/up/..` climbs out through the
    // first link. Judge the target against what has been written so far ...
    const resolved = resolveInTree(segments.slice(0, -1), target, this.lookup);
    if (!resolved.ok)
      throw unsafeArchiveEntry(entry.path, `it is a symlink to ${target} that does not stay inside the layer (${resolved.reason})`);
    await this.prepareLeaf(entry.path, segments);
    await symlink(target, this.abs(segments));
    this.nodes.set(posixJoin(segments), { kind: 'symlink', executable: false, target, entryPath: entry.path });
  }

  /**
   * ... and once more when every entry is written, because a later entry can turn a path a
   * link goes through into a link (or replace one). Call after the last entry.
   */
  verifyLinks(): void {
    for (const [path, node] of this.nodes) {
      if (node.kind !== 'symlink') continue;
      const resolved = resolveInTree(path.split('/').slice(0, -1), node.target!, this.lookup);
      if (!resolved.ok) {
        throw unsafeArchiveEntry(
          node.entryPath ?? path,
          `it is a symlink to ${node.target} that, with the entries after it, does not stay inside the layer (${resolved.reason})`,
        );
      }
    }
  }

  private readonly lookup = (path: string): TreeNode | undefined => {
    const node = this.nodes.get(path);
    if (!node) return undefined;
    return node.kind === 'symlink' ? { kind: 'symlink', target: node.target! } : { kind: node.kind };
  };

  /** Tar hard links name an earlier archive path; we link to the file we wrote for it. */
  private async writeHardlink(entry: EntryInfo, segments: string[]): Promise<void> {
    const target = entry.linkTarget ?? '';
    const placed = placeEntryPath(target, this.options.stripComponents);
    if (placed.action === 'refuse')
      throw unsafeArchiveEntry(entry.path, `it is a hard link to ${target}, and ${placed.reason.replace(/^its/, 'that')}`);
    if (placed.action === 'skip')
      throw unsafeArchiveEntry(entry.path, `it is a hard link to ${target}, which is outside the extracted files`);
    const targetSegments = [...this.options.root, ...placed.segments];
    const targetNode = this.nodes.get(posixJoin(targetSegments));
    if (targetNode?.kind !== 'file') {
      throw unsafeArchiveEntry(entry.path, `it is a hard link to ${target}, which is not a file extracted before it`);
    }
    // A hard link to itself changes nothing (and unlinking first would lose the file).
    if (posixJoin(targetSegments) === posixJoin(segments)) return;
    await this.prepareLeaf(entry.path, segments);
    await link(this.abs(targetSegments), this.abs(segments));
    this.nodes.set(posixJoin(segments), { kind: 'file', executable: targetNode.executable });
  }
}

/** Writes all of `chunk` at the file's current end (a short write is continued). */
async function writeWhole(handle: FileHandle, chunk: Buffer | Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/** Reads a short body (a zip symlink's target) with a hard cap. */
async function readSmall(body: Body, entryPath: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > 4096) throw unsafeArchiveEntry(entryPath, 'its symlink target is longer than 4096 bytes');
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
