// `github-assets update` end to end: the compiled CLI as a child process against the local
// GitHub stand-in, on real project.toml files. Asserts the bytes written, the hashes, what the
// stand-in was asked (one release list per repo), dry runs and the JSON report.

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeGitHubForFile } from '../support/e2e.js';
import { runCli } from '../support/cnb.js';
import { parseDescriptor } from '../../src/descriptor/parse.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const bytes = (repo: string, version: string, arch: string) => `${repo} ${version} for ${arch}`;

const gh = await fakeGitHubForFile();
let dir: string;

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: dir, env: { GITHUB_API_URL: gh.apiUrl, ...env } });
}

function write(text: string): string {
  const path = join(dir, 'project.toml');
  writeFileSync(path, text);
  return path;
}
const read = () => readFileSync(join(dir, 'project.toml'), 'utf8');

/** Requests for a repo's release list (any page), and for anything else about its releases. */
const listRequests = (repo: string) =>
  gh.requests.filter((r) => r.origin === 'api' && new RegExp(`/repos/${repo}/releases(\\?|$)`).test(r.path));
const otherReleaseLookups = () => gh.requests.filter((r) => r.origin === 'api' && /\/releases\/(tags|latest)/.test(r.path));

function addTool(repo: string, version: string, opts: { prerelease?: boolean } = {}): void {
  const name = repo.split('/')[1]!;
  gh.addRelease(repo, {
    tag: `v${version}`,
    ...(opts.prerelease ? { prerelease: true } : {}),
    assets: ['amd64', 'arm64'].map((arch) => ({ name: `${name}_${version}_linux_${arch}.tar.gz`, content: bytes(repo, version, arch) })),
  });
}

beforeAll(() => {
  gh.addRepo('acme/tool');
  for (const v of ['1.4.6', '1.4.7', '1.5.0', '2.0.0']) addTool('acme/tool', v);
  addTool('acme/tool', '2.1.0-rc.1', { prerelease: true });

  gh.addRepo('acme/single');
  gh.addRelease('acme/single', { tag: 'v3.1.0', assets: [{ name: 'single.jar', content: 'single 3.1.0' }] });
  gh.addRelease('acme/single', { tag: 'v3.1.1', assets: [{ name: 'single.jar', content: 'single 3.1.1' }] });

  gh.addRepo('acme/frozen');
  gh.addRelease('acme/frozen', { tag: 'v1.0.0', assets: [{ name: 'frozen', content: 'frozen 1.0.0' }] });
  gh.addRelease('acme/frozen', { tag: 'v1.1.0', assets: [{ name: 'frozen', content: 'frozen 1.1.0' }] });

  gh.addRepo('acme/nightly');
  gh.addRelease('acme/nightly', { tag: 'nightly', assets: [{ name: 'nightly-linux', content: 'nightly' }] });
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gha-update-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const OLD = {
  amd64: sha(bytes('acme/tool', '1.4.6', 'amd64')),
  arm64: sha(bytes('acme/tool', '1.4.6', 'arm64')),
  single: sha('single 3.1.0'),
  frozen: sha('frozen 1.0.0'),
};

const PINNED = `# tools for the probe image
[[metadata.githubassets]]
repo = "acme/tool"
tag = "v1.4.6"        # bumped by github-assets update
asset = "tool_{version}_{os}_{arch}.tar.gz"
destination = "bin"

[metadata.githubassets.arch.amd64]
sha256 = "${OLD.amd64}"

[metadata.githubassets.arch.arm64]
sha256 = "${OLD.arm64}"

[[metadata.githubassets]]
repo = "acme/single"
asset = "single.jar"
tag = 'v3.1.0'
sha256 = "${OLD.single}"

[[metadata.githubassets]]
repo = "acme/frozen"
tag = "v1.0.0"
asset = "frozen"
sha256 = "${OLD.frozen}"
update = false  # vendor support ends at 1.0
`;

describe('github-assets update', () => {
  it('moves each entry within --to minor, writes the new tags and per-arch hashes, and keeps everything else', async () => {
    write(PINNED);
    const result = await cli(['update']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = PINNED.replace('tag = "v1.4.6"        #', 'tag = "v1.5.0"        #')
      .replace(OLD.amd64, sha(bytes('acme/tool', '1.5.0', 'amd64')))
      .replace(OLD.arm64, sha(bytes('acme/tool', '1.5.0', 'arm64')))
      .replace("tag = 'v3.1.0'", "tag = 'v3.1.1'")
      .replace(OLD.single, sha('single 3.1.1'));
    expect(read()).toBe(expected);
    expect(result.stdout).toContain('githubassets[1] (acme/tool)  v1.4.6 -> v1.5.0  (minor)');
    expect(result.stdout).toContain('githubassets[3] (acme/frozen)  skipped: update = false');
    // The result is what a build would verify: every arch's pin is its asset's hash.
    const specs = parseDescriptor(read()).specs;
    expect(specs.map((s) => s.tag)).toEqual(['v1.5.0', 'v3.1.1', 'v1.0.0']);
  });

  it('asks GitHub for one release list per repo and nothing else about releases', async () => {
    write(
      PINNED.replace('repo = "acme/single"', 'repo = "acme/tool"')
        .replace('asset = "single.jar"', 'asset = "tool_{version}_linux_amd64.tar.gz"')
        .replace(`sha256 = "${OLD.single}"`, '')
        .replace("tag = 'v3.1.0'", "tag = 'v1.4.7'"),
    );
    const result = await cli(['update', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(listRequests('acme/tool')).toHaveLength(1);
    expect(listRequests('acme/frozen')).toHaveLength(0);
    expect(otherReleaseLookups()).toEqual([]);
    // Hashes came from GitHub's digests: no asset was downloaded.
    expect(gh.requests.filter((r) => r.origin === 'download')).toEqual([]);
  });

  it('--dry-run prints the diff and leaves the file byte for byte', async () => {
    write(PINNED);
    const result = await cli(['update', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(read()).toBe(PINNED);
    expect(result.stdout).toContain('-tag = "v1.4.6"        # bumped by github-assets update');
    expect(result.stdout).toContain('+tag = "v1.5.0"        # bumped by github-assets update');
    expect(result.stdout).toContain(`+sha256 = "${sha('single 3.1.1')}"`);
    expect(result.stdout).toContain('(dry run: project.toml was not changed)');
  });

  it('--json reports old -> new per entry, with the pins, and whether it wrote', async () => {
    write(PINNED);
    const result = await cli(['update', '--json', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ file: 'project.toml', changed: true, written: false });
    expect(report.diff).toContain('+tag = "v1.5.0"');
    expect(report.entries.map((e: Record<string, unknown>) => [e.index, e.repo, e.status, e.from, e.to, e.policy])).toEqual([
      [1, 'acme/tool', 'updated', 'v1.4.6', 'v1.5.0', 'minor'],
      [2, 'acme/single', 'updated', 'v3.1.0', 'v3.1.1', 'minor'],
      [3, 'acme/frozen', 'skipped', 'v1.0.0', 'v1.0.0', null],
    ]);
    expect(report.entries[0].pins).toEqual([
      expect.objectContaining({
        arch: 'amd64',
        asset: 'tool_1.5.0_linux_amd64.tar.gz',
        sha256: sha(bytes('acme/tool', '1.5.0', 'amd64')),
        written: 'arch.amd64',
        previous: OLD.amd64,
      }),
      expect.objectContaining({
        arch: 'arm64',
        asset: 'tool_1.5.0_linux_arm64.tar.gz',
        sha256: sha(bytes('acme/tool', '1.5.0', 'arm64')),
        written: 'arch.arm64',
        previous: OLD.arm64,
      }),
    ]);
    expect(report.entries[2].reason).toBe('update = false');
    expect(report.entries[0].notes).toBeUndefined();
  });

  it('--to patch stays on the minor line; --to latest crosses majors but not into prereleases', async () => {
    write(PINNED);
    await cli(['update', '--to', 'patch']);
    expect(parseDescriptor(read()).specs[0]!.tag).toBe('v1.4.7');
    await cli(['update', '--to', 'latest']);
    expect(parseDescriptor(read()).specs[0]!.tag).toBe('v2.0.0');
    const again = await cli(['update', '--to', 'latest']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('project.toml is up to date; nothing to change.');
  });

  it("an entry's own update range wins over --to", async () => {
    write(PINNED.replace('destination = "bin"', 'destination = "bin"\nupdate = "~1.4"'));
    await cli(['update', '--to', 'latest']);
    const tool = parseDescriptor(read()).specs[0]!;
    expect([tool.tag, tool.update]).toEqual(['v1.4.7', '~1.4']);
  });

  it('pins a range tag to its newest match and keeps the range as update, so the next update stays inside it', async () => {
    const text = `[[metadata.githubassets]]\nrepo = "acme/tool"\ntag = "~1.4"\nasset = "tool_{version}_{os}_{arch}.tar.gz"\n`;
    write(text);
    const result = await cli(['update']);
    expect(result.code, result.stderr).toBe(0);
    expect(read()).toBe(
      `[[metadata.githubassets]]\nrepo = "acme/tool"\ntag = "v1.4.7"\nupdate = "~1.4"\nasset = "tool_{version}_{os}_{arch}.tar.gz"\n\n` +
        `[metadata.githubassets.arch.amd64]\nsha256 = "${sha(bytes('acme/tool', '1.4.7', 'amd64'))}"\n\n` +
        `[metadata.githubassets.arch.arm64]\nsha256 = "${sha(bytes('acme/tool', '1.4.7', 'arm64'))}"\n`,
    );
    const second = await cli(['update', '--to', 'latest']);
    expect(second.stdout).toContain('v1.4.7 is the newest release update = "~1.4" allows');
  });

  it('leaves tag = "latest" alone unless --pin-latest, which writes the newest exact tag and update = "latest"', async () => {
    const text = `[[metadata.githubassets]]\nrepo = "acme/single"\nasset = "single.jar"\n`;
    write(text);
    const skipped = await cli(['update', '--json']);
    expect(JSON.parse(skipped.stdout).entries[0]).toMatchObject({ status: 'skipped', policy: 'latest' });
    expect(read()).toBe(text);
    const pinned = await cli(['update', '--pin-latest']);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(read()).toBe(
      `[[metadata.githubassets]]\nrepo = "acme/single"\nasset = "single.jar"\ntag = "v3.1.1"\nupdate = "latest"\nsha256 = "${sha('single 3.1.1')}"\n`,
    );
  });

  it('--pin-latest keeps a latest entry inside its own update range', async () => {
    const text = `[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool_{version}_linux_amd64.tar.gz"\nupdate = "~1.4"\n`;
    write(text);
    const result = await cli(['update', '--pin-latest', '--arch', 'amd64', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).entries[0]).toMatchObject({ status: 'updated', from: 'latest', to: 'v1.4.7', policy: '~1.4' });
    expect(read()).toBe(
      // A pattern pinned for one architecture gets that arch's table, as with pin.
      `[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool_{version}_linux_amd64.tar.gz"\ntag = "v1.4.7"\nupdate = "~1.4"\n\n` +
        `[metadata.githubassets.arch.amd64]\nsha256 = "${sha(bytes('acme/tool', '1.4.7', 'amd64'))}"\n`,
    );
  });

  it('stops with GHA062 on a tag that is not a version, writes nothing, and suggests update = false', async () => {
    const text = `${PINNED}\n[[metadata.githubassets]]\nrepo = "acme/nightly"\ntag = "nightly"\nasset = "nightly-linux"\n`;
    write(text);
    const result = await cli(['update']);
    expect(result.code).toBe(1);
    expect(read()).toBe(text);
    expect(result.stderr).toContain('ERROR [GHA062] githubassets[4] (acme/nightly): tag = "nightly" is not a semantic version');
    expect(result.stderr).toContain('update = false');
    const json = JSON.parse((await cli(['update', '--json'])).stdout);
    expect(json.error).toMatchObject({ code: 'GHA062', entry: 'githubassets[4] (acme/nightly)' });
  });

  it('rejects an unknown --to and a bad update value', async () => {
    write(PINNED);
    const usage = await cli(['update', '--to', 'major']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('[GHA060] update: --to "major" is not a policy');
    write(PINNED.replace('update = false', 'update = "sometimes"'));
    const bad = await cli(['update']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[GHA003] githubassets[3] (acme/frozen): update = "sometimes" is neither');
  });
});
