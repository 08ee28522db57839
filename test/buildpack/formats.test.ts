// Every archive format through bin/build: the same real executable comes out bit-for-bit and
// runs, whatever the asset's packaging; `files` picks one file and installs it under the
// destination's name; hostile archives are refused with nothing left in the layers dir.

import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExecutable, compressFile, EXECUTABLE_OUTPUT, tarDirectory, tarOf, zipDirectory, zipOf } from '../support/archives.js';
import { fakeGitHubForFile, fixturesDirForFile, workspacePerTest } from '../support/e2e.js';
import { runBuild } from '../support/cnb.js';

const gh = await fakeGitHubForFile();
const fixtures = fixturesDirForFile('gha-formats-');
let exe: string;
const ws = workspacePerTest();

const ARCHIVES: [string, (dir: string, out: string) => string][] = [
  ['tool.tar', (d, o) => tarDirectory(d, o)],
  ['tool.tar.gz', (d, o) => tarDirectory(d, o, 'gzip')],
  ['tool.tgz', (d, o) => tarDirectory(d, o, 'gzip')],
  ['tool.tar.xz', (d, o) => tarDirectory(d, o, 'xz')],
  ['tool.tar.bz2', (d, o) => tarDirectory(d, o, 'bzip2')],
  ['tool.tar.zst', (d, o) => tarDirectory(d, o, 'zstd')],
  ['tool.zip', (d, o) => zipDirectory(d, o)],
  // Misleading names: the bytes decide.
  ['tool-archive.bin', (d, o) => tarDirectory(d, o, 'xz')],
];
const SINGLE: [string, 'gzip' | 'xz' | 'bzip2' | 'zstd'][] = [
  ['tool.gz', 'gzip'],
  ['tool.xz', 'xz'],
  ['tool.bz2', 'bzip2'],
  ['tool.zst', 'zstd'],
];

beforeAll(async () => {
  exe = buildExecutable(join(fixtures, 'exe'));
  const tree = join(fixtures, 'tree');
  mkdirSync(join(tree, 'tool-1.0', 'bin'), { recursive: true });
  copyFileSync(exe, join(tree, 'tool-1.0', 'bin', 'tool'));
  writeFileSync(join(tree, 'tool-1.0', 'LICENSE'), 'license\n');
  const assets = [
    { name: 'tool-linux-amd64', content: { path: exe } },
    ...ARCHIVES.map(([name, make]) => ({ name, content: { path: make(tree, join(fixtures, name)) } })),
    ...SINGLE.map(([name, codec]) => ({ name, content: { path: compressFile(exe, join(fixtures, name), codec) } })),
    { name: 'evil.tar', content: tarOf([{ name: '../../escape', body: 'x' }]) },
    { name: 'evil.zip', content: zipOf([{ name: '../escape', body: 'x' }]) },
    { name: 'abs.tar.gz', content: execFileSync('gzip', ['-c'], { input: tarOf([{ name: '/etc/evil', body: 'x' }]) }) },
  ];
  gh.addRepo('acme/tool');
  gh.addRelease('acme/tool', { tag: 'v1.0', assets });
});

async function install(lines: string): Promise<{ code: number; output: string; layer: string }> {
  ws.writeApp({ 'project.toml': `[[metadata.githubassets]]\nrepo = "acme/tool"\ntag = "v1.0"\n${lines}\n` });
  const result = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl });
  return { code: result.code, output: result.output, layer: join(ws.layersDir, 'acme_tool') };
}

function expectSameExecutable(path: string): void {
  expect(readFileSync(path)).toEqual(readFileSync(exe));
  expect(statSync(path).mode & 0o777).toBe(0o755);
  expect(execFileSync(path, { encoding: 'utf8' }).trim()).toBe(EXECUTABLE_OUTPUT);
}

describe('formats through bin/build', () => {
  it.each(ARCHIVES.map(([name]) => name))('%s installs the executable bit-for-bit', async (asset) => {
    const { code, output, layer } = await install(`asset = "${asset}"\nstrip_components = 1`);
    expect(code, output).toBe(0);
    expectSameExecutable(join(layer, 'bin', 'tool'));
    expect(statSync(join(layer, 'LICENSE')).mode & 0o777).toBe(0o644);
  });

  it.each(SINGLE.map(([name]) => name))('%s decompresses to bin/tool', async (asset) => {
    const { code, output, layer } = await install(`asset = "${asset}"`);
    expect(code, output).toBe(0);
    expectSameExecutable(join(layer, 'bin', 'tool'));
  });

  it('a raw binary goes to bin/<asset> by default, or inside a destination directory', async () => {
    const first = await install('asset = "tool-linux-amd64"');
    expect(first.code, first.output).toBe(0);
    expectSameExecutable(join(first.layer, 'bin', 'tool-linux-amd64'));
    const second = await install('asset = "tool-linux-amd64"\ndestination = "tools/"');
    expect(second.code, second.output).toBe(0);
    expectSameExecutable(join(second.layer, 'tools', 'tool-linux-amd64'));
  });

  it('files picks one archive member and installs it under the destination name', async () => {
    const { code, output, layer } = await install('asset = "tool.tar.xz"\nfiles = ["*/bin/tool"]\ndestination = "bin/mytool"');
    expect(code, output).toBe(0);
    expectSameExecutable(join(layer, 'bin', 'mytool'));
    expect(readdirSync(layer)).toEqual(['bin']);
    expect(readdirSync(join(layer, 'bin'))).toEqual(['mytool']);
  });

  it('a files pattern that matches nothing lists what the archive contains', async () => {
    const { code, output } = await install('asset = "tool.zip"\nfiles = ["bin/missing"]');
    expect(code).toBe(1);
    expect(output).toContain('ERROR [GHA044] githubassets[1] (acme/tool)');
    expect(output).toContain('tool-1.0/bin/tool');
    expect(readdirSync(ws.layersDir)).toEqual([]);
  });

  it.each(['evil.tar', 'evil.zip', 'abs.tar.gz'])('refuses hostile %s and writes nothing', async (asset) => {
    const { code, output } = await install(`asset = "${asset}"`);
    expect(code).toBe(1);
    expect(output).toContain('ERROR [GHA042] githubassets[1] (acme/tool)');
    expect(readdirSync(ws.layersDir)).toEqual([]);
    expect(existsSync(join(ws.root, 'escape'))).toBe(false);
    expect(existsSync(join(ws.layersRoot, 'escape'))).toBe(false);
  });
});
