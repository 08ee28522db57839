// Every supported format installs the same executable bit-for-bit, with the right modes and
// paths, and the installed program runs. Archives are built on the fly by test/support/archives.ts.

import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAsset, type ExtractOptions } from '../../src/extract/index.js';
import { rejected } from '../support/errors.js';
import { EXECUTABLE_OUTPUT, buildExecutable, compressFile, tarDirectory, zipDirectory, zipOf, type Codec } from '../support/archives.js';

let work: string;
let executable: string;
let executableBytes: Buffer;
let tree: string;
let outCount = 0;

const label = 'githubassets[1] (acme/tool)';
const options = (assetName: string, more: Partial<ExtractOptions> = {}): ExtractOptions => ({
  assetName,
  stripComponents: 0,
  entry: label,
  ...more,
});
const freshOut = () => join(work, `out-${++outCount}`);
const modeOf = (path: string) => lstatSync(path).mode & 0o777;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'extract-formats-'));
  executable = buildExecutable(join(work, 'build'));
  executableBytes = readFileSync(executable);
  // The release tree: tool-1.0/{bin/hello, README.md, lib/hello-link -> ../bin/hello, share/doc/notes.txt}
  tree = join(work, 'tree');
  mkdirSync(join(tree, 'tool-1.0', 'bin'), { recursive: true });
  mkdirSync(join(tree, 'tool-1.0', 'lib'), { recursive: true });
  mkdirSync(join(tree, 'tool-1.0', 'share', 'doc'), { recursive: true });
  writeFileSync(join(tree, 'tool-1.0', 'bin', 'hello'), executableBytes, { mode: 0o755 });
  writeFileSync(join(tree, 'tool-1.0', 'README.md'), '# tool\n', { mode: 0o600 });
  writeFileSync(join(tree, 'tool-1.0', 'share', 'doc', 'notes.txt'), 'notes\n', { mode: 0o664 });
  symlinkSync('../bin/hello', join(tree, 'tool-1.0', 'lib', 'hello-link'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const archives: Array<[string, (out: string) => string]> = [
  ['tool.tar', (out) => tarDirectory(tree, join(out, 'tool.tar'))],
  ...(['gzip', 'xz', 'bzip2', 'zstd'] as Codec[]).map((codec): [string, (out: string) => string] => [
    `tool.tar.${codec}`,
    (out) => tarDirectory(tree, join(out, `tool.tar.${codec}`), codec),
  ]),
  ['tool.zip', (out) => zipDirectory(tree, join(out, 'tool.zip'))],
];

describe('archives install the same tree', () => {
  for (const [name, build] of archives) {
    it(`${name} with strip_components = 1`, async () => {
      const file = build(mkdtempSync(join(work, 'asset-')));
      const out = freshOut();
      const installed = await installAsset(file, out, options(name, { stripComponents: 1 }));

      expect(readFileSync(join(out, 'bin', 'hello')).equals(executableBytes)).toBe(true);
      expect(modeOf(join(out, 'bin', 'hello'))).toBe(0o755);
      expect(modeOf(join(out, 'README.md'))).toBe(0o644);
      expect(modeOf(join(out, 'share', 'doc', 'notes.txt'))).toBe(0o644);
      expect(modeOf(join(out, 'bin'))).toBe(0o755);
      expect(readlinkSync(join(out, 'lib', 'hello-link'))).toBe('../bin/hello');
      expect(execFileSync(join(out, 'lib', 'hello-link'), { encoding: 'utf8' }).trim()).toBe(EXECUTABLE_OUTPUT);
      expect(installed).toEqual([
        { path: 'README.md', kind: 'file', executable: false },
        { path: 'bin', kind: 'directory', executable: false },
        { path: 'bin/hello', kind: 'file', executable: true },
        { path: 'lib', kind: 'directory', executable: false },
        { path: 'lib/hello-link', kind: 'symlink', executable: false },
        { path: 'share', kind: 'directory', executable: false },
        { path: 'share/doc', kind: 'directory', executable: false },
        { path: 'share/doc/notes.txt', kind: 'file', executable: false },
      ]);
    });
  }

  it('extracts into the destination, keeping the top folder without strip_components', async () => {
    const file = tarDirectory(tree, join(mkdtempSync(join(work, 'asset-')), 'tool.tgz'), 'gzip');
    const out = freshOut();
    await installAsset(file, out, options('tool.tgz', { destination: 'opt/tool' }));
    expect(readFileSync(join(out, 'opt', 'tool', 'tool-1.0', 'bin', 'hello')).equals(executableBytes)).toBe(true);
    expect(readdirSync(out)).toEqual(['opt']);
  });

  it('reads long names (GNU long-name and pax records) from tar', async () => {
    const deep = join(work, 'deep');
    const long = Array.from({ length: 8 }, (_, i) => `directory-level-${i}-with-a-long-name`).join('/');
    mkdirSync(join(deep, 'top', long), { recursive: true });
    writeFileSync(join(deep, 'top', long, 'hello'), executableBytes, { mode: 0o755 });
    const dir = mkdtempSync(join(work, 'asset-'));
    for (const format of ['gnu', 'pax']) {
      const file = join(dir, `deep-${format}.tar`);
      execFileSync('tar', ['-C', deep, `--format=${format}`, '-cf', file, 'top']);
      const out = freshOut();
      await installAsset(file, out, options(`deep-${format}.tar`, { stripComponents: 1 }));
      expect(readFileSync(join(out, long, 'hello')).equals(executableBytes)).toBe(true);
    }
  });

  it('skips entries with fewer components than stripped, like GNU tar', async () => {
    const file = zipDirectory(tree, join(mkdtempSync(join(work, 'asset-')), 'tool.zip'));
    const out = freshOut();
    await installAsset(file, out, options('tool.zip', { stripComponents: 2, destination: 'opt/tool' }));
    // tool-1.0/README.md has two components: skipped; tool-1.0/bin/hello -> hello
    expect(readdirSync(join(out, 'opt', 'tool')).sort()).toEqual(['doc', 'hello', 'hello-link']);
    expect(readFileSync(join(out, 'opt', 'tool', 'hello')).equals(executableBytes)).toBe(true);
    // hello-link -> ../bin/hello now resolves to opt/bin/hello: still inside the layer, so kept.
    expect(readlinkSync(join(out, 'opt', 'tool', 'hello-link'))).toBe('../bin/hello');
  });

  it('judges symlinks against the layer: the same link at the layer root would point outside', async () => {
    const file = zipDirectory(tree, join(mkdtempSync(join(work, 'asset-')), 'tool.zip'));
    const out = freshOut();
    const err = await rejected(installAsset(file, out, options('tool.zip', { stripComponents: 2 })));
    expect(err.code).toBe('GHA042');
    expect(err.message).toContain('"tool-1.0/lib/hello-link"');
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('single files', () => {
  it('a raw executable goes to bin/<asset name> with mode 0755', async () => {
    const out = freshOut();
    const installed = await installAsset(executable, out, options('hello-linux-amd64'));
    expect(readFileSync(join(out, 'bin', 'hello-linux-amd64')).equals(executableBytes)).toBe(true);
    expect(modeOf(join(out, 'bin', 'hello-linux-amd64'))).toBe(0o755);
    expect(installed).toEqual([
      { path: 'bin', kind: 'directory', executable: false },
      { path: 'bin/hello-linux-amd64', kind: 'file', executable: true },
    ]);
    expect(execFileSync(join(out, 'bin', 'hello-linux-amd64'), { encoding: 'utf8' }).trim()).toBe(EXECUTABLE_OUTPUT);
  });

  for (const codec of ['gzip', 'xz', 'bzip2', 'zstd'] as Codec[]) {
    const suffix = { gzip: 'gz', xz: 'xz', bzip2: 'bz2', zstd: 'zst' }[codec];
    it(`hello.${suffix} decompresses to bin/hello, bit-for-bit, executable`, async () => {
      const file = compressFile(executable, join(mkdtempSync(join(work, 'asset-')), `hello.${suffix}`), codec);
      const out = freshOut();
      const installed = await installAsset(file, out, options(`hello.${suffix}`));
      expect(readFileSync(join(out, 'bin', 'hello')).equals(executableBytes)).toBe(true);
      expect(modeOf(join(out, 'bin', 'hello'))).toBe(0o755);
      expect(installed.map((f) => f.path)).toEqual(['bin', 'bin/hello']);
      expect(execFileSync(join(out, 'bin', 'hello'), { encoding: 'utf8' }).trim()).toBe(EXECUTABLE_OUTPUT);
    });
  }

  it('destination "bin" or ending in "/" is a directory; anything else names the file', async () => {
    const cases: Array<[string, string]> = [
      ['bin', 'bin/hello'],
      ['tools/', 'tools/hello'],
      ['opt/acme/tool', 'opt/acme/tool'],
    ];
    for (const [destination, expected] of cases) {
      const out = freshOut();
      await installAsset(executable, out, options('hello', { destination }));
      expect(readFileSync(join(out, expected)).equals(executableBytes)).toBe(true);
      expect(modeOf(join(out, expected))).toBe(0o755);
    }
  });

  it('a data file (JSON) is installed as-is with mode 0644', async () => {
    const file = join(mkdtempSync(join(work, 'asset-')), 'schema.json');
    writeFileSync(file, '{"type": "object"}\n', { mode: 0o755 });
    const out = freshOut();
    const installed = await installAsset(file, out, options('schema.json', { destination: 'etc/schema.json' }));
    expect(readFileSync(join(out, 'etc', 'schema.json'), 'utf8')).toBe('{"type": "object"}\n');
    expect(modeOf(join(out, 'etc', 'schema.json'))).toBe(0o644);
    expect(installed.at(-1)).toEqual({ path: 'etc/schema.json', kind: 'file', executable: false });
  });

  it('a .jar is kept whole, not unpacked', async () => {
    const file = join(mkdtempSync(join(work, 'asset-')), 'tool.jar');
    writeFileSync(file, zipOf([{ name: 'META-INF/MANIFEST.MF', body: 'Manifest-Version: 1.0\n' }]));
    const out = freshOut();
    await installAsset(file, out, options('tool.jar', { destination: 'lib/' }));
    expect(readFileSync(join(out, 'lib', 'tool.jar')).equals(readFileSync(file))).toBe(true);
    expect(modeOf(join(out, 'lib', 'tool.jar'))).toBe(0o644);
  });
});

describe('zip modes', () => {
  it('a zip made without Unix modes gets 0755 for executables (by magic number) and 0644 otherwise', async () => {
    const file = join(mkdtempSync(join(work, 'asset-')), 'win.zip');
    writeFileSync(
      file,
      zipOf([
        { name: 'hello', body: executableBytes, deflate: true },
        { name: 'run.sh', body: '#!/bin/sh\necho hi\n' },
        { name: 'notes.txt', body: 'plain\n' },
      ]),
    );
    const out = freshOut();
    await installAsset(file, out, options('win.zip'));
    expect(readFileSync(join(out, 'hello')).equals(executableBytes)).toBe(true);
    expect(modeOf(join(out, 'hello'))).toBe(0o755);
    expect(modeOf(join(out, 'run.sh'))).toBe(0o755);
    expect(modeOf(join(out, 'notes.txt'))).toBe(0o644);
  });

  it('Unix modes in a zip win over content, and setuid/group/other bits are dropped', async () => {
    const file = join(mkdtempSync(join(work, 'asset-')), 'unix.zip');
    writeFileSync(
      file,
      zipOf([
        { name: 'tool', body: 'not an ELF but marked executable', unixMode: 0o104775 },
        { name: 'lib.so', body: executableBytes, unixMode: 0o100600 },
      ]),
    );
    const out = freshOut();
    await installAsset(file, out, options('unix.zip'));
    expect(modeOf(join(out, 'tool'))).toBe(0o755);
    expect(lstatSync(join(out, 'tool')).mode & 0o7000).toBe(0);
    expect(modeOf(join(out, 'lib.so'))).toBe(0o644);
  });
});

describe('picking files', () => {
  let archive: string;
  beforeAll(() => {
    archive = tarDirectory(tree, join(mkdtempSync(join(work, 'asset-')), 'tool.tar.gz'), 'gzip');
  });

  it('installs only the entries a glob matches (full archive path)', async () => {
    const out = freshOut();
    const installed = await installAsset(archive, out, options('tool.tar.gz', { files: ['*/bin/hello'] }));
    expect(installed.filter((f) => f.kind !== 'directory').map((f) => f.path)).toEqual(['tool-1.0/bin/hello']);
    expect(readFileSync(join(out, 'tool-1.0', 'bin', 'hello')).equals(executableBytes)).toBe(true);
    expect(readdirSync(join(out, 'tool-1.0'))).toEqual(['bin']);
  });

  it('matches paths after strip_components, and a directory picks everything below it', async () => {
    const out = freshOut();
    await installAsset(archive, out, options('tool.tar.gz', { stripComponents: 1, files: ['share', 'README.md'] }));
    expect(readdirSync(out).sort()).toEqual(['README.md', 'share']);
    expect(readFileSync(join(out, 'share', 'doc', 'notes.txt'), 'utf8')).toBe('notes\n');
  });

  it('one picked file and a destination that names a file: the file is installed as that name', async () => {
    for (const file of [archive, zipDirectory(tree, join(mkdtempSync(join(work, 'asset-')), 'tool.zip'))]) {
      const out = freshOut();
      const installed = await installAsset(
        file,
        out,
        options('tool', { stripComponents: 1, files: ['bin/hello'], destination: 'bin/mytool' }),
      );
      expect(readdirSync(join(out, 'bin'))).toEqual(['mytool']);
      expect(readFileSync(join(out, 'bin', 'mytool')).equals(executableBytes)).toBe(true);
      expect(modeOf(join(out, 'bin', 'mytool'))).toBe(0o755);
      expect(installed).toEqual([
        { path: 'bin', kind: 'directory', executable: false },
        { path: 'bin/mytool', kind: 'file', executable: true },
      ]);
    }
  });

  it('destination "bin" keeps the picked file under its own name', async () => {
    const out = freshOut();
    await installAsset(archive, out, options('tool.tar.gz', { stripComponents: 2, files: ['hello'], destination: 'bin' }));
    expect(readdirSync(join(out, 'bin'))).toEqual(['hello']);
  });

  it('a pattern that matches nothing is GHA044 listing the archive, and nothing is installed', async () => {
    const out = freshOut();
    const err = await rejected(
      installAsset(archive, out, options('tool.tar.gz', { stripComponents: 1, files: ['bin/hello', 'bin/missing*'] })),
    );
    expect(err.code).toBe('GHA044');
    expect(err.entry).toBe(label);
    expect(err.message).toContain('"bin/missing*" matched nothing in tool.tar.gz');
    expect(err.message).toContain('tool-1.0/bin/hello');
    expect(err.message).toContain('tool-1.0/README.md');
    expect(err.hint).toContain('strip_components = 1');
    expect(readdirSync(out)).toEqual([]);
  });

  it('lists at most 20 entries', async () => {
    const many = join(work, 'many');
    mkdirSync(many);
    for (let i = 0; i < 30; i++) writeFileSync(join(many, `f${String(i).padStart(2, '0')}.txt`), `${i}`);
    const file = zipDirectory(many, join(mkdtempSync(join(work, 'asset-')), 'many.zip'));
    const err = await rejected(installAsset(file, freshOut(), options('many.zip', { files: ['nope'] })));
    expect(err.message).toContain('(first 20 of 30)');
    expect(err.message).toContain('f19.txt');
    expect(err.message).not.toContain('f20.txt');
  });
});

describe('consumeInput', () => {
  it('moves a raw download into place instead of copying it, with the same checks and modes', async () => {
    const download = join(work, 'download-raw');
    writeFileSync(download, executableBytes);
    const out = freshOut();
    const installed = await installAsset(download, out, options('tool-linux-amd64', { consumeInput: true, destination: 'bin/tool' }));
    expect(installed.filter((f) => f.kind === 'file')).toEqual([{ path: 'bin/tool', kind: 'file', executable: true }]);
    expect(readFileSync(join(out, 'bin', 'tool'))).toEqual(executableBytes);
    expect(modeOf(join(out, 'bin', 'tool'))).toBe(0o755);
    expect(readdirSync(work)).not.toContain('download-raw');
  });

  it('still enforces the size limit on a moved file', async () => {
    const download = join(work, 'download-big');
    writeFileSync(download, executableBytes);
    const err = await rejected(
      installAsset(download, freshOut(), options('tool', { consumeInput: true, limits: { maxBytes: 10, maxEntries: 10 } })),
    );
    expect(err.code).toBe('GHA043');
  });
});
