// Hostile and broken assets: every one is refused with the right code and a message naming the
// entry, nothing is written outside the output directory, and the output directory is left empty.

import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildpackError, type ErrorCode } from '../../src/errors.js';
import { detectFormat, installAsset, limitsFromEnv, type ExtractOptions } from '../../src/extract/index.js';
import { thrown } from '../support/errors.js';
import { compressFile, tarOf, zipOf, type Codec, type TarEntrySpec, type ZipEntrySpec } from '../support/archives.js';

let work: string;
let sandbox: string; // outDir's parent: anything escaping lands here or higher
let count = 0;
const label = 'githubassets[3] (evil/archive)';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'extract-hostile-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function asset(name: string, bytes: Buffer): string {
  sandbox = join(work, `case-${++count}`);
  mkdirSync(sandbox);
  const file = join(sandbox, name);
  writeFileSync(file, bytes);
  return file;
}

const options = (assetName: string, more: Partial<ExtractOptions> = {}): ExtractOptions => ({
  assetName,
  stripComponents: 0,
  entry: label,
  ...more,
});

/** Installs, expects a BuildpackError with `code`, and checks that nothing is left anywhere. */
async function refused(file: string, code: ErrorCode, more: Partial<ExtractOptions> = {}): Promise<BuildpackError> {
  const out = join(sandbox, 'layer');
  const before = readdirSync(sandbox).sort();
  const err = await installAsset(file, out, options(file.split('/').pop()!, more)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BuildpackError);
  const error = err as BuildpackError;
  expect({ code: error.code, message: error.message }).toMatchObject({ code });
  expect(error.entry).toBe(label);
  expect(readdirSync(out)).toEqual([]);
  expect(readdirSync(sandbox).sort()).toEqual([...before, 'layer'].sort());
  expect(existsSync(join(work, 'x'))).toBe(false);
  return error;
}

async function installs(file: string, more: Partial<ExtractOptions> = {}): Promise<string> {
  const out = join(sandbox, 'layer');
  await installAsset(file, out, options(file.split('/').pop()!, more));
  return out;
}

describe('tar: paths and links that escape', () => {
  it('refuses ../x', async () => {
    const err = await refused(
      asset(
        't.tar',
        tarOf([
          { name: 'ok.txt', body: 'fine' },
          { name: '../x', body: 'evil' },
        ]),
      ),
      'GHA042',
    );
    expect(err.message).toBe(`refusing archive entry "../x": its path contains '..' that escapes the destination; nothing was installed`);
  });

  it('refuses a/../../x, also after strip_components', async () => {
    await refused(asset('t.tar', tarOf([{ name: 'a/../../x', body: 'evil' }])), 'GHA042');
    const err = await refused(asset('t.tar', tarOf([{ name: 'top/a/../../x', body: 'evil' }])), 'GHA042', { stripComponents: 1 });
    expect(err.message).toContain('"top/a/../../x"');
  });

  it('refuses ../x even when a destination would leave room above it', async () => {
    await refused(asset('t.tar', tarOf([{ name: '../x', body: 'evil' }])), 'GHA042', { destination: 'opt/tool' });
  });

  it('accepts .. that stays inside', async () => {
    const out = await installs(asset('t.tar', tarOf([{ name: 'a/../b.txt', body: 'fine' }])));
    expect(readFileSync(join(out, 'b.txt'), 'utf8')).toBe('fine');
  });

  it('refuses /etc/x', async () => {
    const err = await refused(asset('t.tar', tarOf([{ name: '/etc/x', body: 'evil' }])), 'GHA042');
    expect(err.message).toContain('"/etc/x": its path is absolute');
  });

  it('refuses a symlink to an absolute path, before anything can be written through it', async () => {
    const err = await refused(
      asset(
        't.tar',
        tarOf([
          { name: 'etc', type: 'symlink', linkname: '/etc' },
          { name: 'etc/x', body: 'evil' },
        ]),
      ),
      'GHA042',
    );
    expect(err.message).toContain('"etc": it is a symlink to the absolute path /etc, outside the layer');
  });

  it('refuses a relative symlink that climbs out of the layer', async () => {
    const err = await refused(
      asset(
        't.tar',
        tarOf([
          { name: 'up', type: 'symlink', linkname: '../..' },
          { name: 'up/x', body: 'evil' },
        ]),
      ),
      'GHA042',
    );
    expect(err.message).toContain('"up": it is a symlink to ../.., which points outside the layer');
  });

  it('refuses writing through a symlink, even one that stays inside (symlink-then-write-through)', async () => {
    const err = await refused(
      asset(
        't.tar',
        tarOf([
          { name: 'real/', type: 'directory' },
          { name: 'alias', type: 'symlink', linkname: 'real' },
          { name: 'alias/x', body: 'through the link' },
        ]),
      ),
      'GHA042',
    );
    expect(err.message).toContain('"alias/x": it would be written through the symlink alias');
  });

  it('replaces an earlier symlink with a later file of the same name instead of writing through it', async () => {
    const out = await installs(
      asset(
        't.tar',
        tarOf([
          { name: 'target.txt', body: 'original' },
          { name: 'a', type: 'symlink', linkname: 'target.txt' },
          { name: 'a', body: 'replacement' },
        ]),
      ),
    );
    expect(readFileSync(join(out, 'target.txt'), 'utf8')).toBe('original');
    expect(lstatSync(join(out, 'a')).isFile()).toBe(true);
    expect(readFileSync(join(out, 'a'), 'utf8')).toBe('replacement');
  });

  it('refuses a hard link to a path outside', async () => {
    const secret = join(work, 'secret.txt');
    writeFileSync(secret, 'secret');
    for (const linkname of ['../../secret.txt', secret]) {
      const err = await refused(asset('t.tar', tarOf([{ name: 'leak', type: 'hardlink', linkname }])), 'GHA042');
      expect(err.message).toContain(`"leak": it is a hard link to ${linkname}`);
    }
    expect(statSync(secret).nlink).toBe(1);
  });

  it('refuses a hard link to something that was not extracted before it', async () => {
    const err = await refused(
      asset(
        't.tar',
        tarOf([
          { name: 'leak', type: 'hardlink', linkname: 'later.txt' },
          { name: 'later.txt', body: 'x' },
        ]),
      ),
      'GHA042',
    );
    expect(err.message).toContain('not a file extracted before it');
  });

  it('keeps a hard link to an earlier file inside the layer', async () => {
    const out = await installs(
      asset(
        't.tar',
        tarOf([
          { name: 'pkg/tool', body: '#!/bin/sh\necho hi\n', mode: 0o755 },
          { name: 'pkg/tool-alias', type: 'hardlink', linkname: 'pkg/tool' },
        ]),
      ),
      { stripComponents: 1 },
    );
    expect(statSync(join(out, 'tool-alias')).ino).toBe(statSync(join(out, 'tool')).ino);
    expect(lstatSync(join(out, 'tool-alias')).mode & 0o777).toBe(0o755);
  });

  for (const [type, words] of [
    ['char', 'a character device'],
    ['block', 'a block device'],
    ['fifo', 'a FIFO (named pipe)'],
  ] as const) {
    it(`refuses a ${type} entry`, async () => {
      const err = await refused(
        asset(
          't.tar',
          tarOf([
            { name: 'ok.txt', body: 'x' },
            { name: 'dev/thing', type },
          ]),
        ),
        'GHA042',
      );
      expect(err.message).toContain(`"dev/thing": it is ${words}`);
    });
  }

  it('reports a file that would replace a directory as a path conflict', async () => {
    const err = await refused(
      asset(
        't.tar',
        tarOf([
          { name: 'd/', type: 'directory' },
          { name: 'd/f', body: 'x' },
          { name: 'd', body: 'file now' },
        ]),
      ),
      'GHA045',
    );
    expect(err.message).toContain('"d" would replace the directory d');
  });
});

describe('zip: zip-slip and friends', () => {
  const zipAsset = (entries: ZipEntrySpec[]) => asset('z.zip', zipOf(entries));

  it('refuses ../evil.txt (zip-slip)', async () => {
    const err = await refused(
      zipAsset([
        { name: 'ok.txt', body: 'x' },
        { name: '../evil.txt', body: 'evil' },
      ]),
      'GHA042',
    );
    expect(err.message).toContain(`"../evil.txt": its path contains '..' that escapes the destination`);
  });

  it('refuses backslash traversal (..\\..\\evil.txt is read as ../../evil.txt)', async () => {
    const err = await refused(zipAsset([{ name: '..\\..\\evil.txt', body: 'evil' }]), 'GHA042');
    expect(err.message).toContain('"../../evil.txt"');
  });

  it('refuses absolute paths', async () => {
    await refused(zipAsset([{ name: '/tmp/evil.txt', body: 'evil' }]), 'GHA042');
    await refused(zipAsset([{ name: 'C:/evil.txt', body: 'evil' }]), 'GHA042');
  });

  it('refuses a zip-slip that only escapes after strip_components', async () => {
    const err = await refused(zipAsset([{ name: 'top/../../evil.txt', body: 'evil' }]), 'GHA042', { stripComponents: 1 });
    expect(err.message).toContain('"top/../../evil.txt"');
  });

  it('refuses a symlink entry pointing out, and writing through a symlink', async () => {
    const err = await refused(zipAsset([{ name: 'link', body: '/etc/passwd', unixMode: 0o120777 }]), 'GHA042');
    expect(err.message).toContain('"link": it is a symlink to the absolute path /etc/passwd');
    const through = await refused(
      zipAsset([
        { name: 'dir/', unixMode: 0o040755 },
        { name: 'link', body: 'dir', unixMode: 0o120777 },
        { name: 'link/x', body: 'evil' },
      ]),
      'GHA042',
    );
    expect(through.message).toContain('"link/x": it would be written through the symlink link');
  });

  it('keeps a symlink inside', async () => {
    const out = await installs(
      zipAsset([
        { name: 'bin/tool', body: '#!/bin/sh\n', unixMode: 0o100755 },
        { name: 'tool', body: 'bin/tool', unixMode: 0o120777 },
      ]),
    );
    expect(lstatSync(join(out, 'tool')).isSymbolicLink()).toBe(true);
  });

  it('refuses device entries', async () => {
    const err = await refused(zipAsset([{ name: 'dev', unixMode: 0o020644 }]), 'GHA042');
    expect(err.message).toContain('"dev": it is a character device');
  });
});

describe('decompression bombs', () => {
  const small = { maxBytes: 1024 * 1024, maxEntries: 10 };
  const zeros = Buffer.alloc(8 * 1024 * 1024);

  it('stops a tar.gz whose content exceeds the byte limit', async () => {
    const tar = asset('big.tar', tarOf([{ name: 'zeros', body: zeros }]));
    const file = compressFile(tar, join(sandbox, 'big.tar.gz'), 'gzip');
    rmSync(tar);
    const err = await refused(file, 'GHA043', { limits: small });
    expect(err.message).toContain('exceeds 1048576 bytes');
    expect(err.hint).toContain('GITHUB_ASSETS_MAX_EXTRACT_BYTES');
  });

  it('stops a bomb hidden in entries that `files` skips', async () => {
    const tar = asset(
      'big.tar',
      tarOf([
        { name: 'zeros', body: Buffer.alloc(16 * 1024 * 1024) },
        { name: 'tool', body: 'x' },
      ]),
    );
    const file = compressFile(tar, join(sandbox, 'big.tar.zst'), 'zstd');
    rmSync(tar);
    await refused(file, 'GHA043', { limits: small, files: ['tool'] });
  });

  it('stops a zip entry and a single compressed file over the byte limit', async () => {
    await refused(asset('big.zip', zipOf([{ name: 'zeros', body: zeros, deflate: true }])), 'GHA043', { limits: small });
    const raw = asset('big', zeros);
    const file = compressFile(raw, join(sandbox, 'big.xz'), 'xz');
    rmSync(raw);
    await refused(file, 'GHA043', { limits: small });
  });

  it('stops archives with too many entries', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, body: 'x' }));
    const err = await refused(asset('many.tar', tarOf(entries)), 'GHA043', { limits: small });
    expect(err.message).toContain('more than 10 entries');
    expect(err.hint).toContain('GITHUB_ASSETS_MAX_ENTRIES');
    await refused(asset('many.zip', zipOf(entries)), 'GHA043', { limits: small });
  });

  it('reads the limits from the environment, with defaults of 4 GiB and 100000 entries', () => {
    const from = (env: Record<string, string>) => limitsFromEnv((name) => env[name]);
    expect(from({})).toEqual({ maxBytes: 4 * 1024 ** 3, maxEntries: 100_000 });
    expect(from({ GITHUB_ASSETS_MAX_EXTRACT_BYTES: '1000', GITHUB_ASSETS_MAX_ENTRIES: '5' })).toEqual({ maxBytes: 1000, maxEntries: 5 });
    // A bad value is an error naming the variable, never a silent fallback to the default.
    expect(thrown(() => from({ GITHUB_ASSETS_MAX_EXTRACT_BYTES: 'lots' })).message).toBe(
      'GITHUB_ASSETS_MAX_EXTRACT_BYTES "lots" is not a whole number from 1 to 9007199254740991',
    );
    expect(thrown(() => from({ GITHUB_ASSETS_MAX_ENTRIES: '-1' })).code).toBe('GHA007');
  });
});

describe('truncated and corrupt archives', () => {
  // Incompressible content so that cutting the compressed file cuts real data.
  const noise = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24));
  const entries: TarEntrySpec[] = [
    { name: 'pkg/a.bin', body: noise },
    { name: 'pkg/b.bin', body: noise.subarray(1000) },
  ];

  for (const codec of ['gzip', 'xz', 'bzip2', 'zstd'] as Codec[]) {
    it(`a truncated tar.${codec} is GHA041 and leaves nothing`, async () => {
      const tar = asset('t.tar', tarOf(entries));
      const whole = readFileSync(compressFile(tar, join(sandbox, `t.tar.${codec}.whole`), codec));
      const file = join(sandbox, `t.tar.${codec}`);
      writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.7)));
      const err = await refused(file, 'GHA041');
      expect(err.message).toContain('corrupt or truncated');
    });
  }

  it('a plain tar cut inside an entry, or missing its end marker, is GHA041', async () => {
    const whole = tarOf(entries);
    await refused(asset('t.tar', whole.subarray(0, 400_000)), 'GHA041');
    const err = await refused(asset('t.tar', whole.subarray(0, whole.length - 1024)), 'GHA041');
    expect(err.message).toContain('end-of-archive marker');
  });

  it('a tar with a damaged header checksum is GHA041', async () => {
    const damaged = tarOf(entries);
    const second = 512 + Math.ceil(noise.length / 512) * 512; // the second entry's header
    damaged[second + 10] = damaged[second + 10]! ^ 0x55;
    await refused(asset('t.tar', damaged), 'GHA041');
  });

  it('a truncated zip, and a zip whose content fails its CRC, are GHA041', async () => {
    const zip = zipOf([
      { name: 'a.bin', body: noise },
      { name: 'b.txt', body: 'hello' },
    ]);
    await refused(asset('z.zip', zip.subarray(0, zip.length - 40)), 'GHA041');
    const flipped = Buffer.from(zip);
    const inData = 30 + 'a.bin'.length + 100;
    flipped[inData] = flipped[inData]! ^ 0x01;
    const err = await refused(asset('z.zip', flipped), 'GHA041');
    expect(err.message).toContain('"a.bin" fails its CRC-32 check');
  });

  it('a truncated single .gz and .bz2 file is GHA041', async () => {
    for (const codec of ['gzip', 'bzip2'] as Codec[]) {
      const raw = asset('tool', noise);
      const whole = readFileSync(compressFile(raw, join(sandbox, 'whole'), codec));
      const file = join(sandbox, codec === 'gzip' ? 'tool.gz' : 'tool.bz2');
      writeFileSync(file, whole.subarray(0, whole.length - 100));
      await refused(file, 'GHA041');
    }
  });
});

describe('unsupported formats', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['tool.deb', Buffer.concat([Buffer.from('!<arch>\ndebian-binary   '), Buffer.alloc(100)]), 'a Debian package'],
    ['tool.rpm', Buffer.concat([Buffer.from([0xed, 0xab, 0xee, 0xdb]), Buffer.alloc(100)]), 'an RPM package'],
    ['tool.7z', Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), Buffer.alloc(100)]), 'a 7-Zip archive'],
    ['tool.dmg', Buffer.concat([Buffer.from([0x78, 0x01, 0x73, 0x0d]), Buffer.alloc(100, 7)]), 'a macOS disk image'],
    ['tool.bin', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10, 0x80]), 'unrecognised binary data'],
  ];
  for (const [name, bytes, what] of cases) {
    it(`refuses ${name} with GHA040 naming the type and what is supported`, async () => {
      const err = await refused(asset(name, bytes), 'GHA040');
      expect(err.message).toContain(what);
      expect(err.hint).toContain('tar (.tar, .tar.gz/.tgz');
      expect(() => detectFormat(bytes, name)).toThrow(BuildpackError);
    });
  }
});

describe('xz options the WASM decoder does not support', () => {
  it('an xz file with a SHA-256 check is GHA040, not "corrupt"', async () => {
    const raw = asset('tool', Buffer.from('#!/bin/sh\necho hi\n'));
    const file = join(sandbox, 'tool.xz');
    writeFileSync(file, execFileSync('xz', ['-c', '--check=sha256', raw]));
    rmSync(raw);
    const err = await refused(file, 'GHA040');
    expect(err.message).toContain('SHA-256 integrity check');
  });
});

describe('the output directory', () => {
  it('must be empty', async () => {
    const file = asset('a.json', Buffer.from('{}'));
    const out = join(sandbox, 'layer');
    mkdirSync(out);
    writeFileSync(join(out, 'existing'), 'x');
    await expect(installAsset(file, out, options('a.json'))).rejects.toMatchObject({ code: 'GHA099' });
    expect(readdirSync(out)).toEqual(['existing']);
  });

  it('is emptied again when a late entry fails after earlier ones were written', async () => {
    const many: TarEntrySpec[] = [
      { name: 'pkg/bin/tool', body: '#!/bin/sh\n', mode: 0o755 },
      { name: 'pkg/share/a/b/c.txt', body: 'x' },
      { name: 'pkg/link', type: 'symlink', linkname: 'bin/tool' },
      { name: '/etc/evil', body: 'x' },
    ];
    await refused(asset('t.tar', tarOf(many)), 'GHA042');
    expect(execFileSync('find', [sandbox], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual(
      [sandbox, join(sandbox, 'layer'), join(sandbox, 't.tar')].sort(),
    );
  });
});
