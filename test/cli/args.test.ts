import { describe, expect, it } from 'vitest';
import type { BuildpackError } from '../../src/errors.js';
import { parseCommandLine } from '../../src/cli/args.js';
import { renderTable } from '../../src/cli/table.js';
import { targetPaths } from '../../src/cli/check.js';
import { parseDescriptor } from '../../src/descriptor/parse.js';

const host = { os: 'linux', arch: 'arm64' };

function usageError(argv: string[]): BuildpackError {
  try {
    parseCommandLine(argv, host);
  } catch (err) {
    return err as BuildpackError;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('parses check with its defaults and options', () => {
    expect(parseCommandLine(['check'], host)).toEqual({
      kind: 'check',
      file: undefined,
      offline: false,
      target: { os: 'linux', arch: 'arm64' },
      json: false,
    });
    expect(parseCommandLine(['check', 'app/project.toml', '--offline', '--arch', 'x86_64', '--json'], host)).toEqual({
      kind: 'check',
      file: 'app/project.toml',
      offline: true,
      target: { os: 'linux', arch: 'amd64' },
      json: true,
    });
  });

  it('parses pin arches given as a list or repeated, defaulting to amd64 and arm64', () => {
    expect(parseCommandLine(['pin'], host)).toMatchObject({ kind: 'pin', arches: ['amd64', 'arm64'], dryRun: false, os: 'linux' });
    expect(parseCommandLine(['pin', '--arch', 'arm64,amd64', '--dry-run'], host)).toMatchObject({
      arches: ['arm64', 'amd64'],
      dryRun: true,
    });
    expect(parseCommandLine(['pin', '--arch', 'aarch64', '--arch', 'arm64'], host)).toMatchObject({ arches: ['arm64'] });
  });

  it('answers help and version in every spelling', () => {
    expect(parseCommandLine([], host)).toEqual({ kind: 'help', topic: 'main', json: false });
    expect(parseCommandLine(['--help'], host)).toMatchObject({ kind: 'help', topic: 'main' });
    expect(parseCommandLine(['help', 'pin'], host)).toMatchObject({ kind: 'help', topic: 'pin' });
    expect(parseCommandLine(['check', '-h'], host)).toMatchObject({ kind: 'help', topic: 'check' });
    expect(parseCommandLine(['--version'], host)).toEqual({ kind: 'version', json: false });
  });

  it('reports usage mistakes as GHA060 naming the option', () => {
    const cases: [string[], RegExp][] = [
      [['deploy'], /unknown command "deploy"/],
      [['check', '--offfline'], /check: Unknown option '--offfline'/],
      [['check', '--arch'], /check: Option '--arch <value>' argument missing/],
      [['check', 'a.toml', 'b.toml'], /check takes one file, got 2: a.toml b.toml/],
      [['pin', '--arch', 'sparc'], /pin: unknown architecture "sparc"/],
      [['help', 'deploy'], /unknown command "deploy"/],
    ];
    for (const [argv, message] of cases) {
      const err = usageError(argv);
      expect(err.code, argv.join(' ')).toBe('GHA060');
      expect(err.message).toMatch(message);
      expect(err.hint).toBeTruthy();
    }
  });
});

describe('renderTable', () => {
  it('aligns columns by display width and does not pad the last one', () => {
    expect(
      renderTable(
        ['A', 'BB', 'C'],
        [
          ['xyz', '…', 'last'],
          ['1', '22', ''],
        ],
      ),
    ).toBe('A    BB  C\nxyz  …   last\n1    22\n');
  });
});

describe('targetPaths', () => {
  const spec = (extra: string) => parseDescriptor(`[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "x"\n${extra}`).specs[0]!;
  it('names the file for raw binaries and the directory for archives', () => {
    expect(targetPaths(spec(''), 'tool-linux-amd64', '/layers/bp')).toEqual(['/layers/bp/acme_tool/bin/tool-linux-amd64']);
    expect(targetPaths(spec('destination = "bin/tool"'), 'tool-linux-amd64', '/layers/bp')).toEqual(['/layers/bp/acme_tool/bin/tool']);
    expect(targetPaths(spec('destination = "opt/"'), 'tool', '/layers/bp')).toEqual(['/layers/bp/acme_tool/opt/tool']);
    expect(targetPaths(spec('destination = "bin"'), 'tool_1.0_linux_amd64.tar.gz', '/layers/bp')).toEqual(['/layers/bp/acme_tool/bin/']);
    expect(targetPaths(spec(''), 'tool.zip', '/layers/bp/')).toEqual(['/layers/bp/acme_tool/']);
  });
});
