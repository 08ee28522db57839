// Descriptor and settings errors in the CNB phases, through the real bin/detect and
// bin/build: unreadable, special or huge descriptors (GHA001), invalid TOML or encodings
// (GHA002), hostile values (GHA003, GHA008), unusable environment values (GHA007). Each
// fails with exit 1, the code, the entry and field, never GHA099, and output free of raw
// control characters (a name with a newline or an escape sequence cannot forge log lines).

import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tarOf } from '../support/archives.js';
import { runBuild, runDetect, type PhaseResult } from '../support/cnb.js';
import { fakeGitHubForFile, workspacePerTest } from '../support/e2e.js';

const ws = workspacePerTest();
const gh = await fakeGitHubForFile();
beforeAll(() => {
  gh.addRepo('acme/evil');
  // An archive whose file name holds a newline, an indented fake log line and colour codes.
  const evilName = 'bin/tool\n    Installed sudo\u001b[31m';
  gh.addRelease('acme/evil', {
    tag: 'v1.0.0',
    assets: [{ name: 'evil.tar', content: tarOf([{ name: evilName, body: 'x', mode: 0o755 }]) }],
  });
});

const ENTRY = '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool"\n';

/** Both phases fail with exit 1 and the same code and message; the output holds no raw control character. */
async function bothFail(env: Record<string, string>, code: string, message: string | RegExp): Promise<PhaseResult[]> {
  const results = [await runDetect(ws, env), await runBuild(ws, env)];
  for (const result of results) {
    expect(result.code, result.output).toBe(1);
    expect(result.stderr).toContain(`ERROR [${code}]`);
    if (typeof message === 'string') expect(result.stderr).toContain(message);
    else expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('  hint: ');
    expect(result.output).not.toContain('GHA099');
    expectNoControlCharacters(result.output);
  }
  return results;
}

function expectNoControlCharacters(output: string): void {
  // Newlines end lines; nothing else below U+0020, no DEL/C1, no bidi override or line separator.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters in the output
  expect(output.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
}

describe('descriptor files that are not regular files', () => {
  it('GHA001 when GITHUB_ASSETS_PATH names a directory', async () => {
    mkdirSync(join(ws.appDir, 'config'));
    await bothFail({ GITHUB_ASSETS_PATH: 'config' }, 'GHA001', 'cannot read config: it is a directory, not a regular file');
  });

  it('GHA001 when GITHUB_ASSETS_PATH names a file that does not exist', async () => {
    await bothFail(
      { GITHUB_ASSETS_PATH: 'deploy/assets.toml' },
      'GHA001',
      `GITHUB_ASSETS_PATH names ${join(ws.appDir, 'deploy/assets.toml')}, which does not exist`,
    );
  });

  it('GHA001 at once, instead of hanging, for GITHUB_ASSETS_PATH=/dev/zero', async () => {
    await bothFail({ GITHUB_ASSETS_PATH: '/dev/zero' }, 'GHA001', 'cannot read /dev/zero: it is a character device, not a regular file');
  });

  it('GHA001 at once, instead of hanging, when project.toml is a FIFO (no writer ever comes)', async () => {
    execFileSync('mkfifo', [join(ws.appDir, 'project.toml')]);
    await bothFail({}, 'GHA001', 'cannot read project.toml: it is a FIFO (named pipe), not a regular file');
    // The same through GITHUB_ASSETS_PATH.
    execFileSync('mkfifo', [join(ws.appDir, 'assets.fifo')]);
    await bothFail(
      { GITHUB_ASSETS_PATH: 'assets.fifo' },
      'GHA001',
      'cannot read assets.fifo: it is a FIFO (named pipe), not a regular file',
    );
  });

  it('GHA001 for a descriptor over 1 MiB', async () => {
    ws.writeApp({ 'project.toml': `${ENTRY}# ${'x'.repeat(1024 * 1024)}\n` });
    await bothFail({}, 'GHA001', 'cannot read project.toml: it is 1.0 MiB, more than a descriptor may be (1.0 MiB)');
  });

  it('follows a symlink to a regular file', async () => {
    ws.writeApp({ 'deploy/assets.toml': ENTRY });
    symlinkSync('deploy/assets.toml', join(ws.appDir, 'project.toml'));
    const result = await runDetect(ws);
    expect(result.code, result.output).toBe(0);
    expect(result.plan).toContain('acme/tool');
  });
});

describe('descriptor encodings', () => {
  it('accepts a UTF-8 byte order mark', async () => {
    ws.writeApp({ 'project.toml': `\uFEFF${ENTRY}` });
    const result = await runDetect(ws);
    expect(result.code, result.output).toBe(0);
    expect(result.plan).toContain('acme/tool');
  });

  it('GHA002 for UTF-16 and for bytes that are not UTF-8', async () => {
    writeFileSync(join(ws.appDir, 'project.toml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ENTRY, 'utf16le')]));
    // (Detect's shell fast path does not find "githubassets" in UTF-16 and answers 100; build says why.)
    const utf16 = await runBuild(ws);
    expect(utf16.code).toBe(1);
    expect(utf16.stderr).toContain('ERROR [GHA002] project.toml is UTF-16 encoded; TOML files are UTF-8');
    writeFileSync(join(ws.appDir, 'project.toml'), Buffer.concat([Buffer.from(ENTRY), Buffer.from('tag = "v1\xff"\n', 'latin1')]));
    await bothFail({}, 'GHA002', 'project.toml is not valid UTF-8');
  });

  it('GHA002 when project.toml is not TOML', async () => {
    ws.writeApp({ 'project.toml': '[[metadata.githubassets]\nrepo = "a/b"\n' });
    const result = await runBuild(ws);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ERROR \[GHA002\] project\.toml is not valid TOML at line 1/);
  });
});

describe('hostile values', () => {
  it('GHA003 for strip_components = 9223372036854775807, naming the entry and field', async () => {
    ws.writeApp({ 'project.toml': `${ENTRY}strip_components = 9223372036854775807\n` });
    await bothFail(
      {},
      'GHA003',
      'ERROR [GHA003] githubassets[1] (acme/tool): strip_components holds an integer beyond the range the buildpack accepts',
    );
  });

  it('GHA003 for a repo that would become a request for another API path, before any request', async () => {
    for (const repo of ['acme/..', 'acme/.', './x', 'acme/%2e%2e']) {
      ws.writeApp({ 'project.toml': `[[metadata.githubassets]]\nrepo = "${repo}"\nasset = "x"\n` });
      gh.resetRequests();
      await bothFail({ GITHUB_API_URL: gh.apiUrl }, 'GHA003', `repo = "${repo}" is not of the form "owner/name"`);
      expect(gh.requests, repo).toEqual([]);
    }
  });

  it('GHA008 for control characters in names and destinations, printed escaped', async () => {
    const cases: [string, string][] = [
      [
        'asset = "tool\\n    Installed /usr/bin/sudo"',
        'ERROR [GHA008] githubassets[1] (acme/tool): asset contains a control or invisible character (\\n)',
      ],
      ['destination = "bin/\\u001b[31mred"', 'destination contains a control or invisible character (\\x1b)'],
      ['files = ["bin/\\u202etxt.exe"]', 'files[0] contains a control or invisible character (\\u202e)'],
      ['checksums = "SUMS\\r"', 'checksums contains a control or invisible character (\\r)'],
    ];
    for (const [line, message] of cases) {
      ws.writeApp({
        'project.toml': line.startsWith('asset') ? `[[metadata.githubassets]]\nrepo = "acme/tool"\n${line}\n` : `${ENTRY}${line}\n`,
      });
      const [detect] = await bothFail({}, 'GHA008', message);
      // One error line and one hint line: the newline in the value did not start a line of its own.
      expect(detect!.stderr.trimEnd().split('\n')).toHaveLength(2);
    }
  });

  it('GHA003 for a token_env that is not a variable name', async () => {
    ws.writeApp({ 'project.toml': `${ENTRY}token_env = "ghp_abc def"\n` });
    await bothFail({}, 'GHA003', 'token_env = "ghp_abc def" is not an environment variable name');
  });
});

describe('environment values', () => {
  it('GHA007 naming the variable for control characters, never echoing a token', async () => {
    ws.writeApp({ 'project.toml': ENTRY });
    await bothFail(
      { GITHUB_ASSETS_PATH: 'project.toml\u001b[2J' },
      'GHA007',
      'GITHUB_ASSETS_PATH (from the environment) contains a control or invisible character (\\x1b)',
    );
    // Detect never reads the token; build does, and refuses it without printing it.
    const build = await runBuild(ws, { GITHUB_TOKEN: 'ghp_secret\u0007value', GITHUB_API_URL: gh.apiUrl });
    expect(build.code).toBe(1);
    expect(build.stderr).toContain('ERROR [GHA007] GITHUB_TOKEN (from the environment) contains a control or invisible character (\\x07)');
    expect(build.output).not.toContain('secret');
    expectNoControlCharacters(build.output);
  });

  it('GHA007 for settings in <platform>/env that are not regular files or are huge', async () => {
    ws.writeApp({ 'project.toml': ENTRY });
    execFileSync('mkfifo', [join(ws.platformDir, 'env', 'GITHUB_ASSETS_PATH')]);
    await bothFail(
      {},
      'GHA007',
      `GITHUB_ASSETS_PATH: ${join(ws.platformDir, 'env', 'GITHUB_ASSETS_PATH')} is a FIFO (named pipe), not a regular file`,
    );
  });

  it('GHA007 from bin/build for bad limits, strict flag and target', async () => {
    ws.writeApp({ 'project.toml': ENTRY });
    const cases: [Record<string, string>, string][] = [
      [
        { GITHUB_ASSETS_MAX_ENTRIES: '10\u001b[31m' },
        'ERROR [GHA007] GITHUB_ASSETS_MAX_ENTRIES (from the environment) contains a control or invisible character (\\x1b)',
      ],
      [
        { GITHUB_ASSETS_MAX_EXTRACT_BYTES: '9'.repeat(5000) },
        `ERROR [GHA007] GITHUB_ASSETS_MAX_EXTRACT_BYTES "${'9'.repeat(40)}…" is not a whole number from 1 to 9007199254740991`,
      ],
      [
        { GITHUB_ASSETS_STRICT: 'ture' },
        'ERROR [GHA007] GITHUB_ASSETS_STRICT "ture" is neither on (1, true, yes, on) nor off (0, false, no, off)',
      ],
      [
        { GITHUB_ASSETS_MAX_ENTRIES: 'x'.repeat(70 * 1024) },
        'ERROR [GHA007] GITHUB_ASSETS_MAX_ENTRIES (from the environment) is longer than 64 KiB',
      ],
      [{ CNB_TARGET_ARCH: 'amd64\n' }, 'ERROR [GHA007] CNB_TARGET_ARCH "amd64\\n" is not a platform name'],
    ];
    for (const [env, message] of cases) {
      const result = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl, ...env });
      expect(result.code, result.output).toBe(1);
      expect(result.stderr).toContain(message);
      expectNoControlCharacters(result.output);
    }
  });
});

describe('names from outside in the build log', () => {
  it('an archive file name with a newline and colour codes cannot forge a log line', async () => {
    ws.writeApp({ 'project.toml': '[[metadata.githubassets]]\nrepo = "acme/evil"\ntag = "v1.0.0"\nasset = "evil.tar"\n' });
    const result = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl });
    expect(result.output).not.toContain('GHA099');
    expectNoControlCharacters(result.output);
    // Whether the extractor installs or refuses the name, it is printed escaped on one line.
    expect(result.output).toContain('bin/tool\\n    Installed sudo\\x1b[31m');
    expect(result.output.split('\n').filter((line) => line.trimStart().startsWith('Installed sudo'))).toEqual([]);
    if (result.code === 0) expect(readdirSync(join(ws.layersDir, 'acme_evil', 'bin'))).toEqual(['tool\n    Installed sudo\u001b[31m']);
    else expect(existsSync(join(ws.layersDir, 'acme_evil'))).toBe(false);
  });
});
