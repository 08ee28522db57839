// Runs automatic selection over real release asset lists (test/fixtures/selection-corpus.json)
// for linux/amd64 and linux/arm64, reports the score, and fails on any pick for the wrong
// OS or architecture, or when the score drops below the threshold.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { autoSelect } from '../../src/select/auto.js';
import { archesIn, osesIn } from '../../src/select/asset-name.js';
import type { ReleaseAsset } from '../../src/model.js';

interface CorpusEntry {
  repo: string;
  tag: string;
  language: string;
  kind: string;
  source: string;
  assets: string[];
  expect: { amd64: string; arm64: string };
  reason: string;
  expectedMiss?: Record<string, string>;
}

const corpus = JSON.parse(readFileSync(new URL('../fixtures/selection-corpus.json', import.meta.url), 'utf8')) as {
  entries: CorpusEntry[];
};
const ARCHES = ['amd64', 'arm64'] as const;
/** Every decision must be right except the misses the corpus itself documents (expectedMiss). */
const DOCUMENTED_MISSES = corpus.entries.reduce((n, e) => n + Object.keys(e.expectedMiss ?? {}).length, 0);

function assetsOf(entry: CorpusEntry): ReleaseAsset[] {
  return entry.assets.map((name, i) => ({
    id: i + 1,
    name,
    size: 1,
    url: `https://api.invalid/${i}`,
    browserDownloadUrl: `https://web.invalid/${name}`,
  }));
}

function run(entry: CorpusEntry, arch: string) {
  return autoSelect(assetsOf(entry), { os: 'linux', arch }, { repoName: entry.repo.split('/')[1]!, tag: entry.tag });
}

describe('selection corpus', () => {
  it('has at least 60 real releases, each with a source and a reason', () => {
    expect(corpus.entries.length).toBeGreaterThanOrEqual(60);
    for (const e of corpus.entries) {
      expect(e.source).toMatch(/^https:\/\/github\.com\//);
      expect(e.reason.length).toBeGreaterThan(10);
      for (const arch of ARCHES) expect(e.expect[arch] === 'refuse' || e.assets.includes(e.expect[arch])).toBe(true);
    }
  });

  it('never picks an asset for another OS or architecture, and scores at least the threshold', () => {
    const wrongPlatform: string[] = [];
    const misses: string[] = [];
    let correct = 0;
    for (const entry of corpus.entries) {
      for (const arch of ARCHES) {
        const result = run(entry, arch);
        const got = result.kind === 'picked' ? result.asset.name : 'refuse';
        if (result.kind === 'picked') {
          const arches = archesIn(got);
          const oses = osesIn(got);
          const otherArch = [...arches].some((a) => a !== arch);
          const otherOs = [...oses].some((o) => o !== 'linux');
          if (otherArch || otherOs || (arches.size === 0 && arch !== 'amd64'))
            wrongPlatform.push(`${entry.repo}@${entry.tag} ${arch}: ${got}`);
        }
        if (got === entry.expect[arch]) correct++;
        else
          misses.push(
            `${entry.repo}@${entry.tag} ${arch}: got ${got}, want ${entry.expect[arch]}${result.kind === 'refused' ? ` (${result.why})` : ` (${result.reason})`}`,
          );
      }
    }
    const total = corpus.entries.length * ARCHES.length;
    console.log(
      `selection corpus: ${correct}/${total} decisions correct (${((100 * correct) / total).toFixed(1)}%) over ${corpus.entries.length} releases`,
    );
    for (const miss of misses) console.log(`  miss: ${miss}`);
    expect(wrongPlatform).toEqual([]);
    expect(misses.length).toBeLessThanOrEqual(DOCUMENTED_MISSES);
  });

  it('gives the same answer whatever order the API lists the assets in', () => {
    for (const entry of corpus.entries) {
      for (const arch of ARCHES) {
        const forward = run(entry, arch);
        const reversed = autoSelect(
          [...assetsOf(entry)].reverse(),
          { os: 'linux', arch },
          { repoName: entry.repo.split('/')[1]!, tag: entry.tag },
        );
        expect(reversed.kind === 'picked' ? reversed.asset.name : 'refuse').toBe(forward.kind === 'picked' ? forward.asset.name : 'refuse');
      }
    }
  });
});
