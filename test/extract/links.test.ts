// Links can never leave the layer: regression tests for link chains (issue 14), the on-disk
// guard (findEscape), and property-based tests that extract random tar and zip archives of
// files, directories, symlinks and hard links in random order through the real extractor and
// check every path with realpath afterwards.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findEscape, installAsset } from '../../src/extract/index.js';
import { resolveInTree, type TreeNode } from '../../src/extract/paths.js';
import { BuildpackError } from '../../src/errors.js';
import { tarOf, zipOf, type TarEntrySpec, type ZipEntrySpec } from '../support/archives.js';

let sandbox: string;
beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'gha-links-'));
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

// ---------------------------------------------------------------- the oracle

/** Every path under `dir`, without following links. */
function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((name) => {
    const path = rel ? `${rel}/${name}` : name;
    return lstatSync(join(dir, path)).isDirectory() ? [path, ...walk(dir, path)] : [path];
  });
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch (err) {
    if (['ENOENT', 'ENOTDIR', 'ELOOP'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
}

/**
 * Paths under `root` that reach outside it, judged by the kernel (realpath(3)): every path,
 * and for every symlink each prefix of its target taken from where the link sits, so a link
 * whose resolution passes outside is caught even when its full path does not exist.
 */
function escapes(root: string): string[] {
  const top = realpathSync.native(root);
  const inside = (real: string) => real === top || real.startsWith(`${top}/`);
  const found: string[] = [];
  for (const rel of walk(root)) {
    const path = join(root, rel);
    const real = realpathOrUndefined(path);
    if (real !== undefined && !inside(real)) found.push(`${rel} -> ${real}`);
    if (!lstatSync(path).isSymbolicLink()) continue;
    const target = readlinkSync(path);
    const parts = target.split('/');
    for (let i = 1; i <= parts.length; i++) {
      // No path.join: it would fold `x/..` without asking the kernel whether x is a link.
      const prefix = target.startsWith('/') ? parts.slice(0, i).join('/') || '/' : `${dirname(path)}/${parts.slice(0, i).join('/')}`;
      const reached = realpathOrUndefined(prefix);
      if (reached !== undefined && !inside(reached)) found.push(`${rel} (via ${parts.slice(0, i).join('/')}) -> ${reached}`);
    }
  }
  return found;
}

/** The sandbox outside the output dir, as a listing with file contents, to prove nothing changed there. */
function outsideSnapshot(except: string): string {
  return walk(sandbox)
    .filter((rel) => rel !== except && !rel.startsWith(`${except}/`) && !rel.startsWith('asset.'))
    .map((rel) => {
      const info = lstatSync(join(sandbox, rel));
      if (info.isSymbolicLink()) return `${rel} -> ${readlinkSync(join(sandbox, rel))}`;
      return info.isFile() ? `${rel}: ${readFileSync(join(sandbox, rel), 'utf8')}` : `${rel}/`;
    })
    .sort()
    .join('\n');
}

/** A decoy next to the output dir, so an escaping link resolves to something real. */
function plantDecoy(): void {
  mkdirSync(join(sandbox, 'outside', 'a'), { recursive: true });
  writeFileSync(join(sandbox, 'outside', 'secret'), 'secret');
  writeFileSync(join(sandbox, 'outside', 'a', 'secret'), 'secret');
}

async function extract(
  archive: Buffer,
  kind: 'tar' | 'zip',
  options: { stripComponents?: number; destination?: string | undefined; files?: string[] | undefined } = {},
) {
  const file = join(sandbox, `asset.${kind}`);
  writeFileSync(file, archive);
  const out = join(sandbox, 'layer');
  try {
    const installed = await installAsset(file, out, {
      assetName: `asset.${kind}`,
      stripComponents: options.stripComponents ?? 0,
      ...(options.destination !== undefined ? { destination: options.destination } : {}),
      ...(options.files !== undefined ? { files: options.files } : {}),
      entry: 'githubassets[1] (acme/links)',
    });
    return { ok: true as const, out, installed };
  } catch (err) {
    return { ok: false as const, out, err };
  }
}

function expectRefused(result: Awaited<ReturnType<typeof extract>>, code = 'GHA042'): BuildpackError {
  expect(result.ok).toBe(false);
  const err = (result as { err: unknown }).err;
  expect(err).toBeInstanceOf(BuildpackError);
  expect((err as BuildpackError).code).toBe(code);
  expect(readdirSync(result.out)).toEqual([]);
  return err as BuildpackError;
}

// ---------------------------------------------------------------- regressions

describe('link chains (issue 14: links can still point outside the layer)', () => {
  const chain: TarEntrySpec[] = [
    { name: 'd/', type: 'directory' },
    { name: 'd/up', type: 'symlink', linkname: '..' }, // alone: resolves to the layer root
    { name: 'x', type: 'symlink', linkname: 'd/up/..' }, // as text: d; through d/up: outside
  ];

  it('refuses a link that walks out through an earlier link (tar)', async () => {
    plantDecoy();
    const err = expectRefused(await extract(tarOf(chain), 'tar'));
    expect(err.message).toContain('refusing archive entry "x": it is a symlink to d/up/.. that does not stay inside the layer');
    expect(err.message).toContain("'..' climbs above the layer root after following 1 link");
  });

  it('refuses the same chain in a zip', async () => {
    const zip = zipOf([
      { name: 'd/' },
      { name: 'd/up', unixMode: 0o120777, body: '..' },
      { name: 'x', unixMode: 0o120777, body: 'd/up/..' },
    ]);
    expectRefused(await extract(zip, 'zip'));
  });

  it('refuses a link whose way out is created by a later entry', async () => {
    const later: TarEntrySpec[] = [
      { name: 'x', type: 'symlink', linkname: 'd/up/../outside' }, // d/up does not exist yet: judged as names, inside
      { name: 'd/', type: 'directory' },
      { name: 'd/up', type: 'symlink', linkname: '..' },
    ];
    const err = expectRefused(await extract(tarOf(later), 'tar'));
    expect(err.message).toContain('refusing archive entry "x"');
    expect(err.message).toContain('with the entries after it');
  });

  it('refuses chains of several links and chains under a destination and strip_components', async () => {
    const deep: TarEntrySpec[] = [
      { name: 'top/a/', type: 'directory' },
      { name: 'top/a/b/', type: 'directory' },
      { name: 'top/a/b/up', type: 'symlink', linkname: '../..' }, // -> the extraction root
      { name: 'top/a/up2', type: 'symlink', linkname: 'b/up' },
      { name: 'top/y', type: 'symlink', linkname: 'a/up2/../../../../outside' },
    ];
    // Under destination opt/tool the root is two levels down, so one more '..' is still inside...
    expectRefused(await extract(tarOf(deep), 'tar', { stripComponents: 1, destination: 'opt/tool' }));
    // ... and at the layer root the same chain is out at once.
    expectRefused(await extract(tarOf(deep), 'tar', { stripComponents: 1 }));
  });

  it('refuses a link through a link to an absolute path, and loops', async () => {
    expectRefused(await extract(tarOf([{ name: 'abs', type: 'symlink', linkname: '/etc' }]), 'tar'));
    const loop = expectRefused(
      await extract(
        tarOf([
          { name: 'p', type: 'symlink', linkname: 'q' },
          { name: 'q', type: 'symlink', linkname: 'p/x' },
        ]),
        'tar',
      ),
    );
    expect(loop.message).toContain('more than 40 links');
  });

  it('refuses a hard link to a symlink and a write through a symlinked directory', async () => {
    expectRefused(
      await extract(
        tarOf([
          { name: 'l', type: 'symlink', linkname: 'f' },
          { name: 'f', body: 'x' },
          { name: 'h', type: 'hardlink', linkname: 'l' },
        ]),
        'tar',
      ),
    );
    expectRefused(
      await extract(
        tarOf([
          { name: 'd/', type: 'directory' },
          { name: 'l', type: 'symlink', linkname: 'd' },
          { name: 'l/f', body: 'x' },
        ]),
        'tar',
      ),
    );
  });

  it('keeps links that go through other links and stay inside', async () => {
    const fine: TarEntrySpec[] = [
      { name: 'lib/', type: 'directory' },
      { name: 'lib/tool-1.0', body: 'tool', mode: 0o755 },
      { name: 'lib/up', type: 'symlink', linkname: '..' },
      { name: 'bin/', type: 'directory' },
      { name: 'bin/tool', type: 'symlink', linkname: '../lib/up/lib/tool-1.0' },
      { name: 'current', type: 'symlink', linkname: 'lib/up/lib' },
      { name: 'dangling', type: 'symlink', linkname: 'not/there/yet' },
    ];
    const result = await extract(tarOf(fine), 'tar');
    expect(result.ok, String((result as { err?: unknown }).err)).toBe(true);
    expect(readFileSync(join(result.out, 'bin', 'tool'), 'utf8')).toBe('tool');
    expect(readFileSync(join(result.out, 'current', 'tool-1.0'), 'utf8')).toBe('tool');
    expect(escapes(result.out)).toEqual([]);
  });
});

// ---------------------------------------------------------------- the pure resolver and the disk guard

describe('resolveInTree', () => {
  const tree = (nodes: Record<string, TreeNode>) => (path: string) => nodes[path];

  it('replaces each link by its target before the next part, as the kernel does', () => {
    const lookup = tree({ d: { kind: 'directory' }, 'd/up': { kind: 'symlink', target: '..' } });
    expect(resolveInTree([], 'd/up/d', lookup)).toEqual({ ok: true, segments: ['d'] });
    expect(resolveInTree([], 'd/up/..', lookup)).toMatchObject({ ok: false });
    expect(resolveInTree(['d'], 'up/d/up/..', lookup)).toMatchObject({ ok: false });
    expect(resolveInTree(['d'], 'up/up/up', lookup)).toEqual({ ok: true, segments: ['up', 'up'] }); // up is only a link inside d
    expect(resolveInTree([], 'missing/../d', lookup)).toEqual({ ok: true, segments: ['d'] });
  });

  it('stops at a file in the middle of a path (ENOTDIR) and refuses absolute targets anywhere in the chain', () => {
    const lookup = tree({ f: { kind: 'file' }, abs: { kind: 'symlink', target: '/usr' } });
    expect(resolveInTree([], 'f/../../..', lookup)).toMatchObject({ ok: true });
    expect(resolveInTree([], 'abs/bin', lookup)).toMatchObject({ ok: false, reason: expect.stringContaining('absolute path /usr') });
  });
});

describe('findEscape (the on-disk guard)', () => {
  it('finds a chain of links that leaves the root, whoever wrote it', async () => {
    const root = join(sandbox, 'root');
    mkdirSync(join(root, 'd'), { recursive: true });
    symlinkSync('..', join(root, 'd', 'up'));
    expect(await findEscape(root)).toBeUndefined();
    symlinkSync('d/up/..', join(root, 'x'));
    expect(await findEscape(root)).toEqual({ path: 'x', reason: "it is a symlink to d/up/.., and '..' climbs above the layer root" });
  });

  it('finds absolute links, loops and entries that are not files, directories or links', async () => {
    const root = join(sandbox, 'root');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    symlinkSync('/tmp', join(root, 'a', 'b', 'abs'));
    expect((await findEscape(root))?.path).toBe('a/b/abs');
    rmSync(join(root, 'a', 'b', 'abs'));
    symlinkSync('p', join(root, 'q'));
    symlinkSync('q', join(root, 'p'));
    expect((await findEscape(root))?.reason).toContain('more than 40 links');
    rmSync(join(root, 'p'));
    rmSync(join(root, 'q'));
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [join(root, 'fifo')]);
    expect(await findEscape(root)).toEqual({ path: 'fifo', reason: 'it is not a regular file, directory or symlink' });
  });
});

// ---------------------------------------------------------------- properties

type Spec =
  | { kind: 'file'; path: string }
  | { kind: 'dir'; path: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'hardlink'; path: string; target: string };

/** A placeholder replaced by the sandbox's decoy dir, so absolute links point at something real. */
const DECOY = '@decoy';

const name = fc.constantFrom('a', 'b', 'c');
const entryPath = fc
  .array(fc.oneof({ weight: 6, arbitrary: name }, { weight: 1, arbitrary: fc.constantFrom('..', '.') }), { minLength: 1, maxLength: 3 })
  .map((p) => p.join('/'));
/** A reference to another entry's path (from the root), then a tail: the shape of link chains. */
const REF = /^@ref:(\d+):(.*)$/;
const linkTarget = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.constantFrom('a', 'b', 'c', '..', '..', '.', 'outside', 'secret'), { minLength: 1, maxLength: 5 })
      .map((p) => p.join('/')),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.nat(20), fc.constantFrom('', '..', '../..', '../outside', '../../outside', 'a', '../a/..'))
      .map(([i, tail]) => `@ref:${i}:${tail}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(DECOY, `${DECOY}/secret`, '/', '/etc/passwd') },
);
const spec: fc.Arbitrary<Spec> = fc.oneof(
  { weight: 2, arbitrary: entryPath.map((path) => ({ kind: 'file' as const, path })) },
  { weight: 2, arbitrary: entryPath.map((path) => ({ kind: 'dir' as const, path })) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('symlink' as const), path: entryPath, target: linkTarget }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hardlink' as const), path: entryPath, target: entryPath }) },
);
/**
 * A link to a directory above it (`dir/via -> ..`) and a second link that walks through it
 * (`from -> [../]dir/via/<tail>`): harmless-looking as text, the shape the issue found.
 */
const chain: fc.Arbitrary<Spec[]> = fc
  .record({
    dir: fc.array(name, { minLength: 1, maxLength: 2 }),
    via: name,
    up: fc.constantFrom('..', '../..', '../../..'),
    from: fc.array(name, { minLength: 1, maxLength: 2 }),
    tail: fc.constantFrom('..', '../..', '../outside', '../../outside', 'a', '../a/..'),
  })
  .map(({ dir, via, up, from, tail }) => {
    const first = [...dir, via].join('/');
    const climb = Array<string>(from.length - 1).fill('..');
    return [
      { kind: 'symlink' as const, path: first, target: up },
      { kind: 'symlink' as const, path: from.join('/'), target: [...climb, first, tail].join('/') },
    ];
  });
/** Random entries, sometimes with one or two chains mixed in, in random order. */
const archiveSpecs: fc.Arbitrary<Spec[]> = fc
  .tuple(fc.array(spec, { minLength: 1, maxLength: 10 }), fc.array(chain, { maxLength: 2 }))
  .map(([entries, chains]) => [...entries, ...chains.flat()])
  .chain((all) => fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }));
const layout = fc.record({
  stripComponents: fc.constantFrom(0, 0, 1),
  destination: fc.constantFrom(undefined, undefined, 'opt', 'opt/x'),
  files: fc.constantFrom<string[] | undefined>(undefined, undefined, undefined, ['a'], ['c'], ['*/b'], ['a', 'b/**']),
});

/** The target as written into the archive: the decoy's real path, or a reference spelled from where the link sits. */
function realTarget(target: string, linkPath: string, specs: Spec[]): string {
  const ref = REF.exec(target);
  if (!ref) return target.replace(DECOY, join(sandbox, 'outside'));
  const depth = linkPath.split('/').filter((p) => p !== '' && p !== '.').length - 1;
  const other = specs[Number(ref[1]) % specs.length]!.path;
  return [...Array<string>(Math.max(depth, 0)).fill('..'), other, ref[2]].filter((p) => p !== '').join('/');
}

function asTar(specs: Spec[]): Buffer {
  return tarOf(
    specs.map((s, i): TarEntrySpec => {
      switch (s.kind) {
        case 'file':
          return { name: s.path, body: `file ${i}` };
        case 'dir':
          return { name: `${s.path}/`, type: 'directory' };
        case 'symlink':
          return { name: s.path, type: 'symlink', linkname: realTarget(s.target, s.path, specs) };
        default:
          return { name: s.path, type: 'hardlink', linkname: s.target };
      }
    }),
  );
}

/** Zip has no hard links: they become files. */
function asZip(specs: Spec[]): Buffer {
  return zipOf(
    specs.map((s, i): ZipEntrySpec => {
      switch (s.kind) {
        case 'dir':
          return { name: `${s.path}/`, unixMode: 0o040755 };
        case 'symlink':
          return { name: s.path, unixMode: 0o120777, body: realTarget(s.target, s.path, specs) };
        default:
          return { name: s.path, unixMode: 0o100644, body: `file ${i}` };
      }
    }),
  );
}

describe('property: nothing extracted resolves outside the output dir, whatever the entries, their order, strip_components, destination and files', () => {
  for (const kind of ['tar', 'zip'] as const) {
    it(`${kind}: random files, directories, symlinks (relative, absolute, '..' chains) and hard links`, async () => {
      await fc.assert(
        fc.asyncProperty(archiveSpecs, layout, async (specs, options) => {
          rmSync(sandbox, { recursive: true, force: true });
          mkdirSync(sandbox);
          plantDecoy();
          const before = outsideSnapshot('layer');
          const archive = kind === 'tar' ? asTar(specs) : asZip(specs);
          const result = await extract(archive, kind, options);
          if (!result.ok) {
            // Refusals are clean, stable errors, never internal ones, and leave nothing behind.
            expect(result.err).toBeInstanceOf(BuildpackError);
            expect(['GHA042', 'GHA044', 'GHA045']).toContain((result.err as BuildpackError).code);
            expect(readdirSync(result.out)).toEqual([]);
          }
          expect(escapes(result.out)).toEqual([]);
          expect(outsideSnapshot('layer')).toBe(before);
        }),
        { numRuns: 300 },
      );
    }, 120_000);
  }

  it('the chains the generator must be able to find are in its space', async () => {
    // Sanity for the property above: the chain is one of the archives it can generate.
    const sample: Spec[] = [
      { kind: 'dir', path: 'a' },
      { kind: 'symlink', path: 'a/b', target: '..' },
      { kind: 'symlink', path: 'c', target: 'a/b/../outside' },
    ];
    plantDecoy();
    expectRefused(await extract(asTar(sample), 'tar'));
  });
});

/** Whether every existing parent of `rel` under `root` is a real directory (no link, no file). */
function parentsAreDirectories(root: string, rel: string): boolean {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    try {
      if (!lstatSync(join(root, ...parts.slice(0, i))).isDirectory()) return false;
    } catch {
      return true; // missing from here down: mkdir creates real directories
    }
  }
  return true;
}

describe('property: findEscape agrees with the kernel on random trees written without any checks', () => {
  it('reports an escape whenever realpath finds a path that leaves the root', async () => {
    const node = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('dir' as const),
          path: fc.array(name, { minLength: 1, maxLength: 3 }).map((p) => p.join('/')),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('file' as const),
          path: fc.array(name, { minLength: 1, maxLength: 3 }).map((p) => p.join('/')),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('symlink' as const),
          path: fc.array(name, { minLength: 1, maxLength: 3 }).map((p) => p.join('/')),
          target: linkTarget,
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(fc.array(node, { minLength: 1, maxLength: 10 }), fc.array(chain, { maxLength: 2 })).map(([n, c]) => [...n, ...c.flat()]),
        async (nodes) => {
          rmSync(sandbox, { recursive: true, force: true });
          mkdirSync(sandbox);
          plantDecoy();
          const root = join(sandbox, 'layer');
          mkdirSync(root);
          for (const n of nodes) {
            // Never create through a link (that could write outside the sandbox).
            if (!parentsAreDirectories(root, n.path)) continue;
            try {
              mkdirSync(join(root, dirname(n.path)), { recursive: true });
              if (n.kind === 'dir') mkdirSync(join(root, n.path));
              else if (n.kind === 'file') writeFileSync(join(root, n.path), 'x', { flag: 'wx' });
              else symlinkSync(realTarget(n.target, n.path, nodes as Spec[]), join(root, n.path));
            } catch {
              // a path taken or a parent that is a file or a link: this tree just lacks that node
            }
          }
          const kernel = escapes(root);
          const guard = await findEscape(root);
          // The guard may refuse more (a missing part followed by '..' is judged as names), never less.
          if (kernel.length > 0) expect(guard, kernel.join('; ')).toBeDefined();
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});

describe('found by the properties', () => {
  it('a hard link to itself (after strip_components) keeps the file instead of failing with GHA051', async () => {
    const result = await extract(
      tarOf([
        { name: 'top/a', body: 'kept' },
        { name: 'top/a', type: 'hardlink', linkname: 'top/./a' },
      ]),
      'tar',
      { stripComponents: 1 },
    );
    expect(result.ok, String((result as { err?: unknown }).err)).toBe(true);
    expect(readFileSync(join(result.out, 'a'), 'utf8')).toBe('kept');
  });
});
