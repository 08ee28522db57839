// Reads a small file whose path came from outside (project.toml, GITHUB_ASSETS_PATH, the
// platform's env files) without hanging or filling memory: only regular files (symlinks to
// one are fine), never more than a cap. Callers turn the outcome into their own error.

import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export type SmallFile =
  | { kind: 'ok'; bytes: Buffer }
  | { kind: 'missing' }
  /** A FIFO, socket, device or directory: reading it could block forever or never end. */
  | { kind: 'not-regular'; what: string }
  | { kind: 'too-large'; size: number };

/** What a non-regular file is, in words for a message. */
function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Reads `path` when it is a regular file of at most `maxBytes`. Checks the type before
 * opening (opening a device can have effects), opens non-blocking (a FIFO swapped in after
 * the check cannot block), checks the opened file again, and stops reading past the cap (a
 * file that grows meanwhile). Other fs errors (EACCES, ELOOP, …) are thrown as they are.
 */
export function readSmallFile(path: string, maxBytes: number): SmallFile {
  let before: Stats;
  try {
    before = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    throw err;
  }
  if (!before.isFile()) return { kind: 'not-regular', what: fileKind(before) };
  if (before.size > maxBytes) return { kind: 'too-large', size: before.size };
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { kind: 'not-regular', what: fileKind(opened) };
    // Sized from the file (plus one byte to notice growth); grown up to the cap if it grows.
    let buffer = Buffer.alloc(Math.min(opened.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.alloc(maxBytes + 1 - buffer.length)]);
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return { kind: 'too-large', size: Math.max(length, opened.size) };
    }
    return { kind: 'ok', bytes: buffer.subarray(0, length) };
  } finally {
    closeSync(fd);
  }
}
