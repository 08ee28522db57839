// Peak memory does not grow with the asset: a child process extracts archives holding more than
// 200 MiB of content and its peak RSS stays under 150 MiB. The child runs the esbuild bundle of
// the extractor (as the buildpack ships it) on the pinned runtime.

import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_BUNDLE } from '../../scripts/compile.ts';
import { tarDirectory, zipDirectory } from '../support/archives.js';

const CONTENT_BYTES = 210 * 1024 * 1024;
const RSS_LIMIT = 150 * 1024 * 1024;

let work: string;
let driver: string;
let tree: string;

/** A big file of a repeating 1 MiB pattern: cheap to write and to compress. */
function writePatternFile(path: string, size: number): void {
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + (i >> 10)) & 0xff;
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < size; written += block.length) writeSync(fd, block, 0, Math.min(block.length, size - written));
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'extract-memory-'));
  driver = join(work, 'extract-child.mjs');
  await build({ ...ESM_BUNDLE, entryPoints: [join(import.meta.dirname, '..', 'support', 'extract-child.ts')], outfile: driver });
  tree = join(work, 'tree');
  mkdirSync(join(tree, 'big-1.0', 'data'), { recursive: true });
  writePatternFile(join(tree, 'big-1.0', 'data', 'blob.bin'), CONTENT_BYTES);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function extractInChild(file: string, assetName: string, strip = 0, stream = false): { maxRssBytes: number; out: string } {
  const out = join(work, `out-${assetName}${stream ? '-stream' : ''}`);
  const stdout = execFileSync(process.execPath, [driver, file, out, assetName, String(strip), ...(stream ? ['stream'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  const result = JSON.parse(stdout) as { maxRssBytes: number };
  return { maxRssBytes: result.maxRssBytes, out };
}

describe('bounded memory', () => {
  // gzip and zip are what most releases ship; xz runs through the WASM decoder.
  const cases: Array<[string, () => string, string]> = [
    ['tar.gz', () => tarDirectory(tree, join(work, 'big.tar.gz'), 'gzip', true), 'data/blob.bin'],
    ['tar.xz', () => tarDirectory(tree, join(work, 'big.tar.xz'), 'xz', true), 'data/blob.bin'],
    ['zip', () => zipDirectory(tree, join(work, 'big.zip'), true), 'data/blob.bin'],
  ];
  for (const [name, make, produced] of cases) {
    it(`extracts ${CONTENT_BYTES / 1024 / 1024} MiB from a ${name} with peak RSS under 150 MiB`, () => {
      const file = make();
      const { maxRssBytes, out } = extractInChild(file, `big.${name}`, 1);
      expect(statSync(join(out, produced)).size).toBe(CONTENT_BYTES);
      console.log(`${name}: peak RSS ${(maxRssBytes / 1024 / 1024).toFixed(1)} MiB`);
      expect(maxRssBytes).toBeLessThan(RSS_LIMIT);
      rmSync(out, { recursive: true, force: true });
      rmSync(file, { force: true });
    });
  }

  it(`extracts ${CONTENT_BYTES / 1024 / 1024} MiB from a tar.gz as it arrives (extraction alongside the download) with peak RSS under 150 MiB`, () => {
    const file = tarDirectory(tree, join(work, 'streamed.tar.gz'), 'gzip', true);
    const { maxRssBytes, out } = extractInChild(file, 'streamed.tar.gz', 1, true);
    expect(statSync(join(out, 'data/blob.bin')).size).toBe(CONTENT_BYTES);
    console.log(`tar.gz as it arrives: peak RSS ${(maxRssBytes / 1024 / 1024).toFixed(1)} MiB`);
    expect(maxRssBytes).toBeLessThan(RSS_LIMIT);
    rmSync(out, { recursive: true, force: true });
    rmSync(file, { force: true });
  });
});
