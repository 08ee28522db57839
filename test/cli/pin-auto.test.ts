// `pin` for entries without asset: the picked names it writes (cli/pinned-names.ts), the line
// edits (cli/toml-edit.ts) and the whole plan proven by re-parsing (cli/pin.ts), so a pinned
// project.toml picks the same assets without the heuristics.

import { describe, expect, it } from 'vitest';
import { parseDescriptor, specForTarget } from '../../src/descriptor/parse.js';
import { applyPlan, planPins } from '../../src/cli/pin.js';
import { pinnedAssetNames, picksExactly } from '../../src/cli/pinned-names.js';
import { applyEdits } from '../../src/cli/toml-edit.js';
import type { ReleaseSource } from '../../src/github/resolve.js';
import type { Release } from '../../src/model.js';
import { selectAssetFor } from '../../src/select/index.js';

const SHA = (c: string) => c.repeat(64);

function release(tag: string, names: string[]): Release {
  return {
    id: 7,
    tag,
    draft: false,
    prerelease: false,
    assets: names.map((name, i) => ({
      id: 100 + i,
      name,
      size: 10,
      url: `https://api.invalid/${i}`,
      browserDownloadUrl: `https://web.invalid/${name}`,
      digest: `sha256:${SHA(String(i % 10))}`,
    })),
  };
}

const KIND = release('v0.25.0', [
  'kind-darwin-arm64',
  'kind-linux-amd64',
  'kind-linux-amd64.sha256sum',
  'kind-linux-arm64',
  'kind-linux-arm64.sha256sum',
]);
const RG = release('14.1.1', [
  'ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz',
  'ripgrep-14.1.1-aarch64-unknown-linux-gnu.tar.gz',
  'ripgrep-14.1.1-x86_64-apple-darwin.tar.gz',
]);

describe('pinnedAssetNames', () => {
  it('writes one {os}/{arch} pattern when it picks exactly the same assets on every pinned arch', () => {
    const names = pinnedAssetNames(['amd64', 'arm64'].map((arch) => ({ arch, os: 'linux', asset: `kind-linux-${arch}`, release: KIND })));
    expect(names).toEqual({ topLevel: 'kind-{os}-{arch}', perArch: {} });
  });

  it('writes a version-free name per arch when the picks differ in more than the platform', () => {
    const picks = [
      { arch: 'amd64', os: 'linux', asset: 'ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz', release: RG },
      { arch: 'arm64', os: 'linux', asset: 'ripgrep-14.1.1-aarch64-unknown-linux-gnu.tar.gz', release: RG },
    ];
    const names = pinnedAssetNames(picks);
    expect(names).toEqual({
      perArch: { amd64: 'ripgrep-{version}-x86_64-unknown-linux-musl.tar.gz', arm64: 'ripgrep-{version}-aarch64-unknown-linux-gnu.tar.gz' },
    });
    for (const pick of picks) expect(picksExactly(names.perArch[pick.arch]!, pick)).toBe(true);
  });

  it('never writes an {arch} pattern from one arch alone: the other arches stay automatic', () => {
    expect(pinnedAssetNames([{ arch: 'amd64', os: 'linux', asset: 'kind-linux-amd64', release: KIND }])).toEqual({
      perArch: { amd64: 'kind-linux-amd64' },
    });
  });
});

describe('applyEdits: asset', () => {
  const text =
    '[[metadata.githubassets]]\nrepo = "a/b"  # the tool\nmatching = "b-"\ntag = "v1"\n\n[metadata.githubassets.arch.arm64]\nmatching = "b-arm"\n';

  it('writes a top-level asset after repo and drops matching lines that would no longer apply', () => {
    const out = applyEdits(text, [{ index: 1, asset: 'b-{os}-{arch}', removeMatching: true }]);
    expect(out).toBe(
      '[[metadata.githubassets]]\nrepo = "a/b"  # the tool\nasset = "b-{os}-{arch}"\ntag = "v1"\n\n[metadata.githubassets.arch.arm64]\n',
    );
    expect(parseDescriptor(out).specs[0]).toMatchObject({ asset: 'b-{os}-{arch}' });
  });

  it('writes per-arch assets with their sha256, into existing and new arch tables', () => {
    const out = applyEdits(text, [{ index: 1, archAsset: { arm64: 'b-arm', amd64: 'b-x64' }, arch: { arm64: SHA('1'), amd64: SHA('2') } }]);
    const spec = parseDescriptor(out).specs[0]!;
    expect(specForTarget(spec, { os: 'linux', arch: 'arm64' })).toMatchObject({ asset: 'b-arm', sha256: SHA('1') });
    expect(spec.arch?.arm64?.matching).toBeUndefined();
    expect(specForTarget(spec, { os: 'linux', arch: 'amd64' })).toMatchObject({ asset: 'b-x64', sha256: SHA('2') });
    expect(out).toContain(`[metadata.githubassets.arch.amd64]\nasset = "b-x64"\nsha256 = "${SHA('2')}"\n`);
  });
});

describe('planPins for entries without asset', () => {
  const source = (r: Release): ReleaseSource => ({
    getRelease: async () => r,
    listReleases: async () => [r],
  });
  const noDownload = async () => {
    throw new Error('digests are known: nothing to download');
  };
  const options = (r: Release) => ({
    os: 'linux',
    arches: ['amd64', 'arm64'],
    github: source(r),
    lookupToken: () => undefined,
    download: noDownload,
  });

  it('writes the picked names and hashes, and the pinned file selects the same assets without heuristics', async () => {
    const text = '[[metadata.githubassets]]\nrepo = "BurntSushi/ripgrep"\ntag = "14.1.1"\n';
    const specs = parseDescriptor(text).specs;
    const { plan, errors } = await planPins(specs, options(RG));
    expect(errors).toEqual([]);
    expect(plan.entries[0]!.pins.map((p) => [p.arch, p.asset, p.picked?.rule, p.picked?.asset, p.written])).toEqual([
      [
        'amd64',
        'ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz',
        'auto:only-candidate',
        'ripgrep-{version}-x86_64-unknown-linux-musl.tar.gz',
        'arch.amd64',
      ],
      [
        'arm64',
        'ripgrep-14.1.1-aarch64-unknown-linux-gnu.tar.gz',
        'auto:only-candidate',
        'ripgrep-{version}-aarch64-unknown-linux-gnu.tar.gz',
        'arch.arm64',
      ],
    ]);
    const pinned = applyPlan({ text, shown: 'project.toml', specs }, plan, 'linux');
    const spec = parseDescriptor(pinned).specs[0]!;
    for (const [arch, name] of [
      ['amd64', 'ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz'],
      ['arm64', 'ripgrep-14.1.1-aarch64-unknown-linux-gnu.tar.gz'],
    ] as const) {
      const target = { os: 'linux', arch };
      const archSpec = specForTarget(spec, target);
      expect(archSpec.asset).not.toBe('');
      expect(selectAssetFor(RG, archSpec, target)).toMatchObject({ rule: 'pattern', asset: { name } });
      expect(archSpec.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('writes one entry-level pattern when it covers both arches', async () => {
    const text = '[[metadata.githubassets]]\nrepo = "kubernetes-sigs/kind"\ntag = "v0.25.0"\n';
    const specs = parseDescriptor(text).specs;
    const { plan } = await planPins(specs, options(KIND));
    const pinned = applyPlan({ text, shown: 'project.toml', specs }, plan, 'linux');
    expect(pinned).toMatch(
      /^\[\[metadata\.githubassets\]\]\nrepo = "kubernetes-sigs\/kind"\nasset = "kind-\{os\}-\{arch\}"\ntag = "v0\.25\.0"\n/,
    );
  });

  it("reports an ambiguous release as that entry's error and writes nothing for it", async () => {
    const kubectx = release('v0.9.5', [
      'kubectx_v0.9.5_linux_x86_64.tar.gz',
      'kubens_v0.9.5_linux_x86_64.tar.gz',
      'kubectx_v0.9.5_linux_arm64.tar.gz',
      'kubens_v0.9.5_linux_arm64.tar.gz',
    ]);
    const { plan, errors } = await planPins(
      parseDescriptor('[[metadata.githubassets]]\nrepo = "ahmetb/kubectx"\n').specs,
      options(kubectx),
    );
    expect(plan.edits).toEqual([]);
    expect(errors.map((e) => [e.code, e.entry])).toEqual([['GHA015', 'githubassets[1] (ahmetb/kubectx)']]);
  });
});

describe('pinned names reproduce automatic picks on the real-release corpus', () => {
  it('for every corpus release, the names pin would write select exactly the automatic picks', async () => {
    const { readFileSync } = await import('node:fs');
    const { autoSelect } = await import('../../src/select/auto.js');
    const corpus = JSON.parse(readFileSync(new URL('../fixtures/selection-corpus.json', import.meta.url), 'utf8')) as {
      entries: { repo: string; tag: string; assets: string[] }[];
    };
    let checked = 0;
    for (const entry of corpus.entries) {
      const r = release(entry.tag, entry.assets);
      const picks = ['amd64', 'arm64'].flatMap((arch) => {
        const result = autoSelect(r.assets, { os: 'linux', arch }, { repoName: entry.repo.split('/')[1]!, tag: entry.tag });
        return result.kind === 'picked' ? [{ arch, os: 'linux', asset: result.asset.name, release: r }] : [];
      });
      if (picks.length === 0) continue;
      const names = pinnedAssetNames(picks);
      for (const pick of picks) {
        const written = names.perArch[pick.arch] ?? names.topLevel!;
        const spec = parseDescriptor(`[[metadata.githubassets]]\nrepo = "${entry.repo}"\nasset = ${JSON.stringify(written)}\n`).specs[0]!;
        expect(selectAssetFor(r, spec, { os: 'linux', arch: pick.arch }).asset.name, `${entry.repo} ${pick.arch}: ${written}`).toBe(
          pick.asset,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});
