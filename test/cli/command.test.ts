// bin/github-assets end to end: the compiled CLI as a child process (pinned runtime on PATH)
// against the local GitHub stand-in, on real project.toml files in temp dirs.

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGitHub } from '../support/fake-github/index.js';
import { fakeGitHubForFile } from '../support/e2e.js';
import { repoRoot, runCli } from '../support/cnb.js';

const TOKEN = 'ghp_cliSecretToken0123456789abcdef';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const BYTES = {
  amd64: 'tool 1.4.7 for amd64',
  arm64: 'tool 1.4.7 for arm64',
  old: 'tool 1.4.6 for amd64',
  single: 'one jar for every arch',
  nodigest: 'a binary uploaded before GitHub computed digests',
  private: 'private toolchain',
};

const gh = await fakeGitHubForFile();
let dir: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}, bin = join(repoRoot, 'bin', 'github-assets')): Promise<CliResult> {
  return runCli(args, { cwd: dir, env: { GITHUB_API_URL: gh.apiUrl, ...env }, bin });
}

function write(text: string, name = 'project.toml'): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

beforeAll(() => {
  gh.addRepo('acme/tool');
  gh.addRelease('acme/tool', { tag: 'v1.4.6', assets: [{ name: 'tool_1.4.6_linux_amd64.tar.gz', content: BYTES.old }] });
  gh.addRelease('acme/tool', {
    tag: 'v1.4.7',
    assets: [
      { name: 'tool_1.4.7_linux_amd64.tar.gz', content: BYTES.amd64 },
      { name: 'tool_1.4.7_linux_arm64.tar.gz', content: BYTES.arm64 },
      {
        name: 'checksums.txt',
        content: `${sha(BYTES.amd64)}  tool_1.4.7_linux_amd64.tar.gz\n${sha(BYTES.arm64)}  tool_1.4.7_linux_arm64.tar.gz\n`,
      },
    ],
  });
  gh.addRelease('acme/tool', { tag: 'v2.0.0', assets: [{ name: 'tool_2.0.0_linux_amd64.tar.gz', content: 'v2' }] });

  gh.addRepo('acme/single');
  gh.addRelease('acme/single', { tag: 'v3.1.0', assets: [{ name: 'single.jar', content: BYTES.single }] });

  gh.addRepo('acme/old');
  gh.addRelease('acme/old', {
    tag: 'v0.9.0',
    assets: [
      { name: 'old-linux-amd64', content: BYTES.nodigest, digest: null },
      { name: 'SHA256SUMS', content: `${sha(BYTES.nodigest)}  old-linux-amd64\n`, digest: null },
    ],
  });
  gh.addRelease('acme/old', {
    tag: 'v0.9.1',
    assets: [
      { name: 'old-linux-amd64', content: 'tampered', digest: null },
      { name: 'SHA256SUMS', content: `${sha('original')}  old-linux-amd64\n`, digest: null },
    ],
  });

  gh.addRepo('acme/private', { private: true });
  gh.addRepo('acme/private-legacy', { private: true });
  gh.addToken(TOKEN, { repos: ['acme/private', 'acme/private-legacy'] });
  gh.addRelease('acme/private-legacy', {
    tag: 'v0.2.0',
    assets: [{ name: 'toolchain-linux-amd64', content: 'private v0.2.0', digest: null }],
  });
  gh.addRelease('acme/private', { tag: 'v0.1.0', assets: [{ name: 'toolchain-linux-amd64', content: BYTES.private }] });
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gha-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CHECKED = `# tools for the probe image
[[metadata.githubassets]]
repo = "acme/tool"
tag = "~1.4"                                  # newest 1.4.x
asset = "tool_{version}_{os}_{arch}.tar.gz"
destination = "bin"

[[metadata.githubassets]]
repo = "acme/single"
asset = "single.jar"
destination = "lib/"
`;

describe('github-assets --help / --version', () => {
  it('prints the version from buildpack.toml, as text and JSON', async () => {
    const version = /version = "([^"]+)"/.exec(readFileSync(join(repoRoot, 'buildpack.toml'), 'utf8'))![1]!;
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `github-assets ${version}\n`, stderr: '' });
    expect(JSON.parse((await cli(['--version', '--json'])).stdout)).toEqual({ version });
  });

  it('prints help for the tool and each command', async () => {
    const main = await cli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/^Usage: github-assets <command>/);
    expect(main.stdout).toContain('check [FILE]');
    const check = await cli(['check', '--help']);
    expect(check.stdout).toMatch(/^Usage: github-assets check \[FILE\] \[--offline\]/);
    const pin = await cli(['help', 'pin']);
    expect(pin.stdout).toMatch(/^Usage: github-assets pin \[FILE\] \[--dry-run\]/);
  });

  it('exits 2 on a usage error, with the code and a hint', async () => {
    const result = await cli(['check', '--offlin']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("ERROR [GHA060] check: Unknown option '--offlin'\n  hint: run github-assets check --help\n");
    const json = await cli(['deploy', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'GHA060',
        entry: null,
        message: 'unknown command "deploy"',
        hint: 'the commands are check, pin and update; run github-assets --help',
      },
    });
  });

  it('says how to compile when run from a checkout without lib/', async () => {
    const checkout = join(dir, 'checkout');
    mkdirSync(join(checkout, 'bin'), { recursive: true });
    copyFileSync(join(repoRoot, 'bin', 'github-assets'), join(checkout, 'bin', 'github-assets'));
    chmodSync(join(checkout, 'bin', 'github-assets'), 0o755);
    const result = await cli(['--version'], {}, join(checkout, 'bin', 'github-assets'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${checkout}/lib/cli.mjs is missing`);
    expect(result.stderr).toContain("run 'npm run compile'");
  });
});

describe('github-assets check', () => {
  it('resolves every entry for the target and prints the table', async () => {
    write(CHECKED);
    const result = await cli(['check', '--arch', 'arm64']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('project.toml: 2 entries resolved for linux/arm64');
    expect(lines[2]).toMatch(/^#\s+REPO\s+TAG\s+ASSET\s+SIZE\s+SHA256\s+PATH IN IMAGE$/);
    expect(lines[3]).toMatch(
      new RegExp(
        `^1\\s+acme/tool\\s+v1\\.4\\.7 \\(~1\\.4\\)\\s+tool_1\\.4\\.7_linux_arm64\\.tar\\.gz\\s+20 B\\s+${sha(BYTES.arm64).slice(0, 12)}… \\(GitHub\\)\\s+/layers/github-assets_buildpack/acme_tool/bin/$`,
      ),
    );
    expect(lines[4]).toMatch(
      /^2\s+acme\/single\s+v3\.1\.0 \(latest\)\s+single\.jar\s+22 B\s+\S+… \(GitHub\)\s+\/layers\/github-assets_buildpack\/acme_single\/lib\/single\.jar$/,
    );
    expect(result.stdout).toContain('OK: every entry resolves.');
    // One lookup per entry (range: the release list; latest: the latest endpoint); nothing downloaded.
    expect(gh.countRequests({ origin: 'download' })).toBe(0);
  });

  it('prints JSON with full digests and paths', async () => {
    write(CHECKED);
    const result = await cli(['check', '--json', '--arch', 'amd64']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, file: 'project.toml', target: { os: 'linux', arch: 'amd64' }, offline: false });
    expect(report.entries[0]).toEqual({
      index: 1,
      entry: 'githubassets[1] (acme/tool)',
      repo: 'acme/tool',
      requestedTag: '~1.4',
      tag: 'v1.4.7',
      asset: 'tool_1.4.7_linux_amd64.tar.gz',
      size: BYTES.amd64.length,
      digest: `sha256:${sha(BYTES.amd64)}`,
      paths: ['/layers/github-assets_buildpack/acme_tool/bin/'],
      // attestations default to auto: the digest was looked up and the release has none.
      attestation: 'none',
      notes: [expect.stringContaining('no SLSA provenance attestation for sha256:')],
    });
  });

  it('reports each failing entry with its code, label and hint, and exits 1', async () => {
    write(`${CHECKED}
[[metadata.githubassets]]
repo = "acme/tool"
tag = "v1.4.6"
asset = "tool_{version}_{os}_{arch}.tar.gz"

[[metadata.githubassets]]
repo = "acme/missing"
asset = "x"
`);
    const result = await cli(['check', '--arch', 'arm64']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'ERROR [GHA014] githubassets[3] (acme/tool): release v1.4.6 has no asset matching "tool_{version}_{os}_{arch}.tar.gz"; it has: tool_1.4.6_linux_amd64.tar.gz\n  hint: no asset matches for linux/arm64',
    );
    expect(result.stderr).toContain(
      'ERROR [GHA010] githubassets[4] (acme/missing): repository acme/missing not found (or it is private and not visible without a token)',
    );
    expect(result.stdout).toMatch(/^3\s+acme\/tool\s+ERROR\s+GHA014\s/m);
    expect(result.stdout).toContain('2 of 4 entries have problems.');

    const json = JSON.parse((await cli(['check', '--json', '--arch', 'arm64'])).stdout);
    expect(json.ok).toBe(false);
    expect(json.entries[3].error).toMatchObject({ code: 'GHA010', entry: 'githubassets[4] (acme/missing)' });
    expect(json.entries[0].error).toBeUndefined();
  });

  it('uses token_env (else GITHUB_TOKEN) for private repositories and never prints the token', async () => {
    write('[[metadata.githubassets]]\nrepo = "acme/private"\nasset = "toolchain-linux-amd64"\ntoken_env = "TOOLCHAIN_TOKEN"\n');
    const without = await cli(['check']);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('ERROR [GHA010] githubassets[1] (acme/private):');
    expect(without.stderr).toContain('hint: token_env = "TOOLCHAIN_TOKEN" but TOOLCHAIN_TOKEN is not set; export TOOLCHAIN_TOKEN=<token>');

    const withToken = await cli(['check', '--json'], { TOOLCHAIN_TOKEN: TOKEN });
    expect(withToken.code).toBe(0);
    expect(JSON.parse(withToken.stdout).entries[0]).toMatchObject({ tag: 'v0.1.0', asset: 'toolchain-linux-amd64' });

    write('[[metadata.githubassets]]\nrepo = "acme/private"\nasset = "toolchain-linux-amd64"\n');
    const viaDefault = await cli(['check'], { GITHUB_TOKEN: TOKEN });
    expect(viaDefault.code).toBe(0);
    const bad = await cli(['check'], { GITHUB_TOKEN: `${TOKEN}x` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ERROR [GHA011] githubassets[1] (acme/private): GitHub rejected the token in $GITHUB_TOKEN');
    for (const r of [withToken, viaDefault, bad]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("compares a pinned sha256 with GitHub's digest (GHA030) and enforces strict mode (GHA031)", async () => {
    write(
      `[[metadata.githubassets]]\nrepo = "acme/single"\nasset = "single.jar"\nsha256 = "${'0'.repeat(64)}"\n\n[[metadata.githubassets]]\nrepo = "acme/tool"\ntag = "v1.4.6"\nasset = "tool_1.4.6_linux_amd64.tar.gz"\n`,
    );
    const result = await cli(['check'], { GITHUB_ASSETS_STRICT: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ERROR [GHA030] githubassets[1] (acme/single): sha256 mismatch for single.jar: pinned sha256 expects ${'0'.repeat(64)}, but GitHub's asset digest is ${sha(BYTES.single)}`,
    );
    expect(result.stderr).toContain(
      'ERROR [GHA031] githubassets[2] (acme/tool): strict verification (GITHUB_ASSETS_STRICT) requires a pinned sha256',
    );
  });

  it('validates offline without any request, and reports file errors with their codes', async () => {
    write(CHECKED);
    const ok = await cli(['check', '--offline', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^1\s+acme\/tool\s+~1\.4\s+tool_\{version\}_\{os\}_\{arch\}\.tar\.gz\s+-\s+\/layers\/github-assets_buildpack\/acme_tool\/bin\/$/m,
    );
    expect(gh.requests).toHaveLength(0);

    write('[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "x"\ndestinaton = "bin"\n', 'typo.toml');
    const typo = await cli(['check', '--offline', 'typo.toml']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(
      'ERROR [GHA004] githubassets[1] (acme/tool): unknown key "destinaton"\n  hint: did you mean "destination"? valid keys: ' +
        typo.stderr.split('valid keys: ')[1],
    );

    write('[[metadata.githubassets]\nrepo = "acme/tool"\n', 'broken.toml');
    const broken = JSON.parse((await cli(['check', '--offline', '--json', 'broken.toml'])).stdout);
    expect(broken.error).toMatchObject({ code: 'GHA002', entry: null });
    expect(broken.error.message).toMatch(/^broken\.toml is not valid TOML at line 1/);

    const missing = await cli(['check', 'nope.toml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ERROR \[GHA001\] nope\.toml does not exist\n {2}hint: pass the path of your project\.toml/);
    expect(JSON.parse((await cli(['check', '--json', 'nope.toml'])).stdout).error).toMatchObject({
      code: 'GHA001',
      entry: null,
      message: 'nope.toml does not exist',
    });

    write('[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "x"\ndestination = "/usr/bin"\n', 'abs.toml');
    const abs = JSON.parse((await cli(['check', '--json', '--offline'], { GITHUB_ASSETS_PATH: 'abs.toml' })).stdout);
    expect(abs.error).toMatchObject({ code: 'GHA005', entry: 'githubassets[1] (acme/tool)' });
  });
});

const PINNABLE = `# Tools. Keep this comment.
[_]
schema-version = "0.2"

[[_.metadata.githubassets]]
repo = "acme/tool"
tag = '~1.4'   # newest 1.4.x
asset = "tool_{version}_{os}_{arch}.tar.gz"
destination = "bin"

# one file for every architecture
[[_.metadata.githubassets]]
repo = "acme/single"
asset = "single.jar"

[[build.env]]
name = "BP_X"
value = "1"
`;

const PINNED = `# Tools. Keep this comment.
[_]
schema-version = "0.2"

[[_.metadata.githubassets]]
repo = "acme/tool"
tag = 'v1.4.7'   # newest 1.4.x
asset = "tool_{version}_{os}_{arch}.tar.gz"
destination = "bin"

[_.metadata.githubassets.arch.amd64]
sha256 = "${sha(BYTES.amd64)}"

[_.metadata.githubassets.arch.arm64]
sha256 = "${sha(BYTES.arm64)}"

# one file for every architecture
[[_.metadata.githubassets]]
repo = "acme/single"
asset = "single.jar"
tag = "v3.1.0"
sha256 = "${sha(BYTES.single)}"

[[build.env]]
name = "BP_X"
value = "1"
`;

describe('github-assets pin', () => {
  it('writes exact tags and per-arch or shared sha256, keeping everything else; a second run changes nothing', async () => {
    const file = write(PINNABLE);
    const result = await cli(['pin']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(PINNED);
    expect(result.stdout).toContain('githubassets[1] (acme/tool)\n  tag     v1.4.7 (was "~1.4")\n');
    expect(result.stdout).toContain(
      `  arm64   tool_1.4.7_linux_arm64.tar.gz sha256:${sha(BYTES.arm64)} (GitHub's asset digest) -> [arch.arm64] sha256`,
    );
    expect(result.stdout).toContain(`  amd64   single.jar sha256:${sha(BYTES.single)} (GitHub's asset digest) -> sha256`);
    expect(result.stdout).toContain('Wrote project.toml.');
    expect(gh.countRequests({ origin: 'download' })).toBe(0);

    const again = await cli(['pin']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('project.toml is already pinned; nothing to change.');
    expect(readFileSync(file, 'utf8')).toBe(PINNED);

    const check = await cli(['check', '--arch', 'arm64'], { GITHUB_ASSETS_STRICT: '1' });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('… (pinned, = GitHub)');
  });

  it("re-pins a tag bumped without its hashes (Renovate's post-upgrade `pin FILE`), saying which pin was stale", async () => {
    // As Renovate leaves it: the tag moved to v1.4.7, the amd64 pin is still the hash of v1.4.6's asset.
    const file = write(PINNED.replace(`sha256 = "${sha(BYTES.amd64)}"`, `sha256 = "${sha(BYTES.old)}"`));
    const result = await cli(['pin', 'project.toml']);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(PINNED);
    expect(result.stdout).toContain(
      `  NOTE: amd64: the pinned sha256 ${sha(BYTES.old)} is not that of tool_1.4.7_linux_amd64.tar.gz in v1.4.7: the tag was changed without a new pin`,
    );
    expect(result.stdout).not.toContain('NOTE: arm64');
  });

  it('--dry-run prints a unified diff and leaves the file alone; --json carries the same diff', async () => {
    const file = write(PINNABLE);
    const result = await cli(['pin', '--dry-run']);
    expect(result.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(PINNABLE);
    expect(result.stdout).toContain(
      [
        '--- a/project.toml',
        '+++ b/project.toml',
        '@@ -4,14 +4,22 @@',
        ' ',
        ' [[_.metadata.githubassets]]',
        ' repo = "acme/tool"',
        "-tag = '~1.4'   # newest 1.4.x",
        "+tag = 'v1.4.7'   # newest 1.4.x",
        ' asset = "tool_{version}_{os}_{arch}.tar.gz"',
        ' destination = "bin"',
        ' ',
        '+[_.metadata.githubassets.arch.amd64]',
        `+sha256 = "${sha(BYTES.amd64)}"`,
        '+',
        '+[_.metadata.githubassets.arch.arm64]',
        `+sha256 = "${sha(BYTES.arm64)}"`,
        '+',
        ' # one file for every architecture',
        ' [[_.metadata.githubassets]]',
        ' repo = "acme/single"',
        ' asset = "single.jar"',
        '+tag = "v3.1.0"',
        `+sha256 = "${sha(BYTES.single)}"`,
        ' ',
        ' [[build.env]]',
        ' name = "BP_X"',
      ].join('\n'),
    );
    expect(result.stdout).toContain('(dry run: project.toml was not changed)');

    const json = JSON.parse((await cli(['pin', '--dry-run', '--json'])).stdout);
    expect(json).toMatchObject({ file: 'project.toml', changed: true, written: false });
    expect(json.diff).toBe(result.stdout.slice(result.stdout.indexOf('--- a/'), result.stdout.indexOf('\n(dry run')));
    expect(json.entries[1]).toEqual({
      index: 2,
      entry: 'githubassets[2] (acme/single)',
      repo: 'acme/single',
      tag: { from: 'latest', to: 'v3.1.0' },
      pins: [
        { arch: 'amd64', asset: 'single.jar', sha256: sha(BYTES.single), source: 'github-digest', matched: [], written: 'entry' },
        { arch: 'arm64', asset: 'single.jar', sha256: sha(BYTES.single), source: 'github-digest', matched: [], written: 'entry' },
      ],
      notes: [],
    });
    expect(readFileSync(file, 'utf8')).toBe(PINNABLE);
  });

  it('downloads and hashes an asset GitHub has no digest for, checking it against the checksums file', async () => {
    const file = write('[[metadata.githubassets]]\nrepo = "acme/old"\ntag = "v0.9.0"\nasset = "old-linux-amd64"\n');
    const result = await cli(['pin', '--arch', 'amd64']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`old-linux-amd64 sha256:${sha(BYTES.nodigest)} (downloaded and hashed, matches SHA256SUMS) -> sha256`);
    expect(readFileSync(file, 'utf8')).toBe(
      `[[metadata.githubassets]]\nrepo = "acme/old"\ntag = "v0.9.0"\nasset = "old-linux-amd64"\nsha256 = "${sha(BYTES.nodigest)}"\n`,
    );

    const tampered = write('[[metadata.githubassets]]\nrepo = "acme/old"\ntag = "v0.9.1"\nasset = "old-linux-amd64"\n');
    const bad = await cli(['pin', '--arch', 'amd64']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `ERROR [GHA030] githubassets[1] (acme/old): sha256 mismatch for old-linux-amd64: SHA256SUMS expects ${sha('original')}`,
    );
    expect(bad.stderr).toContain('Nothing was written');
    expect(readFileSync(tampered, 'utf8')).not.toContain('sha256');
  });

  it('downloads a private asset with the token_env token, without printing it', async () => {
    const file = write(
      '[[metadata.githubassets]]\nrepo = "acme/private-legacy"\ntoken_env = "TOOLCHAIN_TOKEN"\ntag = "v0.2.0"\nasset = "toolchain-linux-amd64"\n',
    );
    const result = await cli(['pin', '--json'], { TOOLCHAIN_TOKEN: TOKEN });
    expect(result.code, result.stdout).toBe(0);
    expect(
      JSON.parse(result.stdout).entries[0].pins.map((p: { arch: string; source: string; written: string }) => [
        p.arch,
        p.source,
        p.written,
      ]),
    ).toEqual([
      ['amd64', 'downloaded', 'entry'],
      ['arm64', 'downloaded', 'entry'],
    ]);
    expect(readFileSync(file, 'utf8')).toContain(`asset = "toolchain-linux-amd64"\nsha256 = "${sha('private v0.2.0')}"\n`);
    // One download for both arches; the token went to the API, never to the download host.
    const downloads = gh.requests.filter((r) => r.origin === 'download');
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.headers.authorization).toBeUndefined();
    expect(
      gh.requests
        .filter((r) => r.origin === 'api' && r.path.includes('/releases/assets/'))
        .every((r) => r.headers.authorization === `token ${TOKEN}`),
    ).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it('writes nothing when an architecture has no asset, and says which --arch to use', async () => {
    const text = '[[metadata.githubassets]]\nrepo = "acme/tool"\ntag = "v1.4.6"\nasset = "tool_{version}_{os}_{arch}.tar.gz"\n';
    const file = write(text);
    const result = await cli(['pin']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'ERROR [GHA014] githubassets[1] (acme/tool): release v1.4.6 has no asset matching "tool_{version}_{os}_{arch}.tar.gz"; it has: tool_1.4.6_linux_amd64.tar.gz (while pinning for linux/arm64)',
    );
    expect(result.stderr).toContain('pin only the others with --arch amd64');
    expect(readFileSync(file, 'utf8')).toBe(text);
    const json = await cli(['pin', '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.error).toMatchObject({ code: 'GHA014', entry: 'githubassets[1] (acme/tool)' });
    expect(report.errors).toEqual([report.error]);
    expect(readFileSync(file, 'utf8')).toBe(text);

    const amd64Only = await cli(['pin', '--arch', 'amd64', '--json']);
    expect(amd64Only.code).toBe(0);
    expect(JSON.parse(amd64Only.stdout).entries[0].pins).toEqual([
      {
        arch: 'amd64',
        asset: 'tool_1.4.6_linux_amd64.tar.gz',
        sha256: sha(BYTES.old),
        source: 'github-digest',
        matched: [],
        written: 'arch.amd64',
      },
    ]);
    expect(readFileSync(file, 'utf8')).toBe(`${text}\n[metadata.githubassets.arch.amd64]\nsha256 = "${sha(BYTES.old)}"\n`);
  });

  it('refuses (GHA061) to edit entries written as inline tables, and writes nothing', async () => {
    const text = '[metadata]\ngithubassets = [{ repo = "acme/single", asset = "single.jar" }]\n';
    const file = write(text);
    const result = await cli(['pin', '--json']);
    expect(result.code).toBe(1);
    const { error } = JSON.parse(result.stdout);
    expect(error.code).toBe('GHA061');
    expect(error.message).toMatch(
      /^cannot pin safely: entry 1 is not written as a \[\[metadata\.githubassets\]\] table header; nothing was written$/,
    );
    expect(error.hint).toContain(`githubassets[1] (acme/single): tag = "v3.1.0"`);
    expect(error.hint).toContain(`sha256 = "${sha(BYTES.single)}"`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('github-assets with GitHub Enterprise Server', () => {
  it('resolves against GITHUB_API_URL with the /api/v3 prefix', async () => {
    const ghes = await startFakeGitHub({ apiPrefix: '/api/v3' });
    try {
      ghes.addRepo('platform/tool');
      ghes.addRelease('platform/tool', { tag: 'v5.0.0', assets: [{ name: 'tool-linux-amd64', content: 'ghes tool' }] });
      write('[[metadata.githubassets]]\nrepo = "platform/tool"\nasset = "tool-linux-{arch}"\n');
      const result = await cli(['check', '--json', '--arch', 'amd64'], { GITHUB_API_URL: ghes.apiUrl });
      expect(result.code, result.stdout).toBe(0);
      expect(JSON.parse(result.stdout).entries[0]).toMatchObject({
        tag: 'v5.0.0',
        asset: 'tool-linux-amd64',
        digest: `sha256:${sha('ghes tool')}`,
      });
      expect(ghes.countRequests({ origin: 'api', path: '/api/v3/repos/platform/tool/releases/latest' })).toBe(1);
      expect(gh.requests).toHaveLength(0);
    } finally {
      await ghes.close();
    }
  });
});
