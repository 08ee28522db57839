import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
  readlinkSync,
  symlinkSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { LayerAssembly } from '../../src/layers/assemble.js';
import {
  commitLayerDir,
  createWorkDir,
  listLayers,
  readLayerMetadata,
  removeLayer,
  removeStaleWorkDirs,
  swapLayerDir,
} from '../../src/layers/store.js';
import { writeLayerToml } from '../../src/cnb/output.js';
import { BuildpackError } from '../../src/errors.js';
import { writeTree } from '../support/archives.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gha-layers-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('layer TOML', () => {
  it('writes [types] and [metadata] and reads the metadata back', async () => {
    writeLayerToml(root, 'acme_tool', { launch: true, build: false, cache: true }, { format: 1, entries: [{ repo: 'acme/tool' }] });
    const doc = TOML.parse(readFileSync(join(root, 'acme_tool.toml'), 'utf8'));
    expect(doc.types).toEqual({ launch: true, build: false, cache: true });
    expect(await readLayerMetadata(root, 'acme_tool')).toEqual({ format: 1, entries: [{ repo: 'acme/tool' }] });
    expect(readdirSync(root)).toEqual(['acme_tool.toml']); // no temp file left
  });

  it('reads metadata from a TOML shaped like the restorer leaves it (only [metadata])', async () => {
    writeFileSync(join(root, 'x.toml'), '[metadata]\nformat = 1\n');
    expect(await readLayerMetadata(root, 'x')).toEqual({ format: 1 });
    writeFileSync(join(root, 'broken.toml'), '[metadata\n');
    expect(await readLayerMetadata(root, 'broken')).toBeUndefined();
    expect(await readLayerMetadata(root, 'missing')).toBeUndefined();
  });

  it('lists layers but not launch/build/store.toml or scratch files', async () => {
    for (const f of ['a.toml', 'launch.toml', 'store.toml', 'build.toml', '.x.toml']) writeFileSync(join(root, f), '');
    expect(await listLayers(root)).toEqual(['a']);
  });

  it('removes a layer with its SBOM files', async () => {
    writeTree(join(root, 'a'), { 'bin/x': 'x' });
    writeFileSync(join(root, 'a.toml'), '');
    writeFileSync(join(root, 'a.sbom.cdx.json'), '{}');
    writeFileSync(join(root, 'ab.toml'), '');
    await removeLayer(root, 'a');
    expect(readdirSync(root)).toEqual(['ab.toml']);
  });
});

describe('swapLayerDir', () => {
  it('replaces the previous layer dir and removes it', async () => {
    writeTree(join(root, 'l'), { old: 'old' });
    const work = await createWorkDir(root);
    const staged = writeTree(join(work, 'staged'), { new: 'new' });
    await swapLayerDir(root, 'l', staged, work);
    expect(readdirSync(join(root, 'l'))).toEqual(['new']);
    expect(readdirSync(work)).toEqual([]);
  });

  it('keeps the previous layer intact when the staged dir cannot be moved', async () => {
    writeTree(join(root, 'l'), { old: 'old' });
    const work = await createWorkDir(root);
    await expect(swapLayerDir(root, 'l', join(work, 'does-not-exist'), work)).rejects.toBeInstanceOf(BuildpackError);
    expect(readFileSync(join(root, 'l', 'old'), 'utf8')).toBe('old');
  });

  it('cleans scratch dirs left by a killed build', async () => {
    await createWorkDir(root);
    await removeStaleWorkDirs(root);
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('commitLayerDir (issue 14: metadata and content can disagree)', () => {
  it('retracts the TOML and the SBOM before the dir is swapped, so no metadata ever describes other content', async () => {
    writeTree(join(root, 'l'), { old: 'old' });
    writeLayerToml(root, 'l', { launch: true, build: false, cache: true }, { format: 3, entries: [{ tag: 'v1' }] });
    writeFileSync(join(root, 'l.sbom.cdx.json'), '{"v":1}');
    writeFileSync(join(root, 'l2.toml'), ''); // another layer whose name starts the same
    const work = await createWorkDir(root);
    const staged = writeTree(join(work, 'staged'), { new: 'new' });
    await commitLayerDir(root, 'l', staged, work);
    // The caller writes the SBOM and then the TOML; until then the new dir has no metadata.
    expect(
      readdirSync(root)
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual(['l', 'l2.toml']);
    expect(readdirSync(join(root, 'l'))).toEqual(['new']);
    expect(await readLayerMetadata(root, 'l')).toBeUndefined();
  });

  it('puts the old dir and its metadata back when the swap fails', async () => {
    writeTree(join(root, 'l'), { old: 'old' });
    writeLayerToml(root, 'l', { launch: true, build: false, cache: true }, { format: 3, entries: [] });
    writeFileSync(join(root, 'l.sbom.cdx.json'), '{"v":1}');
    const toml = readFileSync(join(root, 'l.toml'), 'utf8');
    const work = await createWorkDir(root);
    await expect(commitLayerDir(root, 'l', join(work, 'missing'), work)).rejects.toBeInstanceOf(BuildpackError);
    expect(readFileSync(join(root, 'l', 'old'), 'utf8')).toBe('old');
    expect(readFileSync(join(root, 'l.toml'), 'utf8')).toBe(toml);
    expect(readFileSync(join(root, 'l.sbom.cdx.json'), 'utf8')).toBe('{"v":1}');
  });
});

describe('LayerAssembly', () => {
  it('merges entry trees that share directories', async () => {
    const staging = join(root, 'staging');
    mkdirSync(staging);
    const asm = new LayerAssembly(staging);
    await asm.addTree(writeTree(join(root, 'e1'), { 'bin/one': '1', 'share/one/doc': 'd' }), 'e1');
    await asm.addTree(writeTree(join(root, 'e2'), { 'bin/two': '2' }), 'e2');
    expect(readdirSync(join(staging, 'bin')).sort()).toEqual(['one', 'two']);
    expect(readFileSync(join(staging, 'share/one/doc'), 'utf8')).toBe('d');
  });

  it('refuses two entries that install the same path, naming both', async () => {
    const staging = join(root, 'staging');
    mkdirSync(staging);
    const asm = new LayerAssembly(staging);
    await asm.addTree(writeTree(join(root, 'e1'), { 'bin/tool': '1' }), 'githubassets[1] (a/b)');
    const err = await asm.addTree(writeTree(join(root, 'e2'), { 'bin/tool': '2' }), 'githubassets[2] (a/b)').catch((e) => e);
    expect(err).toBeInstanceOf(BuildpackError);
    expect(err.code).toBe('GHA045');
    expect(err.message).toBe('"bin/tool" is also installed by githubassets[1] (a/b)');
    expect(err.entry).toBe('githubassets[2] (a/b)');
    expect(readFileSync(join(staging, 'bin/tool'), 'utf8')).toBe('1');
  });

  it('refuses a tree that would install env/ at the layer root', async () => {
    const staging = join(root, 'staging');
    mkdirSync(staging);
    const err = await new LayerAssembly(staging).addTree(writeTree(join(root, 'e'), { 'env/PATH': '/evil' }), 'e').catch((e) => e);
    expect(err.code).toBe('GHA042');
    expect(existsSync(join(staging, 'env'))).toBe(false);
  });

  it('links reused files from the previous layer without touching it', async () => {
    const previous = writeTree(join(root, 'prev'), { 'bin/tool': 'tool' });
    symlinkSync('tool', join(previous, 'bin/alias'));
    const staging = join(root, 'staging');
    mkdirSync(staging);
    await new LayerAssembly(staging).addFromPrevious(previous, ['bin/tool', 'bin/alias'], 'e');
    expect(readFileSync(join(staging, 'bin/tool'), 'utf8')).toBe('tool');
    expect(readlinkSync(join(staging, 'bin/alias'))).toBe('tool');
    expect(statSync(join(previous, 'bin/tool')).nlink).toBe(2);
  });

  it('refuses a staged layer where links of two entries chain out of it (GHA046), naming the entry', async () => {
    const staging = join(root, 'layer', 'staging');
    mkdirSync(staging, { recursive: true });
    const asm = new LayerAssembly(staging);
    const first = join(root, 'e1');
    mkdirSync(join(first, 'd'), { recursive: true });
    symlinkSync('..', join(first, 'd', 'up')); // alone: the layer root
    const second = join(root, 'e2');
    mkdirSync(second);
    symlinkSync('d/up/../outside', join(second, 'x')); // alone: d/outside, dangling but inside
    await asm.addTree(first, 'githubassets[1] (a/b)');
    await asm.verifyConfined();
    await asm.addTree(second, 'githubassets[2] (a/b)');
    const err = await asm.verifyConfined().catch((e) => e);
    expect(err).toBeInstanceOf(BuildpackError);
    expect(err.code).toBe('GHA046');
    expect(err.entry).toBe('githubassets[2] (a/b)');
    expect(err.message).toBe(
      `the assembled layer would contain "x": it is a symlink to d/up/../outside, and '..' climbs above the layer root; nothing was installed`,
    );
  });
});
