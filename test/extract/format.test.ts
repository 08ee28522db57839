// Format detection (pure): magic numbers decide, the name only breaks ties; and the pure path
// rules (strip_components, `..`, link targets) and `files` patterns.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { constants, gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/extract/index.js';
import { isExecutableHead, looksLikeTar } from '../../src/extract/format.js';
import { placeEntryPath, symlinkTargetInside } from '../../src/extract/paths.js';
import { createPicker } from '../../src/extract/pick.js';
import { tarOf, zipOf } from '../support/archives.js';

const bytes = (...values: number[]) => Buffer.concat([Buffer.from(values), Buffer.alloc(600)]);
const tar = tarOf([{ name: 'tool/bin/x', body: 'x'.repeat(2000) }]);

describe('detectFormat', () => {
  it('recognises executables whatever their name', () => {
    expect(detectFormat(bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1), 'tool.tar.gz')).toEqual({ kind: 'raw' });
    expect(detectFormat(bytes(0xcf, 0xfa, 0xed, 0xfe), 'tool-darwin')).toEqual({ kind: 'raw' });
    expect(detectFormat(Buffer.from('MZ\x90\x00'), 'tool.exe')).toEqual({ kind: 'raw' });
    expect(detectFormat(Buffer.from('#!/bin/sh\necho hi\n'), 'install.sh')).toEqual({ kind: 'raw' });
  });

  it('tells a fat Mach-O from a Java class file (both start CAFEBABE)', () => {
    expect(isExecutableHead(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]))).toBe(true);
    expect(isExecutableHead(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x41]))).toBe(false);
  });

  it('recognises tar, plain and old-style (checksum only, no ustar magic)', () => {
    expect(detectFormat(tar, 'whatever.bin')).toEqual({ kind: 'tar', compression: 'none' });
    const v7 = Buffer.from(tar);
    v7.fill(0, 257, 265);
    let sum = 0;
    v7.fill(0x20, 148, 156);
    for (let i = 0; i < 512; i++) sum += v7[i]!;
    v7.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    expect(looksLikeTar(v7)).toBe(true);
    expect(detectFormat(v7, 'old')).toEqual({ kind: 'tar', compression: 'none' });
  });

  it('looks inside gzip and zstd to tell tar from a single compressed file, whatever the name says', () => {
    expect(detectFormat(gzipSync(tar), 'tool.gz')).toEqual({ kind: 'tar', compression: 'gzip' });
    expect(detectFormat(gzipSync(Buffer.alloc(5000, 7)), 'tool.tar.gz')).toEqual({ kind: 'compressed', compression: 'gzip' });
    expect(detectFormat(zstdCompressSync(tar), 'tool.zst')).toEqual({ kind: 'tar', compression: 'zstd' });
    expect(detectFormat(zstdCompressSync(Buffer.from('#!/bin/sh\n')), 'tool.zst')).toEqual({ kind: 'compressed', compression: 'zstd' });
  });

  it('uses the name for xz and bzip2 (installAsset then checks the decompressed start)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detect-'));
    try {
      writeFileSync(join(dir, 'a'), 'hello');
      const xz = execFileSync('xz', ['-c', join(dir, 'a')]);
      const bz2 = execFileSync('bzip2', ['-c', join(dir, 'a')]);
      expect(detectFormat(xz, 'tool.tar.xz')).toEqual({ kind: 'tar', compression: 'xz' });
      expect(detectFormat(xz, 'tool.txz')).toEqual({ kind: 'tar', compression: 'xz' });
      expect(detectFormat(xz, 'tool.xz')).toEqual({ kind: 'compressed', compression: 'xz' });
      expect(detectFormat(bz2, 'tool.tbz2')).toEqual({ kind: 'tar', compression: 'bzip2' });
      expect(detectFormat(bz2, 'tool.bz2')).toEqual({ kind: 'compressed', compression: 'bzip2' });
      expect(detectFormat(readFileSync(join(dir, 'a')), 'a')).toEqual({ kind: 'raw' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('looks inside from the first KiB of a long .tar.gz (a cut stream, decoded with a sync flush)', () => {
    // Random bytes do not compress: the 1 KiB peek sees a cut stream, which only a sync flush decodes.
    // (zstd decodes whole blocks of up to 128 KiB: a long .tar.zst is told by its name.)
    const long = tarOf([{ name: 'tool/bin/x', body: randomBytes(64 * 1024) }]);
    expect(detectFormat(gzipSync(long).subarray(0, 8192), 'tool.gz')).toEqual({ kind: 'tar', compression: 'gzip' });
    // format.ts writes the two flush modes out (importing zlib's constants loads node:zlib at start-up).
    expect([constants.Z_SYNC_FLUSH, constants.ZSTD_e_flush]).toEqual([2, 1]);
  });

  it('does not let a zstd bomb head allocate: it falls back to the name', () => {
    const bomb = zstdCompressSync(Buffer.alloc(200 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(detectFormat(bomb, 'x.zst')).toEqual({ kind: 'compressed', compression: 'zstd' });
  });

  it('recognises zip, but keeps .jar and similar whole', () => {
    const zip = zipOf([{ name: 'a', body: 'a' }]);
    expect(detectFormat(zip, 'tool.zip')).toEqual({ kind: 'zip' });
    expect(detectFormat(zip, 'tool')).toEqual({ kind: 'zip' });
    expect(detectFormat(zip, 'tool.jar')).toEqual({ kind: 'raw' });
    expect(detectFormat(Buffer.from(`PK\x05\x06${'\0'.repeat(18)}`), 'empty.zip')).toEqual({ kind: 'zip' });
  });

  it('installs text as data, refuses unknown binary and known unsupported containers', () => {
    expect(detectFormat(Buffer.from('{"a": "é"}'), 'config.json')).toEqual({ kind: 'raw' });
    expect(detectFormat(bytes(0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0), 'mod.wasm')).toEqual({ kind: 'raw' });
    expect(() => detectFormat(Buffer.from('!<arch>\ndebian'), 'x.deb')).toThrow(/Debian package/);
    expect(() => detectFormat(bytes(0x00, 0xff, 0x10), 'blob')).toThrow(/unrecognised binary/);
    expect(() => detectFormat(Buffer.from('koly'), 'x.dmg')).toThrow(/disk image/);
  });
});

describe('entry paths', () => {
  it('strips components like GNU tar, dropping "." parts and skipping entries that run out', () => {
    expect(placeEntryPath('tool-1.0/bin/x', 1)).toEqual({ action: 'place', segments: ['bin', 'x'] });
    expect(placeEntryPath('./tool-1.0/bin/x', 1)).toEqual({ action: 'place', segments: ['bin', 'x'] });
    expect(placeEntryPath('tool-1.0/', 1)).toEqual({ action: 'skip' });
    expect(placeEntryPath('README', 1)).toEqual({ action: 'skip' });
    expect(placeEntryPath('./', 0)).toEqual({ action: 'skip' });
  });

  it('resolves .. inside and refuses it when it escapes, and refuses absolute paths', () => {
    expect(placeEntryPath('a/b/../c', 0)).toEqual({ action: 'place', segments: ['a', 'c'] });
    expect(placeEntryPath('a/../../c', 0)).toMatchObject({ action: 'refuse' });
    expect(placeEntryPath('top/../x', 1)).toMatchObject({ action: 'refuse' });
    expect(placeEntryPath('/etc/passwd', 0)).toMatchObject({ action: 'refuse', reason: 'its path is absolute' });
    expect(placeEntryPath('C:\\windows', 0)).toMatchObject({ action: 'refuse' });
    expect(placeEntryPath('a\0b', 0)).toMatchObject({ action: 'refuse' });
  });

  it('accepts symlinks that resolve inside the layer only', () => {
    expect(symlinkTargetInside(['bin', 'tool'], '../lib/tool')).toEqual({ ok: true });
    expect(symlinkTargetInside(['bin', 'tool'], 'tool-1.0')).toEqual({ ok: true });
    expect(symlinkTargetInside(['bin', 'tool'], '../../etc/passwd')).toMatchObject({ ok: false });
    expect(symlinkTargetInside(['tool'], '/usr/bin/tool')).toMatchObject({ ok: false });
    expect(symlinkTargetInside(['tool'], '')).toMatchObject({ ok: false });
  });
});

describe('files patterns', () => {
  it('matches stripped or full paths, globs, and directories with everything below', () => {
    const picker = createPicker(['bin/tool', '*/share/**', 'docs/', 'never']);
    expect(picker.picks('bin/tool', 'tool-1.0/bin/tool')).toBe(true);
    expect(picker.picks('bin/other', 'tool-1.0/bin/other')).toBe(false);
    expect(picker.picks('share/man/tool.1', 'tool-1.0/share/man/tool.1')).toBe(true);
    expect(picker.picks('docs/a/b.md', 'tool-1.0/docs/a/b.md')).toBe(true);
    expect(picker.unmatched()).toEqual(['never']);
  });

  it('a single star does not cross directories', () => {
    const picker = createPicker(['*/tool']);
    expect(picker.picks('a/b/tool', 'a/b/tool')).toBe(false);
    expect(picker.picks('a/tool', 'a/tool')).toBe(true);
  });
});
