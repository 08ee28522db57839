import { describe, expect, it } from 'vitest';
import { parseDescriptor } from '../../src/descriptor/parse.js';
import type { BuildpackError } from '../../src/errors.js';
import { applyPlan, archesFor, type PinPlan } from '../../src/cli/pin.js';

const SHA = 'd'.repeat(64);

function plan(index: number, arch: string, written: string, edit: PinPlan['edits'][number]): PinPlan {
  return {
    entries: [
      {
        index,
        entry: `githubassets[${index}] (acme/tool)`,
        repo: 'acme/tool',
        tag: { from: 'v1', to: 'v1' },
        pins: [{ arch, asset: 'y', sha256: SHA, source: 'github-digest', matched: [], written }],
        notes: [],
      },
    ],
    edits: [edit],
  };
}

function failure(fn: () => unknown): BuildpackError {
  try {
    fn();
  } catch (err) {
    return err as BuildpackError;
  }
  throw new Error('expected an error');
}

describe('applyPlan', () => {
  it('returns the edited text when it re-parses to exactly the intended pins', () => {
    const text = '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "y"\ntag = "v1"\n';
    const specs = parseDescriptor(text).specs;
    expect(applyPlan({ text, shown: 'project.toml', specs }, plan(1, 'amd64', 'entry', { index: 1, sha256: SHA }), 'linux')).toBe(
      `${text}sha256 = "${SHA}"\n`,
    );
  });

  it('aborts with GHA061 when the edited text no longer parses (an arch table the editor did not see)', () => {
    const text =
      '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "x"\ntag = "v1"\n\n[metadata.githubassets.arch]\narm64 = { asset = "y" }\n';
    const specs = parseDescriptor(text).specs;
    const err = failure(() =>
      applyPlan({ text, shown: 'project.toml', specs }, plan(1, 'arm64', 'arch.arm64', { index: 1, arch: { arm64: SHA } }), 'linux'),
    );
    expect(err.code).toBe('GHA061');
    expect(err.message).toMatch(/^cannot pin safely: the edited file does not validate \(project\.toml is not valid TOML/);
    expect(err.hint).toContain(`githubassets[1] (acme/tool): […arch.arm64] sha256 = "${SHA}"`);
  });

  it('aborts with GHA061 when the edit does not yield the intended hash for an arch', () => {
    // The plan claims the top-level pin covers arm64, but arm64 has its own asset, which drops it.
    const text =
      '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "x"\ntag = "v1"\n\n[metadata.githubassets.arch.arm64]\nasset = "y"\n';
    const specs = parseDescriptor(text).specs;
    const err = failure(() =>
      applyPlan({ text, shown: 'project.toml', specs }, plan(1, 'arm64', 'entry', { index: 1, sha256: SHA }), 'linux'),
    );
    expect(err.code).toBe('GHA061');
    expect(err.message).toBe(
      `cannot pin safely: githubassets[1] (acme/tool) does not pin ${SHA} for arm64 after the edit; nothing was written`,
    );
  });
});

describe('archesFor', () => {
  it('pins every requested arch: without a top-level asset, the arches without a table are picked automatically', () => {
    const [withAsset, tablesOnly] = parseDescriptor(
      '[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n\n[[metadata.githubassets]]\nrepo = "a/c"\n[metadata.githubassets.arch.arm64]\nasset = "y"\n',
    ).specs;
    expect(archesFor(withAsset!, ['amd64', 'arm64'])).toEqual(['amd64', 'arm64']);
    expect(archesFor(tablesOnly!, ['amd64', 'arm64'])).toEqual(['amd64', 'arm64']);
  });
});
