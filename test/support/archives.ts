// Builds real archives at test time: well-formed ones with the system tar/zip/gzip/xz/bzip2/zstd
// tools, and hostile ones (escaping paths, links out, devices, zip-slip) with the minimal tar and
// zip writers below, because well-behaved tools refuse to produce them.

import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export type Codec = 'gzip' | 'xz' | 'bzip2' | 'zstd';

export const EXECUTABLE_OUTPUT = 'hello from the fixture executable';

/**
 * A real executable: a tiny C program, statically linked when the toolchain allows it (so it
 * runs anywhere), else dynamically; a shell script only if there is no C compiler at all.
 */
export function buildExecutable(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const source = join(dir, 'hello.c');
  const out = join(dir, 'hello');
  writeFileSync(source, `#include <stdio.h>\nint main(void) { puts("${EXECUTABLE_OUTPUT}"); return 0; }\n`);
  for (const args of [['-static', '-O2'], ['-O2']]) {
    try {
      execFileSync('gcc', [...args, '-o', out, source], { stdio: 'pipe' });
      return out;
    } catch {
      // try the next way
    }
  }
  writeFileSync(out, `#!/bin/sh\necho '${EXECUTABLE_OUTPUT}'\n`);
  chmodSync(out, 0o755);
  return out;
}

/** What a fixture tree holds at each path: text, or `{ exe: true }` for a copy of the executable. */
export type TreeFiles = Record<string, string | { exe: true }>;

/**
 * Writes `files` below `dir` (a fixture tree, or one to archive): each text as a file (with
 * `textMode`, when given), each `{ exe: true }` as a copy of `exe`. Returns `dir`.
 */
export function writeTree(dir: string, files: TreeFiles, { exe, textMode }: { exe?: string; textMode?: number } = {}): string {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    if (typeof content !== 'string') {
      if (exe === undefined) throw new Error(`writeTree: ${rel} asks for the executable, but none was given`);
      copyFileSync(exe, join(dir, rel));
    } else if (textMode === undefined) writeFileSync(join(dir, rel), content);
    else writeFileSync(join(dir, rel), content, { mode: textMode });
  }
  return dir;
}

const compressArgs: Record<Codec, [string, string[]]> = {
  gzip: ['gzip', ['-c', '-n']],
  xz: ['xz', ['-c', '-T1']],
  bzip2: ['bzip2', ['-c']],
  zstd: ['zstd', ['-c', '-q']],
};

/** Compresses a file with the codec's command-line tool; `fast` picks the quickest level (big fixtures). */
export function compressFile(input: string, output: string, codec: Codec, fast = false): string {
  const [command, args] = compressArgs[codec];
  const level = fast ? [codec === 'xz' ? '-0' : '-1'] : [];
  const fd = openSync(output, 'w');
  try {
    execFileSync(command, [...args, ...level, input], { stdio: ['ignore', fd, 'pipe'] });
  } finally {
    closeSync(fd);
  }
  return output;
}

/** `tar` of a directory's children (entries named `child/...`), optionally compressed. */
export function tarDirectory(dir: string, output: string, codec?: Codec, fast = false): string {
  const plain = codec ? `${output}.plain.tar` : output;
  execFileSync('tar', ['-C', dir, '--owner=0', '--group=0', '--numeric-owner', '-cf', plain, ...readdirSync(dir).sort()]);
  if (codec) {
    compressFile(plain, output, codec, fast);
    rmSync(plain);
  }
  return output;
}

/** `zip -r -y` of a directory's children (symlinks stored as links). */
export function zipDirectory(dir: string, output: string, fast = false): string {
  execFileSync('zip', ['-q', '-r', '-y', '-X', ...(fast ? ['-1'] : []), output, ...readdirSync(dir).sort()], { cwd: dir });
  return output;
}

// ---------------------------------------------------------------- minimal tar writer

export interface TarEntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
  mode?: number;
  body?: Buffer | string;
  linkname?: string;
}

const tarTypeFlags: Record<NonNullable<TarEntrySpec['type']>, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header block; names up to 100 bytes (enough for hostile fixtures). */
function tarHeader(entry: TarEntrySpec, size: number): Buffer {
  const header = Buffer.alloc(512);
  const type = entry.type ?? 'file';
  header.write(entry.name, 0, 100, 'utf8');
  header.write(octal(entry.mode ?? (type === 'directory' ? 0o755 : 0o644), 8), 100, 'latin1');
  header.write(octal(0, 8), 108, 'latin1');
  header.write(octal(0, 8), 116, 'latin1');
  header.write(octal(size, 12), 124, 'latin1');
  header.write(octal(1_700_000_000, 12), 136, 'latin1');
  header.write('        ', 148, 'latin1');
  header.write(tarTypeFlags[type], 156, 'latin1');
  if (entry.linkname) header.write(entry.linkname, 157, 100, 'utf8');
  header.write('ustar\0', 257, 'latin1');
  header.write('00', 263, 'latin1');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${octal(sum, 7)} `, 148, 'latin1');
  return header;
}

/** A complete tar archive (with its two-block end marker) from entry specs. */
export function tarOf(entries: TarEntrySpec[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = entry.body === undefined ? Buffer.alloc(0) : Buffer.from(entry.body);
    blocks.push(tarHeader(entry, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

// ---------------------------------------------------------------- minimal zip writer

export interface ZipEntrySpec {
  name: string;
  body?: Buffer | string;
  /** Full Unix st_mode (type and permissions); omitted = an archive made on a non-Unix host. */
  unixMode?: number;
  deflate?: boolean;
}

/** A zip archive with a central directory; entries as given, names unchecked. */
export function zipOf(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const body = entry.body === undefined ? Buffer.alloc(0) : Buffer.from(entry.body);
    const data = entry.deflate ? deflateRawSync(body) : body;
    const method = entry.deflate ? 8 : 0;
    const crc = crc32(body);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(body.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(entry.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(body.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(entry.unixMode === undefined ? 0 : (entry.unixMode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
