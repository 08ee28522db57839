// The one writer of CNB files: the plan and detect's exit code, a layer's SBOM before its TOML
// (the commit record), launch.toml only when the build has something to say.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBuildResult, writeDetectResult, writeLayer } from '../../src/cnb/output.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gha-cnb-output-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const layer = {
  name: 'acme_tool',
  types: { launch: true, build: false, cache: true },
  metadata: { format: 3, entries: [] },
  sbom: { 'cdx.json': '{"bomFormat":"CycloneDX"}\n' },
};

describe('cnb/output', () => {
  it('writes the plan and passes, or fails (100) without writing one', () => {
    const plan = join(dir, 'plan.toml');
    expect(writeDetectResult(plan, 'fail')).toBe(100);
    expect(existsSync(plan)).toBe(false);
    expect(
      writeDetectResult(plan, {
        plan: { provides: [{ name: 'github-assets' }], requires: [{ name: 'github-assets', metadata: { repos: ['a/b'] } }] },
      }),
    ).toBe(0);
    expect(TOML.parse(readFileSync(plan, 'utf8'))).toEqual({
      provides: [{ name: 'github-assets' }],
      requires: [{ name: 'github-assets', metadata: { repos: ['a/b'] } }],
    });
  });

  it('writes a layer SBOM and then its TOML', () => {
    writeLayer(dir, layer);
    expect(readFileSync(join(dir, 'acme_tool.sbom.cdx.json'), 'utf8')).toBe('{"bomFormat":"CycloneDX"}\n');
    expect(TOML.parse(readFileSync(join(dir, 'acme_tool.toml'), 'utf8'))).toEqual({
      types: layer.types,
      metadata: { format: 3, entries: [] },
    });
  });

  it('writes no TOML when the SBOM cannot be written: no commit record without its SBOM', () => {
    mkdirSync(join(dir, 'acme_tool.sbom.cdx.json')); // a directory where the file goes
    expect(() => writeLayer(dir, layer)).toThrow(expect.objectContaining({ code: 'GHA051' }));
    expect(readdirSync(dir)).toEqual(['acme_tool.sbom.cdx.json']);
  });

  it('writes launch.toml with the labels, and none when the build returned no launch', () => {
    writeBuildResult(dir, {});
    expect(existsSync(join(dir, 'launch.toml'))).toBe(false);
    writeBuildResult(dir, { launch: { labels: [{ key: 'io.github-assets.executables', value: '["/layers/x/bin/t"]' }] } });
    expect(TOML.parse(readFileSync(join(dir, 'launch.toml'), 'utf8'))).toEqual({
      labels: [{ key: 'io.github-assets.executables', value: '["/layers/x/bin/t"]' }],
    });
  });
});
